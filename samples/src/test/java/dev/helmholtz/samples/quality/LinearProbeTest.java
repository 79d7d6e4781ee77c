package dev.helmholtz.samples.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The linear probe separates what a line separates, and guesses what nothing separates. */
class LinearProbeTest {
  @Test
  void separatesLinearlySeparableClassesAndNotNoise() {
    Random random = new Random(3);
    int n = 600;
    float[][] features = new float[n][3];
    int[] labels = new int[n];
    int[] shuffled = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 3;
      // class k sits around 5 * e_k, one unit of noise: a linear rule separates them
      for (int j = 0; j < 3; j++) {
        features[i][j] = (float) (random.nextGaussian() + (j == labels[i] ? 5 : 0));
      }
      shuffled[i] = random.nextInt(3);
    }
    LinearProbe probe = LinearProbe.train(features, labels, 3, 5, 0.1, 1);
    assertEquals(1.0, probe.accuracy(features, labels), 0.01);
    double chance = LinearProbe.train(features, shuffled, 3, 5, 0.1, 1).accuracy(features, shuffled);
    assertTrue(chance < 0.45, "labels unrelated to the features: " + chance);
  }
}
