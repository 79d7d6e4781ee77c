package dev.helmholtz.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a model's {@code selfCheck()} found: one row per check and node (or variable), with its
 * figure, its tolerance and whether it passed, and a row for each check that did not apply to the
 * model, saying why. {@link #assertPassed()} throws a {@link SelfCheckException} naming every
 * failed row, so a user's test is one line: {@code model.selfCheck(batch).assertPassed()}.
 */
public final class SelfCheckReport {
  /** How a row ended. */
  public enum Status {
    /** The figure was within its tolerance. */
    PASS,
    /** The figure was outside its tolerance: the model (or the runtime) computes something wrong. */
    FAIL,
    /** The check does not apply to this model; the row's detail says why. */
    SKIPPED
  }

  /**
   * One check of one node or variable.
   *
   * @param check the check's name: {@code gradient}, {@code kl}, {@code bounds},
   *     {@code score-function}, {@code log-density}, {@code shape} or {@code structure}
   * @param subject what was checked: a node, a network's output, a variable entry
   * @param figure the measured discrepancy, in the units of {@code tolerance} (NaN for a skip)
   * @param tolerance the largest discrepancy that passes (NaN for a skip)
   * @param status pass, fail or skipped
   * @param detail the numbers behind the figure, or why the check was skipped
   */
  public record Row(String check, String subject, double figure, double tolerance, Status status, String detail) {
    public Row {
      Objects.requireNonNull(check, "check");
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(detail, "detail");
    }

    /** A row that passes when {@code figure <= tolerance} (a NaN figure fails). */
    public static Row measured(String check, String subject, double figure, double tolerance, String detail) {
      return new Row(check, subject, figure, tolerance, figure <= tolerance ? Status.PASS : Status.FAIL, detail);
    }

    /** A row for a check that does not apply, and why. */
    public static Row skipped(String check, String subject, String why) {
      return new Row(check, subject, Double.NaN, Double.NaN, Status.SKIPPED, why);
    }

    /** The row as one line: check, subject, figure against tolerance, status, detail. */
    public String describe() {
      if (status == Status.SKIPPED) {
        return check + " " + subject + ": skipped (" + detail + ")";
      }
      return check + " " + subject + ": " + format(figure) + " (tolerance " + format(tolerance) + ") "
          + status + "; " + detail;
    }
  }

  private final String modelName;
  private final List<Row> rows;

  public SelfCheckReport(String modelName, List<Row> rows) {
    this.modelName = Objects.requireNonNull(modelName, "modelName");
    this.rows = List.copyOf(rows);
  }

  /** The model checked. */
  public String modelName() {
    return modelName;
  }

  /** Every row, in the order the checks ran. */
  public List<Row> rows() {
    return rows;
  }

  /** The rows that failed. */
  public List<Row> failures() {
    return rows.stream().filter(r -> r.status() == Status.FAIL).toList();
  }

  /** Whether no row failed. */
  public boolean passed() {
    return failures().isEmpty();
  }

  /**
   * Returns this report when every check passed.
   *
   * @throws SelfCheckException naming each failed check, its node or variable and its figure
   */
  public SelfCheckReport assertPassed() {
    if (!passed()) {
      throw new SelfCheckException(this);
    }
    return this;
  }

  /** The same as {@link #assertPassed()}. */
  public SelfCheckReport orThrow() {
    return assertPassed();
  }

  /** The report as a table: one line per row, and a summary line. */
  @Override
  public String toString() {
    List<String[]> cells = new ArrayList<>();
    cells.add(new String[] {"check", "subject", "figure", "tolerance", "result", "detail"});
    for (Row r : rows) {
      boolean skip = r.status() == Status.SKIPPED;
      cells.add(new String[] {r.check(), r.subject(), skip ? "-" : format(r.figure()),
          skip ? "-" : format(r.tolerance()), r.status().name().toLowerCase(Locale.ROOT), r.detail()});
    }
    int[] widths = new int[5];
    for (String[] line : cells) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], line[i].length());
      }
    }
    StringBuilder out = new StringBuilder("self-check of ").append(modelName).append('\n');
    for (String[] line : cells) {
      for (int i = 0; i < widths.length; i++) {
        out.append(String.format(Locale.ROOT, "%-" + widths[i] + "s  ", line[i]));
      }
      out.append(line[5]).append('\n');
    }
    long passed = rows.stream().filter(r -> r.status() == Status.PASS).count();
    long skipped = rows.stream().filter(r -> r.status() == Status.SKIPPED).count();
    out.append(String.format(Locale.ROOT, "%d passed, %d failed, %d skipped", passed, failures().size(), skipped));
    return out.toString();
  }

  static String format(double x) {
    if (Double.isNaN(x) || Double.isInfinite(x)) {
      return Double.toString(x);
    }
    double a = Math.abs(x);
    return a != 0 && (a < 1e-3 || a >= 1e5) ? String.format(Locale.ROOT, "%.3e", x)
        : String.format(Locale.ROOT, "%.4f", x);
  }
}
