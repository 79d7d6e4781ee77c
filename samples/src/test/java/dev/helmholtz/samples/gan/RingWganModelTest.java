package dev.helmholtz.samples.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.GaussianRing;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WGAN-GP on the ring of 8 Gaussians: a short seeded run finds every mode.
 *
 * <p>A GAN's trajectory is chaotic: which checkpoint lands on the modes depends on the noise
 * stream and on the thread settings of the JVM's first session (TensorFlow's process-wide pools).
 * So the test trains in chunks of 1,000 critic steps and asks for all 8 modes with at least 40% of
 * the samples of high quality at some checkpoint within 8,000. With the toy penalty weight 0.1
 * ({@link RingWgan}), seeds 1 to 4 got there at 3,000 to 6,000 steps with TensorFlow's normal op
 * and with Box-Muller normal draws alike; with the penalty 10 and Adam 3e-3 as before, one seed of
 * four did with the Box-Muller draws. The seed is {@code -Dhelmholtz.test.seed=N} (default 1);
 * checked at 1, 2 and 3, and at 7 and 8 in a later session (289 s and 323 s on a machine loaded at
 * 50 on 2 cores).
 */
class RingWganModelTest {
  /** Both players' state comes back from a checkpoint: training on from it is bit for bit the same. */
  @Test
  void checkpointResumesBothPlayersExactly(@TempDir Path dir) throws Exception {
    GaussianRing ring = GaussianRing.eight();
    var data = ring.dataset("x", 5_000, 1);
    Training part = Training.epochs(100).maxSteps(300).batchSize(256).adam(1e-3).progress(ProgressListener.silent());
    Path checkpoint = dir.resolve("ring");
    float[][] expected;
    try (RingWganModel wgan = RingWganModel.create(new RingWgan(), Seed.of(3), ThreadSettings.defaults())) {
      wgan.fit(data, part.seed(1));
      wgan.saveCheckpoint(checkpoint);
      wgan.fit(data, part.seed(2));
      expected = wgan.sample(200);
    }
    try (RingWganModel wgan = RingWganModel.create(new RingWgan(), Seed.of(3), ThreadSettings.defaults())) {
      wgan.restoreCheckpoint(checkpoint);
      wgan.fit(data, part.seed(2));
      assertArrayEquals(expected, wgan.sample(200));
    }
  }

  @Test
  void shortRunCoversAllEightModes() {
    GaussianRing ring = GaussianRing.eight();
    long seed = Long.getLong("helmholtz.test.seed", 1);
    try (RingWganModel wgan = RingWganModel.create(new RingWgan(), Seed.of(seed), ThreadSettings.defaults())) {
      GaussianRing.Coverage before = ring.coverage(wgan.sample(2500));
      assertTrue(before.modesCovered() < 8, "untrained: " + Arrays.toString(before.perMode()));
      assertEquals(5, wgan.spec().discriminatorSteps());
      var data = ring.dataset("x", 50_000, seed);
      GaussianRing.Coverage after = before;
      StringBuilder history = new StringBuilder();
      for (int chunk = 1; chunk <= 8 && (after.modesCovered() < 8 || after.highQuality() < 0.4); chunk++) {
        wgan.fit(data, Training.epochs(100).maxSteps(1000).batchSize(256).adam(1e-3).seed(chunk)
            .progress(ProgressListener.silent()));
        after = ring.coverage(wgan.sample(2500));
        history.append(chunk * 1000).append(" steps: ").append(Arrays.toString(after.perMode())).append("; ");
      }
      assertEquals(8, after.modesCovered(), history.toString());
      assertTrue(after.highQuality() >= 0.4, "high-quality fraction " + after.highQuality() + "; " + history);
    }
  }
}
