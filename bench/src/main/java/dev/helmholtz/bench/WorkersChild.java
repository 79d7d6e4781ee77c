package dev.helmholtz.bench;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.distributed.Cluster;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.vae.Vae;
import dev.helmholtz.samples.vae.VaeModel;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One process of the bench's workers section ({@link WorkersSection}): trains the sample VAE on
 * MNIST for a few untimed steps, then times {@code steps} more, as worker {@code index} of the
 * cluster {@code addresses} ({@code none}: a process on its own), and writes the global examples/s
 * to {@code out}.
 *
 * <p>Arguments: {@code addresses index towers examples batch warmup steps seed out}.
 */
final class WorkersChild {
  private WorkersChild() {}

  public static void main(String[] args) throws Exception {
    Cluster cluster = args[0].equals("none") ? null : Cluster.parse(args[0], Integer.parseInt(args[1]));
    int towers = Integer.parseInt(args[2]);
    int examples = Integer.parseInt(args[3]);
    int batch = Integer.parseInt(args[4]);
    int warmup = Integer.parseInt(args[5]);
    int steps = Integer.parseInt(args[6]);
    long seed = Long.parseLong(args[7]);
    Path out = Path.of(args[8]);
    Dataset train = Mnist.loadDefault().train().take(examples).dataset("x").dynamicallyBinarized("x");
    Training training = Training.epochs(1_000).batchSize(batch).seed(seed).progress(ProgressListener.silent());
    if (cluster != null) {
      training = training.cluster(cluster);
    }
    try (VaeModel vae = VaeModel.create(new Vae(), Seed.of(seed), ThreadSettings.of(1, 1, towers))) {
      vae.fit(train, training.maxSteps(warmup));
      long start = System.nanoTime();
      long done = vae.fit(train, training.maxSteps(steps)).examples();
      double seconds = (System.nanoTime() - start) / 1e9;
      Files.writeString(out, String.format(Locale.ROOT, "%.3f %d %.4f", done / seconds, done, seconds));
    }
    System.exit(0); // a worker's TensorFlow server keeps non-daemon threads
  }
}
