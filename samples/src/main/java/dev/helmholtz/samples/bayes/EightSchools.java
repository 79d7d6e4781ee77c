package dev.helmholtz.samples.bayes;

import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;

/**
 * Rubin's eight schools (Gelman et al., BDA3 section 5.5) in the non-centred parameterization
 * that NUTS samples without divergences: school j's effect theta_j = mu + tau thetaTilde_j, with
 * y_j ~ N(theta_j, sigma_j^2) for the known standard errors sigma_j, mu ~ N(0, 5^2), tau ~
 * HalfCauchy(0, 5) and thetaTilde_j ~ N(0, 1) (the model of Stan's and posteriordb's
 * eight_schools_noncentered).
 *
 * <p>Global latents are Normal and unconstrained, so tau is reached through its prior's
 * quantile function: tau = 5 tan(pi/2 Phi(tauNormal)) with tauNormal ~ N(0, 1) is exactly
 * HalfCauchy(0, 5), and the posterior is the same one. Each data row is one school: its one-hot
 * {@code school} (which thetaTilde it takes), its {@code sigma} and its observed {@code y}.
 */
@Model
public class EightSchools {
  /** The schools' estimated effects and standard errors (Rubin 1981). */
  public static final float[] Y = {28, 8, -3, 7, -1, 1, 18, 12};
  public static final float[] SIGMA = {15, 10, 16, 11, 9, 11, 10, 18};
  public static final int SCHOOLS = 8;
  /** The prior scales of mu (Normal) and tau (half-Cauchy). */
  public static final float MU_PRIOR_SCALE = 5;
  public static final float TAU_PRIOR_SCALE = 5;

  @Latent(shape = 1, global = true)
  Normal mu;

  @Latent(shape = 1, global = true)
  Normal tauNormal;

  @Latent(shape = SCHOOLS, global = true)
  Normal thetaTilde;

  @Observed(shape = SCHOOLS, given = true)
  Normal school;

  @Observed(shape = 1, given = true)
  Normal sigma;

  @Observed(shape = 1)
  Normal y;

  /** p(mu) = N(0, 5^2). */
  @Generator("mu")
  Normal muPrior(Nn nn) {
    Ops tf = nn.tf();
    return Normal.meanScale(tf.constant(new float[][] {{0f}}), tf.constant(MU_PRIOR_SCALE));
  }

  /** p(y | mu, tau, thetaTilde): every operand has one row per (draw, school). */
  @Generator("y")
  Normal likelihood(Nn nn, Operand<TFloat32> mu, Operand<TFloat32> tauNormal, Operand<TFloat32> thetaTilde,
      Operand<TFloat32> school, Operand<TFloat32> sigma) {
    Ops tf = nn.tf();
    Operand<TFloat32> own = tf.reduceSum(tf.math.mul(school, thetaTilde), tf.constant(-1), ReduceSum.keepDims(true));
    Operand<TFloat32> effect = tf.math.add(mu, tf.math.mul(tau(tf, tauNormal), own));
    return Normal.meanScale(effect, sigma);
  }

  /** tau = 5 tan(pi/2 Phi(tauNormal)): HalfCauchy(0, 5)'s quantile function at the normal's CDF. */
  public static Operand<TFloat32> tau(Ops tf, Operand<TFloat32> tauNormal) {
    Operand<TFloat32> cdf = tf.math.mul(tf.constant(0.5f),
        tf.math.add(tf.constant(1f), tf.math.erf(tf.math.mul(tauNormal, tf.constant((float) (1 / Math.sqrt(2)))))));
    Operand<TFloat32> angle = tf.math.mul(tf.constant((float) (Math.PI / 2)), cdf);
    return tf.math.mul(tf.constant(TAU_PRIOR_SCALE), tf.math.div(tf.math.sin(angle), tf.math.cos(angle)));
  }

  /** The same map in Java, for the draws. */
  public static double tau(double tauNormal) {
    double cdf = 0.5 * (1 + erf(tauNormal / Math.sqrt(2)));
    return TAU_PRIOR_SCALE * Math.tan(Math.PI / 2 * cdf);
  }

  /** The data: a row per school with its one-hot {@code school}, {@code sigma} and {@code y} columns. */
  public static Dataset dataset() {
    float[][] sigma = new float[SCHOOLS][1];
    float[][] y = new float[SCHOOLS][1];
    for (int j = 0; j < SCHOOLS; j++) {
      sigma[j][0] = SIGMA[j];
      y[j][0] = Y[j];
    }
    return Dataset.of("school", schools()).with("sigma", sigma).with("y", y);
  }

  /** The one-hot school column, [8][8]. */
  public static float[][] schools() {
    float[][] out = new float[SCHOOLS][SCHOOLS];
    for (int j = 0; j < SCHOOLS; j++) {
      out[j][j] = 1;
    }
    return out;
  }

  /**
   * The exact posterior means of mu, tau and theta_1..8, [10], by one-dimensional quadrature:
   * given tau, mu and the thetas are Gaussian in closed form (y_j ~ N(mu, sigma_j^2 + tau^2)
   * marginally), so E[f] = integral of p(y | tau) E[f | tau, y] over the prior of tau, done by
   * the midpoint rule in u = F(tau), the prior's CDF, where the prior is uniform.
   */
  public static double[] exactPosteriorMeans(int points) {
    double[] sums = new double[2 + SCHOOLS];
    double[] logWeights = new double[points];
    double[][] conditional = new double[points][];
    double maxLog = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < points; i++) {
      double u = (i + 0.5) / points;
      double tau = TAU_PRIOR_SCALE * Math.tan(Math.PI / 2 * u);
      double precision = 1 / (MU_PRIOR_SCALE * MU_PRIOR_SCALE);
      double s = 0;
      double logLik = 0;
      for (int j = 0; j < SCHOOLS; j++) {
        double v = SIGMA[j] * SIGMA[j] + tau * tau;
        precision += 1 / v;
        s += Y[j] / v;
        logLik += -0.5 * Y[j] * Y[j] / v - 0.5 * Math.log(2 * Math.PI * v);
      }
      logLik += -0.5 * Math.log(2 * Math.PI * MU_PRIOR_SCALE * MU_PRIOR_SCALE)
          + 0.5 * Math.log(2 * Math.PI / precision) + 0.5 * s * s / precision;
      double muMean = s / precision;
      double[] c = new double[2 + SCHOOLS];
      c[0] = muMean;
      c[1] = tau;
      for (int j = 0; j < SCHOOLS; j++) {
        double a = 1 / (SIGMA[j] * SIGMA[j]);
        double b = 1 / (tau * tau);
        c[2 + j] = (Y[j] * a + muMean * b) / (a + b);
      }
      logWeights[i] = logLik;
      conditional[i] = c;
      maxLog = Math.max(maxLog, logLik);
    }
    double total = 0;
    for (int i = 0; i < points; i++) {
      double w = Math.exp(logWeights[i] - maxLog);
      total += w;
      for (int k = 0; k < sums.length; k++) {
        sums[k] += w * conditional[i][k];
      }
    }
    for (int k = 0; k < sums.length; k++) {
      sums[k] /= total;
    }
    return sums;
  }

  /** erf from the Chebyshev fit of Numerical Recipes (erfc, fractional error below 1.2e-7). */
  static double erf(double x) {
    double t = 1 / (1 + 0.5 * Math.abs(x));
    double tau = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
        + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
        + t * (-0.82215223 + t * 0.17087277)))))))));
    return x >= 0 ? 1 - tau : tau - 1;
  }
}
