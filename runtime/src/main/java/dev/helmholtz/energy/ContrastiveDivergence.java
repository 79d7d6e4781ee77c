package dev.helmholtz.energy;

import dev.helmholtz.graph.RandomSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The training half of an energy-based model's graph: contrastive divergence (Hinton 2002), CD-k
 * with chains that start at the data or persistent CD (Tieleman 2008) with chains kept in
 * variables, by stochastic gradient descent with momentum and weight decay as Hinton's practical
 * guide (2010) uses them.
 *
 * <p>The gradient of the mean log-likelihood is {@code -E_data[dF/dtheta] + E_model[dF/dtheta]}
 * with F the free energy. For an energy affine in the latents, {@code dF(v)/dtheta} is {@code
 * dE/dtheta} at the latents' conditional means, so the update minimizes the surrogate {@code
 * mean E(v+, mu(v+)) - mean E(v-, mu(v-))} with every state held fixed: v+ the data, v- the
 * chains after k sweeps (with {@link EnergySpec#meanReconstruction()}, a Bernoulli node's
 * probabilities in that last sweep instead of its draw), mu the latents' conditional means. Weight decay adds {@code lambda W} to
 * the gradient of every variable of rank 2 or more (weights, not biases). Each variable is updated
 * by {@code ApplyMomentum} once every gradient and every reported figure is computed, and the
 * persistent chains are assigned their new state then too, so nothing reads a variable while it
 * changes and the same seed gives the same run.
 */
final class ContrastiveDivergence {
  /** The hyperparameter of the momentum coefficient, schedulable by name. */
  static final String MOMENTUM = "momentum";
  /** The hyperparameter of the weight decay's coefficient, schedulable by name. */
  static final String WEIGHT_DECAY = "weight_decay";
  static final float DEFAULT_MOMENTUM = 0.5f;
  static final float DEFAULT_WEIGHT_DECAY = 0f;

  final Op step;
  /** Minus the squared error of the mean-field reconstruction, per example, {@code [n]}. */
  final Operand<TFloat32> reconstruction;
  /** The CD estimate of the gradient of the mean log-likelihood, one per trainable variable. */
  final List<Operand<TFloat32>> logLikelihoodGradients;
  final List<Op> initializers = new ArrayList<>();
  /** The persistent chains, by observed node; empty for CD-k. */
  final Map<String, Variable<TFloat32>> chains = new LinkedHashMap<>();

  ContrastiveDivergence(Ops tf, RandomSource random, EnergySpec spec, BlockGibbs gibbs, EnergyFunction energy,
      Map<String, ? extends Operand<TFloat32>> data, Operand<TFloat32> learningRate, Operand<TFloat32> momentum,
      Operand<TFloat32> weightDecay, List<Variable<TFloat32>> variables) {
    Ops cd = tf.withSubScope("contrastive_divergence");
    Map<String, Operand<TFloat32>> positive = new LinkedHashMap<>(data);
    Map<String, Operand<TFloat32>> positiveLatents = gibbs.latentMeans(energy, positive);

    // The negative phase: from the data, or from the persistent chains.
    Map<String, Operand<TFloat32>> start = new LinkedHashMap<>();
    for (EnergySpec.Node v : spec.observed()) {
      if (spec.persistent()) {
        Ops chainOps = tf.withSubScope("chains");
        Variable<TFloat32> chain = chainOps.withName(v.name().replaceAll("[^A-Za-z0-9_.\\-]", "_"))
            .variable(Shape.of(spec.persistentChains(), v.width()), TFloat32.class);
        initializers.add(chainOps.assign(chain, initialChain(chainOps, random, v, spec.persistentChains())));
        chains.put(v.name(), chain);
        start.put(v.name(), chainOps.identity(chain));
      } else {
        start.put(v.name(), data.get(v.name()));
      }
    }
    Map<String, Operand<TFloat32>> negative = start;
    Map<String, Operand<TFloat32>> lastSweep = new LinkedHashMap<>();
    for (int i = 0; i < spec.gibbsSteps(); i++) {
      Map<String, Operand<TFloat32>> swept = gibbs.sweep(energy, negative);
      // The values the last sweep drew each observed node given: its new latents, the observed
      // nodes before it new and those after it old.
      lastSweep = new LinkedHashMap<>(negative);
      for (EnergySpec.Node h : spec.latents()) {
        lastSweep.put(h.name(), swept.get(h.name()));
      }
      negative = new LinkedHashMap<>();
      for (EnergySpec.Node v : spec.observed()) {
        negative.put(v.name(), swept.get(v.name()));
      }
    }
    // The statistics' visible states: the draws, or (mean reconstruction) a Bernoulli node's
    // probabilities, from which its draw was drawn.
    Map<String, Operand<TFloat32>> reconstructed = new LinkedHashMap<>(negative);
    if (spec.meanReconstruction()) {
      for (EnergySpec.Node v : spec.observed()) {
        if (v.units() == Units.BERNOULLI) {
          reconstructed.put(v.name(), gibbs.mean(energy, lastSweep, v.name()));
        }
        lastSweep.put(v.name(), negative.get(v.name()));
      }
    }
    Map<String, Operand<TFloat32>> negativeLatents = gibbs.latentMeans(energy, reconstructed);

    Operand<TFloat32> dataTerm = cd.math.mean(energy.energy(merge(positive, positiveLatents)), cd.constant(0));
    Operand<TFloat32> modelTerm = cd.math.mean(energy.energy(merge(reconstructed, negativeLatents)), cd.constant(0));
    Operand<TFloat32> surrogate = cd.withName("surrogate").math.sub(dataTerm, modelTerm);

    // Minus the squared error of v's mean given the latents' means: Hinton's monitor of progress.
    Map<String, Operand<TFloat32>> reconstructionInput = merge(positive, positiveLatents);
    Operand<TFloat32> error = null;
    for (EnergySpec.Node v : spec.observed()) {
      Operand<TFloat32> mean = gibbs.mean(energy, reconstructionInput, v.name());
      Operand<TFloat32> squared = gibbs.rowSums(cd.math.squaredDifference(mean, data.get(v.name())));
      error = error == null ? squared : cd.math.add(error, squared);
    }
    reconstruction = cd.withName("reconstruction").math.neg(error);

    List<Operand<?>> xs = new ArrayList<>(variables);
    List<Output<?>> dys = cd.gradients(surrogate, xs).dy();
    List<Operand<TFloat32>> gradients = new ArrayList<>();
    List<Operand<TFloat32>> logLikelihood = new ArrayList<>();
    List<Op> ready = new ArrayList<>();
    ready.add(surrogate);
    ready.add(reconstruction);
    for (int i = 0; i < variables.size(); i++) {
      Output<?> dy = dys.get(i);
      if (dy == null || dy.isClosed()) {
        throw new IllegalArgumentException("the energy of " + spec.modelName() + " does not depend on variable '"
            + variables.get(i).op().name() + "'");
      }
      @SuppressWarnings("unchecked")
      Operand<TFloat32> g = (Operand<TFloat32>) dy;
      logLikelihood.add(cd.math.neg(g));
      if (variables.get(i).shape().numDimensions() >= 2) {
        g = cd.math.add(g, cd.math.mul(weightDecay, cd.identity(variables.get(i))));
      }
      gradients.add(g);
      ready.add(g);
    }
    logLikelihoodGradients = logLikelihood;
    negative.values().forEach(ready::add);
    Ops afterReads = cd.withControlDependencies(ready);

    List<Op> updates = new ArrayList<>();
    for (int i = 0; i < variables.size(); i++) {
      Variable<TFloat32> var = variables.get(i);
      Ops slot = tf.withSubScope("momentum").withSubScope(var.op().name().replace('/', '_'));
      Variable<TFloat32> velocity = slot.withName("velocity").variable(var.shape(), TFloat32.class);
      initializers.add(slot.assign(velocity, slot.zeros(slot.constant(var.shape()), TFloat32.class)));
      updates.add(afterReads.train.applyMomentum(var, velocity, learningRate, gradients.get(i), momentum));
    }
    for (Map.Entry<String, Variable<TFloat32>> chain : chains.entrySet()) {
      updates.add(afterReads.assign(chain.getValue(), negative.get(chain.getKey())));
    }
    step = cd.withControlDependencies(updates).withName("step").noOp();
  }

  private static Map<String, Operand<TFloat32>> merge(Map<String, Operand<TFloat32>> a,
      Map<String, Operand<TFloat32>> b) {
    Map<String, Operand<TFloat32>> out = new LinkedHashMap<>(a);
    out.putAll(b);
    return out;
  }

  /** Chains start as noise: fair coins for Bernoulli units, standard normals for Gaussian ones. */
  private static Operand<TFloat32> initialChain(Ops tf, RandomSource random, EnergySpec.Node v, int chains) {
    Operand<org.tensorflow.types.TInt64> seeds = tf.constant(random.nextSeeds());
    Operand<org.tensorflow.types.TInt64> shape = tf.constant(new long[] {chains, v.width()});
    if (v.units() == Units.BERNOULLI) {
      Operand<TFloat32> u = tf.random.statelessRandomUniform(shape, seeds, TFloat32.class);
      return tf.dtypes.cast(tf.math.less(u, tf.constant(0.5f)), TFloat32.class);
    }
    return tf.random.statelessRandomNormal(shape, seeds, TFloat32.class);
  }
}
