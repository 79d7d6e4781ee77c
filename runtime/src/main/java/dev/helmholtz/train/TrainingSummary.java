package dev.helmholtz.train;

import java.time.Duration;
import java.util.Objects;

/**
 * What a finished training run reports.
 *
 * @param epochs epochs run (the last one possibly cut short by {@link Training#maxSteps()})
 * @param steps optimizer steps run
 * @param examples examples seen (steps times batch size, less for a short last batch)
 * @param finalObjective mean objective of the last epoch
 * @param took wall-clock time of the whole run
 * @param examplesPerSecond {@code examples / took}
 * @param dataPath how the data reached the graph: {@link DataPath#RESIDENT} or {@link DataPath#FED}
 */
public record TrainingSummary(
    int epochs,
    long steps,
    long examples,
    double finalObjective,
    Duration took,
    double examplesPerSecond,
    DataPath dataPath) {

  public TrainingSummary {
    Objects.requireNonNull(took, "took");
    Objects.requireNonNull(dataPath, "dataPath");
  }
}
