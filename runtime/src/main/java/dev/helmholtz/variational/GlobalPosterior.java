package dev.helmholtz.variational;

import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.VariableStore;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The variational posterior of the global latents of a model that also has per-example latents
 * (Blundell et al. 2015, Bayes by backprop): mean-field Normal, q(w) = N(loc, softplus(rho)^2)
 * per coordinate, {@code loc} and {@code rho} trainable variables named {@code global/<name>/loc}
 * and {@code global/<name>/rho}, shared by every pass of the graph through the {@link
 * VariableStore}. The training pass draws w = loc + softplus(rho) * eps once per step
 * (reparameterized), one draw for the whole minibatch.
 *
 * <p>The data size N of the plate is a non-trainable variable, {@value #DATA_SIZE}: {@code fit}
 * sets it to the training data's row count (1 before), so checkpoints carry it.
 */
final class GlobalPosterior {
  /** The variable holding N, the training data's size, which scales the global terms by 1 / N per example. */
  static final String DATA_SIZE = "global/data_size";
  /** loc's initial values are N(0, LOC_INIT^2): small, so a global used as weights starts near 0 but not symmetric. */
  static final float LOC_INIT = 0.1f;
  /** softplus(rho) starts at SCALE_INIT: narrow, so the first steps' draws are close to loc (as in Blundell et al.). */
  static final float SCALE_INIT = 0.01f;

  private GlobalPosterior() {}

  /** q(name): Normal with parameters [1, width]. */
  static Normal of(Ops tf, VariableStore variables, String name, int width) {
    Operand<TFloat32> loc = variables.variable("global/" + name + "/loc", Shape.of(width),
        (init, shape, rng) -> init.math.mul(init.random.statelessRandomNormal(init.constant(shape),
            init.constant(rng.nextSeeds()), TFloat32.class), init.constant(LOC_INIT)));
    float rho = (float) Math.log(Math.expm1(SCALE_INIT)); // softplus^-1
    Operand<TFloat32> raw = variables.variable("global/" + name + "/rho", Shape.of(width),
        (init, shape, rng) -> init.fill(init.constant(shape), init.constant(rho)));
    Operand<org.tensorflow.types.TInt32> row = tf.constant(new int[] {1, width});
    return Normal.meanScale(tf.reshape(loc, row), tf.reshape(tf.math.softplus(raw), row));
  }

  /**
   * N, the training data's size: 1 (a plate of one example, each example carrying the whole KL)
   * until a fit sets it, so that the objective of a model not yet fitted (its self-check's, a
   * benchmark's step) is finite and a bound.
   */
  static Operand<TFloat32> dataSize(VariableStore variables) {
    return variables.variable(DATA_SIZE, Shape.scalar(),
        (init, shape, rng) -> init.constant(1f), false);
  }

  /** The variable {@link #dataSize} reads, to assign. */
  static Variable<TFloat32> dataSizeVariable(VariableStore variables) {
    dataSize(variables);
    List<Variable<TFloat32>> all = variables.allVariables();
    return all.stream().filter(v -> v.op().name().equals(DATA_SIZE)).findFirst().orElseThrow();
  }
}
