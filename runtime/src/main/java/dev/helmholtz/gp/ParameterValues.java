package dev.helmholtz.gp;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat64;

/** The graph's value of each hyperparameter (constrained), for kernels and likelihoods to build on. */
public interface ParameterValues {

  /** The ops of the graph being built. */
  Ops tf();

  /**
   * The hyperparameter's constrained value, of its shape.
   *
   * @throws IllegalArgumentException if it is not a parameter of the model being built
   */
  Operand<TFloat64> value(Hyperparameter parameter);
}
