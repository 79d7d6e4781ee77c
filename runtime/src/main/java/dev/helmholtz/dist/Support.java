package dev.helmholtz.dist;

import java.util.Objects;

/**
 * The values a family gives positive probability, as a test of one float: what a data column
 * of an observed node is checked against, once, in Java, when the data are fed to a model
 * (fitting, evaluating, reconstructing), so that data outside the support is an error naming the
 * node and the column instead of a log-likelihood of minus infinity, NaN, or a silently wrong
 * continuation of the density (a Poisson's lgamma at a fraction). Checking there costs one pass
 * over the column the first time an array meets a support (a {@code Dataset} is immutable, so a
 * column that passed once is not scanned again); an op in the graph would cost every step. A support that depends on
 * the parameters (Uniform's [low, high]) is only known in the graph: see {@link
 * Distribution#supportCheck}.
 */
public final class Support {
  /**
   * Real numbers: every float passes. A NaN or an infinity in a real-valued column is left to the
   * training loop, whose divergence check names the step and the term it reached.
   */
  public static final Support REAL = new Support("real numbers", v -> true);
  /** Finite numbers at least 0 (HalfNormal, HalfCauchy, Exponential). */
  public static final Support NON_NEGATIVE = new Support("finite non-negative numbers",
      v -> Float.isFinite(v) && v >= 0);
  /** Finite numbers above 0 (LogNormal). */
  public static final Support POSITIVE = new Support("finite positive numbers", v -> Float.isFinite(v) && v > 0);
  /** Numbers strictly between 0 and 1 (Beta, and the entries of a Dirichlet's simplex). */
  public static final Support OPEN_UNIT_INTERVAL = new Support("numbers in (0, 1)", v -> v > 0 && v < 1);
  /** Numbers in [0, 1]: Bernoulli probabilities of binary data, or intensities binarized in the graph. */
  public static final Support UNIT_INTERVAL = new Support("numbers in [0, 1]", v -> v >= 0 && v <= 1);
  /** 0 or 1: one-hot rows (Categorical). */
  public static final Support BINARY = new Support("0 or 1 (one-hot rows)", v -> v == 0 || v == 1);
  /** Non-negative whole numbers (Poisson, Geometric, Binomial, Multinomial). */
  public static final Support COUNTS = new Support("non-negative whole numbers (counts)",
      v -> Float.isFinite(v) && v >= 0 && v == Math.rint(v));
  /**
   * The 256 intensities k / 255 of 8-bit pixels scaled to [0, 1] (DiscretizedLogistic), within
   * float32 rounding of k / 255.
   */
  public static final Support INTENSITIES_8BIT = new Support("8-bit intensities k/255 in [0, 1]", v -> {
    if (!(v >= 0 && v <= 1)) {
      return false;
    }
    float k = v * 255;
    return Math.abs(k - Math.rint(k)) < 1e-3;
  });

  /** A test of one value. */
  @FunctionalInterface
  public interface ValueTest {
    /** Whether {@code v} is in the support. */
    boolean test(float v);
  }

  private final String description;
  private final ValueTest test;

  /** A support described as {@code description} ("finite positive numbers"), of the values {@code test} accepts. */
  public Support(String description, ValueTest test) {
    this.description = Objects.requireNonNull(description, "description");
    this.test = Objects.requireNonNull(test, "test");
  }

  /** Whether {@code v} is in the support. */
  public boolean contains(float v) {
    return test.test(v);
  }

  /** For messages: "finite non-negative numbers". */
  public String description() {
    return description;
  }

  @Override
  public String toString() {
    return description;
  }
}
