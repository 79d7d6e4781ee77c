package dev.helmholtz.variational;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.distributed.Cluster;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.EpochRecord;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * One worker of {@link DataParallelTest}'s clusters, a process of its own: trains the small linear
 * Gaussian model on 200 rows (batches of 32, 2 epochs) as worker {@code index} of {@code addresses}
 * and writes the decoder's kernel to {@code out}.
 *
 * <p>Arguments: {@code addresses index out towers [checkpoints DIR] [resume DIR] [worker-1-dies-after STEPS]
 * [timeout SECONDS]}.
 */
final class DataParallelWorker {
  static final String KERNEL = "decode/dense_0/kernel";

  private DataParallelWorker() {}

  static Dataset data() {
    SplittableRandom random = new SplittableRandom(1);
    float[][] rows = new float[200][3];
    for (float[] row : rows) {
      for (int j = 0; j < 3; j++) {
        row[j] = (float) (random.nextDouble() * 4 - 2);
      }
    }
    return Dataset.of("x", rows);
  }

  static Training training() {
    return Training.epochs(2).batchSize(32).adam(1e-2).progress(ProgressListener.silent());
  }

  static LinearGaussian model(int towers) {
    return new LinearGaussian(Seed.of(9), ObjectiveKind.ELBO, 1, true, ThreadSettings.of(1, 1, towers));
  }

  public static void main(String[] args) throws Exception {
    Cluster cluster = Cluster.parse(args[0], Integer.parseInt(args[1]));
    Path out = Path.of(args[2]);
    int towers = Integer.parseInt(args[3]);
    Training training = training();
    int dieAfter = -1;
    for (int i = 4; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "checkpoints" -> training = training.checkpoints(Path.of(args[i + 1])).checkpointEvery(2);
        case "resume" -> training = training.resumeFrom(Path.of(args[i + 1]));
        case "worker-1-dies-after" -> dieAfter = cluster.index() == 1 ? Integer.parseInt(args[i + 1]) : -1;
        case "timeout" -> cluster = cluster.withStepTimeout(Duration.ofSeconds(Long.parseLong(args[i + 1])));
        default -> throw new IllegalArgumentException(args[i]);
      }
    }
    if (dieAfter > 0) {
      int limit = dieAfter;
      training = training.logEvery(Duration.ZERO).progress(new ProgressListener() {
        private int steps;

        @Override
        public void progress(int epoch, int batch, int batches, double objective, double examplesPerSecond) {
          if (++steps >= limit) {
            Runtime.getRuntime().halt(137); // as if killed: no shutdown hooks, no goodbye
          }
        }

      });
    }
    try (LinearGaussian model = model(towers)) {
      TrainingSummary summary = model.fit(data(), training.cluster(cluster));
      float[] kernel = model.parameter(KERNEL);
      String text = summary.steps() + "\n" + Arrays.stream(box(kernel)).map(String::valueOf)
          .collect(Collectors.joining(","));
      Files.writeString(out, text);
      System.out.println("worker " + cluster.index() + " done: " + summary.steps() + " steps, history "
          + summary.history().stream().map(EpochRecord::trainObjective).toList());
    }
    System.exit(0); // TensorFlow's server threads are not daemons
  }

  private static Float[] box(float[] values) {
    Float[] boxed = new Float[values.length];
    for (int i = 0; i < values.length; i++) {
      boxed[i] = values[i];
    }
    return boxed;
  }
}
