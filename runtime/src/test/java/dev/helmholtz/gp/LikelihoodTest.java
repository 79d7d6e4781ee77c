package dev.helmholtz.gp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat64;

/**
 * The Bernoulli likelihood's quadratures under N(mean, variance) against numerical integration in
 * Java: 20 Gauss-Hermite points are good to about 1e-6 on these (the widest, variance 4, is off by
 * 1.2e-6), a wrong node scaling by far more.
 */
class LikelihoodTest {
  private static final double[] MEANS = {-2.5, 0.0, 0.7, 3.0};
  private static final double[] VARIANCES = {0.01, 1.0, 4.0, 0.3};
  private static final double[] LABELS = {1, 0, 1, 0};

  /** E[g(f)] for f ~ N(mean, variance), by the trapezoid rule over mean +- 12 sd. */
  private static double expectation(double mean, double variance, DoubleUnaryOperator g) {
    double sd = Math.sqrt(variance);
    int steps = 20000;
    double h = 24 * sd / steps;
    double sum = 0;
    for (int i = 0; i <= steps; i++) {
      double f = mean - 12 * sd + i * h;
      double weight = (i == 0 || i == steps) ? 0.5 : 1;
      double density = Math.exp(-0.5 * (f - mean) * (f - mean) / variance) / Math.sqrt(2 * Math.PI * variance);
      sum += weight * density * g.applyAsDouble(f);
    }
    return sum * h;
  }

  private static double logSigmoid(double f) {
    return f > 0 ? -Math.log1p(Math.exp(-f)) : f - Math.log1p(Math.exp(f));
  }

  @Test
  void bernoulliQuadratureMatchesNumericalIntegration() {
    BernoulliLikelihood likelihood = new BernoulliLikelihood();
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      ParameterValues none = new ParameterValues() {
        @Override
        public Ops tf() {
          return tf;
        }

        @Override
        public Operand<TFloat64> value(Hyperparameter parameter) {
          throw new IllegalArgumentException("no parameters");
        }
      };
      Operand<TFloat64> mean = tf.constant(MEANS);
      Operand<TFloat64> variance = tf.constant(VARIANCES);
      Operand<TFloat64> y = tf.constant(LABELS);
      List<Operand<TFloat64>> outputs = List.of(likelihood.variationalExpectation(none, mean, variance, y),
          likelihood.predictiveMean(none, mean, variance), likelihood.logPredictiveDensity(none, mean, variance, y));
      Session.Runner runner = session.runner();
      outputs.forEach(runner::fetch);
      try (Result result = runner.run()) {
        double[] expected = GpTensors.values((TFloat64) result.get(0));
        double[] p = GpTensors.values((TFloat64) result.get(1));
        double[] logDensity = GpTensors.values((TFloat64) result.get(2));
        for (int i = 0; i < MEANS.length; i++) {
          double sign = 2 * LABELS[i] - 1;
          double exact = expectation(MEANS[i], VARIANCES[i], f -> logSigmoid(sign * f));
          double exactP = expectation(MEANS[i], VARIANCES[i], f -> Math.exp(logSigmoid(f)));
          assertEquals(exact, expected[i], 1e-5, "E[log p(y | f)] at " + i);
          assertEquals(exactP, p[i], 1e-5, "p(y = 1) at " + i);
          assertEquals(Math.log(LABELS[i] == 1 ? exactP : 1 - exactP), logDensity[i], 1e-5, "log p(y) at " + i);
        }
      }
    }
  }
}
