package dev.helmholtz.energy;

import dev.helmholtz.data.Dataset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Annealed importance sampling (Neal 2001) of an energy-based model's log partition function, as
 * Salakhutdinov and Murray (2008) run it for RBMs. The runs anneal from a base model {@code
 * p_A} with no interactions (observed units with biases fitted to the data's marginals, latent
 * units uniform), whose {@code Z_A} is known, to the model, through the tempered models {@code
 * E_beta = (1 - beta) E_A + beta E}; each transition is one block-Gibbs sweep of the tempered
 * model, and each run's log weight adds up {@code F_(beta_(k-1))(v_k) - F_(beta_k)(v_k)}. The mean
 * of the weights is an unbiased estimate of {@code Z / Z_A}, so its logarithm is a stochastic
 * lower bound of {@code log Z} in expectation (Jensen): too few temperatures underestimate it.
 */
public final class AnnealedImportanceSampling {
  private AnnealedImportanceSampling() {}

  /**
   * An estimate of {@code log Z}: {@code logZ = log Z_A + log mean(w)}, with the interval {@code
   * log(mean(w) +- 3 sd(w) / sqrt(runs))} as Salakhutdinov and Murray report it ({@code lower} is
   * negative infinity when the interval reaches 0).
   *
   * @param logWeights each run's log importance weight
   */
  public record Estimate(double logZ, double lower, double upper, double logZBase, int runs, int temperatures,
      double[] logWeights) {}

  /** The graph of one annealing step (its placeholders and outputs). */
  record Ops(Map<String, Placeholder<TFloat32>> state, Map<String, Placeholder<TFloat32>> baseParameters,
      Placeholder<TFloat32> betaFrom, Placeholder<TFloat32> betaTo, Operand<TFloat32> logWeightIncrement,
      Map<String, Operand<TFloat32>> next) {}

  /**
   * {@code temperatures} inverse temperatures from 0 to 1, spaced as Salakhutdinov and Murray's
   * 14,500: uniformly, 500/14500 of them in [0, 0.5], 4000/14500 in [0.5, 0.9] and the rest in [0.9, 1].
   *
   * @throws IllegalArgumentException for fewer than 10
   */
  public static double[] schedule(int temperatures) {
    if (temperatures < 10) {
      throw new IllegalArgumentException("AIS needs at least 10 temperatures, was " + temperatures);
    }
    int first = Math.max(1, (int) Math.round(temperatures * 500.0 / 14500));
    int second = Math.max(1, (int) Math.round(temperatures * 4000.0 / 14500));
    int third = temperatures - first - second;
    double[] betas = new double[temperatures];
    int k = 0;
    for (int i = 0; i < first; i++) {
      betas[k++] = 0.5 * i / first;
    }
    for (int i = 0; i < second; i++) {
      betas[k++] = 0.5 + 0.4 * i / second;
    }
    for (int i = 0; i < third; i++) {
      betas[k++] = 0.9 + 0.1 * i / (third - 1);
    }
    betas[temperatures - 1] = 1.0;
    return betas;
  }

