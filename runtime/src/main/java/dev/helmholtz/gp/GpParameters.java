package dev.helmholtz.gp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat64;

/**
 * A model's hyperparameters in one graph: each an unconstrained placeholder fed from Java on every
 * run, and its constrained value (the softplus of it plus a floor for a positive one). Keeping the
 * values in Java, in double precision, makes the graph a pure function of them: the optimizer
 * ({@link GpAdam}) steps in Java, a parameter can be set exactly (a test's optimal q(u)), and no
 * variable needs initializing or checkpointing.
 */
final class GpParameters implements ParameterValues {
  private final Ops tf;
  private final List<Hyperparameter> parameters;
  private final Map<Hyperparameter, Placeholder<TFloat64>> placeholders = new IdentityHashMap<>();
  private final Map<Hyperparameter, Operand<TFloat64>> constrained = new IdentityHashMap<>();
  private final Map<Hyperparameter, double[]> unconstrained = new IdentityHashMap<>();

  GpParameters(Ops tf, List<Hyperparameter> parameters) {
    this.tf = tf;
    Set<Hyperparameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Hyperparameter> unique = new ArrayList<>();
    for (Hyperparameter p : parameters) {
      if (seen.add(p)) {
        unique.add(p);
      }
    }
    this.parameters = List.copyOf(unique);
    Ops scope = tf.withSubScope("hyperparameters");
    for (int i = 0; i < this.parameters.size(); i++) {
      Hyperparameter p = this.parameters.get(i);
      Placeholder<TFloat64> input = scope.withName("u" + i).placeholder(TFloat64.class,
          Placeholder.shape(Shape.of(p.shape())));
      placeholders.put(p, input);
      constrained.put(p, p.isPositive()
          ? scope.math.add(scope.math.softplus(input), scope.constant(Hyperparameter.POSITIVE_FLOOR))
          : input);
      double[] initial = p.initial();
      double[] u = new double[initial.length];
      for (int j = 0; j < u.length; j++) {
        u[j] = p.unconstrain(initial[j]);
      }
      unconstrained.put(p, u);
    }
  }

  @Override
  public Ops tf() {
    return tf;
  }

  @Override
  public Operand<TFloat64> value(Hyperparameter parameter) {
    Operand<TFloat64> value = constrained.get(parameter);
    if (value == null) {
      throw new IllegalArgumentException(parameter + " is not a parameter of this model");
    }
    return value;
  }

  /** The parameters, each once, in order. */
  List<Hyperparameter> list() {
    return parameters;
  }

  /** The unconstrained placeholders, in order (what gradients are taken with respect to). */
  List<Output<TFloat64>> inputs() {
    List<Output<TFloat64>> inputs = new ArrayList<>();
    for (Hyperparameter p : parameters) {
      inputs.add(placeholders.get(p).output());
    }
    return inputs;
  }

  /** The live unconstrained values of {@code p} (the optimizer updates them in place). */
  double[] unconstrained(Hyperparameter p) {
    double[] u = unconstrained.get(p);
    if (u == null) {
      throw new IllegalArgumentException(p + " is not a parameter of this model");
    }
    return u;
  }

  /** The constrained values of {@code p}, row-major. */
  double[] get(Hyperparameter p) {
    double[] u = unconstrained(p);
    double[] out = new double[u.length];
    for (int j = 0; j < u.length; j++) {
      out[j] = p.constrain(u[j]);
    }
    return out;
  }

  /** Sets {@code p} to the constrained {@code values}, row-major. */
  void set(Hyperparameter p, double[] values) {
    double[] u = unconstrained(p);
    if (values.length != u.length) {
      throw new IllegalArgumentException(p + " has " + u.length + " values, given " + values.length);
    }
    for (int j = 0; j < u.length; j++) {
      if (!Double.isFinite(values[j]) || (p.isPositive() && !(values[j] > Hyperparameter.POSITIVE_FLOOR))) {
        throw new IllegalArgumentException(p + ": value " + values[j] + " out of its range");
      }
      u[j] = p.unconstrain(values[j]);
    }
  }

  /**
   * Tensors of the current values, one per parameter in order, for a run's feeds (the caller
   * closes them).
   */
  List<TFloat64> tensors() {
    List<TFloat64> tensors = new ArrayList<>();
    for (Hyperparameter p : parameters) {
      tensors.add(GpTensors.tensor(unconstrained.get(p), p.shape()));
    }
    return tensors;
  }

  /** The placeholder of the i-th parameter. */
  Placeholder<TFloat64> placeholder(int i) {
    return placeholders.get(parameters.get(i));
  }
}
