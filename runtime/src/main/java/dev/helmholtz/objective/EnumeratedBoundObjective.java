package dev.helmholtz.objective;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The ELBO of a model with an enumerated latent y (M2, Kingma et al. 2014): y is summed out over
 * its classes where the data leaves it unobserved, and training adds alpha log q(y | x) for each
 * labelled example ({@link EnumeratedBound#surrogate}). The training pass draws one sample per
 * class; the mean log q(label | x) over the labelled examples is reported as a term.
 */
public final class EnumeratedBoundObjective extends FixedPropertiesObjective {
  /** The term reporting the classifier's mean log q(label | x) over a batch's labelled examples. */
  public static final String LABEL_TERM = "classification/log_q_label";

  /**
   * The hyperparameter holding alpha, the weight of log q(label | x) on each labelled row: the
   * model's {@code @Latent(classificationWeight)} unless a run feeds another value. Kingma et al.
   * weigh each labelled example by 0.1 N / N_labelled, every example counted once an epoch; data
   * that repeats its labelled rows must divide that by the repeats ({@code
   * Training.schedule("classification_weight", ScalarSchedule.constant(...))}), or the classifier
   * term outweighs the unlabelled bound by the repeat count.
   */
  public static final String CLASSIFICATION_WEIGHT = "classification_weight";

  private final double classificationWeight;

  /** One sample per class; M2's surrogate is per example, so a batch splits into towers. */
  EnumeratedBoundObjective(int classes, double classificationWeight) {
    super("ELBO with an enumerated latent", classes, true, true, false);
    this.classificationWeight = classificationWeight;
  }

  /** The training pass sums the label out over its classes. */
  @Override
  public boolean enumeratesLabels() {
    return true;
  }

  @Override
  public TrainingTarget target(ObjectiveInputs in) {
    Ops tf = in.tf();
    Operand<TFloat32> elbo = in.pass().elboPerExample();
    Operand<TFloat32> alpha = in.variables().hyperparameter(CLASSIFICATION_WEIGHT, (float) classificationWeight);
    Operand<TFloat32> surrogate = EnumeratedBound.surrogate(tf, elbo, in.pass().labelLogPosterior(), alpha);
    return TrainingTarget.of(tf, elbo, surrogate, labelTerms(tf, List.of(in.pass())));
  }

  /** The towers' targets side by side, with the label term over the examples of every tower. */
  @Override
  public TrainingTarget acrossTowers(Ops tf, List<? extends ObjectivePass> passes, List<TrainingTarget> towers) {
    return towers.size() == 1 ? towers.get(0) : TrainingTarget.concat(tf, towers, ops -> labelTerms(ops, passes));
  }

  /**
   * M2's reported term: the mean log q(label | x) over the batch's labelled examples (0 without
   * any), over the examples of every pass given (the towers of one batch).
   */
  static Map<String, Operand<TFloat32>> labelTerms(Ops tf, List<? extends ObjectivePass> passes) {
    Operand<TInt32> batchAxis = tf.constant(0);
    List<Operand<TFloat32>> logQ = new ArrayList<>();
    List<Operand<TFloat32>> labelled = new ArrayList<>();
    for (ObjectivePass pass : passes) {
      logQ.add(tf.reduceSum(pass.labelLogPosterior(), batchAxis));
      labelled.add(tf.reduceSum(pass.labelled(), batchAxis));
    }
    Operand<TFloat32> count = tf.math.maximum(addAll(tf, labelled), tf.constant(1f));
    return Map.of(LABEL_TERM, tf.math.div(addAll(tf, logQ), count));
  }

  private static Operand<TFloat32> addAll(Ops tf, List<Operand<TFloat32>> values) {
    return values.size() == 1 ? values.get(0) : tf.math.addN(values);
  }
}
