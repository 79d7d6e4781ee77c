package dev.helmholtz.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.train.Checkpoints;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The command line's side of issue 25: a damaged checkpoint is exit 2 naming the file, with the
 * checkpoints left where they were; a divergence says which checkpoint is kept; a resume with a
 * changed learning rate records the change in metrics.json; messages name the options typed.
 */
class ResumeSafetyCommandTest {
  private static final String[] SMALL = {"vae", "--epochs", "1", "--train-examples", "300", "--test-examples", "10",
      "--k", "2", "--progress", "none"};

  private record Run(int exit, String err) {}

  private static Run vae(Path output, String... more) {
    StringWriter err = new StringWriter();
    CommandLine cli = HelmholtzCli.commandLine();
    cli.setErr(new PrintWriter(err, true));
    cli.setOverwrittenOptionsAllowed(true); // a later --epochs etc. replaces SMALL's
    String[] args = Stream.of(Arrays.stream(SMALL), Arrays.stream(more), Stream.of("--output", output.toString()))
        .flatMap(s -> s).toArray(String[]::new);
    return new Run(cli.execute(args), err.toString());
  }

  @Test
  void aDamagedCheckpointIsExit2NamingTheFileAndNothingIsMoved(@TempDir Path dir) throws IOException {
    Path output = dir.resolve("out");
    assertEquals(0, vae(output, "--checkpoint-every", "1", "--keep", "3").exit());
    Path latest = output.resolve("checkpoints/step-0000000003");
    Path file = latest.toAbsolutePath().resolve(Checkpoints.PROPERTIES_FILE);
    String intact = Files.readString(file);
    for (String[] damage : new String[][] {{"training.step=3", "training.step=0"},
        {"training.batchesDone=0", "training.batchesDone=999"}}) {
      Files.writeString(file, intact.replace(damage[0] + "\n", damage[1] + "\n"));
      Map<String, String> before = contents(output.resolve("checkpoints"));
      Run resumed = vae(output, "--epochs", "2", "--resume");
      assertEquals(ExitCodes.BAD_INPUT, resumed.exit(), resumed.err());
      assertTrue(resumed.err().contains(file + ": damaged checkpoint: " + damage[1]), resumed.err());
      assertEquals(before, contents(output.resolve("checkpoints")), "the refused resume moved checkpoints");
    }
  }

