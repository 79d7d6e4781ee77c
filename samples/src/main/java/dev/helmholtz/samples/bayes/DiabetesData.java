package dev.helmholtz.samples.bayes;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The diabetes regression data of Efron et al. (2004), bundled as a resource (diabetes.csv; its
 * source and licence in diabetes.txt beside it): 442 patients, 10 features, a disease-progression
 * target. {@link #split} shuffles it with a seed into training and test sets and standardizes
 * features and target by the training set's means and sds, the protocol of the UCI regression
 * benchmarks of Hernandez-Lobato &amp; Adams (2015).
 */
public final class DiabetesData {
  public static final int FEATURES = 10;
  public static final int SIZE = 442;

  private DiabetesData() {}

  /**
   * A standardized train/test split.
   *
   * @param trainX [n][10], standardized
   * @param trainY [n][1], standardized
   * @param testX standardized by the training statistics
   * @param testY standardized by the training statistics
   * @param yMean the training target's mean
   * @param ySd the training target's sd: a log density of a standardized y is one of the
   *     original y plus log(ySd)
   */
  public record Split(float[][] trainX, float[][] trainY, float[][] testX, float[][] testY, double yMean,
      double ySd) {}

  /** All 442 rows, [row][11]: the ten features, then the target. */
  public static double[][] rows() {
    try (InputStream in = DiabetesData.class.getResourceAsStream("diabetes.csv")) {
      if (in == null) {
        throw new IllegalStateException("the resource diabetes.csv is missing from the samples jar");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
      reader.readLine(); // header
      List<double[]> rows = new ArrayList<>();
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split(",");
        double[] row = new double[FEATURES + 1];
        for (int j = 0; j <= FEATURES; j++) {
          row[j] = Double.parseDouble(cells[j]);
        }
        rows.add(row);
      }
      if (rows.size() != SIZE) {
        throw new IllegalStateException("diabetes.csv has " + rows.size() + " rows, expected " + SIZE);
      }
      return rows.toArray(new double[0][]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code testFraction} of the rows (rounded) held out at random by {@code seed}, the rest for training. */
  public static Split split(double testFraction, long seed) {
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new IllegalArgumentException("the test fraction must be in (0, 1), was " + testFraction);
    }
    double[][] rows = rows();
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = rows.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      double[] t = rows[i];
      rows[i] = rows[j];
      rows[j] = t;
    }
    int test = (int) Math.round(testFraction * rows.length);
    int train = rows.length - test;
    double[] mean = new double[FEATURES + 1];
    double[] sd = new double[FEATURES + 1];
    for (int j = 0; j <= FEATURES; j++) {
      for (int i = 0; i < train; i++) {
        mean[j] += rows[i][j] / train;
      }
      for (int i = 0; i < train; i++) {
        sd[j] += Math.pow(rows[i][j] - mean[j], 2) / (train - 1);
      }
      sd[j] = Math.sqrt(sd[j]);
    }
    float[][][] x = {new float[train][FEATURES], new float[test][FEATURES]};
    float[][][] y = {new float[train][1], new float[test][1]};
    for (int i = 0; i < rows.length; i++) {
      int part = i < train ? 0 : 1;
      int r = i < train ? i : i - train;
      for (int j = 0; j < FEATURES; j++) {
        x[part][r][j] = (float) ((rows[i][j] - mean[j]) / sd[j]);
      }
      y[part][r][0] = (float) ((rows[i][FEATURES] - mean[FEATURES]) / sd[FEATURES]);
    }
    return new Split(x[0], y[0], x[1], y[1], mean[FEATURES], sd[FEATURES]);
  }
}
