package dev.helmholtz.adversarial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.GanLoss;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.Training;
import dev.helmholtz.variational.LinearGaussian;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdversarialModelTest {
  private static Dataset standardNormal(int n, long seed) {
    Random random = new Random(seed);
    float[][] rows = new float[n][1];
    for (float[] row : rows) {
      row[0] = (float) random.nextGaussian();
    }
    return Dataset.of("x", rows);
  }

  private static double normalDensity(double x, double mean, double std) {
    double u = (x - mean) / std;
    return Math.exp(-0.5 * u * u) / (std * Math.sqrt(2 * Math.PI));
  }

  @Test
  void discriminatorTrainedAgainstAFixedGeneratorIsOptimal() {
    // p_data = N(0, 1), p_g = N(1, 0.7^2): D*(x) = p_data / (p_data + p_g) (Goodfellow et al. 2014, Prop. 1).
    try (OneDimensionalGan gan = new OneDimensionalGan(Seed.of(3), GanLoss.NON_SATURATING, 1f, 0.7f)) {
      assertTrue(gan.generatorParameterNames().isEmpty());
      gan.fit(standardNormal(20_000, 1), Training.epochs(30).batchSize(500).adam(1e-2).seed(2));
      float[][] grid = new float[9][1];
      for (int i = 0; i < grid.length; i++) {
        grid[i][0] = -1f + 0.375f * i;
      }
      float[] logits = gan.discriminate(Dataset.of("x", grid));
      double worst = 0;
      for (int i = 0; i < grid.length; i++) {
        double x = grid[i][0];
        double optimal = normalDensity(x, 0, 1) / (normalDensity(x, 0, 1) + normalDensity(x, 1, 0.7));
        double trained = 1 / (1 + Math.exp(-logits[i]));
        worst = Math.max(worst, Math.abs(trained - optimal));
      }
      assertTrue(worst < 0.06, "largest |D(x) - D*(x)| on [-1, 2] is " + worst);
    }
  }

  @Test
  void gameValueApproachesMinusLogFourWhenTheGeneratorMatchesTheData() {
    try (OneDimensionalGan gan = new OneDimensionalGan(Seed.of(5), GanLoss.MINIMAX, 0f, 1f)) {
      gan.fit(standardNormal(10_000, 4), Training.epochs(10).batchSize(500).adam(3e-3).seed(1));
      double value = gan.gameValue(standardNormal(20_000, 9));
      assertEquals(-Math.log(4), value, 0.02, "value of the game at p_g = p_data");
    }
  }

  /**
   * A checkpoint brings a GAN back exactly: a model of the same class and seed, restored, trains on
   * to the same weights and draws, bit for bit, as the uninterrupted one (both players, both
   * optimizers, the random streams, the step count); a checkpoint of another model is refused.
   */
  @Test
  void checkpointResumesTrainingExactly(@TempDir Path dir) throws Exception {
    Dataset data = standardNormal(2_000, 4);
    Training first = Training.epochs(1).batchSize(100).adam(3e-3).seed(1).progress(ProgressListener.silent());
    Training second = first.seed(2);
    Path checkpoint = dir.resolve("gan");
    Dataset probe = standardNormal(50, 7);
    float[] uninterrupted; // the discriminator's logits on the probe: they depend on all of training
    float[][] drawn;
    long steps;
    try (OneDimensionalGan gan = new OneDimensionalGan(Seed.of(6), GanLoss.NON_SATURATING, 1f, 0.5f)) {
      gan.fit(data, first);
      gan.saveCheckpoint(checkpoint);
      gan.fit(data, second);
      uninterrupted = gan.discriminate(probe);
      drawn = gan.generate(5).get("x");
      steps = gan.stepsTaken();
    }
    // A model of the same class and seed (the seed fixes its random ops), fresh: what it does
    // without the checkpoint differs.
    try (OneDimensionalGan fresh = new OneDimensionalGan(Seed.of(6), GanLoss.NON_SATURATING, 1f, 0.5f)) {
      fresh.fit(data, second);
      assertTrue(!java.util.Arrays.equals(uninterrupted, fresh.discriminate(probe)));
    }
    try (OneDimensionalGan gan = new OneDimensionalGan(Seed.of(6), GanLoss.NON_SATURATING, 1f, 0.5f)) {
      assertEquals(checkpoint, gan.restoreCheckpoint(checkpoint));
      gan.fit(data, second);
      assertArrayEquals(uninterrupted, gan.discriminate(probe));
      assertArrayEquals(drawn, gan.generate(5).get("x"));
      assertEquals(steps, gan.stepsTaken());
      FileAlreadyExistsException again = assertThrows(FileAlreadyExistsException.class, () -> gan.saveCheckpoint(checkpoint));
      assertTrue(again.getMessage().contains(checkpoint.toString()), again.getMessage());
    }
    try (LinearGaussian other = new LinearGaussian(Seed.of(1), dev.helmholtz.annotations.ObjectiveKind.ELBO, 1, true)) {
      IOException e = assertThrows(IOException.class, () -> other.restoreCheckpoint(checkpoint));
      assertTrue(e.getMessage().contains("is a checkpoint of"), e.getMessage());
    }
  }

  @Test
  void samplesAndRejectsDataWithoutTheGeneratedColumn() {
    try (OneDimensionalGan gan = new OneDimensionalGan(Seed.of(1), GanLoss.HINGE, 0f, 1f)) {
      float[][] x = gan.generate(7).get("x");
      assertEquals(7, x.length);
      var wrong = Dataset.of("y", new float[3][1]);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gan.discriminate(wrong));
      assertTrue(e.getMessage().contains("no column 'x'"), e.getMessage());
    }
  }

  /** The core every kind shares: all variables by name in creation order, their values, and closing. */
  @Test
  void readsItsParametersThroughTheCompiledModelAndRefusesThemOnceClosed() {
    OneDimensionalGan gan = new OneDimensionalGan(Seed.of(3), GanLoss.NON_SATURATING, 1f, 0.5f);
    List<String> both = new ArrayList<>(gan.generatorParameterNames());
    both.addAll(gan.discriminatorParameterNames());
    assertEquals(both, gan.parameterNames());
    for (String name : both) {
      assertTrue(gan.parameter(name).length > 0, name);
    }
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> gan.parameter("nope"));
    assertTrue(unknown.getMessage().contains("its variables are " + both), unknown.getMessage());
    gan.close();
    IllegalStateException closed = assertThrows(IllegalStateException.class, gan::parameterNames);
    assertTrue(closed.getMessage().endsWith("model is closed"), closed.getMessage());
    gan.close();
  }
}
