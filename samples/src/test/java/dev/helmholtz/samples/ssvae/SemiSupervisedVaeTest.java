package dev.helmholtz.samples.ssvae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The semi-supervised VAE trains on a few labels and many unlabelled digits: the bound with the
 * label summed out improves and the classifier q(y | x) beats chance on held-out digits.
 */
class SemiSupervisedVaeTest {
  @Test
  void aShortRunImprovesTheBoundAndClassifiesBetterThanChance() throws IOException {
    Mnist mnist = Mnist.loadDefault();
    Mnist.Split train = mnist.train().take(2000);
    SemiSupervisedData semi = SemiSupervisedData.of(train, 100, 0.3, 3);
    Dataset data = semi.train().dynamicallyBinarized("x");
    Mnist.Split testSplit = mnist.test().take(500);
    Dataset test = testSplit.dataset("x").binarized("x", 1);
    try (SemiSupervisedVaeModel model = SemiSupervisedVaeModel.create(new SemiSupervisedVae(), Seed.of(4),
        ThreadSettings.of(1, 1))) {
      double before = model.elbo(test);
      model.fit(data, Training.epochs(1).batchSize(100).adam(1e-3).progress(ProgressListener.silent()));
      double after = model.elbo(test);
      assertTrue(after > before + 50, "test ELBO (y summed out) before " + before + ", after " + after);

      int[] predicted = model.classify(test);
      int correct = 0;
      for (int i = 0; i < predicted.length; i++) {
        correct += predicted[i] == testSplit.labels()[i] ? 1 : 0;
      }
      // Chance is 10 %: 50 of 500, give or take 7.
      assertTrue(correct > 150, "correct test classifications: " + correct + " of " + predicted.length);

      float[][] probabilities = model.classProbabilities(testSplit.images());
      double sum = 0;
      for (float p : probabilities[0]) {
        sum += p;
      }
      assertEquals(1, sum, 1e-5);
      float[][] digits = model.sampleClasses(0, 1, 9);
      assertEquals(3, digits.length);
      assertEquals(784, digits[0].length);
      IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> model.sampleClasses(10));
      assertEquals("classes[0] = 10, but 'y' of dev.helmholtz.samples.ssvae.SemiSupervisedVae has classes 0..9",
          bad.getMessage());
    }
  }

  @Test
  void labelsAreBalancedChosenBySeedAndRepeatedToTheirShare() throws IOException {
    Mnist.Split train = Mnist.loadDefault().train().take(3000);
    SemiSupervisedData semi = SemiSupervisedData.of(train, 50, 0.1, 7);
    assertEquals(50, semi.labelled().length);
    int[] perClass = new int[Mnist.CLASSES];
    for (int i : semi.labelled()) {
      perClass[train.labels()[i]]++;
    }
    assertArrayEquals(new int[] {5, 5, 5, 5, 5, 5, 5, 5, 5, 5}, perClass);
    // 50 * r / (3000 + 50 * r) is about 0.1: r = round(0.1 / 0.9 * 3000 / 50) = 7.
    assertEquals(7, semi.repeats());
    assertEquals(3000 + 7 * 50, semi.train().size());
    float[] y = semi.train().flat("y");
    int labelledRows = 0;
    for (int row = 0; row < semi.train().size(); row++) {
      float sum = 0;
      for (int j = 0; j < Mnist.CLASSES; j++) {
        sum += y[row * Mnist.CLASSES + j];
      }
      labelledRows += sum == 1 ? 1 : 0;
    }
    assertEquals(7 * 50, labelledRows);
    assertArrayEquals(semi.labelled(), SemiSupervisedData.of(train, 50, 0.1, 7).labelled(), "same seed, same labels");
    assertTrue(!java.util.Arrays.equals(semi.labelled(), SemiSupervisedData.of(train, 50, 0.1, 8).labelled()),
        "another seed, other labels");
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> SemiSupervisedData.of(train, 15, 0.1, 7));
    assertEquals("--labels must be a positive multiple of 10 (the same number per class), was 15", bad.getMessage());
  }
}
