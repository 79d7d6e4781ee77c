package dev.helmholtz.train;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a finished training run reports.
 *
 * @param epochs epochs run (the last one possibly cut short by {@link Training#maxSteps()}); for a
 *     resumed run, the epoch reached, counted from the start of the original run
 * @param steps optimizer steps run by this call
 * @param examples examples seen by this call (steps times batch size, less for a short last batch)
 * @param finalObjective mean objective of the last epoch
 * @param took wall-clock time of this call
 * @param examplesPerSecond {@code examples / took}
 * @param dataPath how the data reached the graph: {@link DataPath#RESIDENT} or {@link DataPath#FED}
 * @param stopReason why training stopped
 * @param history every finished epoch, from the first epoch of the original run when resumed
 * @param checkpoint the last checkpoint written or resumed from, {@code null} if none
 * @param settingsChanged for a resumed run, each setting it changed from the checkpoint's run (the
 *     learning rate or its schedule, gradient clipping, a hyperparameter's schedule, threads or
 *     towers, the objective), as {@code "name: before -> now"}; empty otherwise
 */
public record TrainingSummary(
    int epochs,
    long steps,
    long examples,
    double finalObjective,
    Duration took,
    double examplesPerSecond,
    DataPath dataPath,
    StopReason stopReason,
    List<EpochRecord> history,
    Path checkpoint,
    List<String> settingsChanged) {

  public TrainingSummary {
    Objects.requireNonNull(took, "took");
    Objects.requireNonNull(dataPath, "dataPath");
    Objects.requireNonNull(stopReason, "stopReason");
    history = List.copyOf(history);
    settingsChanged = List.copyOf(settingsChanged);
  }

  /** A run that changed no setting of the checkpoint it resumed from (or did not resume). */
  public TrainingSummary(int epochs, long steps, long examples, double finalObjective, Duration took,
      double examplesPerSecond, DataPath dataPath, StopReason stopReason, List<EpochRecord> history,
      Path checkpoint) {
    this(epochs, steps, examples, finalObjective, took, examplesPerSecond, dataPath, stopReason, history,
        checkpoint, List.of());
  }

  /** A completed run without history or checkpoint. */
  public TrainingSummary(int epochs, long steps, long examples, double finalObjective,
      Duration took, double examplesPerSecond, DataPath dataPath) {
    this(epochs, steps, examples, finalObjective, took, examplesPerSecond, dataPath,
        StopReason.COMPLETED, List.of(), null);
  }

  /**
   * Whether this run resumed from a checkpoint that had already finished the requested epochs,
   * so it trained nothing: it completed without a step (a run from scratch takes at least one).
   */
  public boolean trainedNothing() {
    return steps == 0 && stopReason == StopReason.COMPLETED;
  }

  /** The last checkpoint written or resumed from. */
  public Optional<Path> lastCheckpoint() {
    return Optional.ofNullable(checkpoint);
  }

  /** The epoch with the best validation objective, if any epoch was validated. */
  public Optional<EpochRecord> bestValidatedEpoch() {
    EpochRecord best = null;
    for (EpochRecord r : history) {
      if (r.validated() && (best == null || r.validationObjective() > best.validationObjective())) {
        best = r;
      }
    }
    return Optional.ofNullable(best);
  }
}
