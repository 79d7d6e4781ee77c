package dev.helmholtz.gp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat64;

/**
 * A covariance function k(x, x') over inputs of {@code d} real dimensions, built into a graph in
 * double precision: {@link #covariance} of {@code [n, d]} and {@code [m, d]} inputs is the
 * {@code [n, m]} matrix, {@link #variance} of {@code [n, d]} its diagonal k(x, x), {@code [n]}.
 * Kernels add and multiply ({@link #plus}, {@link #times}); a hyperparameter object shared by two
 * kernels is one parameter.
 */
public abstract class Kernel {

  /** The kernel's trainable hyperparameters, each once, in a fixed order. */
  public abstract List<Hyperparameter> hyperparameters();

  /** k(x1, x2): {@code [n, d]} and {@code [m, d]} inputs give the {@code [n, m]} covariance. */
  public abstract Operand<TFloat64> covariance(ParameterValues values, Operand<TFloat64> x1, Operand<TFloat64> x2);

  /** k(x, x) for each row of {@code [n, d]} {@code x}: {@code [n]}. */
  public abstract Operand<TFloat64> variance(ParameterValues values, Operand<TFloat64> x);

  /** The sum kernel k(x, x') = this(x, x') + other(x, x'). */
  public Kernel plus(Kernel other) {
    return new SumKernel(this, other);
  }

  /** The product kernel k(x, x') = this(x, x') * other(x, x'). */
  public Kernel times(Kernel other) {
    return new ProductKernel(this, other);
  }

  /**
   * The covariance matrix at the hyperparameters' initial values, computed once in a graph of its
   * own (for inspection and tests; models compute theirs inside their own graphs).
   */
  public double[][] evaluate(double[][] x1, double[][] x2) {
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      ParameterValues initial = new ParameterValues() {
        @Override
        public Ops tf() {
          return tf;
        }

        @Override
        public Operand<TFloat64> value(Hyperparameter parameter) {
          return GpTensors.constant(tf, parameter.initial(), parameter.shape());
        }
      };
      Operand<TFloat64> k = covariance(initial, tf.constant(x1), tf.constant(x2));
      try (Result result = session.runner().fetch(k).run()) {
        return GpTensors.matrix((TFloat64) result.get(0), x1.length, x2.length);
      }
    }
  }

  /** The hyperparameters of several kernels, each once (by identity), in order. */
  static List<Hyperparameter> union(List<Kernel> kernels) {
    Set<Hyperparameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Hyperparameter> all = new ArrayList<>();
    for (Kernel kernel : kernels) {
      for (Hyperparameter p : kernel.hyperparameters()) {
        if (seen.add(p)) {
          all.add(p);
        }
      }
    }
    return List.copyOf(all);
  }

  /** The sum of two kernels. */
  private static final class SumKernel extends Kernel {
    private final Kernel left;
    private final Kernel right;

    SumKernel(Kernel left, Kernel right) {
      this.left = left;
      this.right = right;
    }

    @Override
    public List<Hyperparameter> hyperparameters() {
      return union(List.of(left, right));
    }

    @Override
    public Operand<TFloat64> covariance(ParameterValues v, Operand<TFloat64> x1, Operand<TFloat64> x2) {
      return v.tf().math.add(left.covariance(v, x1, x2), right.covariance(v, x1, x2));
    }

    @Override
    public Operand<TFloat64> variance(ParameterValues v, Operand<TFloat64> x) {
      return v.tf().math.add(left.variance(v, x), right.variance(v, x));
    }

    @Override
    public String toString() {
      return "(" + left + " + " + right + ")";
    }
  }

  /** The product of two kernels. */
  private static final class ProductKernel extends Kernel {
    private final Kernel left;
    private final Kernel right;

    ProductKernel(Kernel left, Kernel right) {
      this.left = left;
      this.right = right;
    }

    @Override
    public List<Hyperparameter> hyperparameters() {
      return union(List.of(left, right));
    }

    @Override
    public Operand<TFloat64> covariance(ParameterValues v, Operand<TFloat64> x1, Operand<TFloat64> x2) {
      return v.tf().math.mul(left.covariance(v, x1, x2), right.covariance(v, x1, x2));
    }

    @Override
    public Operand<TFloat64> variance(ParameterValues v, Operand<TFloat64> x) {
      return v.tf().math.mul(left.variance(v, x), right.variance(v, x));
    }

    @Override
    public String toString() {
      return "(" + left + " * " + right + ")";
    }
  }
}
