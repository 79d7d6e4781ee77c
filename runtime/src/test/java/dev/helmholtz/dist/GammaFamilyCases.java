package dev.helmholtz.dist;

import dev.helmholtz.dist.ElementwiseFamilyCases.Case;
import dev.helmholtz.dist.ElementwiseFamilyCases.Reference;
import java.util.List;
import org.apache.commons.statistics.distribution.BetaDistribution;
import org.apache.commons.statistics.distribution.GammaDistribution;
import org.apache.commons.statistics.distribution.TDistribution;

/**
 * The gamma-based elementwise families under test, each with parameters for three elements and a
 * reference from Apache Commons Statistics, computed in double precision independently of
 * TensorFlow: Gamma and Beta directly; the inverse gamma as 1 / X for Commons' Gamma X (density
 * f_X(1/x) / x^2, CDF the survival function of X at 1/x); Student's t as loc + scale T for
 * Commons' standard T of df degrees of freedom. Concentrations and degrees of freedom are large
 * enough for the sample variance's standard error to exist (a finite fourth moment).
 */
final class GammaFamilyCases {

  private GammaFamilyCases() {}

  static final Case GAMMA = new Case("Gamma", new double[][] {{0.5, 1.5, 4}, {0.5, 1, 2}},
      new double[] {1, 1}, p -> Gamma.concentrationRate(p.get(0), p.get(1)), Gamma::standard,
      p -> Reference.of(GammaDistribution.of(p[0], 1 / p[1])));

  static final Case INVERSE_GAMMA = new Case("InverseGamma",
      new double[][] {{4.5, 6, 9}, {0.5, 1, 2}}, new double[] {1, 1},
      p -> InverseGamma.concentrationScale(p.get(0), p.get(1)), InverseGamma::standard,
      p -> new ReciprocalGamma(p[0], p[1]));

  static final Case BETA = new Case("Beta", new double[][] {{0.5, 2, 5}, {0.7, 3, 1.5}},
      new double[] {1, 1}, p -> Beta.concentrations(p.get(0), p.get(1)), Beta::standard,
      p -> Reference.of(BetaDistribution.of(p[0], p[1])));

  static final Case STUDENT_T = new Case("StudentT",
      new double[][] {{7, 10, 15}, {-1, 0.5, 2}, {0.5, 1, 2}}, new double[] {7, 0, 1},
      p -> StudentT.dfLocScale(p.get(0), p.get(1), p.get(2)), (tf, shape) -> StudentT.standard(tf, 7f, shape),
      p -> new ScaledT(p[0], p[1], p[2]));

  static List<Case> all() {
    return List.of(GAMMA, INVERSE_GAMMA, BETA, STUDENT_T);
  }

  /** 1 / X for X ~ Gamma(concentration, rate = scale), from Commons Statistics' Gamma. */
  private record ReciprocalGamma(double a, double b, GammaDistribution gamma) implements Reference {
    ReciprocalGamma(double a, double b) {
      this(a, b, GammaDistribution.of(a, 1 / b));
    }

    @Override
    public double logDensity(double x) {
      return x <= 0 ? Double.NEGATIVE_INFINITY : gamma.logDensity(1 / x) - 2 * Math.log(x);
    }

    @Override
    public double cdf(double x) {
      return x <= 0 ? 0 : gamma.survivalProbability(1 / x);
    }

    @Override
    public double survival(double x) {
      return x <= 0 ? 1 : gamma.cumulativeProbability(1 / x);
    }

    @Override
    public double quantile(double p) {
      return 1 / gamma.inverseSurvivalProbability(p);
    }

    @Override
    public double mean() {
      return a > 1 ? b / (a - 1) : Double.NaN;
    }

    @Override
    public double variance() {
      return a > 2 ? b * b / ((a - 1) * (a - 1) * (a - 2)) : Double.NaN;
    }

    @Override
    public double lowerBound() {
      return 0;
    }

    @Override
    public double upperBound() {
      return Double.POSITIVE_INFINITY;
    }
  }

  /** loc + scale T for T ~ Commons Statistics' standard Student's t of df degrees of freedom. */
  private record ScaledT(double loc, double scale, TDistribution t) implements Reference {
    ScaledT(double df, double loc, double scale) {
      this(loc, scale, TDistribution.of(df));
    }

    @Override
    public double logDensity(double x) {
      return t.logDensity((x - loc) / scale) - Math.log(scale);
    }

    @Override
    public double cdf(double x) {
      return t.cumulativeProbability((x - loc) / scale);
    }

    @Override
    public double survival(double x) {
      return t.survivalProbability((x - loc) / scale);
    }

    @Override
    public double quantile(double p) {
      return loc + scale * t.inverseCumulativeProbability(p);
    }

    @Override
    public double mean() {
      return loc + scale * t.getMean();
    }

    @Override
    public double variance() {
      return scale * scale * t.getVariance();
    }

    @Override
    public double lowerBound() {
      return Double.NEGATIVE_INFINITY;
    }

    @Override
    public double upperBound() {
      return Double.POSITIVE_INFINITY;
    }
  }
}
