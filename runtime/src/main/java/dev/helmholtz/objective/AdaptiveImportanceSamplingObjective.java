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
 */
public final class AdaptiveImportanceSamplingObjective extends FixedPropertiesObjective {
  AdaptiveImportanceSamplingObjective(int samples) {
    super("adaptive importance sampling", samples, false, true, true);
    if (samples < 2) {
      throw new IllegalArgumentException("adaptive importance sampling needs at least 2 samples per example, not "
          + samples);
    }
  }

  @Override
  public TrainingTarget target(ObjectiveInputs in) {
    Ops tf = in.tf();
    ObjectivePass pass = in.pass();
    Operand<TFloat32> weighted = WakeSleep.reweightedWake(tf, pass.logJoint(), pass.logPosterior(), pass.logWeights());
    Map<String, Operand<TFloat32>> terms = new LinkedHashMap<>();
    terms.put("wake/objective", tf.math.mean(weighted, tf.constant(0)));
    return TrainingTarget.of(tf, ImportanceWeightedBound.perExample(tf, pass.logWeights(), pass.k()), weighted, terms);
  }
}
