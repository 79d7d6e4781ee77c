package dev.helmholtz.samples.bayesvae;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Per-group latents beside per-example ones ({@link GroupedMeans}): trained on minibatches, the
 * posterior means of the group means land on the exact posterior's. With z integrated out, x_n ~
 * N(mu_g, 1.25), so under the N(0, 1) prior E[mu_g | data] = sum_g x / (n_g + 1.25) with sd
 * sqrt(1.25 / (n_g + 1.25)), about 0.08 here: the tolerance 0.25 is three of them (the mean-field
 * posterior of mu is exact in its mean for this conjugate model; the encoder's is learned).
 */
class GroupedMeansTest {
  @Test
  void groupMeansLandOnTheExactPosteriorMeans() {
    double[] truth = {-2, 0, 3};
    int perGroup = 200;
    int n = truth.length * perGroup;
    float[][] x = new float[n][1];
    float[][] group = new float[n][GroupedMeans.GROUPS];
    double[] sums = new double[truth.length];
    Random random = new Random(11);
    for (int i = 0; i < n; i++) {
      int g = i % truth.length;
      double z = truth[g] + random.nextGaussian();
      x[i][0] = (float) (z + 0.5 * random.nextGaussian());
      group[i][g] = 1f;
      sums[g] += x[i][0];
    }
    Dataset data = Dataset.of("x", x).with("group", group);
    try (GroupedMeansModel model = GroupedMeansModel.create(new GroupedMeans(), Seed.of(5), ThreadSettings.of(1, 1))) {
      model.fit(data, Training.epochs(40).batchSize(50).adam(0.03).seed(2).progress(ProgressListener.silent()));
      float[] means = model.globalMeans().get("groupMeans");
      for (int g = 0; g < truth.length; g++) {
        double exact = sums[g] / (perGroup + 1.25);
        assertEquals(exact, means[g], 0.25, "group " + g);
      }
    }
  }
}
