package dev.helmholtz.energy;

import dev.helmholtz.train.StepOutcome;
import java.util.Map;

/**
 * An energy-based update's outcome for the training loop: its reconstruction error, which
 * contrastive divergence does not minimize but which turns non-finite when an update diverges.
 * The RBM's, the DBM's and the up-down fine-tuning's steps report it the same way.
 *
 * @param reconstruction the update's mean reconstruction error
 * @param subject what the divergence message calls it ("the reconstruction error")
 * @param advice what the message suggests, after "; "
 */
record ReconstructionOutcome(double reconstruction, String subject, String advice) implements StepOutcome {
  @Override
  public double objective() {
    return reconstruction;
  }

  @Override
  public Divergence divergence() {
    return Double.isFinite(reconstruction) ? null
        : new Divergence("reconstruction", subject + " is " + reconstruction + "; " + advice);
  }

  @Override
  public Map<String, Double> scalars() {
    return Map.of("train/reconstruction", reconstruction);
  }
}
