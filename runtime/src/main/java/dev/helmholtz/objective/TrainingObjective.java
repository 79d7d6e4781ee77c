package dev.helmholtz.objective;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.data.Dataset;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.tensorflow.op.Ops;

/**
 * One training objective of a variational model (ELBO, IWAE, VIMCO, NVIL, wake-sleep, reweighted
 * wake-sleep, or the ELBO of a model with an enumerated latent): what its training pass draws,
 * how it splits a batch, the training target it builds from what the passes hand it, and the
 * validation figure it reports. The model asks it; it never asks which objective it trains.
 */
public interface TrainingObjective {

  /**
   * The objective of a model trained by {@code kind} with {@code samples} samples per example;
   * {@code enumeratedClasses} is the number of classes of its enumerated latent, if it has one
   * (M2: the ELBO with that latent summed out), and {@code classificationWeight} the weight of
   * log q(y | x) for labelled examples then.
   *
   * Under ADAPTIVE_IMPORTANCE_SAMPLING an enumerated latent is not summed out but drawn from q
   * where unlabelled and clamped to the label where labelled ({@link #enumeratesLabels} false).
   *
   * @throws IllegalArgumentException for an enumerated latent under another objective than the
   *     single-sample ELBO or adaptive importance sampling, which do not support it
   */
  static TrainingObjective of(ObjectiveKind kind, int samples, OptionalInt enumeratedClasses,
      double classificationWeight) {
    if (enumeratedClasses.isPresent()) {
      if (kind == ObjectiveKind.ADAPTIVE_IMPORTANCE_SAMPLING) {
        return new AdaptiveImportanceSamplingObjective(samples, true, classificationWeight);
      }
      if (kind != ObjectiveKind.ELBO || samples != 1) {
        throw new IllegalArgumentException("an enumerated latent puts its classes on the sample axis and"
            + " supports the ELBO with samples = 1, not " + kind + " with samples = " + samples
            + " (ADAPTIVE_IMPORTANCE_SAMPLING draws it from q where unlabelled instead)");
      }
      return new EnumeratedBoundObjective(enumeratedClasses.getAsInt(), classificationWeight);
    }
    return switch (kind) {
      case ELBO -> new ElboObjective(samples);
      case IWAE -> new IwaeObjective(samples);
      case VIMCO -> new VimcoObjective(samples);
      case NVIL -> new NvilObjective(samples);
      case WAKE_SLEEP -> new WakeSleepObjective(samples);
      case REWEIGHTED_WAKE_SLEEP -> new ReweightedWakeSleepObjective(samples);
      case ADAPTIVE_IMPORTANCE_SAMPLING -> new AdaptiveImportanceSamplingObjective(samples);
    };
  }

  /**
   * For a model with an enumerated latent: whether the training pass sums it out over its classes
   * (M2's ELBO), rather than drawing it from q where unlabelled and clamping it to the label where
   * labelled. Irrelevant for other models.
   */
  default boolean enumeratesLabels() {
    return false;
  }

  /** The samples per example a training pass draws (for an enumerated latent: one per class). */
  int trainingSamples();

  /**
   * Whether the objective's gradient passes through samples of q (pathwise where it can, score
   * function otherwise), rather than treating them as data drawn without a gradient.
   */
  boolean differentiatesSamples();

  /**
   * Whether the objective is a mean of per-example terms with no state of its own, so that a batch
   * may be split into towers whose targets {@link #acrossTowers} combines.
   */
  boolean splitsIntoTowers();

  /** Builds the training target of one tower (the whole batch when there is one) from its pass. */
  TrainingTarget target(ObjectiveInputs inputs);

  /**
   * The target of the whole batch from its towers' targets (the one target when there is one):
   * their per-example objectives and surrogates side by side, in batch order.
   */
  default TrainingTarget acrossTowers(Ops tf, List<? extends ObjectivePass> passes, List<TrainingTarget> towers) {
    return towers.size() == 1 ? towers.get(0) : TrainingTarget.concat(tf, towers, ignored -> Map.of());
  }

  /**
   * The figure of {@code data} that validation reports for this objective (higher is better): the
   * bound it trains at its k, from the model's estimators.
   */
  double validation(BoundEstimators model, Dataset data);
}
