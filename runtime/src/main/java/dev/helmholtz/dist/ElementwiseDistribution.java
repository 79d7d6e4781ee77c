package dev.helmholtz.dist;

import dev.helmholtz.graph.RandomSource;
import java.util.List;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * What the reparameterized families of independent elementwise variables share (Laplace,
 * Logistic, Cauchy, HalfNormal, HalfCauchy, LogNormal, Exponential, Uniform): the draw's shape is
 * the parameters' broadcast shape, {@link #sample} is {@link #rsample} without its gradient, and
 * a standard member ({@code standard(tf, shape)}, every latent's default prior of its family)
 * keeps scalar parameters with the draw's shape given explicitly.
 */
abstract class ElementwiseDistribution extends Distribution {

  private final List<Operand<TFloat32>> parameters;
  private final Shape staticShape;
  /** The draw's shape when given explicitly (a standard member with scalar parameters). */
  private final Operand<TInt64> explicitShape;
  private Operand<TInt64> shape;

  ElementwiseDistribution(Ops tf, Operand<TInt64> explicitShape, List<Operand<TFloat32>> parameters) {
    super(tf);
    this.parameters = List.copyOf(parameters);
    this.explicitShape = explicitShape;
    this.shape = explicitShape;
    Shape s = parameters.get(0).shape();
    for (Operand<TFloat32> p : parameters.subList(1, parameters.size())) {
      DistOps.requireSameEnv(parameters.get(0), p);
      s = DistOps.staticBroadcast(s, p.shape());
    }
    this.staticShape = explicitShape == null ? s : Shape.unknown();
  }

  /** Ops of the parameters' environment, checking that they share one. */
  static Ops opsOf(Operand<TFloat32> first, Operand<TFloat32> second) {
    Objects.requireNonNull(first, "first parameter");
    Objects.requireNonNull(second, "second parameter");
    DistOps.requireSameEnv(first, second);
    return DistOps.opsOf(first);
  }

  /** A fresh noise-free draw is the reparameterized one with its gradient stopped. */
  @Override
  public final Operand<TFloat32> sample(RandomSource rng) {
    return tf().stopGradient(rsample(rng));
  }

  @Override
  public final Reparameterization reparameterization() {
    return Reparameterization.REPARAMETERIZED;
  }

  /** The variance, of shape {@link #shape()} (NaN where the family has none). */
  public abstract Operand<TFloat32> variance();

  @Override
  public final synchronized Operand<TInt64> shape() {
    if (shape == null) {
      Ops tf = tf();
      shape = DistOps.shapeOf(tf, parameters.get(0));
      for (Operand<TFloat32> p : parameters.subList(1, parameters.size())) {
        shape = DistOps.sameKnownShape(parameters.get(0).shape(), p.shape())
            ? shape : tf.broadcastDynamicShape(shape, DistOps.shapeOf(tf, p));
      }
    }
    return shape;
  }

  /**
   * {@code x} broadcast to the draw's shape. The target shape is given as int32: TensorFlow's C++
   * gradient of BroadcastTo pairs it with the input's int32 shape, and an int64 target fails to
   * build ("Inconsistent values for attr 'T'") when the result is differentiated.
   */
  Operand<TFloat32> broadcast(Operand<TFloat32> x) {
    if (DistOps.sameKnownShape(x.shape(), staticShape)) {
      return x;
    }
    Ops tf = tf();
    return tf.broadcastTo(x, tf.dtypes.cast(shape(), TInt32.class));
  }

  /**
   * A KL divergence's elementwise terms {@code x} broadcast to the shape of both distributions'
   * draws: a term may depend on fewer parameters than either has (HalfNormal's on scales alone),
   * and p may carry axes q lacks (a prior over each of k samples).
   */
  static Operand<TFloat32> broadcastToBoth(
      ElementwiseDistribution q, ElementwiseDistribution p, Operand<TFloat32> x) {
    if (DistOps.sameKnownShape(x.shape(), q.staticShape)
        && DistOps.sameKnownShape(x.shape(), p.staticShape)) {
      return x;
    }
    Ops tf = q.tf();
    Operand<TInt64> shape = tf.broadcastDynamicShape(q.shape(), p.shape());
    return tf.broadcastTo(x, tf.dtypes.cast(shape, TInt32.class));
  }

  /**
   * A parameter as {@code mapParameters} hands it to its function: a standard member's scalar
   * broadcast to the explicit shape first, since the function reshapes the draw's batch axes.
   */
  Operand<TFloat32> forMapping(Operand<TFloat32> parameter) {
    return explicitShape == null ? parameter : broadcast(parameter);
  }

  /** NaN of the draw's shape: a moment the family does not have (as TensorFlow Probability). */
  Operand<TFloat32> undefined() {
    return broadcast(tf().constant(Float.NaN));
  }

  /** {@code elementwise} where {@code inSupport}, minus infinity elsewhere, summed over the event. */
  Operand<TFloat32> sumInSupport(Operand<TBool> inSupport, Operand<TFloat32> elementwise) {
    Ops tf = tf();
    return DistOps.sumEvent(tf,
        tf.select(inSupport, elementwise, tf.constant(Float.NEGATIVE_INFINITY)));
  }

  /**
   * Uniform noise in (0, 1) of the draw's shape: the lower end raised from 0 to the smallest
   * positive normal float, so logarithms and inverse CDFs of it are finite.
   */
  Operand<TFloat32> openUniform(RandomSource rng) {
    Objects.requireNonNull(rng, "rng");
    return tf().math.maximum(rng.uniform(shape()), tf().constant(Float.MIN_NORMAL));
  }

  String describe(String... names) {
    StringBuilder b = new StringBuilder(familyName()).append('(');
    for (int i = 0; i < names.length; i++) {
      b.append(i == 0 ? "" : ", ").append(names[i]).append('=').append(parameters.get(i).shape());
    }
    return b.append(')').toString();
  }
}
