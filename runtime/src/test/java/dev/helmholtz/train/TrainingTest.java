package dev.helmholtz.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class TrainingTest {

  @Test
  void defaults() {
    Training t = Training.epochs(10);
    assertEquals(10, t.epochs());
    assertEquals(128, t.batchSize());
    assertEquals(1e-3, t.learningRate());
    assertEquals(0L, t.seed());
    assertEquals(0L, t.maxSteps());
    assertEquals(Duration.ofSeconds(2), t.logEvery());
    assertEquals(Training.epochs(10), t, "equal configurations are equal");
  }

  @Test
  void settersReturnCopies() {
    ProgressListener quiet = ProgressListener.silent();
    Training base = Training.epochs(10);
    Training t =
        base.batchSize(64)
            .adam(3e-4)
            .seed(42)
            .logEvery(Duration.ofMillis(500))
            .progress(quiet)
            .maxSteps(100);
    assertEquals(64, t.batchSize());
    assertEquals(3e-4, t.learningRate());
    assertEquals(42L, t.seed());
    assertEquals(Duration.ofMillis(500), t.logEvery());
    assertSame(quiet, t.progress());
    assertEquals(100L, t.maxSteps());
    assertEquals(10, t.epochs());
    assertEquals(Training.epochs(10), base, "the original is unchanged");
    assertNotEquals(base, t);
    assertEquals(Duration.ZERO, base.logEvery(Duration.ZERO).logEvery(), "every batch");
    assertEquals(-5L, base.seed(-5).seed(), "any seed");
  }

  @Test
  void rejectsBadValuesNamingValueAndRange() {
    rejects(() -> Training.epochs(0), "epochs", "[1, ");
    rejects(() -> Training.epochs(-3), "epochs", "was -3");
    Training t = Training.epochs(1);
    rejects(() -> t.batchSize(0), "batchSize", "[1, ");
    rejects(() -> t.adam(0), "learningRate", "(0, 1]");
    rejects(() -> t.adam(-1e-3), "learningRate", "(0, 1]");
    rejects(() -> t.adam(Double.NaN), "learningRate", "was NaN");
    rejects(() -> t.adam(Double.POSITIVE_INFINITY), "learningRate", "(0, 1]");
    rejects(() -> t.logEvery(Duration.ofSeconds(-1)), "logEvery", ">= 0");
    rejects(() -> t.maxSteps(-1), "maxSteps", ">= 0");
    assertThrows(NullPointerException.class, () -> t.progress(null));
    assertThrows(NullPointerException.class, () -> t.logEvery(null));
  }

  private static void rejects(Executable call, String name, String range) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().startsWith(name + " "), e.getMessage());
    assertTrue(e.getMessage().contains(range), e.getMessage());
  }

  @Test
  void monitoringAndControlSettings() {
    java.nio.file.Path dir = java.nio.file.Path.of("ckpt");
    StopRequest stop = new StopRequest();
    Training t = Training.epochs(3)
        .learningRateSchedule(LearningRateSchedule.stepDecay(1, 0.5))
        .clipGradientNorm(5)
        .earlyStopping(EarlyStopping.patience(4))
        .checkpoints(dir).checkpointEvery(100).keepCheckpoints(2)
        .resumeFrom(dir)
        .tensorBoard(java.nio.file.Path.of("tb")).tensorBoardEvery(10)
        .curvesPlot(java.nio.file.Path.of("c.png"))
        .stopRequest(stop)
        .withEpochs(5);
    assertEquals(5, t.epochs());
    assertEquals(LearningRateSchedule.stepDecay(1, 0.5), t.learningRateSchedule());
    assertEquals(5.0, t.clipGradientNorm());
    assertEquals(EarlyStopping.patience(4), t.earlyStopping());
    assertEquals(dir, t.checkpointDirectory());
    assertEquals(100, t.checkpointEvery());
    assertEquals(2, t.keepCheckpoints());
    assertEquals(dir, t.resumeFrom());
    assertEquals(10, t.tensorBoardEvery());
    assertSame(stop, t.stopRequest());
    assertTrue(t.toString().contains("schedule=step:1:0.5") && t.toString().contains("checkpoints=ckpt every 100 steps keep 2"),
        t.toString());
    assertEquals(t, t.withEpochs(5));
    assertNotEquals(t, t.clipGradientNorm(0));
    Training d = Training.epochs(1);
    assertEquals(0.0, d.clipGradientNorm());
    assertEquals(null, d.checkpointDirectory());
    assertEquals(Training.DEFAULT_KEEP_CHECKPOINTS, d.keepCheckpoints());
    rejects(() -> d.clipGradientNorm(-1), "clipGradientNorm", "> 0");
    rejects(() -> d.clipGradientNorm(Double.POSITIVE_INFINITY), "clipGradientNorm", "finite");
    rejects(() -> d.checkpointEvery(-1), "checkpointEvery", ">= 0");
    rejects(() -> d.keepCheckpoints(0), "keepCheckpoints", ">= 1");
    rejects(() -> d.tensorBoardEvery(0), "tensorBoardEvery", ">= 1");
    rejects(() -> d.withEpochs(0), "epochs", "[1, ");
    assertThrows(NullPointerException.class, () -> d.validation(null));
    assertThrows(NullPointerException.class, () -> d.checkpoints(null));
  }
}
