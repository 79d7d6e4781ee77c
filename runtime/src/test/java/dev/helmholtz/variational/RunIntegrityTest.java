package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.CheckpointManager;
import dev.helmholtz.train.Checkpoints;
import dev.helmholtz.train.DirectoryLock;
import dev.helmholtz.train.LearningRateSchedule;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingDivergedException;
import dev.helmholtz.train.TrainingSummary;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code fit} guarantees of its checkpoint directory (issue 25): one run at a time, a resume
 * never moves the checkpoint it resumes from and checks it before anything on disk changes, a
 * damaged checkpoint is refused naming the file, after a divergence the kept checkpoint resumes
 * into a finite step, and a resume that changes settings says so.
 */
class RunIntegrityTest {
  private static Dataset data(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] rows = new float[n][3];
    for (float[] row : rows) {
      for (int j = 0; j < 3; j++) {
        row[j] = (float) (random.nextDouble() * 4 - 2);
      }
    }
    return Dataset.of("x", rows);
  }

  private static Training quiet(int epochs) {
    return Training.epochs(epochs).batchSize(10).adam(1e-2).seed(4).progress(ProgressListener.silent());
  }

  private static LinearGaussian model() {
    return new LinearGaussian(Seed.of(3), ObjectiveKind.ELBO, 1, true, ThreadSettings.of(1, 2, 1));
  }

  /** The holder process: locks the checkpoint root in {@code args[0]} as fit does, says so, waits. */
  public static void main(String[] args) throws IOException {
    try (CheckpointManager held = CheckpointManager.openLocked(Path.of(args[0]), 3, "the checkpoint directory")) {
      System.out.println("locked");
      System.out.flush();
      while (System.in.read() >= 0) {
        // held until killed
      }
    }
  }

  @Test
  void fitRefusesACheckpointDirectoryAnotherProcessHoldsAndTakesItOnceThatProcessIsKilled(@TempDir Path dir)
      throws Exception {
    Path root = dir.resolve("ckpt");
    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        RunIntegrityTest.class.getName(), root.toString()).redirectErrorStream(true).start();
    try {
      BufferedReader said = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("locked", said.readLine());
      try (LinearGaussian model = model()) {
        model.fit(data(50, 1), quiet(1).checkpoints(dir.resolve("first")));
        Path first = Checkpoints.latest(dir.resolve("first")).orElseThrow();
        Files.move(first, root.resolve(first.getFileName()));
      }
      Map<String, String> before = contents(root);
      try (LinearGaussian model = model()) {
        UncheckedIOException refused = assertThrows(UncheckedIOException.class,
            () -> model.fit(data(50, 1), quiet(2).checkpoints(root)));
        assertTrue(refused.getMessage().contains(root.toAbsolutePath() + " is in use by another run (pid "
            + holder.pid()), refused.getMessage());
        assertEquals(0, model.stepsTaken(), "refused before any step");
      }
      assertEquals(before, contents(root), "the refused run changed the directory");

      holder.destroyForcibly();
      assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
      assertTrue(Files.exists(root.resolve(DirectoryLock.FILE_NAME)), "the killed holder's file stays, unlocked");
      try (LinearGaussian model = model()) {
        TrainingSummary summary = model.fit(data(50, 1), quiet(2).checkpoints(root).resumeFrom(root));
        assertEquals(5, summary.steps());
      }
    } finally {
      holder.destroyForcibly();
    }
  }

  @Test
  void twoRunsInOneProcessOnOneCheckpointDirectoryAreRefused(@TempDir Path dir) throws Exception {
    Path root = dir.resolve("ckpt");
    try (CheckpointManager held = CheckpointManager.openLocked(root, 3, "Training.checkpoints");
        LinearGaussian model = model()) {
      UncheckedIOException refused = assertThrows(UncheckedIOException.class,
          () -> model.fit(data(50, 1), quiet(1).checkpoints(root)));
      assertTrue(refused.getMessage().contains("is in use by another run (pid " + ProcessHandle.current().pid()),
          refused.getMessage());
    }
    try (LinearGaussian model = model()) {
      model.fit(data(50, 1), quiet(1).checkpoints(root));
    }
  }

  /**
   * Damaged properties of the checkpoint resumed from: refused naming the file and what is wrong,
   * with nothing in the checkpoint directory moved (a step of 0 in {@code step-10} once moved every
   * checkpoint aside, the one resumed from included) and the model unchanged.
   */
  @Test
  void aDamagedCheckpointIsRefusedNamingTheFileBeforeAnythingOnDiskChanges(@TempDir Path dir) throws Exception {
    Path root = dir.resolve("ckpt");
    try (LinearGaussian model = model()) {
      model.fit(data(50, 1), quiet(3).checkpoints(root).checkpointEvery(5).keepCheckpoints(3));
    }
    Path step10 = root.resolve(Checkpoints.name(10));
    Path file = step10.toAbsolutePath().resolve(Checkpoints.PROPERTIES_FILE);
    String intact = Files.readString(file);
    Map<String, String> damages = Map.of(
        "training.step=10", "training.step=0",
        "training.batchesDone=0", "training.batchesDone=999",
        "training.epoch=3", "training.epoch=7",
        "training.epochExamples=0", "training.epochExamples=40");
    for (Map.Entry<String, String> damage : new TreeMap<>(damages).entrySet()) {
      assertTrue(intact.contains(damage.getKey() + "\n"), intact);
      Files.writeString(file, intact.replace(damage.getKey() + "\n", damage.getValue() + "\n"));
      Map<String, String> before = contents(root);
      try (LinearGaussian model = model()) {
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
            () -> model.fit(data(50, 1), quiet(4).checkpoints(root).resumeFrom(step10)), damage.getValue());
        assertTrue(e.getMessage().startsWith(file + ": damaged checkpoint: " + damage.getValue()), e.getMessage());
        assertEquals(0, model.stepsTaken());
      }
      assertEquals(before, contents(root), damage.getValue() + ": the refused resume changed the directory");
    }
    Files.writeString(file, intact);
    Path variables = step10.resolve("variables.data-00000-of-00001");
    Path moved = dir.resolve("moved-data");
    Files.move(variables, moved);
    Map<String, String> before = contents(root);
    try (LinearGaussian model = model()) {
      UncheckedIOException e = assertThrows(UncheckedIOException.class,
          () -> model.fit(data(50, 1), quiet(4).checkpoints(root).resumeFrom(step10)));
      assertTrue(e.getMessage().contains(step10.toAbsolutePath() + ": damaged checkpoint: no variables.data-*"),
          e.getMessage());
    }
    assertEquals(before, contents(root));
    Files.move(moved, variables);
    try (LinearGaussian model = model()) {
      assertEquals(10, model.fit(data(50, 1), quiet(4).checkpoints(root).resumeFrom(step10)).steps());
    }
  }

  /**
   * The checkpoint of the step before a divergence holds the weights the diverging step started
   * from, so resuming from it diverges at once: it is moved aside, and the one before is kept and
   * named, and resuming from that one runs a finite step.
   */
  @Test
  void afterADivergenceTheKeptCheckpointResumesIntoAFiniteStep(@TempDir Path dir) throws Exception {
    Path root = dir.resolve("ckpt");
    float[][] rows = new float[50][];
    Dataset clean = data(50, 1);
    for (int i = 0; i < 50; i++) {
      rows[i] = Arrays.copyOfRange(clean.flat("x"), 3 * i, 3 * i + 3);
    }
    rows[23][0] = Float.POSITIVE_INFINITY;
    Dataset dirty = Dataset.of("x", rows);
    TrainingDivergedException e;
    try (LinearGaussian model = model()) {
      // keep 1: the kept checkpoint must survive the pruning of the one after it
      e = assertThrows(TrainingDivergedException.class,
          () -> model.fit(dirty, quiet(3).checkpoints(root).checkpointEvery(1).keepCheckpoints(1)));
    }
    long step = e.step();
    Path kept = root.toAbsolutePath().resolve(Checkpoints.name(step - 2));
    assertEquals(kept, e.lastCheckpoint().orElseThrow(), e.getMessage());
    assertEquals(kept, Checkpoints.latest(root).orElseThrow());
    assertTrue(e.getMessage().contains("the last good checkpoint, " + kept + ", is kept")
        && e.getMessage().contains("checkpoint " + Checkpoints.name(step - 1) + ", whose weights step " + step
        + " started from, was moved aside"), e.getMessage());
    try (Stream<Path> aside = Files.list(root)) {
      Path diverged = aside.filter(p -> p.getFileName().toString().startsWith("diverged-")).findFirst().orElseThrow();
      assertTrue(Checkpoints.isCheckpoint(diverged.resolve(Checkpoints.name(step - 1))), "moved, not deleted");
    }
    try (LinearGaussian model = model()) {
      TrainingSummary resumed = assertDoesNotThrow(
          () -> model.fit(dirty, quiet(3).checkpoints(root).resumeFrom(kept).maxSteps(1)));
      assertEquals(1, resumed.steps());
      assertTrue(Double.isFinite(resumed.finalObjective()));
    }
  }

  /**
   * A resume with another learning rate, schedule, clipping or thread pools runs, warns, and
   * reports each change; the same settings report none; another tower count is refused.
   */
  @Test
  void aResumeWithChangedSettingsReportsEachChange(@TempDir Path dir) throws Exception {
    Path root = dir.resolve("ckpt");
    try (LinearGaussian model = model()) {
      model.fit(data(50, 1), quiet(1).checkpoints(root));
    }
    try (LinearGaussian model = model()) {
      assertEquals(List.of(), model.fit(data(50, 1), quiet(2).checkpoints(dir.resolve("same")).resumeFrom(root))
          .settingsChanged());
    }
    try (LinearGaussian model = new LinearGaussian(Seed.of(3), ObjectiveKind.ELBO, 1, true,
        ThreadSettings.of(1, 2, 2))) {
      // Another tower count draws from other random streams: refused before anything changes.
      IllegalArgumentException towers = assertThrows(IllegalArgumentException.class,
          () -> model.fit(data(50, 1), quiet(2).checkpoints(root).resumeFrom(root)));
      assertTrue(towers.getMessage().contains("1 training tower(s) (this run: 2)"), towers.getMessage());
    }
    try (LinearGaussian model = new LinearGaussian(Seed.of(3), ObjectiveKind.ELBO, 1, true,
        ThreadSettings.of(2, 1, 1))) {
      TrainingSummary summary = model.fit(data(50, 1), quiet(2).adam(2e-3).clipGradientNorm(5)
          .learningRateSchedule(LearningRateSchedule.stepDecay(1, 0.5))
          .checkpoints(dir.resolve("changed")).resumeFrom(root));
      assertEquals(List.of("gradient clipping norm: none -> 5.0", "learning rate: 0.01 -> 0.002",
          "learning-rate schedule: constant -> step:1:0.5", "threads: 1,2 -> 2,1"), summary.settingsChanged());
      // Recorded in the new checkpoints: resuming from them with the same settings reports nothing.
      assertEquals(Checkpoints.name(10), summary.lastCheckpoint().orElseThrow().getFileName().toString());
    }
  }

  /** Every file under {@code dir}, by relative path, with its bytes. */
  private static Map<String, String> contents(Path dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        files.put(dir.relativize(p).toString(), Files.isDirectory(p) ? "dir" : Arrays.toString(Files.readAllBytes(p)));
      }
    }
    return files;
  }
}
