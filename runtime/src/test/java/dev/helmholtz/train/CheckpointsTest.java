package dev.helmholtz.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint directories: atomic writes, the newest N kept, leftovers of crashes ignored. */
class CheckpointsTest {

  /** Stands in for TensorFlow's SaveV2: the two files it writes under the prefix. */
  private static Checkpoints.VariableWriter variables(String content) {
    return prefix -> {
      Files.writeString(Path.of(prefix + ".index"), content);
      Files.writeString(Path.of(prefix + ".data-00000-of-00001"), content);
    };
  }

  private static Properties properties(long step) {
    Properties p = new Properties();
    p.setProperty("step", Long.toString(step));
    p.setProperty("note", "a value with = : # ! \\ and \u00e9");
    return p;
  }

  private static List<String> names(Path root) throws IOException {
    try (Stream<Path> entries = Files.list(root)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void keepsTheNewestCheckpointsAndReadsBackTheirProperties(@TempDir Path dir) throws IOException {
    Path root = dir.resolve("new/ckpt");
    CheckpointManager manager = CheckpointManager.open(root, 2);
    assertTrue(Files.isDirectory(root), "created");
    assertTrue(manager.last().isEmpty());
    for (long step : new long[] {5, 10, 15}) {
      Path written = manager.save(step, properties(step), variables("v" + step));
      assertEquals(root.resolve(Checkpoints.name(step)), written);
      assertEquals(written, manager.last().orElseThrow());
    }
    assertEquals(List.of("step-0000000010", "step-0000000015"), names(root));
    Path latest = Checkpoints.latest(root).orElseThrow();
    assertEquals("v15", Files.readString(latest.resolve("variables.index")));
    Properties back = Checkpoints.properties(latest);
    assertEquals("15", back.getProperty("step"));
    assertEquals(properties(15).getProperty("note"), back.getProperty("note"));
    assertEquals(latest, Checkpoints.resolve(root), "a root resolves to its latest checkpoint");
    assertEquals(latest, Checkpoints.resolve(latest));
    // The same step again is kept as it is.
    manager.save(15, properties(15), variables("other"));
    assertEquals("v15", Files.readString(latest.resolve("variables.index")));
  }

  @Test
  void aWriteThatFailsMidwayLeavesNothingAndTheLastGoodCheckpointIntact(@TempDir Path dir)
      throws IOException {
    CheckpointManager manager = CheckpointManager.open(dir, 3);
    Path good = manager.save(100, properties(100), variables("good"));
    IOException crash = assertThrows(IOException.class, () -> manager.save(200, properties(200), prefix -> {
      variables("half")
          .write(prefix);
      throw new IOException("disk full (simulated, after the variables were written)");
    }));
    assertTrue(crash.getMessage().contains("disk full"), crash.getMessage());
    assertEquals(List.of("step-0000000100"), names(dir), "no new checkpoint, no temporary left");
    assertEquals(good, Checkpoints.latest(dir).orElseThrow());
    assertEquals("good", Files.readString(good.resolve("variables.index")));
  }

  @Test
  void leftoversOfAKilledWriteAreIgnoredThenRemoved(@TempDir Path dir) throws IOException {
    CheckpointManager.open(dir, 3).save(7, properties(7), variables("seven"));
    // What a process killed mid-write leaves: a temporary directory with part of the files, and
    // (from a manual copy, say) a step directory without its properties.
    Path partial = Files.createDirectories(dir.resolve(".step-0000000008.tmp-abc123"));
    Files.writeString(partial.resolve("variables.index"), "partial");
    Path incomplete = Files.createDirectories(dir.resolve("step-0000000009"));
    Files.writeString(incomplete.resolve("variables.index"), "no properties");
    Files.writeString(dir.resolve("unrelated.txt"), "kept");
    assertEquals(dir.resolve("step-0000000007"), Checkpoints.latest(dir).orElseThrow());
    CheckpointManager.open(dir, 3);
    assertEquals(List.of("step-0000000007", "step-0000000009", "unrelated.txt"), names(dir),
        "the temporary is removed; what the manager did not write is left alone");
  }

  @Test
  void writeRefusesAnExistingTargetAndAMissingParent(@TempDir Path dir) throws IOException {
    Path target = dir.resolve("mine");
    Checkpoints.write(target, properties(1), variables("x"));
    assertThrows(FileAlreadyExistsException.class, () -> Checkpoints.write(target, properties(1), variables("y")));
    assertEquals("x", Files.readString(target.resolve("variables.index")));
    NoSuchFileException missing = assertThrows(NoSuchFileException.class,
        () -> Checkpoints.write(dir.resolve("no/such/dir"), properties(1), variables("y")));
    assertTrue(missing.getMessage().contains("no/such"), missing.getMessage());
  }

  @Test
  void unusablePathsAreClearErrors(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
    IOException underFile = assertThrows(IOException.class, () -> CheckpointManager.open(file.resolve("ckpt"), 3));
    assertTrue(underFile.getMessage().contains(file.resolve("ckpt").toString())
        && underFile.getMessage().contains("cannot create the checkpoint directory"), underFile.getMessage());
    IOException isFile = assertThrows(IOException.class, () -> CheckpointManager.open(file, 3));
    assertTrue(isFile.getMessage().contains("a-file"), isFile.getMessage());
    assertEquals("not a directory", Files.readString(file), "nothing overwritten");

    NoSuchFileException none = assertThrows(NoSuchFileException.class, () -> Checkpoints.resolve(dir.resolve("none")));
    assertTrue(none.getMessage().contains("does not exist"), none.getMessage());
    NoSuchFileException empty = assertThrows(NoSuchFileException.class, () -> Checkpoints.resolve(dir));
    assertTrue(empty.getMessage().contains("no complete checkpoint"), empty.getMessage());
    assertThrows(IllegalArgumentException.class, () -> CheckpointManager.open(dir, 0));
    assertFalse(Checkpoints.isCheckpoint(file));
  }

  @Test
  void damagedPropertiesNameTheFile(@TempDir Path dir) throws IOException {
    Path checkpoint = dir.resolve("c");
    Checkpoints.write(checkpoint, properties(3), variables("x"));
    Path file = checkpoint.resolve(Checkpoints.PROPERTIES_FILE);
    Files.writeString(file, "format=99\n");
    IOException e = assertThrows(IOException.class, () -> Checkpoints.properties(checkpoint));
    assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("format 99"), e.getMessage());
  }

  @Test
  void archiveMovesOtherRunsCheckpointsAsideWithoutDeletingThem(@TempDir Path dir) throws IOException {
    CheckpointManager manager = CheckpointManager.open(dir, 5);
    for (long step : new long[] {10, 20, 30}) {
      manager.save(step, properties(step), variables("old" + step));
    }
    Path archive = manager.archiveAfter(10).orElseThrow();
    assertTrue(archive.getFileName().toString().startsWith("previous-"), archive.toString());
    assertEquals(List.of("step-0000000020", "step-0000000030"), names(archive));
    assertEquals(dir.resolve("step-0000000010"), manager.last().orElseThrow());
    assertEquals(dir.resolve("step-0000000010"), Checkpoints.latest(dir).orElseThrow());
    assertTrue(manager.archiveAfter(10).isEmpty(), "nothing left to move");
    Path second = manager.archiveAfter(-1).orElseThrow();
    assertFalse(second.equals(archive));
    assertTrue(Checkpoints.latest(dir).isEmpty());
    assertEquals("old30", Files.readString(archive.resolve("step-0000000030/variables.index")));
  }

  /**
   * A checkpoint of this step written by another run (other properties: another seed, say) is never
   * taken for this run's: it is moved aside and this run's is written (issue 25: a second run once
   * skipped every save as "not rewritten" and reported the first run's checkpoints as its own).
   */
  @Test
  void anotherRunsCheckpointOfTheSameStepIsMovedAsideNotTakenForThisRunsOwn(@TempDir Path dir) throws IOException {
    CheckpointManager other = CheckpointManager.open(dir, 3);
    Properties seed1 = properties(10);
    seed1.setProperty("training.seed", "1");
    other.save(10, seed1, variables("seed 1"));
    CheckpointManager mine = CheckpointManager.open(dir, 3);
    Properties seed2 = properties(10);
    seed2.setProperty("training.seed", "2");
    Path written = mine.save(10, seed2, variables("seed 2"));
    assertEquals("seed 2", Files.readString(written.resolve("variables.index")));
    assertEquals("2", Checkpoints.properties(written).getProperty("training.seed"));
    Path aside;
    try (Stream<Path> entries = Files.list(dir)) {
      aside = entries.filter(p -> p.getFileName().toString().startsWith("previous-")).findFirst().orElseThrow();
    }
    assertEquals("seed 1", Files.readString(aside.resolve("step-0000000010/variables.index")), "moved, not deleted");
  }

  /**
   * A pending checkpoint (its next step not yet run) keeps the newest confirmed one from being
   * pruned; after a divergence the pending one is moved aside and the confirmed one is kept.
   */
  @Test
  void theCheckpointBeforeADivergingStepIsMovedAsideAndTheOneBeforeItKept(@TempDir Path dir) throws IOException {
    CheckpointManager manager = CheckpointManager.open(dir, 1);
    manager.save(1, properties(1), variables("one"));
    manager.confirm(2);
    manager.save(2, properties(2), variables("two"));
    assertEquals(List.of("step-0000000001", "step-0000000002"), names(dir), "the confirmed one waits");
    assertEquals(dir.resolve("step-0000000001"), manager.diverged().orElseThrow());
    assertEquals(dir.resolve("step-0000000001"), Checkpoints.latest(dir).orElseThrow());
    manager.save(3, properties(3), variables("three"));
    manager.confirm(4);
    manager.finish();
    assertEquals("step-0000000003", Checkpoints.latest(dir).orElseThrow().getFileName().toString());
    assertEquals(1, Checkpoints.list(dir).size());
  }
}
