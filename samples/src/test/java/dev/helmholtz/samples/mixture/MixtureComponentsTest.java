package dev.helmholtz.samples.mixture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Reading a learned mixture back: responsibilities, shares and unused components. */
class MixtureComponentsTest {

  @Test
  void drawsAreAssignedToTheComponentThatMadeThemAndSharesFollowTheWeights() {
    float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.2)};
    float[][] means = {{-5f, 0f}, {5f, 0f}, {0f, 6f}};
    float[] logScales = {0f, 0f, (float) Math.log(0.5), (float) Math.log(0.5), 0f, -1f};
    MixtureComponents mixture = new MixtureComponents(logits, means, logScales);
    assertEquals(0.3, mixture.weight(1), 1e-6);
    Random random = new Random(3);
    int n = 20_000;
    float[][] z = new float[n][2];
    int[] truth = new int[n];
    for (int r = 0; r < n; r++) {
      double u = random.nextDouble();
      int k = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;
      truth[r] = k;
      for (int j = 0; j < 2; j++) {
        z[r][j] = (float) (means[k][j] + Math.exp(logScales[2 * k + j]) * random.nextGaussian());
      }
    }
    int[] assigned = mixture.assign(z);
    int agree = 0;
    for (int r = 0; r < n; r++) {
      agree += assigned[r] == truth[r] ? 1 : 0;
    }
    assertEquals(1.0, agree / (double) n, 0.002, "well-separated components are recovered");
    double[] shares = mixture.shares(assigned);
    assertArrayEquals(new double[] {0.5, 0.3, 0.2}, shares, 0.02);
    assertEquals(List.of(2), MixtureComponents.unused(new double[] {0.6, 0.395, 0.005}, 0.01));
    assertEquals(2, MixtureComponents.rowsOf(z, assigned, 2, 2).length);
  }
}
