package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Mnist;
import dev.helmholtz.train.ThreadSettings;
import java.io.IOException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The data and machine options every MNIST command shares (a picocli mixin). */
public final class MnistOptions {
  @Mixin
  MnistDataOptions files;

  @Option(names = "--threads", split = ",", description = "TensorFlow intra-op,inter-op threads and training towers: intra,inter[,towers] (default: measured defaults).")
  int[] threads;

  @Option(names = "--seed", defaultValue = "1", description = "Seed for initialization, batching and sampling (default: ${DEFAULT-VALUE}).")
  long seed;

  Mnist load() throws IOException {
    return files.load();
  }

  Mnist.Split train(Mnist mnist) {
    return files.train(mnist);
  }

  Mnist.Split test(Mnist mnist) {
    return files.test(mnist);
  }

  ThreadSettings threadSettings() {
    return ThreadSettings.fromCounts(threads);
  }
}
