package dev.helmholtz.distributed;

/**
 * A cluster's training step (or start-up) failed because the workers did not all take part: one
 * died, hangs or cannot be reached, and this worker's all-reduce timed out or was aborted. The
 * message names this worker and the cluster; the cause is TensorFlow's exception. The chief's last
 * checkpoint is whole (checkpoints are written atomically), and the cluster resumes from it.
 */
public final class ClusterFailedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * @param cluster the cluster, as this worker sees it
   * @param what what did not complete, such as {@code "step 12's all-reduce"}
   * @param cause TensorFlow's exception
   */
  public ClusterFailedException(Cluster cluster, String what, RuntimeException cause) {
    super(cluster + ": " + what + " failed: a worker died, hangs or cannot be reached (each step waits "
        + cluster.stepTimeoutSeconds() + " s for the others); restart every worker, resuming from the"
        + " chief's last checkpoint. TensorFlow said: " + firstLine(cause.getMessage()), cause);
  }

  /** TensorFlow's message up to its second line ("From /job:...:" then what happened). */
  private static String firstLine(String message) {
    if (message == null) {
      return "(no message)";
    }
    String[] lines = message.strip().split("\n", 3);
    return lines.length == 1 ? lines[0] : lines[0] + " " + lines[1].strip();
  }
}
