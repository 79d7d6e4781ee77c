package dev.helmholtz.graph;

import java.util.List;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Gradients that TensorFlow Java 1.1 lacks: those of gradient ops, so that a loss may contain a
 * gradient and still be differentiated (a WGAN-GP gradient penalty: the critic's input-gradient
 * norm, differentiated with respect to the critic's weights), and the implicit gradient of a
 * gamma draw with respect to its concentration (so Gamma, Beta, Dirichlet, InverseGamma and
 * Student's t draws are reparameterized).
 *
 * <p>TF Java honours only the first 10 custom-gradient registrations per JVM (the 11th "succeeds"
 * and later crashes the process), so every registration in Helmholtz is made here, once, by
 * {@link #register()}; it uses seven. The gamma draw's: {@code StatelessRandomGammaV2}, whose
 * gradient is the implicit one (Figurnov et al. 2018), dx/d alpha = -(dF(x; alpha)/d alpha) /
 * f(x; alpha), which TensorFlow's {@code RandomGammaGrad} op computes. The others cover {@code OnesLike} (which {@code tf.gradients} seeds
 * with), {@code BiasAddGrad} (NHWC, as {@code Nn.dense} uses), and the gradients of the
 * activations ReLU, leaky ReLU, tanh and sigmoid. Networks using ELU or softplus cannot be
 * penalized; {@code tf.gradients} then fails naming {@code EluGrad} or {@code SoftplusGrad}.
 */
public final class SecondOrderGradients {
  /** The stateless gamma sampler that {@link RandomSource#standardGamma} builds. */
  static final String GAMMA_DRAW_OP = "StatelessRandomGammaV2";

  /** The op types whose gradients {@link #register()} supplies, in registration order. */
  public static final List<String> OP_TYPES =
      List.of("OnesLike", "BiasAddGrad", "ReluGrad", "LeakyReluGrad", "TanhGrad", "SigmoidGrad",
          GAMMA_DRAW_OP);

  private static boolean registered;

  private SecondOrderGradients() {}

  /**
   * Registers the gradients, once per JVM; later calls do nothing. Call it before building a
   * graph that differentiates a gradient. An op that already has a (C++) gradient keeps it.
   */
  public static synchronized void register() {
    if (registered) {
      return;
    }
    registered = true;
    TensorFlow.registerCustomGradient("OnesLike", (tf, op, grads) -> List.of(tf.zerosLike(op.input(0))));
    TensorFlow.registerCustomGradient("BiasAddGrad", SecondOrderGradients::biasAddGradGradient);
    TensorFlow.registerCustomGradient("ReluGrad", (tf, op, grads) -> {
      // ReluGrad(dy, x) = dy * [x > 0]: linear in dy, piecewise constant in x.
      Operand<TFloat32> features = floats(op.input(1));
      return List.of(tf.nn.reluGrad(floats(grads.get(0)), features), tf.zerosLike(features));
    });
    TensorFlow.registerCustomGradient("LeakyReluGrad", (tf, op, grads) -> {
      // LeakyReluGrad(dy, x) = dy * (x > 0 ? 1 : alpha).
      Operand<TFloat32> features = floats(op.input(1));
      float alpha = op.attributes().getAttrFloat("alpha");
      Operand<TFloat32> slope = tf.select(tf.math.greater(features, tf.constant(0f)),
          tf.onesLike(features), tf.fill(tf.shape(features), tf.constant(alpha)));
      return List.of(tf.math.mul(floats(grads.get(0)), slope), tf.zerosLike(features));
    });
    TensorFlow.registerCustomGradient("TanhGrad", (tf, op, grads) -> {
      // TanhGrad(y, dy) = dy * (1 - y^2).
      Operand<TFloat32> y = floats(op.input(0));
      Operand<TFloat32> dy = floats(op.input(1));
      Operand<TFloat32> g = floats(grads.get(0));
      Operand<TFloat32> gradY = tf.math.mul(tf.math.mul(g, dy), tf.math.mul(tf.constant(-2f), y));
      return List.of(gradY, tf.math.tanhGrad(y, g));
    });
    TensorFlow.registerCustomGradient("SigmoidGrad", (tf, op, grads) -> {
      // SigmoidGrad(y, dy) = dy * y * (1 - y).
      Operand<TFloat32> y = floats(op.input(0));
      Operand<TFloat32> dy = floats(op.input(1));
      Operand<TFloat32> g = floats(grads.get(0));
      Operand<TFloat32> gradY = tf.math.mul(tf.math.mul(g, dy),
          tf.math.sub(tf.constant(1f), tf.math.mul(tf.constant(2f), y)));
      return List.of(gradY, tf.math.sigmoidGrad(y, g));
    });
    TensorFlow.registerCustomGradient(GAMMA_DRAW_OP, SecondOrderGradients::gammaDrawGradient);
  }

  /**
   * StatelessRandomGammaV2(shape, seed, alpha): the draw x has shape {@code shape}, whose trailing
   * axes are alpha's. dy * dx/d alpha, summed over the leading (sample) axes alpha lacks; the
   * integer shape and seed get zeros (a null gradient fails in TF Java). The draw is clamped to the
   * smallest normal float, as {@link RandomSource#standardGamma} clamps it: a draw that underflowed
   * to 0 would give RandomGammaGrad a 0/0.
   */
  private static List<Operand<?>> gammaDrawGradient(Ops tf, GraphOperation op, List<Output<?>> grads) {
    Operand<TFloat32> alpha = floats(op.input(2));
    Operand<TFloat32> x = tf.math.maximum(floats(op.output(0)), tf.constant(Float.MIN_NORMAL));
    Operand<TFloat32> weighted =
        tf.math.mul(floats(grads.get(0)), tf.random.randomGammaGrad(alpha, x));
    Operand<TInt32> sampleAxes =
        tf.range(tf.constant(0), tf.math.sub(tf.rank(x), tf.rank(alpha)), tf.constant(1));
    return List.of(tf.zerosLike(op.input(0)), tf.zerosLike(op.input(1)),
        tf.reduceSum(weighted, sampleAxes));
  }

  /** BiasAddGrad sums dy over every axis but the last; its gradient broadcasts back along them. */
  private static List<Operand<?>> biasAddGradGradient(Ops tf, GraphOperation op, List<Output<?>> grads) {
    String format = op.attributes().getAttrString("data_format");
    if (!"NHWC".equals(format)) {
      throw new IllegalStateException("the second-order gradient of BiasAddGrad is supplied for "
          + "data_format NHWC only, but op " + op.name() + " uses " + format);
    }
    Operand<TFloat32> dy = floats(op.input(0));
    return List.of(tf.broadcastTo(floats(grads.get(0)), tf.shape(dy)));
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> floats(Operand<?> operand) {
    if (operand.type() != TFloat32.class) {
      throw new IllegalStateException("custom gradients are supplied for float32 only, got "
          + operand.asOutput().dataType() + " at " + operand.op().name());
    }
    return (Operand<TFloat32>) operand;
  }
}
