package dev.helmholtz.dist;

import dev.helmholtz.graph.RandomSource;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Diagonal Normal: independent Gaussians along the event (last) axis.
 *
 * <p>Built either from a log standard deviation ({@link #meanLogStd}) or from a scale ({@link
 * #meanScale}); {@link #mapParameters} applies the function to the parameters it was built from.
 */
public final class Normal extends Distribution {

  private final Operand<TFloat32> loc;
  private final Operand<TFloat32> scale;
  private final Operand<TFloat32> logScale;
  /** True when built from (loc, logScale), false when built from (loc, scale). */
  private final boolean fromLogScale;

  /** True for {@link #standard}: scalar parameters 0 and 1, the draw's shape given explicitly. */
  private final boolean standard;

  private final Shape staticShape;
  private Operand<TInt64> shape;

  private Normal(
      Ops tf,
      Operand<TFloat32> loc,
      Operand<TFloat32> scale,
      Operand<TFloat32> logScale,
      boolean fromLogScale) {
    super(tf);
    this.loc = loc;
    this.scale = scale;
    this.logScale = logScale;
    this.fromLogScale = fromLogScale;
    this.standard = false;
    this.staticShape = DistOps.staticBroadcast(loc.shape(), scale.shape());
  }

  private Normal(Ops tf, Operand<TInt64> shape) {
    super(tf);
    this.loc = tf.constant(0f);
    this.scale = tf.constant(1f);
    this.logScale = this.loc;
    this.fromLogScale = true;
    this.standard = true;
    this.staticShape = Shape.unknown();
    this.shape = shape;
  }

  /** Normal with mean {@code mean} and standard deviation {@code exp(logStd)}. */
  public static Normal meanLogStd(Operand<TFloat32> mean, Operand<TFloat32> logStd) {
    Objects.requireNonNull(mean, "mean");
    Objects.requireNonNull(logStd, "logStd");
    DistOps.requireSameEnv(mean, logStd);
    Ops tf = DistOps.opsOf(mean);
    return new Normal(tf, mean, tf.math.exp(logStd), logStd, true);
  }

  /** Normal with mean {@code mean} and standard deviation {@code scale} (must be positive). */
  public static Normal meanScale(Operand<TFloat32> mean, Operand<TFloat32> scale) {
    Objects.requireNonNull(mean, "mean");
    Objects.requireNonNull(scale, "scale");
    DistOps.requireSameEnv(mean, scale);
    Ops tf = DistOps.opsOf(mean);
    return new Normal(tf, mean, scale, tf.math.log(scale), false);
  }

  /**
   * The standard Normal (loc 0, scale 1) of the given shape. Its parameters stay scalars (no
   * tensors of zeros and ones are built), and densities and KL divergences against it use their
   * simpler closed forms: it is every latent's default prior, evaluated at every training step.
   */
  public static Normal standard(Ops tf, Operand<TInt64> shape) {
    Objects.requireNonNull(tf, "tf");
    Objects.requireNonNull(shape, "shape");
    return new Normal(tf, shape);
  }

  /** Whether this is {@link #standard}, with scalar parameters. */
  boolean isStandard() {
    return standard;
  }

  public Operand<TFloat32> loc() {
    return loc;
  }

  public Operand<TFloat32> scale() {
    return scale;
  }

  public Operand<TFloat32> logScale() {
    return logScale;
  }

  @Override
  public Operand<TFloat32> logProb(Operand<TFloat32> value) {
    Ops tf = tf();
    if (standard) {
      return DistOps.sumEvent(tf, tf.math.sub(tf.math.mul(tf.constant(-0.5f), tf.math.square(value)),
          tf.constant((float) (0.5 * DistOps.LOG_2PI))));
    }
    Operand<TFloat32> z = tf.math.div(tf.math.sub(value, loc), scale);
    Operand<TFloat32> elementwise =
        tf.math.sub(
            tf.math.mul(tf.constant(-0.5f), tf.math.square(z)),
            tf.math.add(logScale, tf.constant((float) (0.5 * DistOps.LOG_2PI))));
    return DistOps.sumEvent(tf, elementwise);
  }

  @Override
  public Operand<TFloat32> sample(RandomSource rng) {
    return tf().stopGradient(draw(rng));
  }

  @Override
  public Operand<TFloat32> rsample(RandomSource rng) {
    return draw(rng);
  }

  private Operand<TFloat32> draw(RandomSource rng) {
    Objects.requireNonNull(rng, "rng");
    Ops tf = tf();
    Operand<TFloat32> eps = rng.standardNormal(shape());
    return standard ? eps : tf.math.add(loc, tf.math.mul(scale, eps));
  }

  @Override
  public Reparameterization reparameterization() {
    return Reparameterization.REPARAMETERIZED;
  }

  @Override
  public Operand<TFloat32> entropy() {
    Ops tf = tf();
    Operand<TFloat32> ls = DistOps.broadcastTo(tf, logScale, staticShape, shape());
    return DistOps.sumEvent(
        tf, tf.math.add(ls, tf.constant((float) (0.5 + 0.5 * DistOps.LOG_2PI))));
  }

  @Override
  public Operand<TFloat32> mean() {
    return DistOps.broadcastTo(tf(), loc, staticShape, shape());
  }

  @Override
  public synchronized Operand<TInt64> shape() {
    if (shape == null) {
      shape = DistOps.broadcastShape(tf(), loc, scale);
    }
    return shape;
  }

  @Override
  public Normal mapParameters(UnaryOperator<Operand<TFloat32>> f) {
    Objects.requireNonNull(f, "f");
    if (standard) {
      // Parameters broadcast against the explicit shape, so a reshape of the shape's batch axes
      // (what mapParameters is for) leaves the standard Normal as it is.
      Operand<TFloat32> mappedLoc = f.apply(DistOps.broadcastTo(tf(), loc, staticShape, shape()));
      return meanLogStd(mappedLoc, f.apply(DistOps.broadcastTo(tf(), logScale, staticShape, shape())));
    }
    return fromLogScale
        ? meanLogStd(f.apply(loc), f.apply(logScale))
        : meanScale(f.apply(loc), f.apply(scale));
  }

  @Override
  public String toString() {
    return "Normal(loc=" + loc.shape() + ", scale=" + scale.shape() + ")";
  }
}
