package dev.helmholtz.dist.flow;

import dev.helmholtz.nn.Nn;
import dev.helmholtz.nn.VariableStore;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/** Shape and variable helpers the flows share. */
final class FlowOps {
  private FlowOps() {}

  /** Sum over the event axis, keeping it: {@code [..., 1]}. */
  static Operand<TFloat32> sumKeep(Ops tf, Operand<TFloat32> x) {
    return tf.reduceSum(x, tf.constant(-1), ReduceSum.keepDims(true));
  }

  /**
   * {@code x @ w} over the last axis: {@code [..., in]} times {@code [in, out]} gives {@code [...,
   * out]}, with the leading axes flattened for the product and restored after (the last
   * dimension stays static, as layers downstream need).
   */
  static Operand<TFloat32> matmulLast(Ops tf, Operand<TFloat32> x, Operand<TFloat32> w) {
    Shape shape = x.shape();
    long out = w.shape().get(1);
    if (!shape.isUnknown() && shape.numDimensions() == 2) {
      return tf.linalg.matMul(x, w);
    }
    long in = w.shape().get(0);
    Operand<TFloat32> flat = tf.linalg.matMul(tf.reshape(x, tf.constant(new long[] {-1, in})), w);
    Operand<TInt64> whole = tf.shape(x, TInt64.class);
    Operand<TInt64> lead = tf.slice(whole, tf.constant(new long[] {0}),
        tf.reshape(tf.math.sub(tf.size(whole, TInt64.class), tf.constant(1L)), tf.constant(new long[] {1})));
    return tf.reshape(flat, tf.concat(List.of(lead, tf.constant(new long[] {out})), tf.constant(0)));
  }

  /** A trainable variable of {@code nn}'s store, {@code layer/name}, Glorot-uniform at first. */
  static Operand<TFloat32> weight(Nn nn, String layer, String name, long... shape) {
    return nn.store().variable(layer + "/" + name, Shape.of(shape), VariableStore.glorotUniform());
  }

  /**
   * A trainable variable of {@code nn}'s store, {@code layer/name}, Glorot-uniform scaled by
   * {@code scale} at first: an output layer that starts small starts its flow near an elementwise
   * map (Kingma et al. 2016 initialize IAF's autoregressive outputs so), yet with every weight
   * nonzero, so its gradient reaches every weight from the first step.
   */
  static Operand<TFloat32> smallWeight(Nn nn, String layer, String name, float scale, long... shape) {
    VariableStore.Initializer glorot = VariableStore.glorotUniform();
    return nn.store().variable(layer + "/" + name, Shape.of(shape),
        (tf, s, rng) -> tf.math.mul(glorot.create(tf, s, rng), tf.constant(scale)));
  }

  /** A trainable variable of {@code nn}'s store, {@code layer/name}, zeros at first. */
  static Operand<TFloat32> zeros(Nn nn, String layer, String name, long... shape) {
    return nn.store().variable(layer + "/" + name, Shape.of(shape), VariableStore.zeros());
  }

  /** The static event width of {@code x}, which must equal {@code d}. */
  static void requireWidth(String what, Operand<TFloat32> x, int d) {
    Shape s = x.shape();
    if (s.isUnknown() || s.numDimensions() < 1 || s.get(-1) != d) {
      throw new IllegalArgumentException(what + " needs values of static width " + d + ", got shape " + s);
    }
  }
}
