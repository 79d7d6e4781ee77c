package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Mnist;
import dev.helmholtz.train.ThreadSettings;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The data and machine options every MNIST command shares (a picocli mixin). */
public final class MnistOptions {
  @Option(names = "--data", description = "Directory with the four MNIST .gz files (default: the copy bundled with Helmholtz).")
  Path data;

  @Option(names = "--train-examples", description = "Train on the first N training images only (default: all 60000).")
  Integer trainExamples;

  @Option(names = "--test-examples", description = "Evaluate on the first N test images only (default: all 10000).")
  Integer testExamples;

  @Option(names = "--threads", split = ",", description = "TensorFlow intra-op,inter-op threads and training towers: intra,inter[,towers] (default: measured defaults).")
  int[] threads;

  @Option(names = "--seed", defaultValue = "1", description = "Seed for initialization, batching and sampling (default: ${DEFAULT-VALUE}).")
  long seed;

  Mnist load() throws IOException {
    return data == null ? Mnist.loadDefault() : Mnist.load(data);
  }

  Mnist.Split train(Mnist mnist) {
    return trainExamples == null ? mnist.train() : mnist.train().take(trainExamples);
  }

  Mnist.Split test(Mnist mnist) {
    return testExamples == null ? mnist.test() : mnist.test().take(testExamples);
  }

  ThreadSettings threadSettings() {
    return ThreadSettings.fromCounts(threads);
  }
}
