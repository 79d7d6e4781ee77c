package dev.helmholtz.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** One run at a time per output directory: a second is refused before it changes anything. */
class OutputLockTest {
  private static final String[] VAE = {"vae", "--epochs", "1", "--train-examples", "100",
      "--test-examples", "10", "--k", "2", "--output"};

  /** The holder process: locks the directory in {@code args[0]}, says so, and waits for stdin to end. */
  public static void main(String[] args) throws IOException {
    try (OutputLock lock = OutputDirectory.createLocked(Path.of(args[0]), "--output")) {
      System.out.println("locked");
      System.out.flush();
      while (System.in.read() >= 0) {
        // held until killed or stdin closes
      }
    }
  }

  @Test
  void aSecondRunIsRefusedWithExit2AndAKilledHoldersLockIsFree(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("out");
    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        OutputLockTest.class.getName(), output.toString()).redirectErrorStream(true).start();
    try {
      BufferedReader said = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("locked", said.readLine());
      // A previous run's files, which the refused run must leave as they are.
      Files.writeString(output.resolve("metrics.json"), "the earlier run's\n");
      Files.createDirectories(output.resolve("checkpoints/step-0000000003"));
      Files.writeString(output.resolve("checkpoints/step-0000000003/checkpoint.properties"), "training.seed=1\n");
      Map<String, String> before = contents(output);

      StringWriter err = new StringWriter();
      CommandLine cli = HelmholtzCli.commandLine();
      cli.setErr(new PrintWriter(err, true));
      int exit = cli.execute(vae(output));
      assertEquals(ExitCodes.BAD_INPUT, exit, err.toString());
      assertTrue(err.toString().contains("--output " + output + " is in use by another run (pid " + holder.pid()),
          err.toString());
      assertEquals(before, contents(output), "the refused run changed the directory");

      // SIGKILL: the OS drops the lock; the lock file stays behind, unlocked.
      holder.destroyForcibly();
      assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
      assertTrue(Files.exists(output.resolve(OutputLock.FILE_NAME)));
      assertEquals(ExitCodes.OK, HelmholtzCli.commandLine().execute(vae(output)));
      assertTrue(Files.readString(output.resolve("metrics.json")).contains("\"test_elbo\""), "this run's metrics");
    } finally {
      holder.destroyForcibly();
    }
  }

  @Test
  void aReleasedLockIsFreeAndOneHeldInThisProcessIsRefused(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("out");
    try (OutputLock first = OutputDirectory.createLocked(output, "--output")) {
      IOException refused = assertThrows(IOException.class, () -> OutputDirectory.createLocked(output, "--output"));
      assertTrue(refused.getMessage().contains("(pid " + ProcessHandle.current().pid() + ", started "),
          refused.getMessage());
    }
    OutputDirectory.createLocked(output, "--output").close();
  }

  /**
   * Every command of the command line that writes into --output, with arguments that make it
   * small: each is refused while the directory is held (see {@link #everyCommandIsInTheTable}).
   */
  static final List<String> WRITING_COMMANDS = List.of(
      "vae --epochs 1 --train-examples 100",
      "train --model vae --epochs 1 --train-examples 100",
      "objectives --models vae --epochs 1 --train-examples 100",
      "vae-flow --flow planar --epochs 1 --train-examples 100",
      "conv-vae --epochs 1 --train-examples 100",
      "cvae --epochs 1 --train-examples 100",
      "ssvae --epochs 1 --train-examples 100",
      "ssvae-adaptive-is --epochs 1 --train-examples 100",
      "gan --epochs 1 --train-examples 100",
      "cgan --epochs 1 --train-examples 100",
      "dcgan --epochs 1 --train-examples 100",
      "wgan-gp-conv --epochs 1 --train-examples 100",
      "wgan-gp-ring --steps 1",
      "vae-continuous --epochs 1 --train-examples 100",
      "vae-mixture-prior --epochs 1 --train-examples 100",
      "rbm --epochs 1 --train-examples 100",
      "soak --steps 2 --sample-every 1 --train-examples 100",
      "bayes-logreg --train-examples 100",
      "bnn-regression --train-points 10",
      "bayes-vae --epochs 1 --train-examples 100",
      "bnn --method bbb --epochs 1",
      "gamma-poisson --groups 2",
      "eight-schools --warmup 10 --draws 10",
      "mmd-ring --steps 1",
      "mmd --epochs 1",
      "infogan --epochs 1",
      "bigan --epochs 1",
      "aae --epochs 1",
      "cyclegan --epochs 1",
      "triple-gan --epochs 1",
      "ppca --train-examples 100 --epochs 1",
      "dbn --epochs 1",
      "dbm --epochs 1",
      "m1m2 --m1-epochs 1 --epochs 1",
      "vae-ais --epochs 0 --examples 2 --k 2 --chains 2 --temperatures 20",
      "svgp-mnist --train-examples 100 --inducing 5 --steps 1 --batch-size 10",
      "pmf-hmc --warmup 10 --draws 10",
      "gp-regression --exact-steps 1 --svgp-steps 1");

  /** Every command that trains: refused while the directory is held, the directory untouched. */
  @ParameterizedTest
  @MethodSource("writingCommands")
  void everyTrainingCommandIsRefusedOnAHeldDirectory(String command, @TempDir Path dir) throws Exception {
    Path output = dir.resolve("out");
    try (OutputLock held = OutputDirectory.createLocked(output, "--output")) {
      Map<String, String> before = contents(output);
      StringWriter err = new StringWriter();
      CommandLine cli = HelmholtzCli.commandLine();
      cli.setErr(new PrintWriter(err, true));
      String[] args = Stream.concat(Arrays.stream(command.split(" ")), Stream.of("--output", output.toString()))
          .toArray(String[]::new);
      assertEquals(ExitCodes.BAD_INPUT, cli.execute(args), err.toString());
      assertTrue(err.toString().contains("--output " + output + " is in use by another run (pid "
          + ProcessHandle.current().pid()), err.toString());
      assertEquals(before, contents(output), "the refused run changed the directory");
    }
  }

  static Stream<String> writingCommands() {
    return WRITING_COMMANDS.stream();
  }

  /** A command added to the command line without a row above fails here (help writes nothing). */
  @Test
  void everyCommandIsInTheTable() {
    Set<String> listed = WRITING_COMMANDS.stream().map(c -> c.split(" ")[0]).collect(Collectors.toCollection(TreeSet::new));
    Set<String> commands = new TreeSet<>(HelmholtzCli.commandLine().getSubcommands().keySet());
    commands.remove("help");
    commands.remove("check"); // prints a report and writes nothing
    assertEquals(commands, listed);
  }

  private static String[] vae(Path output) {
    return Stream.concat(Arrays.stream(VAE), Stream.of(output.toString())).toArray(String[]::new);
  }

  /** Every file under {@code dir}, by relative path, with its bytes. */
  private static Map<String, String> contents(Path dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        files.put(dir.relativize(p).toString(), Files.isDirectory(p) ? "dir"
            : Arrays.toString(Files.readAllBytes(p)));
      }
    }
    return files;
  }
}
