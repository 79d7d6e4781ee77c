package dev.helmholtz.objective;

import dev.helmholtz.nn.Activation;
import dev.helmholtz.nn.Nn;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * NVIL (Mnih &amp; Gregor 2014): the single-sample ELBO whose score-function gradient is
 * variance-reduced three ways. The learning signal l = log p(x, z) - log q(z | x) is centred by
 * a moving average c of l - b(x) and by an input-dependent baseline b(x) (a small network
 * trained to predict l - c by least squares), and divided by max(1, sqrt(v)), v a moving average
 * of the centred signal's variance. Baselines do not depend on z, so the centred estimator is
 * unbiased; the normalization rescales the score-function part of the encoders' gradient by
 * {@link #signalScale()} (an adaptive step size for them, as in the paper). For the
 * score-function latents that part is the whole gradient, scale (l - b - c) grad log q: the
 * zero-mean -grad log q that l itself carries is cancelled, as the paper drops it.
 *
 * <p>c and v are graph variables outside the trainable set; {@link #updates} builds their
 * moving-average assignments, which must run after the step's gradients have read them.
 */
public final class NeuralVariationalInference {
  /** Decay of the moving averages c and v. */
  public static final float DEFAULT_DECAY = 0.8f;
  /** Hidden units of the baseline network b(x): one tanh layer, as in the paper's experiments. */
  public static final int BASELINE_HIDDEN = 100;

  private final Operand<TFloat32> surrogate;
  private final Operand<TFloat32> baselineLoss;
  private final Operand<TFloat32> signalScale;
  private final Operand<TFloat32> residual; // l - b(x), [B], no gradient
  private final Variable<TFloat32> signalMean;
  private final Variable<TFloat32> signalVariance;
  private final Operand<TFloat32> currentMean;
  private final float decay;
  private final List<Op> initializers;

  private NeuralVariationalInference(Operand<TFloat32> surrogate, Operand<TFloat32> baselineLoss,
      Operand<TFloat32> signalScale, Operand<TFloat32> residual, Variable<TFloat32> signalMean,
      Variable<TFloat32> signalVariance, Operand<TFloat32> currentMean, float decay, List<Op> initializers) {
    this.surrogate = surrogate;
    this.baselineLoss = baselineLoss;
    this.signalScale = signalScale;
    this.residual = residual;
    this.signalMean = signalMean;
    this.signalVariance = signalVariance;
    this.currentMean = currentMean;
    this.decay = decay;
    this.initializers = initializers;
  }

  /**
   * @param baseline the layer helper of the baseline network b(x) (its variables are trained with
   *     the model's)
   * @param logWeights log p(x, z) - log q(z | x), {@code [B]}
   * @param scoreLogQ log q of the latents that get score-function gradients, {@code [B]}
   * @param baselineInput what b sees: the observed nodes, {@code [B, d]}
   * @param decay of the moving averages, in [0, 1)
   */
  public static NeuralVariationalInference build(Ops tf, Nn baseline, Operand<TFloat32> logWeights,
      Operand<TFloat32> scoreLogQ, Operand<TFloat32> baselineInput, float decay) {
    if (!(decay >= 0 && decay < 1)) {
      throw new IllegalArgumentException("decay must be in [0, 1), was " + decay);
    }
    Ops scope = tf.withSubScope("nvil");
    Variable<TFloat32> mean = scope.withName("signal_mean").variable(Shape.scalar(), TFloat32.class);
    Variable<TFloat32> variance = scope.withName("signal_variance").variable(Shape.scalar(), TFloat32.class);
    List<Op> initializers = List.of(
        scope.assign(mean, scope.constant(0f)), scope.assign(variance, scope.constant(1f)));
    Operand<TFloat32> c = tf.identity(mean);
    Operand<TFloat32> v = tf.identity(variance);

    Operand<TFloat32> signal = tf.stopGradient(logWeights);
    Operand<TFloat32> b = tf.squeeze(
        baseline.dense(baseline.dense(baselineInput, BASELINE_HIDDEN, Activation.TANH), 1),
        org.tensorflow.op.core.Squeeze.axis(List.of(-1L)));
    Operand<TFloat32> residual = tf.math.sub(signal, tf.stopGradient(b));
    Operand<TFloat32> scale = tf.math.reciprocal(tf.math.maximum(tf.constant(1f), tf.math.sqrt(v)));
    Operand<TFloat32> centred = tf.math.mul(tf.math.sub(residual, c), scale);
    // The log weights' own gradient carries -grad log q of these latents (their draws are
    // detached, q's density is not): zero in expectation, but it moves the effective signal one
    // nat away from l - b - c, the part the baselines are trained to remove. The paper's
    // estimator is (l - b - c) grad log q alone, so the term adds that gradient back (+1).
    Operand<TFloat32> surrogate = tf.math.add(logWeights,
        ScoreFunction.term(tf, tf.math.add(centred, tf.constant(1f)), scoreLogQ));
    // b learns to predict l - c: the part of the signal the moving average does not explain.
    Operand<TFloat32> baselineLoss = tf.math.mean(
        tf.math.square(tf.math.sub(tf.math.sub(signal, c), b)), tf.constant(0));
    Operand<TFloat32> batchMean = tf.math.mean(residual, tf.constant(0));
    return new NeuralVariationalInference(surrogate, baselineLoss, scale, residual, mean, variance,
        batchMean, decay, initializers);
  }

  /** Per example: value log p(x, z) - log q(z | x), gradient the NVIL estimate. */
  public Operand<TFloat32> surrogate() {
    return surrogate;
  }

  /** The baseline network's least-squares loss (scalar), minimized alongside the objective. */
  public Operand<TFloat32> baselineLoss() {
    return baselineLoss;
  }

  /** The factor 1 / max(1, sqrt(v)) applied to the centred learning signal this step. */
  public Operand<TFloat32> signalScale() {
    return signalScale;
  }

  /**
   * The moving-average updates of c and v from this step's signals. {@code after} must carry a
   * control dependency on the step's update, so the gradients read c and v before they change.
   */
  public List<Op> updates(Ops after) {
    Operand<TFloat32> a = after.constant(decay);
    Operand<TFloat32> oneMinus = after.constant(1 - decay);
    Operand<TFloat32> c = after.identity(signalMean);
    Operand<TFloat32> newMean = after.math.add(after.math.mul(a, c), after.math.mul(oneMinus, currentMean));
    Operand<TFloat32> batchVariance = after.math.mean(
        after.math.square(after.math.sub(residual, c)), after.constant(0));
    Operand<TFloat32> newVariance = after.math.add(after.math.mul(a, after.identity(signalVariance)),
        after.math.mul(oneMinus, batchVariance));
    // identity() of a ref variable aliases its buffer: both new values are computed before
    // either assignment writes, so the variance update cannot read the new c.
    Ops assign = after.withControlDependencies(List.of(newMean, newVariance));
    return List.of(assign.assign(signalMean, newMean), assign.assign(signalVariance, newVariance));
  }

  /** Initial c = 0 and v = 1. */
  public List<Op> initializers() {
    return initializers;
  }
}
