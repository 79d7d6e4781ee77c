package dev.helmholtz.bench;

import dev.helmholtz.samples.cli.HelmholtzCli;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar helmholtz-bench.jar <command>}: the benchmarks' command line. */
@Command(
    name = "helmholtz-bench",
    mixinStandardHelpOptions = true,
    version = "Helmholtz benchmarks 0.1.0",
    description = "Measures the cost of training and using Helmholtz models: generated graphs against"
        + " hand-written ones, the MatMul ceiling, evaluation throughput, annotation processing and"
        + " cold start. Timings are printed, never judged by the exit code.",
    subcommands = {BenchCommand.class, VaeBenchmarkCommand.class, ProcessingCostCommand.class,
        CommandLine.HelpCommand.class})
public final class BenchCli {
  private BenchCli() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, with the samples' error messages and exit codes. */
  public static CommandLine commandLine() {
    return HelmholtzCli.withErrorHandling(new CommandLine(new BenchCli()));
  }
}
