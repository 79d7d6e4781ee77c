package dev.helmholtz.train;

/**
 * Progress of one long task (an importance-sampled evaluation, a sampler run), from {@link
 * ProgressListener#task}: report work done with {@link #advance}, then {@link #close()}.
 */
public interface TaskProgress extends AutoCloseable {
  /** Reports nothing. */
  TaskProgress NONE = new TaskProgress() {
    @Override
    public void advance(long units) {}

    @Override
    public void close() {}

    @Override
    public String toString() {
      return "TaskProgress.NONE";
    }
  };

  /** {@code units} more units of the task are done. */
  void advance(long units);

  /** The task ended (done or abandoned). */
  @Override
  void close();
}
