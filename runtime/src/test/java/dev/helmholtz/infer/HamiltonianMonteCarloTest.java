package dev.helmholtz.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.Seed;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** HMC on targets whose moments are known. */
class HamiltonianMonteCarloTest {
  static final double[] MEAN = {1.0, -2.0};
  static final double[] SD = {1.0, 2.0};
  static final double RHO = 0.9;

  /** log N(theta; MEAN, Sigma) up to a constant, Sigma with sds SD and correlation RHO. */
  static Operand<TFloat32> correlatedGaussian(Ops tf, Operand<TFloat32> theta) {
    double det = SD[0] * SD[0] * SD[1] * SD[1] * (1 - RHO * RHO);
    float[][] precision = {
        {(float) (SD[1] * SD[1] / det), (float) (-RHO * SD[0] * SD[1] / det)},
        {(float) (-RHO * SD[0] * SD[1] / det), (float) (SD[0] * SD[0] / det)}};
    Operand<TFloat32> centred = tf.math.sub(theta, tf.constant(new float[] {(float) MEAN[0], (float) MEAN[1]}));
    Operand<TFloat32> quadratic = tf.reduceSum(
        tf.math.mul(tf.linalg.matMul(centred, tf.constant(precision)), centred), tf.constant(-1));
    return tf.math.mul(tf.constant(-0.5f), quadratic);
  }

  @Test
  void recoversTheMeanAndCovarianceOfACorrelatedGaussian() {
    HmcResult r = HamiltonianMonteCarlo.builder(HamiltonianMonteCarloTest::correlatedGaussian, 2)
        .chains(16).warmup(500).draws(1000).leapfrogSteps(8).seed(Seed.of(3)).build().sample();
    double[] mean = r.mean();
    double[][] cov = r.covariance();
    double[] ess = r.effectiveSampleSize();
    double[] rhat = r.rhat();
    String report = "mean " + Arrays.toString(mean) + ", cov " + Arrays.deepToString(cov) + ", ess "
        + Arrays.toString(ess) + ", rhat " + Arrays.toString(rhat) + ", acceptance " + r.acceptanceRate()
        + ", step sizes " + Arrays.toString(r.stepSizes()) + ", inverse mass " + Arrays.toString(r.inverseMass())
        + ", " + r.seconds() + " s";
    for (int d = 0; d < 2; d++) {
      assertTrue(rhat[d] < 1.01, report);
      assertTrue(ess[d] > 2000, report);
      // 5 Monte Carlo standard errors.
      assertEquals(MEAN[d], mean[d], 5 * SD[d] / Math.sqrt(ess[d]), report);
    }
    assertEquals(SD[0] * SD[0], cov[0][0], 0.1 * SD[0] * SD[0], report);
    assertEquals(SD[1] * SD[1], cov[1][1], 0.1 * SD[1] * SD[1], report);
    assertEquals(RHO * SD[0] * SD[1], cov[0][1], 0.1 * SD[0] * SD[1], report);
    // Dual averaging's averaged step size lands on the safe side of the target acceptance 0.8
    // (as in Stan, whose mean accept_stat usually exceeds delta); the mass matrix on the
    // marginal variances.
    assertTrue(r.acceptanceRate() > 0.75 && r.acceptanceRate() < 0.99, report);
    assertEquals(SD[0] * SD[0], r.inverseMass()[0], 0.25 * SD[0] * SD[0], report);
    assertEquals(SD[1] * SD[1], r.inverseMass()[1], 0.25 * SD[1] * SD[1], report);
    assertEquals(0, r.divergences(), report);
  }

  @Test
  void aSharedStepSizeIsTheSameForEveryChainAndRunsAreReproducible() {
    HamiltonianMonteCarlo hmc = HamiltonianMonteCarlo.builder(HamiltonianMonteCarloTest::correlatedGaussian, 2)
        .chains(4).warmup(100).draws(50).leapfrogSteps(4).stepSizePerChain(false).seed(Seed.of(5)).build();
    HmcResult a = hmc.sample();
    HmcResult b = hmc.sample();
    double[] steps = a.stepSizes();
    for (double s : steps) {
      assertEquals(steps[0], s);
    }
    assertTrue(steps[0] > 0.05 && steps[0] < 3, Arrays.toString(steps));
    for (int d = 0; d < a.drawCount(); d++) {
      for (int c = 0; c < a.chainCount(); c++) {
        assertArrayEquals(a.draws()[d][c], b.draws()[d][c], "draw " + d + ", chain " + c);
      }
    }
  }

  @Test
  void aLogDensityOfTheWrongShapeIsReportedWithTheShape() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HamiltonianMonteCarlo.builder((tf, theta) -> tf.math.square(theta), 3).chains(2).warmup(0)
            .draws(1).build().sample());
    assertTrue(e.getMessage().contains("[2]") && e.getMessage().contains("[2, 3]"), e.getMessage());
  }

  @Test
  void aLogDensityThatIgnoresThetaIsReported() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HamiltonianMonteCarlo.builder((tf, theta) -> tf.zeros(tf.constant(new long[] {2}), TFloat32.class), 3)
            .chains(2).warmup(0).draws(1).build().sample());
    assertTrue(e.getMessage().contains("no gradient"), e.getMessage());
  }

  @Test
  void initialPositionsOutsideTheSupportAreReportedByChain() {
    // log(theta) is -inf or NaN for theta <= 0.
    LogDensity positive = (tf, theta) -> tf.reduceSum(tf.math.log(theta), tf.constant(-1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HamiltonianMonteCarlo.builder(positive, 1).chains(2)
            .initialPositions(new float[][] {{1f}, {-1f}}).warmup(0).draws(1).build().sample());
    assertTrue(e.getMessage().contains("chain 1"), e.getMessage());
    IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
        () -> HamiltonianMonteCarlo.builder(positive, 1).chains(3).initialPositions(new float[][] {{1f}}));
    assertTrue(rows.getMessage().contains("3 chains, got 1"), rows.getMessage());
  }

  @Test
  void theWarmupWindowsAreStans() {
    assertEquals(java.util.List.of(new WarmupSchedule.Window(75, 100), new WarmupSchedule.Window(100, 150),
        new WarmupSchedule.Window(150, 250), new WarmupSchedule.Window(250, 450),
        new WarmupSchedule.Window(450, 950)), WarmupSchedule.of(1000).windows());
    // Short warm-up: 15% / 75% / 10%.
    assertEquals(java.util.List.of(new WarmupSchedule.Window(15, 90)), WarmupSchedule.of(100).windows());
    assertTrue(WarmupSchedule.of(19).windows().isEmpty());
  }

  @Test
  void dualAveragingFindsTheStepSizeOfTheTargetAcceptance() {
    // A toy acceptance curve, exp(-step size): the target 0.8 is reached at -log(0.8).
    DualAveraging a = new DualAveraging(1.0, 0.8, 0.05, 10, 0.75);
    for (int i = 0; i < 2000; i++) {
      a.update(Math.exp(-a.stepSize()));
    }
    assertEquals(-Math.log(0.8), a.averagedStepSize(), 0.01);
  }
}
