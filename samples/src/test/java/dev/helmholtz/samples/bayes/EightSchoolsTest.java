package dev.helmholtz.samples.bayes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.helmholtz.infer.LogDensity;
import dev.helmholtz.infer.ParameterLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** The eight schools model's density and its exact posterior means. */
class EightSchoolsTest {

  /** The generated log posterior is log N(mu; 0, 25) + log N(w; 0, 1) + sum log N(tt; 0, 1) + sum log N(y; mu + tau tt, sigma). */
  @Test
  void theGeneratedLogPosteriorIsTheModelsFormula() {
    EightSchoolsModel model = EightSchoolsModel.create();
    ParameterLayout layout = model.parameters();
    LogDensity density = model.logPosterior(EightSchools.dataset());
    int rows = 3;
    int dims = layout.dims();
    float[] theta = new float[rows * dims];
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < theta.length; i++) {
      theta[i] = (float) (2 * random.nextDouble() - 1);
    }
    float[] value = new float[rows];
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> input = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(rows, dims)));
      Operand<TFloat32> logProb = density.logProb(tf, input);
      try (Session session = new Session(graph);
          TFloat32 t = TFloat32.tensorOf(Shape.of(rows, dims), DataBuffers.of(theta, true, false));
          Result result = session.runner().feed(input, t).fetch(logProb).run()) {
        ((TFloat32) result.get(0)).copyTo(DataBuffers.of(value, false, false));
      }
    }
    for (int r = 0; r < rows; r++) {
      double mu = theta[r * dims + layout.index("mu", 0)];
      double w = theta[r * dims + layout.index("tauNormal", 0)];
      double tau = EightSchools.tau(w);
      double expected = logNormal(mu, 0, EightSchools.MU_PRIOR_SCALE) + logNormal(w, 0, 1);
      for (int j = 0; j < EightSchools.SCHOOLS; j++) {
        double tt = theta[r * dims + layout.index("thetaTilde", j)];
        expected += logNormal(tt, 0, 1) + logNormal(EightSchools.Y[j], mu + tau * tt, EightSchools.SIGMA[j]);
      }
      assertEquals(expected, value[r], 1e-4 * Math.abs(expected), "row " + r);
    }
  }

  /** tau = 5 tan(pi/2 Phi(w)) is HalfCauchy(0, 5)'s quantile at Phi(w): its median at w = 0 is 5. */
  @Test
  void tauIsTheHalfCauchyQuantileOfTheNormal() {
    assertEquals(5, EightSchools.tau(0), 1e-6);
    // P(tau < 5 tan(pi/2 p)) = p: at w = 1, p = Phi(1) = 0.841345.
    assertEquals(5 * Math.tan(Math.PI / 2 * 0.8413447), EightSchools.tau(1), 1e-4);
  }

  /**
   * The quadrature has converged, and it agrees with the reference posterior of posteriordb's
   * eight_schools_noncentered (mu 4.4, tau 3.6, theta[1] 6.2, theta[5] 3.6, to the figures quoted).
   */
  @Test
  void theExactMeansHaveConverged() {
    double[] coarse = EightSchools.exactPosteriorMeans(20_000);
    double[] fine = EightSchools.exactPosteriorMeans(200_000);
    for (int k = 0; k < fine.length; k++) {
      assertEquals(fine[k], coarse[k], 1e-3, "quantity " + k);
    }
    assertEquals(4.4, fine[0], 0.05);
    assertEquals(3.6, fine[1], 0.05);
    assertEquals(6.2, fine[2], 0.05);
    assertEquals(3.6, fine[6], 0.05);
  }

  private static double logNormal(double x, double mean, double sd) {
    double z = (x - mean) / sd;
    return -0.5 * z * z - Math.log(sd) - 0.5 * Math.log(2 * Math.PI);
  }
}
