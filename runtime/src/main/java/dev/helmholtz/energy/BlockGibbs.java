package dev.helmholtz.energy;

import dev.helmholtz.graph.RandomSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The block-Gibbs conditionals and the free energy of an energy-based model, read off the
 * gradient of its energy. For a {@link Units#BERNOULLI} node x, whose energy is affine in x given
 * the rest, {@code E(x) = E(0) + x . dE/dx}, so {@code p(x = 1 | rest) = sigmoid(-dE/dx)}; for a
 * {@link Units#GAUSSIAN} node, whose energy is quadratic with a diagonal curvature, the gradients
 * at 0 and 1 give the precision and the mean. Latents that do not interact with each other sum out
 * of the free energy in closed form: {@code F(v) = E(v, 0) - sum softplus(-dE/dh)}.
 *
 * <p>The conditionals are samplers: no gradient flows through them. Training differentiates the
 * energy itself at fixed states (see {@link ContrastiveDivergence}).
 */
public final class BlockGibbs {
  private final Ops tf;
  private final RandomSource random;
  private final EnergySpec spec;

  /** The conditionals of {@code spec}'s nodes, drawing from {@code random}. */
  public BlockGibbs(Ops tf, RandomSource random, EnergySpec spec) {
    this.tf = tf;
    this.random = random;
    this.spec = spec;
  }

  /** {@code d sum(E) / d values[node]}, row by row the gradient of each row's energy. */
  Operand<TFloat32> gradient(EnergyFunction energy, Map<String, Operand<TFloat32>> values, String node) {
    Map<String, Operand<TFloat32>> inputs = new LinkedHashMap<>(values);
    Operand<TFloat32> x = tf.identity(values.get(node));
    inputs.put(node, x);
    Operand<TFloat32> total = tf.reduceSum(energy.energy(inputs), tf.constant(0));
    Gradients g = tf.gradients(total, List.of(x));
    Output<?> dx = g.dy().get(0);
    if (dx == null || dx.isClosed()) {
      throw new IllegalArgumentException("the energy of " + spec.modelName() + " does not depend on node '"
          + node + "'");
    }
    @SuppressWarnings("unchecked")
    Operand<TFloat32> out = (Operand<TFloat32>) dx;
    return tf.stopGradient(withWidth(out, spec.require(node).width()));
  }

  /** The logits of a Bernoulli node's conditional given the other nodes' {@code values}. */
  public Operand<TFloat32> logits(EnergyFunction energy, Map<String, Operand<TFloat32>> values, String node) {
    requireUnits(node, Units.BERNOULLI);
    return tf.math.neg(gradient(energy, values, node));
  }

  /** A Gaussian node's conditional, its mean and precision, given the other nodes' {@code values}. */
  public Gaussian gaussian(EnergyFunction energy, Map<String, Operand<TFloat32>> values, String node) {
    requireUnits(node, Units.GAUSSIAN);
    Operand<TFloat32> like = values.get(node);
    Map<String, Operand<TFloat32>> at = new LinkedHashMap<>(values);
    at.put(node, tf.zerosLike(like));
    Operand<TFloat32> g0 = gradient(energy, at, node);
    at.put(node, tf.onesLike(like));
    Operand<TFloat32> g1 = gradient(energy, at, node);
    Operand<TFloat32> precision = tf.math.sub(g1, g0);
    return new Gaussian(tf.math.div(tf.math.neg(g0), precision), precision);
  }

  /** A Gaussian conditional: mean and precision, {@code [n, width]}. */
  public record Gaussian(Operand<TFloat32> mean, Operand<TFloat32> precision) {}

  /** The mean of node {@code node}'s conditional given the other nodes' {@code values}. */
  public Operand<TFloat32> mean(EnergyFunction energy, Map<String, Operand<TFloat32>> values, String node) {
    return spec.require(node).units() == Units.BERNOULLI
        ? tf.math.sigmoid(logits(energy, values, node))
        : gaussian(energy, values, node).mean();
  }

  /** A draw of node {@code node} from its conditional given the other nodes' {@code values}. */
  public Operand<TFloat32> sample(EnergyFunction energy, Map<String, Operand<TFloat32>> values, String node) {
    EnergySpec.Node n = spec.require(node);
    if (n.units() == Units.BERNOULLI) {
      return withWidth(random.bernoulli16(tf.math.sigmoid(logits(energy, values, node))), n.width());
    }
    Gaussian g = gaussian(energy, values, node);
    Operand<TFloat32> noise = random.standardNormal(tf.shape(g.mean(), TInt64.class));
    return withWidth(tf.stopGradient(tf.math.add(g.mean(), tf.math.mul(noise, tf.math.rsqrt(g.precision())))),
        n.width());
  }

  /**
   * One sweep from the observed values {@code observed}: every latent node drawn given the
   * observed ones, then every observed node given the latents (and the observed nodes before
   * it); returns the new values of every node.
   */
  public Map<String, Operand<TFloat32>> sweep(EnergyFunction energy, Map<String, Operand<TFloat32>> observed) {
    Map<String, Operand<TFloat32>> values = withZeroLatents(observed);
    for (EnergySpec.Node h : spec.latents()) {
      values.put(h.name(), sample(energy, values, h.name()));
    }
    for (EnergySpec.Node v : spec.observed()) {
      values.put(v.name(), sample(energy, values, v.name()));
    }
    return values;
  }

  /** The mean of each latent node's conditional given the observed values, by name. */
  public Map<String, Operand<TFloat32>> latentMeans(EnergyFunction energy, Map<String, Operand<TFloat32>> observed) {
    Map<String, Operand<TFloat32>> values = withZeroLatents(observed);
    Map<String, Operand<TFloat32>> means = new LinkedHashMap<>();
    for (EnergySpec.Node h : spec.latents()) {
      means.put(h.name(), mean(energy, values, h.name()));
    }
    return means;
  }

  /**
   * The free energy of each row of the observed values, {@code [n]}: {@code -log sum_h
   * exp(-E(v, h))}, the latents summed out in closed form. Exact when the latent nodes do not
   * interact with each other (a restricted Boltzmann machine). For evaluation: no gradient flows
   * through the latents' part.
   */
  public Operand<TFloat32> freeEnergy(EnergyFunction energy, Map<String, Operand<TFloat32>> observed) {
    Map<String, Operand<TFloat32>> values = withZeroLatents(observed);
    Operand<TFloat32> free = energy.energy(values);
    for (EnergySpec.Node h : spec.latents()) {
      Operand<TFloat32> dx = gradient(energy, values, h.name());
      Operand<TFloat32> summed = tf.reduceSum(tf.math.softplus(tf.math.neg(dx)), tf.constant(1));
      free = tf.math.sub(free, summed);
    }
    return free;
  }

  /** The observed values with every latent set to zeros, {@code [n, width]}. */
  Map<String, Operand<TFloat32>> withZeroLatents(Map<String, Operand<TFloat32>> observed) {
    Map<String, Operand<TFloat32>> values = new LinkedHashMap<>(observed);
    Operand<TFloat32> first = observed.get(spec.observed().get(0).name());
    Operand<TInt64> rows = tf.slice(tf.shape(first, TInt64.class), tf.constant(new long[] {0}),
        tf.constant(new long[] {1}));
    for (EnergySpec.Node h : spec.latents()) {
      Operand<TInt64> shape = tf.concat(List.of(rows, tf.constant(new long[] {h.width()})), tf.constant(0));
      values.put(h.name(), withWidth(tf.zeros(shape, TFloat32.class), h.width()));
    }
    return values;
  }

  /** Sums each row, {@code [n, width] -> [n]}. */
  Operand<TFloat32> rowSums(Operand<TFloat32> x) {
    return tf.reduceSum(x, tf.constant(1), ReduceSum.keepDims(false));
  }

  private Operand<TFloat32> withWidth(Operand<TFloat32> x, int width) {
    return tf.reshape(x, tf.constant(new long[] {-1, width}));
  }

  private void requireUnits(String node, Units units) {
    if (spec.require(node).units() != units) {
      throw new IllegalArgumentException("node '" + node + "' has " + spec.require(node).units() + " units, not "
          + units);
    }
  }
}
