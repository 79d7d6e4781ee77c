package dev.helmholtz.dist;

import dev.helmholtz.graph.RandomSource;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * What the discretized likelihoods of 8-bit intensities share: values on the grid {@code k / 255},
 * no pathwise gradient, and mean, variance and entropy as exact sums over the 256 levels of each
 * element's probabilities ({@link #levelLogProbs}, {@code [..., d, 256]}).
 */
abstract class ElementwiseDiscrete extends Distribution {

  private final List<Operand<TFloat32>> parameters;
  private Operand<TInt64> shape;

  ElementwiseDiscrete(Ops tf, Operand<TFloat32> first, Operand<TFloat32> second) {
    super(tf);
    DistOps.requireSameEnv(first, second);
    this.parameters = List.of(first, second);
  }

  /** log P of each of the 256 intensities, per element: {@code [..., d, 256]}. */
  abstract Operand<TFloat32> levelLogProbs();

  /** The 256 intensities k / 255, {@code [256]}. */
  static Operand<TFloat32> levels(Ops tf) {
    float[] v = new float[DiscretizedLogistic.LEVELS];
    for (int k = 0; k < v.length; k++) {
      v[k] = k / (float) (DiscretizedLogistic.LEVELS - 1);
    }
    return tf.constant(v);
  }

  @Override
  public Operand<TFloat32> rsample(RandomSource rng) {
    throw new IllegalStateException(familyName() + " is not reparameterizable: its draws are discrete "
        + "intensities; rsample is unavailable (use sample with a score-function estimator)");
  }

  @Override
  public final Reparameterization reparameterization() {
    return Reparameterization.NOT_REPARAMETERIZED;
  }

  /** {@code sum_k P(k/255) k/255}: exact. */
  @Override
  public Operand<TFloat32> mean() {
    Ops tf = tf();
    return tf.reduceSum(tf.math.mul(tf.math.exp(levelLogProbs()), levels(tf)), tf.constant(-1));
  }

  /** {@code sum_k P(k/255) (k/255 - mean)^2}: exact. */
  public Operand<TFloat32> variance() {
    Ops tf = tf();
    Operand<TFloat32> deviation = tf.math.sub(levels(tf), tf.expandDims(mean(), tf.constant(-1)));
    return tf.reduceSum(tf.math.mul(tf.math.exp(levelLogProbs()), tf.math.square(deviation)), tf.constant(-1));
  }

  /** {@code -sum_k P log P} over the 256 levels, summed over the event axis: exact. */
  @Override
  public Operand<TFloat32> entropy() {
    Ops tf = tf();
    Operand<TFloat32> logP = levelLogProbs();
    Operand<TFloat32> perElement = tf.math.neg(tf.reduceSum(tf.math.mul(tf.math.exp(logP), logP), tf.constant(-1)));
    return DistOps.sumEvent(tf, perElement);
  }

  @Override
  public synchronized Operand<TInt64> shape() {
    if (shape == null) {
      Ops tf = tf();
      shape = DistOps.broadcastShape(tf, parameters.get(0), parameters.get(1));
    }
    return shape;
  }

  /** {@code x} broadcast to the draw's shape (as int32, what BroadcastTo's gradient needs). */
  Operand<TFloat32> broadcast(Operand<TFloat32> x) {
    Ops tf = tf();
    if (DistOps.sameKnownShape(x.shape(), parameters.get(0).shape())
        && DistOps.sameKnownShape(x.shape(), parameters.get(1).shape())) {
      return x;
    }
    return tf.broadcastTo(x, tf.dtypes.cast(shape(), TInt32.class));
  }
}
