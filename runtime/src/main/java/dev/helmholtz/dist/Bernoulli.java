package dev.helmholtz.dist;

import dev.helmholtz.graph.GradientDispatch;
import dev.helmholtz.graph.RandomSource;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/** Independent Bernoulli variables along the event (last) axis, parameterized by logits. */
public final class Bernoulli extends Distribution {

  /** Probabilities are clipped to [EPS, 1 - EPS] before conversion to logits. */
  static final float PROB_EPS = 1e-6f;

  private final Operand<TFloat32> logits;
  private Operand<TInt64> shape;

  private Bernoulli(Ops tf, Operand<TFloat32> logits) {
    super(tf);
    this.logits = logits;
  }

  /** Bernoulli with success probabilities {@code sigmoid(logits)}. */
  public static Bernoulli logits(Operand<TFloat32> logits) {
    Objects.requireNonNull(logits, "logits");
    return new Bernoulli(DistOps.opsOf(logits), logits);
  }

  /** Bernoulli(1/2) for every element of {@code shape}: the standard prior of a binary latent. */
  public static Bernoulli uniform(Ops tf, Operand<TInt64> shape) {
    return logits(tf.fill(shape, tf.constant(0f)));
  }

  /**
   * Bernoulli with success probabilities {@code probs}, stored as logits {@code log(p) -
   * log1p(-p)} after clipping p to [1e-6, 1 - 1e-6].
   */
  public static Bernoulli probs(Operand<TFloat32> probs) {
    Objects.requireNonNull(probs, "probs");
    Ops tf = DistOps.opsOf(probs);
    Operand<TFloat32> p =
        tf.clipByValue(probs, tf.constant(PROB_EPS), tf.constant(1f - PROB_EPS));
    Operand<TFloat32> l = tf.math.sub(tf.math.log(p), tf.math.log1p(tf.math.neg(p)));
    return new Bernoulli(tf, l);
  }

  public Operand<TFloat32> logits() {
    return logits;
  }

  public Operand<TFloat32> probs() {
    return tf().math.sigmoid(logits);
  }

  /** The {@link GradientDispatch} name of {@link #logProb}'s gradient. */
  static final String LOG_PROB_GRADIENT = "bernoulli-log-prob";

  /**
   * The gradient of {@code y = sum(x l - softplus(l))} over the event axis: {@code g (x - sigmoid(l))}
   * for the logits and {@code g l} for the value, each summed back to its input's shape where the
   * two broadcast. Built from differentiable ops, so a second derivative is TensorFlow's.
   */
  private static final GradientDispatch.Gradient LOG_PROB = (tf, inputs, outputs, grads) -> {
    @SuppressWarnings("unchecked")
    Operand<TFloat32> x = (Operand<TFloat32>) inputs.get(0);
    @SuppressWarnings("unchecked")
    Operand<TFloat32> l = (Operand<TFloat32>) inputs.get(1);
    @SuppressWarnings("unchecked")
    Operand<TFloat32> g = tf.expandDims((Operand<TFloat32>) grads.get(0), tf.constant(-1));
    // The same Sigmoid as the forward pass's: grappler keeps one of the two.
    Operand<TFloat32> dl = tf.math.mul(g, tf.math.sub(x, tf.math.sigmoid(l)));
    Operand<TFloat32> dx = tf.math.mul(g, l);
    return List.of(GradientDispatch.sumToShapeOf(tf, dx, x), GradientDispatch.sumToShapeOf(tf, dl, l));
  };

