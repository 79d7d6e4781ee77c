package dev.helmholtz.examples.quickstart;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
import java.io.IOException;

/**
 * Trains {@link QuickstartVae} for 300 steps on 3,000 MNIST digits (the copy bundled with
 * Helmholtz) and prints the ELBO of 1,000 test digits before and after: a few seconds.
 */
public final class Quickstart {
  private Quickstart() {}

  public static void main(String[] args) throws IOException {
    Mnist mnist = Mnist.loadDefault();
    // Pixels in [0, 1] become 0/1 draws: a fresh draw per step for training, one fixed draw for testing.
    Dataset train = mnist.train().take(3_000).dataset("x").dynamicallyBinarized("x");
    Dataset test = mnist.test().take(1_000).dataset("x").binarized("x", 1);
    try (QuickstartVaeModel vae = QuickstartVaeModel.create(Seed.of(1))) {
      double before = vae.elbo(test);
      TrainingSummary summary = vae.fit(train, Training.epochs(10).batchSize(100).adam(1e-3));
      double after = vae.elbo(test);
      System.out.printf("test ELBO %.2f nats before training, %.2f after %d steps%n",
          before, after, summary.steps());
      if (!(after > before)) {
        throw new IllegalStateException("training did not improve the test ELBO");
      }
    }
  }
}
