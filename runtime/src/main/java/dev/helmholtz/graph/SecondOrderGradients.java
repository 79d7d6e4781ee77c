package dev.helmholtz.graph;

import java.util.List;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Gradients of gradient ops that TensorFlow Java 1.1 lacks, so that a loss may contain a
 * gradient and still be differentiated (a WGAN-GP gradient penalty: the critic's input-gradient
 * norm, differentiated with respect to the critic's weights).
 *
 * <p>TF Java honours only the first 10 custom-gradient registrations per JVM (the 11th "succeeds"
 * and later crashes the process), so every registration in Helmholtz is made here, once, by
 * {@link #register()}; it uses seven. Covered: {@code OnesLike} (which {@code tf.gradients} seeds
 * with), {@code BiasAddGrad} (NHWC, as {@code Nn.dense} uses), and the gradients of the
 * activations ReLU, leaky ReLU, tanh and sigmoid. Networks using ELU or softplus cannot be
 * penalized; {@code tf.gradients} then fails naming {@code EluGrad} or {@code SoftplusGrad}.
 *
 * <p>The seventh, on {@code IdentityN}, serves every other missing gradient through {@link
 * GradientDispatch}: add gradients there, not registrations here.
 *
 * <p>Convolutional critics need nothing more: the penalty differentiates {@code
 * Conv2DBackpropInput} (a convolution's input gradient), whose C++ gradient exists, and {@code
 * Nn}'s layer normalization is built from ops that are twice differentiable ({@code pow}, not
 * {@code Rsqrt}); GradientPenaltyTest checks a conv + layer-norm + leaky-ReLU critic against
 * finite differences. Batch normalization in a gradient-penalized critic is wrong anyway (the
 * penalty is per example), and max pooling ({@code MaxPoolGrad}) has no second order.
 */
public final class SecondOrderGradients {
  /** The op types whose gradients {@link #register()} supplies, in registration order. */
  public static final List<String> OP_TYPES =
      List.of("OnesLike", "BiasAddGrad", "ReluGrad", "LeakyReluGrad", "TanhGrad", "SigmoidGrad",
          "IdentityN");

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
    TensorFlow.registerCustomGradient("IdentityN", GradientDispatch::identityNGradient);
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
      throw new IllegalStateException("second-order gradients are supplied for float32 only, got "
          + operand.asOutput().dataType() + " at " + operand.op().name());
    }
    return (Operand<TFloat32>) operand;
  }
}
