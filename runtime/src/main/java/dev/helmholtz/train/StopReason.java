package dev.helmholtz.train;

/** Why a {@code fit} call returned. */
public enum StopReason {
  /** Every configured epoch ran. */
  COMPLETED,
  /** {@link Training#maxSteps(long)} steps ran. */
  MAX_STEPS,
  /** The validation objective stopped improving ({@link Training#earlyStopping}). */
  EARLY_STOPPED,
  /** A {@link StopRequest} asked the loop to stop (SIGINT, SIGTERM): it finished the step and wrote a checkpoint. */
  INTERRUPTED
}
