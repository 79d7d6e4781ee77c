package dev.helmholtz.train;

import java.util.Map;

/** What one training step of a {@link TrainableModel} computed, as {@link TrainingLoop} reads it. */
public interface StepOutcome {

  /** The objective the loop averages over the epoch and reports (before the step's update). */
  double objective();

  /** Why the step diverged, or {@code null} when everything it computed is finite. */
  Divergence divergence();

  /** The step's own quantities for TensorBoard, by tag ({@code train/objective}, ...), in order. */
  Map<String, Double> scalars();

  /**
   * A quantity of a step that is not finite.
   *
   * @param quantity what {@link TrainingDivergedException#quantity()} names, such as {@code
   *     objective}, a term or {@code gradient/<parameter>}
   * @param description what was not finite and what to try, for the message
   */
  record Divergence(String quantity, String description) {}
}
