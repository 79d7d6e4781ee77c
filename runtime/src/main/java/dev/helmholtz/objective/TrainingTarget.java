package dev.helmholtz.objective;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * What training maximizes, as a {@link TrainingObjective} builds it: a per-example objective to
 * report ({@code [B]}: a bound on log p(x), or the wake-sleep bound), the per-example surrogate
 * whose gradient is the objective's estimator (null for an objective whose loss is not a mean of
 * one), the scalar loss the optimizer minimizes, the ops to run after each update, the
 * initializers of the objective's own state, and named extra terms for progress and divergence
 * messages.
 */
public record TrainingTarget(Operand<TFloat32> perExample, Operand<TFloat32> surrogate, Operand<TFloat32> loss,
    Function<Ops, List<Op>> afterStep, List<Op> initializers, Map<String, Operand<TFloat32>> terms) {

  /** A target whose loss is minus the mean of a per-example {@code surrogate}, {@code [B]}. */
  public static TrainingTarget of(Ops tf, Operand<TFloat32> perExample, Operand<TFloat32> surrogate,
      Map<String, Operand<TFloat32>> terms) {
    return new TrainingTarget(perExample, surrogate, tf.math.neg(tf.math.mean(surrogate, tf.constant(0))),
        after -> List.of(), List.of(), terms);
  }

  public static TrainingTarget of(Ops tf, Operand<TFloat32> perExample, Operand<TFloat32> surrogate) {
    return of(tf, perExample, surrogate, Map.of());
  }

  /**
   * The towers' per-example objectives and surrogates side by side, in batch order: one target
   * over the whole batch, with {@code terms} over the whole batch.
   */
  static TrainingTarget concat(Ops tf, List<TrainingTarget> towers,
      Function<Ops, Map<String, Operand<TFloat32>>> terms) {
    List<Operand<TFloat32>> perExample = new ArrayList<>();
    List<Operand<TFloat32>> surrogates = new ArrayList<>();
    towers.forEach(t -> {
      perExample.add(t.perExample());
      surrogates.add(t.surrogate());
    });
    Operand<TInt32> batchAxis = tf.constant(0);
    return of(tf, tf.concat(perExample, batchAxis), tf.concat(surrogates, batchAxis), terms.apply(tf));
  }

  /** {@code step}, then this target's own per-step updates when it has any. */
  public Op after(Ops tf, Op step) {
    List<Op> after = afterStep.apply(tf.withControlDependencies(List.of(step)));
    return after.isEmpty() ? step : tf.withControlDependencies(after).noOp();
  }
}
