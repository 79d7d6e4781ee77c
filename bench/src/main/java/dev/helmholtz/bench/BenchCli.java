package dev.helmholtz.bench;

import dev.helmholtz.samples.cli.HelmholtzCli;
import dev.helmholtz.samples.cli.NativeLogLauncher;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code java -jar helmholtz-bench.jar <command>}: the benchmarks' command line. */
@Command(
    name = "helmholtz-bench",
    mixinStandardHelpOptions = true,
    version = "Helmholtz benchmarks 0.1.0",
    description = "Measures the cost of training and using Helmholtz models: generated graphs against"
        + " hand-written ones, the MatMul ceiling, evaluation throughput, annotation processing and"
        + " cold start. Timings are printed, never judged by the exit code.",
    subcommands = {BenchCommand.class, VaeBenchmarkCommand.class, ProcessingCostCommand.class, DensityBenchmarkCommand.class,
        CommandLine.HelpCommand.class})
public final class BenchCli {
  /** Read by {@link NativeLogLauncher} before the command line is parsed; declared for --help. */
  @Option(names = NativeLogLauncher.VERBOSE, scope = ScopeType.INHERIT,
      description = "Show TensorFlow's native log lines (start-up, oneDNN, MLIR), hidden by default;"
          + " setting TF_CPP_MIN_LOG_LEVEL also shows what that level lets through.")
  boolean verbose;

  private BenchCli() {}

  public static void main(String[] args) {
    System.exit(NativeLogLauncher.run(BenchCli.class, args, () -> commandLine().execute(args)));
  }

  /** The configured command line, with the samples' error messages and exit codes. */
  public static CommandLine commandLine() {
    return HelmholtzCli.withErrorHandling(new CommandLine(new BenchCli()));
  }
}
