package dev.helmholtz.gp;

import java.util.Arrays;
import java.util.Objects;

/**
 * One trainable quantity of a Gaussian process (a kernel's variance or lengthscales, the noise
 * variance, the inducing points, the variational mean and scale): its name, its shape and its
 * initial value. A positive one is optimized through the softplus, value = softplus(u) + 1e-6 for
 * an unconstrained u, so that Adam's steps never leave the positive reals and a variance never
 * reaches zero (as GPflow's default positive transform); a real one is its own unconstrained value.
 *
 * <p>Identity matters, not the name: the same object in two kernels of a sum is one shared
 * parameter.
 */
public final class Hyperparameter {

  /** The smallest value a positive hyperparameter takes. */
  public static final double POSITIVE_FLOOR = 1e-6;

  private final String name;
  private final long[] shape;
  private final boolean positive;
  private final double[] initial;

  private Hyperparameter(String name, long[] shape, boolean positive, double[] initial) {
    this.name = Objects.requireNonNull(name, "name");
    this.shape = shape.clone();
    this.positive = positive;
    long size = 1;
    for (long d : shape) {
      if (d < 1) {
        throw new IllegalArgumentException(name + ": every axis must be at least 1, was " + Arrays.toString(shape));
      }
      size *= d;
    }
    if (initial.length != size) {
      throw new IllegalArgumentException(name + ": " + initial.length + " initial values for shape "
          + Arrays.toString(shape));
    }
    for (double v : initial) {
      if (!Double.isFinite(v) || (positive && !(v > POSITIVE_FLOOR))) {
        throw new IllegalArgumentException(name + ": initial value " + v + " is not "
            + (positive ? "finite and above " + POSITIVE_FLOOR : "finite"));
      }
    }
    this.initial = initial.clone();
  }

  /** A positive scalar (a variance, a lengthscale, a period). */
  public static Hyperparameter positive(String name, double initial) {
    return new Hyperparameter(name, new long[0], true, new double[] {initial});
  }

  /** A positive vector (one lengthscale per input dimension: automatic relevance determination). */
  public static Hyperparameter positive(String name, double[] initial) {
    return new Hyperparameter(name, new long[] {initial.length}, true, initial);
  }

  /** A real array of the given shape, row-major values. */
  public static Hyperparameter real(String name, long[] shape, double[] initial) {
    return new Hyperparameter(name, shape, false, initial);
  }

  /** Its name (for reports; need not be unique). */
  public String name() {
    return name;
  }

  /** Its shape; empty for a scalar. */
  public long[] shape() {
    return shape.clone();
  }

  /** Whether it is kept positive by the softplus. */
  public boolean isPositive() {
    return positive;
  }

  /** The number of values. */
  public int size() {
    return initial.length;
  }

  /** Its initial (constrained) values, row-major. */
  public double[] initial() {
    return initial.clone();
  }

  /** The unconstrained value whose transform is {@code value}. */
  double unconstrain(double value) {
    if (!positive) {
      return value;
    }
    double x = value - POSITIVE_FLOOR;
    // log(expm1(x)), written to stay finite for large x.
    return x > 30 ? x + Math.log(-Math.expm1(-x)) : Math.log(Math.expm1(x));
  }

  /** The constrained value of unconstrained {@code u}, in double precision. */
  double constrain(double u) {
    if (!positive) {
      return u;
    }
    double softplus = u > 30 ? u + Math.log1p(Math.exp(-u)) : Math.log1p(Math.exp(u));
    return softplus + POSITIVE_FLOOR;
  }

  @Override
  public String toString() {
    return name + Arrays.toString(shape);
  }
}
