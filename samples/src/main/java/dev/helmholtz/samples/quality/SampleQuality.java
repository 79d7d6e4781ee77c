package dev.helmholtz.samples.quality;

import dev.helmholtz.eval.FrechetDistance;
import java.util.Arrays;
import java.util.Locale;

/**
 * How generated MNIST digits compare with real ones under a {@link MnistClassifier}: the Fréchet
 * distance between the two sets' feature Gaussians, and the generated digits' class histogram.
 *
 * @param frechetDistance on the classifier's 64 penultimate features (lower is better; two halves
 *     of the test set give the floor)
 * @param classCounts generated digits classified as each of 0..9
 */
public record SampleQuality(double frechetDistance, int[] classCounts) {
  /** Scores {@code generated} against {@code real} images. */
  public static SampleQuality of(MnistClassifier classifier, float[][] generated, float[][] real) {
    double fd = FrechetDistance.between(classifier.features(generated), classifier.features(real));
    int[] counts = new int[10];
    for (int digit : classifier.classify(generated)) {
      counts[digit]++;
    }
    return new SampleQuality(fd, counts);
  }

  /** Digits with at least 2% of the samples (of 10). */
  public int classesPresent() {
    int total = Arrays.stream(classCounts).sum();
    return (int) Arrays.stream(classCounts).filter(c -> c >= 0.02 * total).count();
  }

  /** {@code FD 12.34, classes present 10/10, histogram [..]}. */
  public String describe() {
    return String.format(Locale.ROOT, "Frechet distance %.2f, classes present %d/10, histogram %s",
        frechetDistance, classesPresent(), Arrays.toString(classCounts));
  }
}
