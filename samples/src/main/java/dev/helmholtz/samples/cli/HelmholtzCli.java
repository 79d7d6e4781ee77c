package dev.helmholtz.samples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar helmholtz-samples.jar <command>}: the samples' command line. */
@Command(
    name = "helmholtz",
    mixinStandardHelpOptions = true,
    version = "Helmholtz samples 0.1.0",
    description = "Trains, evaluates and benchmarks the Helmholtz sample models.",
    subcommands = {VaeCommand.class, TrainCommand.class, ObjectivesCommand.class, VaeBenchmarkCommand.class,
        GanCommand.class, ConditionalGanCommand.class, RingWganCommand.class,
        CommandLine.HelpCommand.class})
public final class HelmholtzCli {
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line: errors in the user's input print a message, not a stack trace. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new HelmholtzCli());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      if (Boolean.getBoolean("helmholtz.debug")) {
        e.printStackTrace(commandLine.getErr());
      }
      return e instanceof java.io.IOException || e instanceof IllegalArgumentException ? 2 : 1;
    });
    return cli;
  }
}
