package dev.helmholtz.samples.cli;

import dev.helmholtz.distributed.Cluster;
import dev.helmholtz.distributed.LocalWorkers;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Data-parallel training on this machine: {@code --workers N} starts N worker processes on loopback
 * that train one model together (docs/distributed.md); the hidden {@code --worker-index} and {@code
 * --worker-addresses} are what each worker is started with.
 */
final class WorkerOptions {
  static final String WORKERS = "--workers";
  static final String INDEX = "--worker-index";
  static final String ADDRESSES = "--worker-addresses";

  @Option(names = WORKERS, defaultValue = "1", paramLabel = "N",
      description = "Train data-parallel in N local worker processes (TensorFlow's distributed runtime on"
          + " 127.0.0.1), each computing the gradient of its share of every batch; worker 0 writes the"
          + " outputs. Same numbers as one process with --threads I,J,N (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--worker-timeout", defaultValue = "60", paramLabel = "SECONDS",
      description = "How long a worker waits for the others in a step before failing (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(names = INDEX, hidden = true)
  Integer index;

  @Option(names = ADDRESSES, hidden = true)
  String addresses;

  /** Whether this process starts the workers (and trains nothing itself). */
  boolean launches() {
    if (workers < 1) {
      throw new IllegalArgumentException(WORKERS + " must be >= 1, was " + workers);
    }
    if ((index == null) != (addresses == null)) {
      throw new IllegalArgumentException(INDEX + " and " + ADDRESSES + " go together");
    }
    return workers > 1 && index == null;
  }

  /** This process's cluster position, or {@code null} when it trains on its own. */
  Cluster cluster() {
    if (index == null) {
      return null;
    }
    if (timeoutSeconds < 1) {
      throw new IllegalArgumentException("--worker-timeout must be >= 1 s, was " + timeoutSeconds);
    }
    return Cluster.parse(addresses, index).withStepTimeout(Duration.ofSeconds(timeoutSeconds));
  }

  /** Whether this process writes the run's outputs: on its own, or as the chief. */
  boolean writesOutputs() {
    return index == null || index == 0;
  }

  /** {@code training} in this process's cluster, if it is a worker. */
  Training apply(Training training) {
    Cluster cluster = cluster();
    return cluster == null ? training : training.cluster(cluster);
  }

  /**
   * The model's thread settings as a worker builds them: towers a multiple of the workers (worker i
   * computes its share of them), one tower per worker unless {@code --threads} asked for more.
   */
  ThreadSettings threads(ThreadSettings asked) {
    Cluster cluster = cluster();
    if (cluster == null || asked.towers() % cluster.size() == 0) {
      return asked;
    }
    return ThreadSettings.of(asked.intraOp(), asked.interOp(), cluster.size());
  }

  /**
   * Starts the workers, each running {@code command} with {@code args} less {@code --workers N}
   * plus its position, and waits for them; returns the chief's exit code, or the first failing
   * worker's. Worker 0's output is this command's; the others' go to log files named on failure.
   */
  int launch(String command, List<String> args, PrintStream out) throws IOException {
    List<String> forwarded = withoutWorkers(args);
    List<String> jvm = new ArrayList<>();
    for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (option.startsWith("-Xmx") || option.startsWith("--enable-native-access")) {
        jvm.add(option);
      }
    }
    Path logs = Files.createTempDirectory("helmholtz-workers");
    out.println("starting " + workers + " workers on 127.0.0.1; worker 0 reports, the others log to " + logs);
    try (LocalWorkers started = LocalWorkers.start(workers, cluster -> {
      // picocli's original arguments are the whole command line's, the command's name first.
      List<String> workerArgs = new ArrayList<>();
      if (forwarded.isEmpty() || !forwarded.get(0).equals(command)) {
        workerArgs.add(command);
      }
      workerArgs.addAll(forwarded);
      workerArgs.addAll(List.of(INDEX, Integer.toString(cluster.index()), ADDRESSES, cluster.addresses()));
      return LocalWorkers.javaCommand(jvm, HelmholtzCli.class.getName(), workerArgs);
    }, logs, true)) {
      int[] codes;
      try {
        codes = started.await(Duration.ofDays(365), true);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        out.println("interrupted: the workers were stopped");
        return ExitCodes.INTERRUPTED;
      }
      // The first to fail is the one whose code is not a destroyed process's (143).
      for (int i = 0; i < codes.length; i++) {
        if (codes[i] != 0 && codes[i] != 143) {
          out.println("worker " + i + " exited with " + codes[i]
              + (i > 0 ? "; its log: " + started.logs().get(i) : ""));
          return codes[i];
        }
      }
      return java.util.Arrays.stream(codes).filter(c -> c != 0).findFirst().orElse(0);
    }
  }

  /** {@code args} without {@code --workers N} / {@code --workers=N}. */
  static List<String> withoutWorkers(List<String> args) {
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals(WORKERS)) {
        i++;
      } else if (!arg.startsWith(WORKERS + "=")) {
        kept.add(arg);
      }
    }
    return kept;
  }
}
