package dev.helmholtz.samples.mmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.GaussianRing;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.cli.HelmholtzCli;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The moment-matching generators: a short run on the ring lowers the held-out MMD^2 and moves
 * the samples onto the modes; the model has no discriminator and says so; the commands run end
 * to end on small settings.
 */
class MomentMatchingModelTest {
  @Test
  void shortRunOnTheRingLowersTheDiscrepancy() {
    GaussianRing ring = GaussianRing.eight();
    Dataset heldOut = ring.dataset("x", 1000, 99);
    try (RingMmdModel mmd = RingMmdModel.create(new RingMmd(), Seed.of(1), ThreadSettings.defaults())) {
      assertTrue(mmd.discriminatorParameterNames().isEmpty(), "no discriminator");
      assertTrue(!mmd.generatorParameterNames().isEmpty());
      double before = mmd.discrepancy(heldOut);
      double untrained = meanDistanceToNearestMode(ring, mmd.sample(1000));
      mmd.fit(ring.dataset("x", 10_000, 1), Training.epochs(100).maxSteps(400).batchSize(256).adam(3e-3)
          .seed(1).progress(ProgressListener.silent()));
      double after = mmd.discrepancy(heldOut);
      double trained = meanDistanceToNearestMode(ring, mmd.sample(1000));
      assertTrue(after < before / 4, "MMD^2 " + before + " -> " + after);
      // Untrained, the samples sit near the origin, 2 from every mode; trained, near the ring's modes.
      assertTrue(trained < untrained / 2, "mean distance to the nearest mode " + untrained + " -> " + trained);
      IllegalStateException refused = assertThrows(IllegalStateException.class, () -> mmd.discriminate(heldOut));
      assertTrue(refused.getMessage().contains("moment matching"), refused.getMessage());
    }
  }

  private static double meanDistanceToNearestMode(GaussianRing ring, float[][] samples) {
    double sum = 0;
    for (float[] s : samples) {
      double nearest = Double.POSITIVE_INFINITY;
      for (int i = 0; i < ring.modes(); i++) {
        double[] c = ring.centre(i);
        nearest = Math.min(nearest, Math.hypot(s[0] - c[0], s[1] - c[1]));
      }
      sum += nearest;
    }
    return sum / samples.length;
  }

  @Test
  void commandsWriteTheirResults(@TempDir Path dir) throws Exception {
    Path ring = dir.resolve("ring");
    assertEquals(0, HelmholtzCli.commandLine().execute("mmd-ring", "--steps", "20", "--batch-size", "64",
        "--samples", "200", "--output", ring.toString()));
    assertTrue(Files.readString(ring.resolve("metrics.json")).contains("\"held_out_mmd2\""));
    Path mnist = dir.resolve("mnist");
    assertEquals(0, HelmholtzCli.commandLine().execute("mmd", "--epochs", "1", "--train-examples", "128",
        "--batch-size", "64", "--output", mnist.toString()));
    assertTrue(Files.size(mnist.resolve("samples-epoch-001.png")) > 0);
    assertTrue(Files.readString(mnist.resolve("metrics.json")).contains("\"generator_mmd2\""));
  }
}
