package dev.helmholtz.samples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code java -jar helmholtz-samples.jar <command>}: the samples' command line. */
@Command(
    name = "helmholtz",
    mixinStandardHelpOptions = true,
    version = "Helmholtz samples 0.1.0",
    description = "Trains and evaluates the Helmholtz sample models.",
    subcommands = {
        VaeCommand.class,
        ConvVaeCommand.class,
        TrainCommand.class,
        ObjectivesCommand.class,
        CvaeCommand.class,
        SsvaeCommand.class,
        SsvaeAdaptiveIsCommand.class,
        M1m2Command.class,
        GanCommand.class,
        ConditionalGanCommand.class,
        RingWganCommand.class,
        MmdRingCommand.class,
        MmdCommand.class,
        InfoGanCommand.class,
        BiganCommand.class,
        AaeCommand.class,
        DcganCommand.class,
        WganGpConvCommand.class,
        BayesLogregCommand.class,
        GammaPoissonCommand.class,
        BnnRegressionCommand.class,
        BayesVaeCommand.class,
        SoakCommand.class,
        VaeMixturePriorCommand.class,
        VaeFlowCommand.class,
        VaeContinuousCommand.class,
        RbmCommand.class,
        PpcaCommand.class,
        DbnCommand.class,
        DbmCommand.class,
        VaeAisCommand.class,
        SvgpMnistCommand.class,
        PmfHmcCommand.class,
        GpRegressionCommand.class,
        CheckCommand.class,
        BnnCommand.class,
        EightSchoolsCommand.class,
        CycleGanCommand.class,
        TripleGanCommand.class,
        CommandLine.HelpCommand.class},
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.HELP_OK, ExitCodes.HELP_FAILED, ExitCodes.HELP_BAD_INPUT,
        ExitCodes.HELP_INTERRUPTED})
public final class HelmholtzCli {
  /** Read by {@link NativeLogLauncher} before the command line is parsed; declared for --help. */
  @Option(names = NativeLogLauncher.VERBOSE, scope = ScopeType.INHERIT,
      description = "Show TensorFlow's native log lines (start-up, oneDNN, MLIR), hidden by default;"
          + " setting TF_CPP_MIN_LOG_LEVEL also shows what that level lets through.")
  boolean verbose;

  public static void main(String[] args) {
    System.exit(NativeLogLauncher.run(HelmholtzCli.class, args, () -> commandLine().execute(args)));
  }

  /**
   * The configured command line. Errors print {@code error: <message>}, not a stack trace
   * ({@code -Dhelmholtz.debug=true} adds it); the exit codes are those of {@link ExitCodes}: 2
   * for bad input (usage, data files, paths), 1 when training fails, 130 when interrupted.
   */
  public static CommandLine commandLine() {
    return withErrorHandling(new CommandLine(new HelmholtzCli()));
  }

  /**
   * {@code cli} with the samples' error handling: {@code error: <message>} and the exit codes of
   * {@link ExitCodes}. The benchmarks' command line ({@code bench/}) shares it.
   */
  public static CommandLine withErrorHandling(CommandLine cli) {
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("error: " + UserMessages.of(e));
      if (Boolean.getBoolean("helmholtz.debug")) {
        e.printStackTrace(commandLine.getErr());
      }
      commandLine.getErr().flush();
      return ExitCodes.of(e);
    });
    return cli;
  }
}
