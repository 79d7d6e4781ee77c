package dev.helmholtz.samples.cli;

import dev.helmholtz.check.SelfCheckOptions;
import dev.helmholtz.check.SelfCheckReport;
import dev.helmholtz.graph.Seed;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code check --model NAME}: a sample model's self-check on synthetic data, printed as a report. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {"Builds a sample model (freshly initialized) and runs its self-check on examples drawn from"
        + " the model itself: gradients against finite differences, analytic KLs against Monte Carlo, the"
        + " bound ordering, score-function estimators against enumeration, log-density gradients, network"
        + " output shapes; each where it applies, the others listed as skipped with the reason."},
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.HELP_OK, CheckCommand.HELP_CHECK_FAILED, ExitCodes.HELP_BAD_INPUT})
public final class CheckCommand implements Callable<Integer> {
  static final String HELP_CHECK_FAILED = "1:A check failed (the report says which, with its figure).";

  @Option(names = "--model", required = true, completionCandidates = ModelNames.class,
      description = "The model to check, one of: ${COMPLETION-CANDIDATES}.")
  String model;

  @Option(names = "--examples", defaultValue = "8", description = "Examples the checks run on (default: ${DEFAULT-VALUE}).")
  int examples;

  @Option(names = "--quick", description = "The small sizes of a unit test (SelfCheckOptions.quick()): 1 entry per"
      + " variable, fewer draws.")
  boolean quick;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the model's initialization and of the"
      + " check's draws (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() {
    CheckedModels.Check check = CheckedModels.named(model);
    if (examples < 1) {
      throw new IllegalArgumentException("--examples must be at least 1, was " + examples);
    }
    SelfCheckOptions options = (quick ? SelfCheckOptions.quick() : SelfCheckOptions.defaults())
        .withExamples(examples).withSeed(seed);
    SelfCheckReport report = check.run(Seed.of(seed), options);
    System.out.println(report);
    return report.passed() ? ExitCodes.OK : ExitCodes.TRAINING_FAILED;
  }

  /** The model names, for --help. */
  static final class ModelNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return CheckedModels.names().iterator();
    }
  }
}
