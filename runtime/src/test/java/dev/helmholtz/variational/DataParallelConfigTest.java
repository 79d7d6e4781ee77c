package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.distributed.Cluster;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * What a cluster's {@code fit} refuses before it starts a server or changes the model, and what a
 * worker other than the chief writes: nothing. (The cluster itself runs in DataParallelTest.)
 */
class DataParallelConfigTest {
  private static final Cluster TWO = Cluster.parse("127.0.0.1:1,127.0.0.1:2", 0);

  @Test
  void towersMustSplitAmongTheWorkers() {
    try (LinearGaussian model = new LinearGaussian(Seed.of(9), ObjectiveKind.ELBO, 1, true,
        ThreadSettings.of(1, 1, 3))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> model.fit(DataParallelWorker.data(), DataParallelWorker.training().cluster(TWO)));
      assertEquals("a cluster of 2 workers splits each batch by the model's training towers, 3, which must be a"
          + " multiple of 2: build the model with ThreadSettings.of(intra, inter, 2)", e.getMessage());
      assertNull(model.trainingCluster());
      assertEquals(0, model.stepsTaken());
    }
  }

  @Test
  void anObjectiveThatDoesNotSplitIntoTowersIsRefused() {
    try (LinearGaussian model = new LinearGaussian(Seed.of(9), ObjectiveKind.NVIL, 1, false,
        ThreadSettings.of(1, 1, 2))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> model.fit(DataParallelWorker.data(), DataParallelWorker.training().cluster(TWO)));
      assertTrue(e.getMessage().startsWith("data-parallel training needs an objective that is a mean of"),
          e.getMessage());
    }
  }

  @Test
  void onlyTheChiefWritesOutputs() {
    Training t = Training.epochs(1).checkpoints(Path.of("c")).tensorBoard(Path.of("tb"))
        .curvesPlot(Path.of("p.png")).resumeFrom(Path.of("c"));
    Training worker = t.withoutOutputs();
    assertNull(worker.checkpointDirectory());
    assertNull(worker.tensorBoardDirectory());
    assertNull(worker.curvesPlot());
    assertEquals(Path.of("c"), worker.resumeFrom(), "every worker resumes from the chief's checkpoint");
    assertEquals(TWO, t.cluster(TWO).cluster());
    assertTrue(t.cluster(TWO).toString().contains("cluster=worker 0 of"));
  }
}