  /**
   * Every command that checkpoints, through each of its paths into a resume: train
   * (MnistExperiment), gan and cgan (AdversarialTraining through MnistGanExperiment, which dcgan,
   * wgan-gp-conv, infogan and mmd share), wgan-gp-ring (which reads the checkpoint's step before
   * fit), cvae, ssvae and vae-mixture-prior (VariationalTraining with CheckpointOptions). A resume
   * with another learning rate (3e-4, no command's default) runs and records the change in metrics.json; a damaged step count
   * in the latest checkpoint is then exit 2 naming the file, and the refused resume moves nothing.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "train --model vae --epochs 1 --train-examples 200 --test-examples 10 --k 2 | --epochs 2 | --epochs 3",
      "gan --epochs 1 --train-examples 128 --batch-size 64 | --epochs 2 | --epochs 3",
      "cgan --epochs 1 --train-examples 128 --batch-size 64 | --epochs 2 | --epochs 3",
      "wgan-gp-ring --steps 2 --batch-size 64 --samples 100 | --steps 4 | --steps 6",
      "cvae --epochs 1 --train-examples 200 --test-examples 10 --k 2 --per-class 1 | --epochs 2 | --epochs 3",
      "ssvae --epochs 1 --train-examples 200 --test-examples 10 --labels 20 --per-class 1 | --epochs 2 | --epochs 3",
      "vae-mixture-prior --epochs 1 --train-examples 200 --test-examples 10 --k 2 --draws 100 | --epochs 2 | --epochs 3"})
  void everyCheckpointingCommandRecordsChangedSettingsAndRefusesADamagedCheckpointWithExit2(String command,
      @TempDir Path dir) throws IOException {
    String[] parts = command.split(" \\| ");
    Path output = dir.resolve("out");
    Run first = run(parts[0] + " --checkpoint-every 1 --keep 3", output);
    assertEquals(0, first.exit(), first.err());

    Run changed = run(parts[0] + " --checkpoint-every 1 --keep 3 --learning-rate 3e-4 " + parts[1] + " --resume", output);
    assertEquals(0, changed.exit(), command + ": " + changed.err());
    String metrics = Files.readString(output.resolve("metrics.json"));
    String recorded = metrics.lines().filter(l -> l.contains("\"settings_changed_on_resume\"")).findFirst().orElse("");
    assertTrue(recorded.contains("learning rate") && recorded.contains("->"), command + ": " + metrics);

    List<Path> written = Checkpoints.list(output.resolve("checkpoints"));
    assertTrue(written.size() >= 2, command + ": " + written);
    Path latest = written.get(written.size() - 1);
    Path file = latest.toAbsolutePath().resolve(Checkpoints.PROPERTIES_FILE);
    String intact = Files.readString(file);
    String step = intact.lines().filter(l -> l.startsWith("training.step=")).findFirst().orElseThrow();
    Files.writeString(file, intact.replace(step + "\n", "training.step=0\n"));
    Map<String, String> before = contents(output.resolve("checkpoints"));
    Run resumed = run(parts[0] + " --learning-rate 3e-4 " + parts[2] + " --resume", output);
    assertEquals(ExitCodes.BAD_INPUT, resumed.exit(), command + ": " + resumed.err());
    assertTrue(resumed.err().contains(file + ": damaged checkpoint"), command + ": " + resumed.err());
    assertFalse(resumed.err().contains("Exception"), resumed.err());
    assertEquals(before, contents(output.resolve("checkpoints")), command + ": the refused resume moved checkpoints");
  }

  /**
   * The commands that train several models in turn, each stage checkpointing under
   * OUTPUT/checkpoints/STAGE (rbm: one per method; dbn: its layers and the up-down fine-tuning;
   * dbm: the two pretraining RBMs and the DBM, here without pretraining): the same contract, checked on the stage named
   * second in each row. A resume with another learning rate runs and records the change in
   * metrics.json; a damaged step count in that stage's latest checkpoint is exit 2 naming the file,
   * and the refused resume moves nothing (the stages before it resume from their checkpoints, which
   * rewrites only their directories' lock files; the checkpoints are compared by digest, these
   * models' being megabytes).
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "rbm --methods pcd --epochs 1 --train-examples 200 --test-examples 10 --ais-runs 2 --ais-temperatures 10"
          + " --gibbs-sweeps 1 | pcd | --epochs 2 | --epochs 3",
      "dbn --epochs 1 --fine-tune-epochs 1 --train-examples 200 --test-examples 10 --ais-runs 2 --ais-temperatures 10"
          + " --bound-samples 1 --gibbs-sweeps 1 | fine-tune | --fine-tune-epochs 2 | --fine-tune-epochs 3",
      "dbm --epochs 1 --train-examples 200 --test-examples 10 --chains 10"
          + " --mean-field-iterations 2 --ais-runs 2 --ais-temperatures 10 --bound-samples 1 --gibbs-sweeps 1"
          + " | dbm | --epochs 2 | --epochs 3"})
  void everyStagedCommandRecordsChangedSettingsAndRefusesADamagedCheckpointWithExit2(String command,
      @TempDir Path dir) throws IOException {
    String[] parts = command.split(" \\| ");
    Path output = dir.resolve("out");
    Run first = run(parts[0] + " --checkpoint-every 1 --keep 3", output);
    assertEquals(0, first.exit(), first.err());

    Run changed = run(parts[0] + " --checkpoint-every 1 --keep 3 --learning-rate 3e-4 " + parts[2] + " --resume", output);
    assertEquals(0, changed.exit(), command + ": " + changed.err());
    String metrics = Files.readString(output.resolve("metrics.json"));
    String recorded = metrics.lines().filter(l -> l.contains("\"settings_changed_on_resume\"")).findFirst().orElse("");
    assertTrue(recorded.contains("learning rate") && recorded.contains("->"), command + ": " + metrics);

    List<Path> written = Checkpoints.list(output.resolve("checkpoints").resolve(parts[1]));
    assertTrue(written.size() >= 2, command + ": " + written);
    Path latest = written.get(written.size() - 1);
    Path file = latest.toAbsolutePath().resolve(Checkpoints.PROPERTIES_FILE);
    String intact = Files.readString(file);
    String step = intact.lines().filter(l -> l.startsWith("training.step=")).findFirst().orElseThrow();
    Files.writeString(file, intact.replace(step + "\n", "training.step=0\n"));
    Map<String, String> before = digests(output.resolve("checkpoints"));
    Run resumed = run(parts[0] + " --learning-rate 3e-4 " + parts[3] + " --resume", output);
    assertEquals(ExitCodes.BAD_INPUT, resumed.exit(), command + ": " + resumed.err());
    assertTrue(resumed.err().contains(file + ": damaged checkpoint"), command + ": " + resumed.err());
    assertFalse(resumed.err().contains("Exception"), resumed.err());
    assertEquals(before, digests(output.resolve("checkpoints")), command + ": the refused resume moved checkpoints");
  }

  /** Every file's SHA-256 under {@code dir} but the directories' lock files, and every directory. */
  private static Map<String, String> digests(Path dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (p.getFileName().toString().equals(dev.helmholtz.train.DirectoryLock.FILE_NAME)) {
          continue;
        }
        try {
          files.put(dir.relativize(p).toString(), Files.isDirectory(p) ? "dir" : java.util.HexFormat.of().formatHex(
              java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
        } catch (java.security.NoSuchAlgorithmException e) {
          throw new AssertionError(e);
        }
      }
    }
    return files;
  }

