package dev.helmholtz.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.GanLoss;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.distributed.Cluster;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.Training;
import org.junit.jupiter.api.Test;

/** A model that cannot train data-parallel refuses a cluster rather than train alone unnoticed. */
class AdversarialClusterTest {
  @Test
  void aGanRefusesAClusterBeforeAnyStep() {
    try (OneDimensionalGan gan = new OneDimensionalGan(Seed.of(3), GanLoss.NON_SATURATING, 1f, 0.7f)) {
      Dataset data = Dataset.of("x", new float[][] {{0f}, {1f}, {2f}, {3f}});
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gan.fit(data,
          Training.epochs(1).batchSize(2).cluster(Cluster.parse("127.0.0.1:1,127.0.0.1:2", 0))));
      assertTrue(e.getMessage().contains("cannot train data-parallel"), e.getMessage());
      assertEquals(0, gan.stepsTaken());
    }
  }
}
