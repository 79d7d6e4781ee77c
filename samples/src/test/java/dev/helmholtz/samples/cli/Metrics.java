package dev.helmholtz.samples.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reading a command's metrics.json in tests: a number must be there, finite (MetricsFile writes
 * NaN and infinities as {@code null}, which fails here) and inside the range the test names.
 */
final class Metrics {
  private Metrics() {}

  /** The value of {@code key}, asserting it is a finite number in [{@code low}, {@code high}]. */
  static double number(String metrics, String key, double low, double high) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\": ([^,\\n]+)").matcher(metrics);
    if (!m.find()) {
      fail(key + " missing from " + metrics);
    }
    double value;
    try {
      value = Double.parseDouble(m.group(1).strip());
    } catch (NumberFormatException e) {
      return fail(key + " is not a number (" + m.group(1) + ") in " + metrics);
    }
    assertTrue(Double.isFinite(value) && value >= low && value <= high,
        key + " = " + value + " outside [" + low + ", " + high + "] in " + metrics);
    return value;
  }
}
