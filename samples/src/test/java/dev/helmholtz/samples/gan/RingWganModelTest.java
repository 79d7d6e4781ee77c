package dev.helmholtz.samples.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.GaussianRing;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * WGAN-GP on the ring of 8 Gaussians: a short seeded run finds every mode. The default (pinned)
 * thread settings, as the wgan-gp-ring command uses: WGAN-GP runs are seed- and thread-sensitive
 * (at 1/1 threads the same 3000 steps covered 2 modes).
 */
class RingWganModelTest {
  @Test
  void shortRunCoversAllEightModes() {
    GaussianRing ring = GaussianRing.eight();
    // Untrained, in a model of its own: sampling before fit in the same session changed this run's
    // outcome (2 of 8 modes instead of 8); see the branch's notes.
    try (RingWganModel untrained = RingWganModel.create(new RingWgan(), Seed.of(1), ThreadSettings.defaults())) {
      GaussianRing.Coverage before = ring.coverage(untrained.sample(2500));
      assertTrue(before.modesCovered() < 8, "untrained: " + Arrays.toString(before.perMode()));
    }
    try (RingWganModel wgan = RingWganModel.create(new RingWgan(), Seed.of(1), ThreadSettings.defaults())) {
      wgan.fit(ring.dataset("x", 50_000, 1), Training.epochs(100).maxSteps(3000).batchSize(256).adam(3e-3)
          .seed(1).progress(ProgressListener.silent()));
      assertEquals(5, wgan.spec().discriminatorSteps());
      GaussianRing.Coverage after = ring.coverage(wgan.sample(2500));
      assertEquals(8, after.modesCovered(), "samples per mode " + Arrays.toString(after.perMode()));
      assertTrue(after.highQuality() > 0.3, "high-quality fraction " + after.highQuality());
    }
  }
}
