package dev.helmholtz.objective;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * What wake-sleep and reweighted wake-sleep share (Hinton et al. 1995; Bornschein and Bengio
 * 2015): a wake phase that trains p on samples of q taken as data, and a sleep phase that trains q
 * on dreams from p. Neither differentiates through samples; the dreams are the whole batch's, so
 * training is one piece.
 */
abstract sealed class SleepPhaseObjective extends FixedPropertiesObjective
    permits WakeSleepObjective, ReweightedWakeSleepObjective {
  SleepPhaseObjective(String name, int samples, boolean validatesBoundAtK) {
    super(name, samples, false, false, validatesBoundAtK);
  }

  /** The wake phase's per-example objective, {@code [B]}. */
  abstract Operand<TFloat32> wake(Ops tf, ObjectivePass pass);

  /** The bound the wake samples give, reported per example, {@code [B]}. */
  abstract Operand<TFloat32> reportedBound(Ops tf, ObjectivePass pass);

  @Override
  public final TrainingTarget target(ObjectiveInputs in) {
    Ops tf = in.tf();
    ObjectivePass sleep = in.sleepPass().get();
    Operand<TFloat32> wake = wake(tf, in.pass());
    Operand<TFloat32> dreams = WakeSleep.sleep(tf, sleep.logPosterior());
    Operand<TInt32> batchAxis = tf.constant(0);
    Operand<TFloat32> loss = tf.math.neg(tf.math.add(tf.math.mean(wake, batchAxis), tf.math.mean(dreams, batchAxis)));
    Operand<TFloat32> bound = reportedBound(tf, in.pass());
    Map<String, Operand<TFloat32>> terms = new LinkedHashMap<>();
    terms.put("wake/objective", tf.math.mean(wake, batchAxis));
    terms.put("sleep/log_q", tf.math.mean(dreams, batchAxis));
    return new TrainingTarget(bound, null, loss, after -> List.of(), List.of(), terms);
  }
}