  static Ops build(org.tensorflow.op.Ops tf, EnergySpec spec, BlockGibbs gibbs, EnergyFunction energy) {
    Map<String, Placeholder<TFloat32>> state = new LinkedHashMap<>();
    Map<String, Placeholder<TFloat32>> base = new LinkedHashMap<>();
    int i = 0;
    for (EnergySpec.Node v : spec.observed()) {
      state.put(v.name(), tf.withName("state_" + i).placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, v.width()))));
      base.put(v.name(), tf.withName("base_" + i).placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(v.width()))));
      i++;
    }
    Placeholder<TFloat32> betaFrom = tf.withName("beta_from").placeholder(TFloat32.class,
        Placeholder.shape(Shape.scalar()));
    Placeholder<TFloat32> betaTo = tf.withName("beta_to").placeholder(TFloat32.class,
        Placeholder.shape(Shape.scalar()));
    EnergyFunction baseEnergy = values -> {
      Operand<TFloat32> e = null;
      for (EnergySpec.Node v : spec.observed()) {
        Operand<TFloat32> x = values.get(v.name());
        Operand<TFloat32> term = v.units() == Units.BERNOULLI
            ? tf.math.neg(gibbs.rowSums(tf.math.mul(x, base.get(v.name()))))
            : tf.math.mul(tf.constant(0.5f), gibbs.rowSums(tf.math.squaredDifference(x, base.get(v.name()))));
        e = e == null ? term : tf.math.add(e, term);
      }
      return e;
    };
    Map<String, Operand<TFloat32>> observed = new LinkedHashMap<>(state);
    Operand<TFloat32> increment = tf.withName("log_weight_increment").math.sub(
        gibbs.freeEnergy(tempered(tf, baseEnergy, energy, betaFrom), observed),
        gibbs.freeEnergy(tempered(tf, baseEnergy, energy, betaTo), observed));
    Map<String, Operand<TFloat32>> swept = gibbs.sweep(tempered(tf, baseEnergy, energy, betaTo), observed);
    Map<String, Operand<TFloat32>> next = new LinkedHashMap<>();
    spec.observed().forEach(v -> next.put(v.name(), swept.get(v.name())));
    return new Ops(state, base, betaFrom, betaTo, increment, next);
  }

  private static EnergyFunction tempered(org.tensorflow.op.Ops tf, EnergyFunction base, EnergyFunction model,
      Operand<TFloat32> beta) {
    return values -> tf.math.add(
        tf.math.mul(tf.math.sub(tf.constant(1f), beta), base.energy(values)),
        tf.math.mul(beta, model.energy(values)));
  }

  /** The base model's parameters from {@code data}: smoothed logits of the means, or the means. */
  static Map<String, float[]> baseParameters(EnergySpec spec, Dataset data) {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (EnergySpec.Node v : spec.observed()) {
      float[] flat = data.flat(v.name());
      int w = v.width();
      double[] sums = new double[w];
      for (int i = 0; i < flat.length; i++) {
        sums[i % w] += flat[i];
      }
      float[] p = new float[w];
      for (int j = 0; j < w; j++) {
        if (v.units() == Units.BERNOULLI) {
          // One pseudo-count of each value keeps a unit that is always 0 (an MNIST border) finite.
          double mean = (sums[j] + 1) / (data.size() + 2);
          p[j] = (float) Math.log(mean / (1 - mean));
        } else {
          p[j] = (float) (sums[j] / data.size());
        }
      }
      out.put(v.name(), p);
    }
    return out;
  }

  static Estimate run(Session session, EnergySpec spec, Ops ops, Dataset base, int runs, double[] betas) {
    if (runs < 2) {
      throw new IllegalArgumentException("AIS needs at least 2 runs for an error bar, was " + runs);
    }
    if (betas.length < 2 || betas[0] != 0 || betas[betas.length - 1] != 1) {
      throw new IllegalArgumentException("the inverse temperatures must run from 0 to 1");
    }
    for (int k = 1; k < betas.length; k++) {
      if (!(betas[k] >= betas[k - 1])) {
        throw new IllegalArgumentException("the inverse temperatures must not decrease; beta[" + k + "] = "
            + betas[k] + " after " + betas[k - 1]);
      }
    }
    Map<String, float[]> parameters = baseParameters(spec, base);
    double logZBase = 0;
    for (EnergySpec.Node v : spec.observed()) {
      for (float b : parameters.get(v.name())) {
        logZBase += v.units() == Units.BERNOULLI ? softplus(b) : 0.5 * Math.log(2 * Math.PI);
      }
    }
    for (EnergySpec.Node h : spec.latents()) {
      logZBase += h.width() * Math.log(2);
    }
    Map<String, float[]> state = new LinkedHashMap<>();
    spec.observed().forEach(v -> state.put(v.name(), new float[runs * v.width()]));
    double[] logWeights = new double[runs];
    // At beta = 0 one sweep draws from the base model exactly, whatever the state.
    step(session, spec, ops, parameters, state, runs, 0, 0, null);
    for (int k = 1; k < betas.length; k++) {
      step(session, spec, ops, parameters, state, runs, betas[k - 1], betas[k], logWeights);
    }
    double max = Double.NEGATIVE_INFINITY;
    for (double w : logWeights) {
      max = Math.max(max, w);
    }
    double mean = 0;
    for (double w : logWeights) {
      mean += Math.exp(w - max);
    }
    mean /= runs;
    double variance = 0;
    for (double w : logWeights) {
      double d = Math.exp(w - max) - mean;
      variance += d * d;
    }
    double sd = Math.sqrt(variance / (runs - 1) / runs);
    double logZ = logZBase + max + Math.log(mean);
    double lower = mean - 3 * sd > 0 ? logZBase + max + Math.log(mean - 3 * sd) : Double.NEGATIVE_INFINITY;
    double upper = logZBase + max + Math.log(mean + 3 * sd);
    return new Estimate(logZ, lower, upper, logZBase, runs, betas.length, logWeights);
  }

  /** One transition at {@code betaTo}, adding each run's weight increment to {@code logWeights} unless null. */
  private static void step(Session session, EnergySpec spec, Ops ops, Map<String, float[]> parameters,
      Map<String, float[]> state, int runs, double betaFrom, double betaTo, double[] logWeights) {
    List<Tensor> fed = new ArrayList<>();
    try {
      Session.Runner runner = session.runner();
      for (EnergySpec.Node v : spec.observed()) {
        TFloat32 s = TFloat32.tensorOf(Shape.of(runs, v.width()), DataBuffers.of(state.get(v.name()), true, false));
        fed.add(s);
        runner.feed(ops.state().get(v.name()), s);
        TFloat32 b = TFloat32.tensorOf(Shape.of(v.width()), DataBuffers.of(parameters.get(v.name()), true, false));
        fed.add(b);
        runner.feed(ops.baseParameters().get(v.name()), b);
      }
      TFloat32 from = TFloat32.scalarOf((float) betaFrom);
      fed.add(from);
      TFloat32 to = TFloat32.scalarOf((float) betaTo);
      fed.add(to);
      runner.feed(ops.betaFrom(), from).feed(ops.betaTo(), to);
      runner.fetch(ops.logWeightIncrement());
      spec.observed().forEach(v -> runner.fetch(ops.next().get(v.name())));
      try (Result result = runner.run()) {
        if (logWeights != null) {
          TFloat32 inc = (TFloat32) result.get(0);
          for (int r = 0; r < runs; r++) {
            logWeights[r] += inc.getFloat(r);
          }
        }
        int i = 1;
        for (EnergySpec.Node v : spec.observed()) {
          TFloat32 next = (TFloat32) result.get(i++);
          next.asRawTensor().data().asFloats().read(state.get(v.name()));
        }
      }
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  private static double softplus(double x) {
    return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  }
}
