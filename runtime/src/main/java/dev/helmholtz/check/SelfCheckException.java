package dev.helmholtz.check;

import java.util.stream.Collectors;

/**
 * A model's self-check failed: the message names each failed check, the node or variable it
 * checked, its figure and its tolerance. An {@link AssertionError}, so that a test framework
 * reports it as a failed assertion.
 */
public final class SelfCheckException extends AssertionError {
  private static final long serialVersionUID = 1L;

  private final transient SelfCheckReport report;

  public SelfCheckException(SelfCheckReport report) {
    super("self-check of " + report.modelName() + " failed " + report.failures().size() + " check(s):\n  "
        + report.failures().stream().map(SelfCheckReport.Row::describe).collect(Collectors.joining("\n  ")));
    this.report = report;
  }

  /** The whole report, passed rows and skips included. */
  public SelfCheckReport report() {
    return report;
  }
}
