package dev.helmholtz.dist;

import dev.helmholtz.dist.flow.Bijector;
import dev.helmholtz.graph.RandomSource;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The distribution of y = f(x) for x drawn from a base distribution and f a {@link Bijector}
 * (elementwise maps, their chains, and normalizing flows): a flow-based posterior or prior.
 *
 * <p>By the change of variables, log p(y) = log p₀(x) - log|det ∂f/∂x| at x = f⁻¹(y). A draw
 * ({@link #rsample}, {@link #sample}) pushes a base draw through f and remembers the density of
 * the value it returns, log p₀(x₀) - Σ log|det| (Rezende and Mohamed 2015, eq. 7), so that
 * {@link #logProb} of that very value needs no inverse; this is how a flow without a closed-form
 * inverse (planar, radial's is closed but not needed) serves as a posterior. The memory is shared
 * with every copy {@link #mapParameters} makes, so a draw of the broadcast copy a pass draws from
 * is scored by the distribution the encoder returned. Any other value is scored through the
 * inverse, and where f has none {@link #logProb} says so ({@link IllegalStateException}).
 *
 * <p>Reparameterized exactly when the base is: gradients reach the base's parameters through its
 * draw and the flow's through f. It has no closed-form entropy, KL or mean: KLs against it are
 * Monte Carlo, and {@link #mean} is f applied to the base's mean (for Normal bases the image of
 * the base's mode), what reconstruction and encoding use as its point summary.
 */
public final class TransformedDistribution extends Distribution {

  private final Distribution base;
  private final Bijector bijector;
  /** log p of the values this distribution (or a copy of it) drew, by the value's identity. */
  private final Map<Operand<TFloat32>, Operand<TFloat32>> drawn;

  private TransformedDistribution(Distribution base, Bijector bijector,
      Map<Operand<TFloat32>, Operand<TFloat32>> drawn) {
    super(base.tf());
    this.base = base;
    this.bijector = bijector;
    this.drawn = drawn;
  }

  /**
   * The distribution of {@code bijectors}' composition (the first applied first) applied to a draw
   * of {@code base}.
   */
  public static TransformedDistribution of(Distribution base, Bijector... bijectors) {
    Objects.requireNonNull(base, "base");
    if (bijectors.length == 0) {
      throw new IllegalArgumentException("a transformed distribution needs at least one bijector");
    }
    Bijector f = bijectors.length == 1 ? Objects.requireNonNull(bijectors[0], "bijector") : Bijector.chain(bijectors);
    return new TransformedDistribution(base, f, Collections.synchronizedMap(new IdentityHashMap<>()));
  }

  /** {@link #of(Distribution, Bijector...)} with a list. */
  public static TransformedDistribution of(Distribution base, List<? extends Bijector> bijectors) {
    return of(base, bijectors.toArray(new Bijector[0]));
  }

  public Distribution base() {
    return base;
  }

  public Bijector bijector() {
    return bijector;
  }

  /**
   * log p(y): the remembered density when {@code value} is a draw of this distribution, else
   * log p₀(f⁻¹(y)) + log|det ∂f⁻¹/∂y|.
   *
   * @throws IllegalStateException when {@code value} is not one of its draws and f has no inverse
   */
  @Override
  public Operand<TFloat32> logProb(Operand<TFloat32> value) {
    Objects.requireNonNull(value, "value");
    Operand<TFloat32> known = drawn.get(value);
    if (known != null) {
      return known;
    }
    if (!bijector.hasInverse()) {
      throw new IllegalStateException("cannot score a value this distribution did not draw: " + bijector.name()
          + " has no closed-form inverse; a flow without one serves as a posterior, whose values it draws "
          + "itself; for a prior or likelihood use MaskedAutoregressiveFlow, AffineCoupling or the "
          + "elementwise bijectors");
    }
    Bijector.Transformed x = bijector.inverseWithLogDet(value);
    return tf().math.add(base.logProb(x.value()), x.logDetJacobian());
  }

  /** f(x₀) for a reparameterized base draw x₀, remembering its density. */
  @Override
  public Operand<TFloat32> rsample(RandomSource rng) {
    if (base.reparameterization() != Reparameterization.REPARAMETERIZED) {
      throw new IllegalStateException("a flow over " + base.familyName()
          + " has no reparameterized draws: its base is not reparameterized");
    }
    return push(base.rsample(rng), false);
  }

  /** f(x₀) for a base draw x₀, without a gradient through the value; its density keeps the flow's parameters' gradient. */
  @Override
  public Operand<TFloat32> sample(RandomSource rng) {
    return push(base.sample(rng), true);
  }

  private Operand<TFloat32> push(Operand<TFloat32> x, boolean detached) {
    Ops tf = tf();
    Bijector.Transformed y = bijector.forwardWithLogDet(x);
    Operand<TFloat32> value = detached ? tf.stopGradient(y.value()) : y.value();
    drawn.put(value, tf.math.sub(base.logProb(x), y.logDetJacobian()));
    return value;
  }

  @Override
  public Reparameterization reparameterization() {
    return base.reparameterization();
  }

  /** @throws IllegalStateException always: a flow's entropy has no closed form (estimate it as -log p of draws) */
  @Override
  public Operand<TFloat32> entropy() {
    throw new IllegalStateException("a transformed distribution (" + bijector.name()
        + ") has no closed-form entropy; estimate it as minus the mean logProb of its draws");
  }

  /** f applied to the base's mean (not the mean of y, which has no closed form); its density is remembered. */
  @Override
  public Operand<TFloat32> mean() {
    return push(base.mean(), false);
  }

  @Override
  public Operand<TInt64> shape() {
    return base.shape();
  }

  /** The base with {@code f} applied to its parameters and the bijector to its per-example conditioning. */
  @Override
  public TransformedDistribution mapParameters(UnaryOperator<Operand<TFloat32>> f) {
    Objects.requireNonNull(f, "f");
    return new TransformedDistribution(base.mapParameters(f), bijector.mapConditioning(f), drawn);
  }

  @Override
  public String toString() {
    return "TransformedDistribution(" + base + ", " + bijector.name() + ")";
  }
}
