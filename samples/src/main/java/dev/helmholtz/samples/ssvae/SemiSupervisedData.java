package dev.helmholtz.samples.ssvae;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.Mnist;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A semi-supervised training set from MNIST: every training image unlabelled (a zero row in
 * column {@code y}), plus a balanced set of labelled images (the same number per class, chosen
 * by a seed) with one-hot labels, repeated so that they make up about {@code labelShare} of the
 * rows. With 100 labels in 60000 rows a shuffled batch of 100 would hold a label once in six
 * batches; repeated to a tenth of the rows, every batch holds about ten. Oversampling needs
 * nothing of the training loop, unlike alternating labelled and unlabelled batches.
 *
 * @param train the training set: columns {@code x} (images, not yet binarized) and {@code y}
 * @param labelled the indices in the split of the labelled images
 * @param repeats how many times each labelled image appears in {@code train}
 */
public record SemiSupervisedData(Dataset train, int[] labelled, int repeats) {
  /** Kingma et al.'s alpha: the classification term weighs 0.1 N in all, N the training rows. */
  public static final double KINGMA_ALPHA = 0.1;

  /**
   * The classification weight of one labelled row of {@link #train}: Kingma et al.'s beta =
   * alpha N / N_l (alpha = 0.1) with N the training rows and N_l the labelled rows, every copy
   * counted, so that an epoch weighs the classification term 0.1 N in all however often the labels
   * are repeated. 100 labels repeated 67 times in 66,700 rows give 0.1 * 66,700 / 6,700 = 0.996
   * per copy, where the model's 60 (0.1 * 60,000 / 100) is right for labels that appear once.
   */
  public double classificationWeight() {
    return classificationWeight(KINGMA_ALPHA);
  }

  /** The classification weight of one labelled row for Kingma et al.'s {@code alpha}: alpha N / N_l. */
  public double classificationWeight(double alpha) {
    return alpha * train.size() / ((double) repeats * labelled.length);
  }

  /**
   * @throws IllegalArgumentException when {@code labels} is not a positive multiple of the class
   *     count, a class has too few images, or {@code labelShare} is not in [0, 1)
   */
  public static SemiSupervisedData of(Mnist.Split split, int labels, double labelShare, long seed) {
    if (labels < Mnist.CLASSES || labels % Mnist.CLASSES != 0) {
      throw new IllegalArgumentException("--labels must be a positive multiple of " + Mnist.CLASSES
          + " (the same number per class), was " + labels);
    }
    if (!(labelShare >= 0 && labelShare < 1)) {
      throw new IllegalArgumentException("--label-share must be in [0, 1), was " + labelShare);
    }
    int perClass = labels / Mnist.CLASSES;
    int[] order = shuffled(split.size(), seed);
    List<Integer> chosen = new ArrayList<>();
    int[] taken = new int[Mnist.CLASSES];
    for (int i : order) {
      int label = split.labels()[i];
      if (taken[label] < perClass) {
        taken[label]++;
        chosen.add(i);
      }
    }
    for (int c = 0; c < Mnist.CLASSES; c++) {
      if (taken[c] < perClass) {
        throw new IllegalArgumentException("--labels " + labels + " needs " + perClass + " images of digit " + c
            + ", but the " + split.size() + " training images hold " + taken[c]);
      }
    }
    int[] labelled = chosen.stream().mapToInt(Integer::intValue).sorted().toArray();
    int repeats = Math.max(1, (int) Math.round(labelShare / (1 - labelShare) * split.size() / labels));
    int rows = split.size() + repeats * labels;
    float[][] images = new float[rows][];
    float[][] oneHot = new float[rows][Mnist.CLASSES];
    for (int i = 0; i < split.size(); i++) {
      images[i] = split.images()[i];
    }
    int row = split.size();
    for (int r = 0; r < repeats; r++) {
      for (int i : labelled) {
        images[row] = split.images()[i];
        oneHot[row][split.labels()[i]] = 1f;
        row++;
      }
    }
    return new SemiSupervisedData(Dataset.of("x", images).with("y", oneHot), labelled, repeats);
  }

  private static int[] shuffled(int n, long seed) {
    int[] order = new int[n];
    Arrays.setAll(order, i -> i);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
