package dev.helmholtz.dist;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.commons.statistics.distribution.CauchyDistribution;
import org.apache.commons.statistics.distribution.ContinuousDistribution;
import org.apache.commons.statistics.distribution.ExponentialDistribution;
import org.apache.commons.statistics.distribution.FoldedNormalDistribution;
import org.apache.commons.statistics.distribution.LaplaceDistribution;
import org.apache.commons.statistics.distribution.LogNormalDistribution;
import org.apache.commons.statistics.distribution.LogisticDistribution;
import org.apache.commons.statistics.distribution.UniformContinuousDistribution;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The elementwise continuous families under test, each with parameters for three elements and
 * its reference distribution from Apache Commons Statistics (the half-normal is its folded normal at
 * location 0) (a maintained, widely used library,
 * computed in double precision independently of TensorFlow). The half-Cauchy, which Commons
 * Statistics does not have, is the Cauchy(0, scale) folded at 0: twice its density on x >= 0.
 */
final class ElementwiseFamilyCases {

  private ElementwiseFamilyCases() {}

  /** One family: parameters[j][e] is parameter j of element e, in the factory's order. */
  record Case(
      String name,
      double[][] parameters,
      double[] standardParameters,
      Function<List<Operand<TFloat32>>, ElementwiseDistribution> factory,
      BiFunction<Ops, Operand<TInt64>, ElementwiseDistribution> standard,
      Function<double[], Reference> reference) {

    Reference reference(int element) {
      double[] p = new double[parameters.length];
      for (int j = 0; j < p.length; j++) {
        p[j] = parameters[j][element];
      }
      return reference.apply(p);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static List<Case> all() {
    return List.of(
        new Case("Laplace", new double[][] {{-1, 0.5, 2}, {0.5, 1, 2}}, new double[] {0, 1},
            p -> Laplace.locScale(p.get(0), p.get(1)), Laplace::standard,
            p -> Reference.of(LaplaceDistribution.of(p[0], p[1]))),
        new Case("Logistic", new double[][] {{-1, 0.5, 2}, {0.5, 1, 2}}, new double[] {0, 1},
            p -> Logistic.locScale(p.get(0), p.get(1)), Logistic::standard,
            p -> Reference.of(LogisticDistribution.of(p[0], p[1]))),
        new Case("Cauchy", new double[][] {{-1, 0.5, 2}, {0.5, 1, 2}}, new double[] {0, 1},
            p -> Cauchy.locScale(p.get(0), p.get(1)), Cauchy::standard,
            p -> Reference.of(CauchyDistribution.of(p[0], p[1]))),
        new Case("HalfNormal", new double[][] {{0.5, 1, 2}}, new double[] {1},
            p -> HalfNormal.scale(p.get(0)), HalfNormal::standard,
            p -> Reference.of(FoldedNormalDistribution.of(0, p[0]))),
        new Case("HalfCauchy", new double[][] {{0.5, 1, 2}}, new double[] {1},
            p -> HalfCauchy.scale(p.get(0)), HalfCauchy::standard,
            p -> new FoldedCauchy(p[0])),
        new Case("LogNormal", new double[][] {{-0.5, 0, 0.5}, {0.3, 0.6, 1}}, new double[] {0, 1},
            p -> LogNormal.locScale(p.get(0), p.get(1)), LogNormal::standard,
            p -> Reference.of(LogNormalDistribution.of(p[0], p[1]))),
        new Case("Exponential", new double[][] {{0.5, 1, 3}}, new double[] {1},
            p -> Exponential.rate(p.get(0)), Exponential::standard,
            p -> Reference.of(ExponentialDistribution.of(1 / p[0]))),
        new Case("Uniform", new double[][] {{-1, 0, 2}, {0, 3, 2.5}}, new double[] {0, 1},
            p -> Uniform.lowHigh(p.get(0), p.get(1)), Uniform::standard,
            p -> Reference.of(UniformContinuousDistribution.of(p[0], p[1]))));
  }

  /** What the tests read of a reference distribution. */
  interface Reference {
    double logDensity(double x);

    double cdf(double x);

    double survival(double x);

    double quantile(double p);

    double mean();

    double variance();

    double lowerBound();

    double upperBound();

    static Reference of(ContinuousDistribution d) {
      return new Commons(d);
    }
  }

  /** A Commons Statistics distribution as a reference. */
  private record Commons(ContinuousDistribution d) implements Reference {
    @Override
    public double logDensity(double x) {
      return d.logDensity(x);
    }

    @Override
    public double cdf(double x) {
      return d.cumulativeProbability(x);
    }

    @Override
    public double survival(double x) {
      return d.survivalProbability(x);
    }

    @Override
    public double quantile(double p) {
      return d.inverseCumulativeProbability(p);
    }

    @Override
    public double mean() {
      return d.getMean();
    }

    @Override
    public double variance() {
      return d.getVariance();
    }

    @Override
    public double lowerBound() {
      return d.getSupportLowerBound();
    }

    @Override
    public double upperBound() {
      return d.getSupportUpperBound();
    }
  }

  /** |X| for X ~ Cauchy(0, scale), from Commons Statistics' Cauchy; no mean, no variance. */
  private record FoldedCauchy(CauchyDistribution cauchy) implements Reference {
    FoldedCauchy(double scale) {
      this(CauchyDistribution.of(0, scale));
    }

    @Override
    public double logDensity(double x) {
      return x < 0 ? Double.NEGATIVE_INFINITY : Math.log(2) + cauchy.logDensity(x);
    }

    @Override
    public double cdf(double x) {
      return x < 0 ? 0 : 2 * cauchy.cumulativeProbability(x) - 1;
    }

    @Override
    public double survival(double x) {
      return x < 0 ? 1 : 2 * cauchy.survivalProbability(x);
    }

    @Override
    public double quantile(double p) {
      return cauchy.inverseCumulativeProbability((1 + p) / 2);
    }

    @Override
    public double mean() {
      return Double.NaN;
    }

    @Override
    public double variance() {
      return Double.NaN;
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
}
