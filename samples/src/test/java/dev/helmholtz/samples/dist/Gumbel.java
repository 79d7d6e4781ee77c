package dev.helmholtz.samples.dist;

import dev.helmholtz.annotations.Family;
import dev.helmholtz.dist.Distribution;
import dev.helmholtz.dist.Reparameterization;
import dev.helmholtz.graph.RandomSource;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * A family of the user's own, written as a user would with only the runtime's public API:
 * independent Gumbel (type I extreme value) variables along the event axis, with z = (x - loc) /
 * scale, density {@code exp(-(z + exp(-z))) / scale}, reparameterized as {@code loc + scale * g}
 * with g standard Gumbel noise. Its KL between two members has a closed form ({@link #kl}), which
 * the ELBO of a Gumbel latent with a Gumbel prior uses.
 */
@Family(reparameterization = Family.Reparameterization.EXPLICIT,
    factories = {"locScale", "locLogScale"}, standardPrior = "standard", kl = "kl")
public final class Gumbel extends Distribution {
  /** The Euler-Mascheroni constant: the standard Gumbel's mean. */
  private static final float EULER_GAMMA = 0.5772156649f;

  private final Operand<TFloat32> loc;
  private final Operand<TFloat32> scale;

  private Gumbel(Ops tf, Operand<TFloat32> loc, Operand<TFloat32> scale) {
    super(tf);
    this.loc = loc;
    this.scale = scale;
  }

  /** Gumbel with location {@code loc} and scale {@code scale} (positive). */
  public static Gumbel locScale(Operand<TFloat32> loc, Operand<TFloat32> scale) {
    return new Gumbel(Ops.create(loc.env()), loc, scale);
  }

  /** Gumbel with location {@code loc} and scale {@code exp(logScale)}: what a network's outputs give. */
  public static Gumbel locLogScale(Operand<TFloat32> loc, Operand<TFloat32> logScale) {
    Ops tf = Ops.create(loc.env());
    return new Gumbel(tf, loc, tf.math.exp(logScale));
  }

  /** Gumbel(0, 1) of the given shape: the prior of a latent without a generator. */
  public static Gumbel standard(Ops tf, Operand<TInt64> shape) {
    return new Gumbel(tf, tf.fill(shape, tf.constant(0f)), tf.fill(shape, tf.constant(1f)));
  }

  public Operand<TFloat32> loc() {
    return loc;
  }

  public Operand<TFloat32> scale() {
    return scale;
  }

  /** {@code -(z + exp(-z)) - log(scale)}, summed over the event axis. */
  @Override
  public Operand<TFloat32> logProb(Operand<TFloat32> value) {
    Ops tf = tf();
    Operand<TFloat32> z = tf.math.div(tf.math.sub(value, loc), scale);
    Operand<TFloat32> elementwise = tf.math.neg(
        tf.math.add(tf.math.add(z, tf.math.exp(tf.math.neg(z))), tf.math.log(scale)));
    return tf.reduceSum(elementwise, tf.constant(-1));
  }

  @Override
  public Operand<TFloat32> sample(RandomSource rng) {
    return tf().stopGradient(rsample(rng));
  }

  @Override
  public Operand<TFloat32> rsample(RandomSource rng) {
    Ops tf = tf();
    return tf.math.add(loc, tf.math.mul(scale, rng.gumbel(shape())));
  }

  @Override
  public Reparameterization reparameterization() {
    return Reparameterization.REPARAMETERIZED;
  }

  /** {@code log(scale) + 1 + gamma}, summed over the event axis. */
  @Override
  public Operand<TFloat32> entropy() {
    Ops tf = tf();
    Operand<TFloat32> elementwise = tf.math.add(tf.math.log(scale), tf.constant(1f + EULER_GAMMA));
    return tf.reduceSum(tf.math.add(elementwise, tf.zerosLike(loc)), tf.constant(-1));
  }

  /** {@code loc + scale * gamma}. */
  @Override
  public Operand<TFloat32> mean() {
    Ops tf = tf();
    return tf.math.add(loc, tf.math.mul(scale, tf.constant(EULER_GAMMA)));
  }

  @Override
  public Operand<TInt64> shape() {
    Ops tf = tf();
    return tf.broadcastDynamicShape(tf.shape(loc, TInt64.class), tf.shape(scale, TInt64.class));
  }

  /**
   * KL(q || p) = log(βp / βq) + (μq − μp) / βp + γ (βq / βp − 1) + exp((μp − μq) / βp) Γ(1 + βq / βp)
   * − 1, summed over the event axis: with x = μq + βq g, E[g] = γ and E[exp(−t g)] = Γ(1 + t).
   */
  public static Operand<TFloat32> kl(Gumbel q, Gumbel p) {
    Ops tf = q.tf();
    Operand<TFloat32> ratio = tf.math.div(q.scale, p.scale);
    Operand<TFloat32> shift = tf.math.div(tf.math.sub(q.loc, p.loc), p.scale);
    Operand<TFloat32> elementwise = tf.math.add(
        tf.math.add(tf.math.neg(tf.math.log(ratio)), shift),
        tf.math.add(tf.math.mul(tf.constant(EULER_GAMMA), tf.math.sub(ratio, tf.constant(1f))),
            tf.math.sub(tf.math.exp(tf.math.sub(tf.math.lgamma(tf.math.add(ratio, tf.constant(1f))), shift)),
                tf.constant(1f))));
    return tf.reduceSum(elementwise, tf.constant(-1));
  }

  @Override
  public Gumbel mapParameters(UnaryOperator<Operand<TFloat32>> f) {
    return new Gumbel(tf(), f.apply(loc), f.apply(scale));
  }
}
