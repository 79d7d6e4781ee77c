package dev.helmholtz.samples.cli;

import dev.helmholtz.data.Mnist;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the MNIST files are and how much of them to use (a picocli mixin): for the commands that
 * take their seed and threads from {@link TrainingOptions}, and inside {@link MnistOptions} for
 * the others.
 */
public final class MnistDataOptions {
  @Option(names = "--data", description = "Directory with the four MNIST .gz files (default: the copy bundled with Helmholtz).")
  Path data;

  @Option(names = "--train-examples", description = "Train on the first N training images only (default: all 60000).")
  Integer trainExamples;

  @Option(names = "--test-examples", description = "Evaluate on the first N test images only (default: all 10000).")
  Integer testExamples;

  Mnist load() throws IOException {
    return data == null ? Mnist.loadDefault() : Mnist.load(data);
  }

  Mnist.Split train(Mnist mnist) {
    return trainExamples == null ? mnist.train() : mnist.train().take(positive("--train-examples", trainExamples));
  }

  Mnist.Split test(Mnist mnist) {
    return testExamples == null ? mnist.test() : mnist.test().take(positive("--test-examples", testExamples));
  }

  private static int positive(String option, int n) {
    if (n < 1) {
      throw new IllegalArgumentException(option + " must be >= 1, was " + n);
    }
    return n;
  }
}
