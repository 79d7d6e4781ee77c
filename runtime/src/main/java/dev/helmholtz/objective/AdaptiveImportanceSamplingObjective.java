package dev.helmholtz.objective;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Adaptive importance sampling (ZhuSuan's {@code klpq} with its importance-weighted model term, as
 * in its {@code sbn_adaptive_is}; reweighted wake-sleep's wake phases without the sleep phase,
 * Bornschein and Bengio 2015): k samples of q drawn without a gradient, weighted by their
 * self-normalized importance weights w~ held constant, train p on sum_j w~_j log p(x, z_j), whose
 * gradient estimates grad log p(x), and q on sum_j w~_j log q(z_j | x), whose gradient estimates
 * minus the gradient of the inclusive KL(p(z | x) || q(z | x)) (the proposal adapts to the
 * posterior). Both are {@link WakeSleep#reweightedWake}, the wake phase reweighted wake-sleep also
 * uses; no sleep phase, so the target is a mean of per-example terms and splits into towers.
 * Reported and validated as the k-sample bound.
 *
 * <p>With a label latent ({@code @Latent(enumerate = true)}: ZhuSuan's {@code vae_ssl_adaptive_is})
 * the training pass clamps it ({@code enumeratesLabels} is false): an unlabelled example's k
 * samples draw y from q(y | x) and z from q(z | x, y), and its weights are p(x, y, z) / q(y, z |
 * x), so the classifier q(y | x) is trained on the inclusive KL too; a labelled example's samples
 * all take its label, its weights are p(x, y, z) / q(z | x, y), and training adds alpha log q(y |
 * x) as M2 does ({@link EnumeratedBoundObjective#CLASSIFICATION_WEIGHT}). The reported bound is
 * then one of log p(x, y) on labelled rows and of log p(x) on unlabelled ones.
 */
public final class AdaptiveImportanceSamplingObjective extends FixedPropertiesObjective {
  private final boolean labels;
  private final double classificationWeight;

  AdaptiveImportanceSamplingObjective(int samples) {
    this(samples, false, 0);
  }

  /** With {@code labels}, the model's label latent is clamped where observed and alpha is {@code classificationWeight}. */
  AdaptiveImportanceSamplingObjective(int samples, boolean labels, double classificationWeight) {
    super("adaptive importance sampling" + (labels ? " with clamped labels" : ""), samples, false, true, true);
    if (samples < 2) {
      throw new IllegalArgumentException("adaptive importance sampling needs at least 2 samples per example, not "
          + samples);
    }
    this.labels = labels;
    this.classificationWeight = classificationWeight;
  }

  @Override
  public TrainingTarget target(ObjectiveInputs in) {
    Ops tf = in.tf();
    ObjectivePass pass = in.pass();
    Operand<TFloat32> weighted = WakeSleep.reweightedWake(tf, pass.logJoint(), pass.logPosterior(), pass.logWeights());
    Map<String, Operand<TFloat32>> terms = new LinkedHashMap<>();
    terms.put("wake/objective", tf.math.mean(weighted, tf.constant(0)));
    Operand<TFloat32> surrogate = weighted;
    if (labels) {
      Operand<TFloat32> alpha = in.variables().hyperparameter(EnumeratedBoundObjective.CLASSIFICATION_WEIGHT,
          (float) classificationWeight);
      surrogate = EnumeratedBound.surrogate(tf, weighted, pass.labelLogPosterior(), alpha);
      terms.putAll(EnumeratedBoundObjective.labelTerms(tf, java.util.List.of(pass)));
    }
    return TrainingTarget.of(tf, ImportanceWeightedBound.perExample(tf, pass.logWeights(), pass.k()), surrogate, terms);
  }

  /**
   * The towers' targets side by side; with labels, the label term over the examples of every tower
   * (the wake term is reported per tower only, as without labels).
   */
  @Override
  public TrainingTarget acrossTowers(Ops tf, java.util.List<? extends ObjectivePass> passes,
      java.util.List<TrainingTarget> towers) {
    if (!labels || towers.size() == 1) {
      return super.acrossTowers(tf, passes, towers);
    }
    return TrainingTarget.concat(tf, towers, ops -> EnumeratedBoundObjective.labelTerms(ops, passes));
  }
}
