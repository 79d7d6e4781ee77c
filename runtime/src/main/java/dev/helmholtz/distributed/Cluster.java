package dev.helmholtz.distributed;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A data-parallel training cluster as one of its processes sees it: every worker's {@code
 * host:port} (the same list, in the same order, in every process) and this process's index in it.
 * Worker 0 is the <em>chief</em>: it alone writes checkpoints, TensorBoard events, the curves plot
 * and the final report; every worker computes the gradient of its shard of each global batch, and
 * the gradients are averaged by TensorFlow's collective all-reduce before every worker applies the
 * same update (see {@link CollectiveAllReduce}).
 *
 * @param workers each worker's {@code host:port}, where its TensorFlow server listens; at least one
 * @param index this process's position in {@code workers}
 * @param stepTimeout how long a worker waits for the others in a step's all-reduce before its step
 *     fails (a worker died or hangs); default {@link #DEFAULT_STEP_TIMEOUT}
 */
public record Cluster(List<String> workers, int index, Duration stepTimeout) {

  /** The default bound on a step's wait for the other workers. */
  public static final Duration DEFAULT_STEP_TIMEOUT = Duration.ofSeconds(60);

  /** The TensorFlow job name of the workers, as device names spell it ({@code /job:worker}). */
  public static final String JOB = "worker";

  public Cluster {
    Objects.requireNonNull(workers, "workers");
    workers = List.copyOf(workers);
    if (workers.isEmpty()) {
      throw new IllegalArgumentException("a cluster needs at least one worker address");
    }
    for (String address : workers) {
      int colon = address.lastIndexOf(':');
      if (colon <= 0 || !address.substring(colon + 1).matches("[0-9]{1,5}")) {
        throw new IllegalArgumentException("a worker address must be host:port, was '" + address + "'");
      }
    }
    if (workers.stream().distinct().count() != workers.size()) {
      throw new IllegalArgumentException("worker addresses must differ, were " + workers);
    }
    Objects.requireNonNull(stepTimeout, "stepTimeout");
    if (stepTimeout.toMillis() < 1) {
      throw new IllegalArgumentException("stepTimeout must be at least 1 ms, was " + stepTimeout);
    }
    if (index < 0 || index >= workers.size()) {
      throw new IllegalArgumentException(
          "worker index must be in [0, " + (workers.size() - 1) + "], was " + index);
    }
  }

  /** Worker {@code index} of {@code workers}, with the default step timeout. */
  public Cluster(List<String> workers, int index) {
    this(workers, index, DEFAULT_STEP_TIMEOUT);
  }

  /** The same cluster with another bound on a step's wait for the other workers. */
  public Cluster withStepTimeout(Duration timeout) {
    return new Cluster(workers, index, timeout);
  }

  /** {@link #stepTimeout()} in seconds, as the collective ops take it. */
  public float stepTimeoutSeconds() {
    return stepTimeout.toMillis() / 1000f;
  }

  /** Parses {@code host:port,host:port,...} as given on a command line. */
  public static Cluster parse(String addresses, int index) {
    return new Cluster(List.of(addresses.split(",")), index);
  }

  /** The number of workers. */
  public int size() {
    return workers.size();
  }

  /** Whether this process is worker 0, which writes the run's outputs. */
  public boolean isChief() {
    return index == 0;
  }

  /** This process's {@code host:port}. */
  public String address() {
    return workers.get(index);
  }

  /** The TensorFlow device name of this worker's CPU, where its part of the graph is placed. */
  public String device() {
    return "/job:" + JOB + "/replica:0/task:" + index + "/device:CPU:0";
  }

  /** The addresses as {@link #parse} reads them. */
  public String addresses() {
    return String.join(",", workers);
  }

  @Override
  public String toString() {
    return "worker " + index + " of " + workers;
  }
}
