package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.distributed.Cluster;
import dev.helmholtz.distributed.LocalWorkers;
import dev.helmholtz.train.Checkpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Data-parallel training on TensorFlow's distributed runtime, with real worker processes on
 * loopback: N workers train to the parameters one process with N towers reaches (same seed, same
 * global batches, the same noise per tower), within the float error of the all-reduce's order; a
 * killed worker fails the others' step within the step timeout, and the cluster resumes from the
 * chief's last checkpoint to the uninterrupted run's parameters.
 *
 * <p>Tagged {@code distributed}: its nine worker JVMs take minutes on a loaded machine, so the unit
 * suite leaves it out and {@code mvn -Pdistributed -pl runtime -am test} (run by {@code .ci/run})
 * runs it.
 */
@Tag("distributed")
class DataParallelTest {
  /** Float error of summing the shards' gradients in another order, through 14 Adam steps. */
  private static final float TOLERANCE = 1e-5f;

  @TempDir
  Path dir;

  private static float[] reference(int towers) {
    try (LinearGaussian model = DataParallelWorker.model(towers)) {
      model.fit(DataParallelWorker.data(), DataParallelWorker.training());
      return model.parameter(DataParallelWorker.KERNEL);
    }
  }

  private LocalWorkers launch(int count, String name, List<String> extra) {
    return LocalWorkers.start(count, cluster -> {
      List<String> args = new ArrayList<>(List.of(cluster.addresses(), Integer.toString(cluster.index()),
          dir.resolve(name + "-" + cluster.index() + ".out").toString(), Integer.toString(count)));
      args.addAll(extra);
      return LocalWorkers.javaCommand(List.of("-Xmx512m"), DataParallelWorker.class.getName(), args);
    }, dir, false);
  }

  private float[] kernel(String name, int index) throws Exception {
    String[] lines = Files.readString(dir.resolve(name + "-" + index + ".out")).split("\n");
    String[] values = lines[1].split(",");
    float[] kernel = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      kernel[i] = Float.parseFloat(values[i]);
    }
    return kernel;
  }

  private static String logs(LocalWorkers workers) {
    StringBuilder b = new StringBuilder();
    for (Path log : workers.logs()) {
      try {
        b.append("\n--- ").append(log.getFileName()).append('\n').append(Files.readString(log));
      } catch (java.io.IOException e) {
        b.append("\n--- ").append(log.getFileName()).append(": ").append(e);
      }
    }
    return b.toString();
  }

  @ParameterizedTest(name = "{0} workers")
  @ValueSource(ints = {2, 3})
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void workersTrainToOneProcesssParameters(int count) throws Exception {
    try (LocalWorkers workers = launch(count, "run", List.of())) {
      int[] codes = workers.await(Duration.ofSeconds(100), false);
      assertArrayEquals(new int[count], codes, () -> "exit codes " + Arrays.toString(codes) + logs(workers));
    }
    float[] expected = reference(count);
    float[] chief = kernel("run", 0);
    float worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(chief[i] - expected[i]));
    }
    System.out.printf("%d workers vs one process with %d towers: largest kernel difference %.3g%n", count, count,
        worst);
    assertTrue(worst <= TOLERANCE, "2 epochs on " + count + " workers differ from one process by " + worst);
    for (int w = 1; w < count; w++) {
      assertArrayEquals(chief, kernel("run", w), "every worker applies the same update: worker " + w);
    }
    // Not merely the initial values: the run moved them.
    try (LinearGaussian untrained = DataParallelWorker.model(count)) {
      assertNotEquals(Arrays.toString(untrained.parameter(DataParallelWorker.KERNEL)), Arrays.toString(chief));
    }
  }

  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void aKilledWorkerFailsTheOthersAndTheClusterResumesFromTheLastCheckpoint() throws Exception {
    Path checkpoints = dir.resolve("checkpoints");
    long started = System.nanoTime();
    try (LocalWorkers workers = launch(2, "killed", List.of("checkpoints", checkpoints.toString(),
        "timeout", "5", "worker-1-dies-after", "5"))) {
      // Worker 1 dies after its 5th step; the chief's 6th step cannot complete.
      Process one = workers.processes().get(1);
      assertTrue(one.waitFor(90, TimeUnit.SECONDS), "worker 1 did not die");
      long died = System.nanoTime();
      Process chief = workers.processes().get(0);
      assertTrue(chief.waitFor(30, TimeUnit.SECONDS), "the chief did not fail within 30 s of worker 1's death");
      double seconds = (System.nanoTime() - died) / 1e9;
      assertEquals(137, one.exitValue());
      assertNotEquals(0, chief.exitValue());
      String log = Files.readString(workers.logs().get(0));
      assertTrue(log.contains("ClusterFailedException") && log.contains("worker 0 of"), log);
      System.out.printf("the chief failed %.1f s after worker 1 died (%.1f s in all)%n", seconds,
          (System.nanoTime() - started) / 1e9);
    }
    // Steps 2 and 4 were checkpointed (every 2); the latest is whole and loadable.
    Path latest = Checkpoints.resolve(checkpoints);
    assertTrue(latest.getFileName().toString().contains("4"), latest.toString());
    try (LocalWorkers workers = launch(2, "resumed", List.of("checkpoints", checkpoints.toString(),
        "resume", checkpoints.toString()))) {
      int[] codes = workers.await(Duration.ofSeconds(100), false);
      assertArrayEquals(new int[2], codes, () -> "exit codes " + Arrays.toString(codes) + logs(workers));
    }
    float[] expected = reference(2);
    float[] resumed = kernel("resumed", 0);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], resumed[i], TOLERANCE, "kernel[" + i + "] after the resumed cluster run");
    }
    assertArrayEquals(resumed, kernel("resumed", 1));
  }
}