  /**
   * {@code sum(x * l - softplus(l))}: stable for any logits. Computed as {@code sum(x l - relu(l) +
   * log(max(s, 1 - s)))} with {@code s = sigmoid(l)}: {@code max(s, 1 - s) = sigmoid(|l|)} lies in
   * [1/2, 1], so the logarithm is as stable as softplus, and the gradient is written out ({@code g
   * (x - s)}, sharing the forward pass's Sigmoid). TensorFlow's CPU Softplus kernel costs as much as
   * five Sigmoids, and its symbolic gradient takes five passes over the elements where this one takes
   * two: the Bernoulli likelihood of 784 pixels was a training step's largest elementwise work
   * (issue 24).
   */
  @Override
  public Operand<TFloat32> logProb(Operand<TFloat32> value) {
    Objects.requireNonNull(value, "value");
    Ops tf = tf();
    Operand<TFloat32> s = tf.math.sigmoid(logits);
    Operand<TFloat32> logSigmoidOfAbs = tf.math.log(tf.math.maximum(s, tf.math.sub(tf.constant(1f), s)));
    Operand<TFloat32> y = DistOps.sumEvent(tf,
        tf.math.add(tf.math.sub(tf.math.mul(value, logits), tf.nn.relu(logits)), logSigmoidOfAbs));
    GradientDispatch.define(LOG_PROB_GRADIENT, LOG_PROB);
    @SuppressWarnings("unchecked")
    Operand<TFloat32> differentiable = (Operand<TFloat32>) GradientDispatch.attach(
        tf, LOG_PROB_GRADIENT, List.of(y), List.of(value, logits)).get(0);
    return differentiable;
  }

  /** {@code sum(x l - softplus(l))} as written, on TensorFlow's Softplus: {@link #logProb} before issue 24. */
  @Override
  public Operand<TFloat32> referenceLogProb(Operand<TFloat32> value) {
    Ops tf = tf();
    return DistOps.sumEvent(tf, tf.math.sub(tf.math.mul(value, logits), tf.math.softplus(logits)));
  }

  /**
   * {@code sum(x * l - relu(l) + log(sigmoid(|l|)))}: the same density, since {@code softplus(l) =
   * relu(l) - log(sigmoid(|l|))}, and as stable ({@code sigmoid(|l|)} lies in [1/2, 1]). TensorFlow's
   * CPU Softplus kernel takes about as long as an Exp, a Sigmoid and a Log together; this form
   * measured 24% faster over {@code [15000, 784]} logits (issue 24).
   */
  @Override
  public Operand<TFloat32> evaluationLogProb(Operand<TFloat32> value) {
    Ops tf = tf();
    return DistOps.sumEvent(tf, tf.math.add(tf.math.sub(tf.math.mul(value, logits), tf.nn.relu(logits)),
        tf.math.log(tf.math.sigmoid(tf.math.abs(logits)))));
  }

  /** {@code cast(uniform < sigmoid(l))}; no gradient flows through it. */
  @Override
  public Operand<TFloat32> sample(RandomSource rng) {
    Objects.requireNonNull(rng, "rng");
    Ops tf = tf();
    Operand<TFloat32> u = rng.uniform(shape());
    return tf.stopGradient(
        tf.dtypes.cast(tf.math.less(u, tf.math.sigmoid(logits)), TFloat32.class));
  }

  @Override
  public Operand<TFloat32> rsample(RandomSource rng) {
    throw new IllegalStateException(
        "Bernoulli is not reparameterizable: rsample is unavailable (use sample with a"
            + " score-function estimator, or a continuous relaxation)");
  }

  @Override
  public Reparameterization reparameterization() {
    return Reparameterization.NOT_REPARAMETERIZED;
  }

  /** {@code sum(softplus(l) - sigmoid(l) * l)}. */
  @Override
  public Operand<TFloat32> entropy() {
    Ops tf = tf();
    return DistOps.sumEvent(
        tf,
        tf.math.sub(tf.math.softplus(logits), tf.math.mul(tf.math.sigmoid(logits), logits)));
  }

  @Override
  public Operand<TFloat32> mean() {
    return probs();
  }

  @Override
  public synchronized Operand<TInt64> shape() {
    if (shape == null) {
      shape = DistOps.shapeOf(tf(), logits);
    }
    return shape;
  }

  @Override
  public Bernoulli mapParameters(UnaryOperator<Operand<TFloat32>> f) {
    Objects.requireNonNull(f, "f");
    return logits(f.apply(logits));
  }

  @Override
  public String toString() {
    return "Bernoulli(logits=" + logits.shape() + ")";
  }

  /** {@link Support#UNIT_INTERVAL}. */
  @Override
  public Support support() {
    return Support.UNIT_INTERVAL;
  }
}
