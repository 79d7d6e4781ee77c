package dev.helmholtz.objective;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Reweighted wake-sleep (Bornschein and Bengio 2015): the wake phase weighs its k samples by
 * their normalized importance weights; reported and validated as the k-sample bound.
 */
public final class ReweightedWakeSleepObjective extends SleepPhaseObjective {
  ReweightedWakeSleepObjective(int samples) {
    super("reweighted wake-sleep", samples, true);
  }

  @Override
  Operand<TFloat32> wake(Ops tf, ObjectivePass pass) {
    return WakeSleep.reweightedWake(tf, pass.logJoint(), pass.logPosterior(), pass.logWeights());
  }

  @Override
  Operand<TFloat32> reportedBound(Ops tf, ObjectivePass pass) {
    return ImportanceWeightedBound.perExample(tf, pass.logWeights(), pass.k());
  }
}
