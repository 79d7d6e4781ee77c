package dev.helmholtz.infer;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The graph {@link NoUTurnSampler} runs: leapfrog steps of every chain at once, with the target's
 * gradient computed in the graph at each step, unrolled in chunks of 1, 2, 4 and {@value
 * #MAX_CHUNK} steps. A chunk starts from fed positions, momenta and gradients (the end of the
 * trajectory a chain extends) and returns every intermediate state, which the tree builder in
 * Java needs for its multinomial weights and U-turn checks. A subtree of 2^j steps takes one
 * session run up to {@value #MAX_CHUNK} steps, and 2^j / {@value #MAX_CHUNK} runs beyond.
 *
 * <p>Each chain has its own signed step size (the sign is the direction in time the chain's tree
 * grows) and its own diagonal inverse mass. A step: p += eps/2 grad; q += eps M^-1 p; grad =
 * grad log pi(q); p += eps/2 grad.
 */
final class NutsLeapfrog {
  /** The longest unrolled chunk: the graph holds 1 + 2 + 4 + 8 copies of the target and its gradient. */
  static final int MAX_CHUNK = 8;

  final int chains;
  final int dims;
  /** [chains, dims] each: the state a chunk starts from. */
  final Placeholder<TFloat32> position;
  final Placeholder<TFloat32> momentum;
  final Placeholder<TFloat32> gradient;
  /** [chains]: signed step sizes (0 leaves a chain where it is). */
  final Placeholder<TFloat32> stepSize;
  /** [chains, dims]: each chain's diagonal inverse mass. */
  final Placeholder<TFloat32> inverseMass;
  /** log pi and its gradient at {@link #position}: [chains] and [chains, dims]. */
  final Operand<TFloat32> logProbHere;
  final Operand<TFloat32> gradientHere;
  /** Per chunk length 1, 2, 4, 8 (index log2 of it): the states after each step. */
  final List<Chunk> chunks = new ArrayList<>();

  /** The states after each step of a chunk: [steps, chains, dims] and log pi [steps, chains]. */
  record Chunk(int steps, Operand<TFloat32> positions, Operand<TFloat32> momenta,
      Operand<TFloat32> gradients, Operand<TFloat32> logProbs) {}

  NutsLeapfrog(Ops tf, LogDensity target, int chains, int dims) {
    this.chains = chains;
    this.dims = dims;
    Shape shape = Shape.of(chains, dims);
    Ops named = tf.withSubScope("nuts");
    position = named.withName("position").placeholder(TFloat32.class, Placeholder.shape(shape));
    momentum = named.withName("momentum").placeholder(TFloat32.class, Placeholder.shape(shape));
    gradient = named.withName("gradient").placeholder(TFloat32.class, Placeholder.shape(shape));
    stepSize = named.withName("step_size").placeholder(TFloat32.class, Placeholder.shape(Shape.of(chains)));
    inverseMass = named.withName("inverse_mass").placeholder(TFloat32.class, Placeholder.shape(shape));
    HmcTransition.ValueAndGradient here = HmcTransition.ValueAndGradient.of(tf, target,
        tf.identity(position), chains, "the initial position");
    logProbHere = here.value();
    gradientHere = here.gradient();

    Operand<TFloat32> eps = tf.expandDims(stepSize, tf.constant(-1)); // [chains, 1]
    Operand<TFloat32> halfEps = tf.math.mul(tf.constant(0.5f), eps);
    Operand<TFloat32> epsInvMass = tf.math.mul(eps, inverseMass);
    for (int steps = 1; steps <= MAX_CHUNK; steps *= 2) {
      Operand<TFloat32> q = tf.identity(position);
      Operand<TFloat32> p = tf.identity(momentum);
      Operand<TFloat32> g = tf.identity(gradient);
      List<Operand<TFloat32>> qs = new ArrayList<>();
      List<Operand<TFloat32>> ps = new ArrayList<>();
      List<Operand<TFloat32>> gs = new ArrayList<>();
      List<Operand<TFloat32>> values = new ArrayList<>();
      for (int l = 0; l < steps; l++) {
        Operand<TFloat32> half = tf.math.add(p, tf.math.mul(halfEps, g));
        q = tf.math.add(q, tf.math.mul(epsInvMass, half));
        HmcTransition.ValueAndGradient at = HmcTransition.ValueAndGradient.of(tf, target, q, chains,
            "a leapfrog position");
        g = at.gradient();
        p = tf.math.add(half, tf.math.mul(halfEps, g));
        qs.add(q);
        ps.add(p);
        gs.add(g);
        values.add(at.value());
      }
      chunks.add(new Chunk(steps, tf.stack(qs), tf.stack(ps), tf.stack(gs), tf.stack(values)));
    }
  }

  /** The chunk of {@code steps} steps, a power of two up to {@link #MAX_CHUNK}. */
  Chunk chunk(int steps) {
    return chunks.get(Integer.numberOfTrailingZeros(steps));
  }
}