  /** The commands that take {@code option}, found on the command line so that a new one is checked too. */
  static Stream<String> commandsTaking(String option) {
    return HelmholtzCli.commandLine().getSubcommands().entrySet().stream()
        .filter(e -> e.getValue().getCommandSpec().findOption(option) != null)
        .map(Map.Entry::getKey).sorted();
  }

  static Stream<String> commandsTakingABatchSize() {
    return commandsTaking("--batch-size");
  }

  /** Every command's --batch-size 0 is exit 2 with a message naming the option (dbm said "/ by zero"). */
  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.MethodSource("commandsTakingABatchSize")
  void aZeroBatchSizeIsExit2NamingTheOption(String command, @TempDir Path dir) {
    Run run = run(command + " --batch-size 0", dir.resolve("out"));
    assertEquals(ExitCodes.BAD_INPUT, run.exit(), command + ": " + run.err());
    assertTrue(run.err().contains("--batch-size"), command + ": " + run.err());
    assertFalse(run.err().contains("Exception") || run.err().contains("by zero"), command + ": " + run.err());
  }

  private static Run run(String args, Path output) {
    StringWriter err = new StringWriter();
    CommandLine cli = HelmholtzCli.commandLine();
    cli.setErr(new PrintWriter(err, true));
    cli.setOverwrittenOptionsAllowed(true);
    String[] all = Stream.concat(Arrays.stream(args.split(" ")), Stream.of("--output", output.toString()))
        .toArray(String[]::new);
    return new Run(cli.execute(all), err.toString());
  }

  /**
   * At learning rate 1 the second step's KL is infinite; the first step's checkpoint holds the
   * weights it started from, so it is moved aside (once it was kept, and resuming from it diverged
   * at once) and the message says so.
   */
  @Test
  void aDivergenceMovesTheCheckpointItStartedFromAsideAndSaysSo(@TempDir Path dir) throws IOException {
    Path output = dir.resolve("out");
    Run run = vae(output, "--learning-rate", "1", "--checkpoint-every", "1");
    assertEquals(ExitCodes.TRAINING_FAILED, run.exit(), run.err());
    assertTrue(run.err().contains("diverged at step 2") && run.err().contains("no checkpoint of this run resumes"
        + " into a finite step (checkpoint step-0000000001, whose weights step 2 started from, was moved aside"),
        run.err());
    assertTrue(Checkpoints.list(output.resolve("checkpoints")).isEmpty(), "nothing left to resume from");
    try (Stream<Path> aside = Files.list(output.resolve("checkpoints"))) {
      assertTrue(aside.anyMatch(p -> p.getFileName().toString().startsWith("diverged-")
          && Checkpoints.isCheckpoint(p.resolve("step-0000000001"))), "moved, not deleted");
    }
  }

  @Test
  void aResumeWithAnotherLearningRateRecordsTheChangeInMetrics(@TempDir Path dir) throws IOException {
    Path output = dir.resolve("out");
    assertEquals(0, vae(output).exit());
    Run resumed = vae(output, "--epochs", "2", "--learning-rate", "2e-3", "--resume");
    assertEquals(0, resumed.exit(), resumed.err());
    String metrics = Files.readString(output.resolve("metrics.json"));
    assertTrue(metrics.contains("\"settings_changed_on_resume\": \"learning rate: 0.001 -> 0.002\""), metrics);
  }

  @Test
  void messagesNameTheOptionsTypedAndNoExceptionName(@TempDir Path dir) {
    Path out = dir.resolve("out");
    String[][] cases = {
        {"--learning-rate", "5", "--learning-rate must be in (0, 1]"},
        {"--batch-size", "0", "--batch-size must be in [1,"},
        {"--keep", "0", "--keep must be >= 1"},
        {"--checkpoint-every", "-1", "--checkpoint-every must be >= 0 steps"},
        {"--threads", "1,2,0", "--threads TOWERS must be >= 1"},
        {"--train-examples", "0", "--train-examples must be >= 1, was 0"},
        {"--validation", "300", "--validation 300 holds out all 300 training images"}};
    for (String[] c : cases) {
      Run run = vae(out, c[0], c[1]);
      assertEquals(ExitCodes.BAD_INPUT, run.exit(), run.err());
      assertTrue(run.err().contains(c[2]), c[0] + " " + c[1] + ": " + run.err());
      assertFalse(run.err().contains("Exception"), run.err());
    }
    Run proc = vae(Path.of("/proc/helmholtz-no-such/x"));
    assertEquals(ExitCodes.BAD_INPUT, proc.exit(), proc.err());
    assertTrue(proc.err().startsWith("error: --output /proc/helmholtz-no-such/x: cannot create the directory: "),
        proc.err());
    assertFalse(proc.err().contains("Exception"), proc.err());
  }

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
