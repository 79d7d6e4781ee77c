package dev.helmholtz.samples.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The sample-quality options of the MNIST GAN commands (a picocli mixin). */
public final class GanQualityOptions {
  @Option(names = "--quality", description = "After training, report the Frechet distance of generated digits on a "
      + "small MNIST classifier's features and their class histogram.")
  boolean quality;

  @Option(names = "--classifier", defaultValue = "out/mnist-classifier.bin",
      description = "The classifier's weights: loaded if present, else trained once and saved (default: ${DEFAULT-VALUE}).")
  Path classifier;

  @Option(names = "--quality-samples", defaultValue = "2000",
      description = "Generated and real digits the quality measure compares (default: ${DEFAULT-VALUE}).")
  int samples;

  void check() {
    if (samples < 2) {
      throw new IllegalArgumentException("--quality-samples must be at least 2, was " + samples);
    }
  }
}
