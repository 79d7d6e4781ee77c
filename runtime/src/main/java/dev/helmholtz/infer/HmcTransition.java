package dev.helmholtz.infer;

import dev.helmholtz.graph.RandomSource;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * One HMC transition of every chain as one graph: fresh momenta, a whole leapfrog trajectory of
 * {@code steps} steps unrolled in the graph (each with its own gradient op), and a per-chain
 * Metropolis accept/reject that writes the chains' new positions into a variable.
 *
 * <p>Why unrolled, and not one leapfrog step run {@code steps} times from Java with position and
 * momentum in variables: a session run has a fixed cost (feeding, fetching, scheduling), which
 * the one-step graph pays per leapfrog step and the unrolled graph once per trajectory. Measured
 * with {@code HmcLeapfrogBenchmark} (runtime test classes; 16 chains, L = 10, best of 5 x 200
 * transitions, three rounds, on the shared 2-core machine at load 10 to 17): a 2-d Gaussian,
 * where that cost dominates, 0.45-0.52 ms per transition unrolled against 0.92-1.00 ms for the
 * one-step graph (which was timed without its momentum draw and accept step, so its true cost is
 * higher); a logistic regression on 10,000 x 11 data, where the gradients dominate, 18.8-19.6 ms
 * against 16.5-19.3 ms, a tie within the machine's noise. The price is a graph that grows with
 * {@code steps} (one copy of the target and its gradient per step), so the number of steps is
 * fixed per graph. Gradients of a while loop would abort the process in TF Java 1.1
 * (TFJAVA-NOTES), which rules out an in-graph loop.
 *
 * <p>Conventions: momentum p ~ N(0, M) with a diagonal mass matrix M = diag(1 / invMass),
 * H(q, p) = -log pi(q) + p^T M^-1 p / 2. A proposal whose energy is NaN is rejected; one whose
 * energy error exceeds {@link #DIVERGENCE_THRESHOLD} counts as divergent (Stan's definition).
 */
final class HmcTransition {
  /** Energy error above which a trajectory is reported as divergent (Stan's value). */
  static final float DIVERGENCE_THRESHOLD = 1000f;

  final Variable<TFloat32> position;
  /** [chains, dims]: written into {@link #position} by {@link #initialize}. */
  final Placeholder<TFloat32> initialPosition;
  final Op initialize;
  /** [chains]: each chain's leapfrog step size. */
  final Placeholder<TFloat32> stepSize;
  /** [dims]: the diagonal of the inverse mass matrix, shared by the chains. */
  final Placeholder<TFloat32> inverseMass;
  /** Recomputes the cached log pi and gradient at the positions: run after {@link #initialize}. */
  final Op refresh;
  /** The new positions, [chains, dims]; fetch it with {@link #step} as a target. */
  final Operand<TFloat32> next;
  /** Runs a transition: the new positions and their cached log pi and gradient. */
  final Op step;
  /** [chains]: min(1, exp(-energy error)), 0 for a NaN energy. */
  final Operand<TFloat32> acceptProbability;
  /** [chains]: 1 where the proposal was accepted. */
  final Operand<TFloat32> accepted;
  /** [chains]: 1 where the trajectory diverged. */
  final Operand<TFloat32> divergent;
  /** [chains]: whether log pi and its gradient are finite at the current positions. */
  final Operand<TBool> currentFinite;

  HmcTransition(Ops tf, RandomSource random, LogDensity target, int chains, int dims, int steps) {
    Shape shape = Shape.of(chains, dims);
    Ops named = tf.withSubScope("hmc");
    position = named.withName("position").variable(shape, TFloat32.class);
    initialPosition = named.withName("initial_position").placeholder(TFloat32.class,
        Placeholder.shape(shape));
    initialize = tf.assign(position, initialPosition);
    stepSize = named.withName("step_size").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(chains)));
    inverseMass = named.withName("inverse_mass").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(dims)));

    // log pi and its gradient at the current positions are kept in variables, refreshed after
    // initialization and carried over from the accepted point, so that a trajectory of L steps
    // evaluates the gradient L times, not L + 1.
    Operand<TFloat32> q0 = tf.identity(position);
    ValueAndGradient here = ValueAndGradient.of(tf, target, q0, chains, "the initial position");
    currentFinite = tf.reduceAll(tf.math.isFinite(tf.concat(List.of(
        tf.expandDims(here.value(), tf.constant(-1)), here.gradient()), tf.constant(-1))),
        tf.constant(-1));
    Variable<TFloat32> cachedValue = named.withName("log_prob").variable(Shape.of(chains), TFloat32.class);
    Variable<TFloat32> cachedGradient = named.withName("gradient").variable(shape, TFloat32.class);
    refresh = tf.withControlDependencies(List.of(tf.assign(cachedValue, here.value()),
        tf.assign(cachedGradient, here.gradient()))).noOp();
    ValueAndGradient start = new ValueAndGradient(tf.identity(cachedValue), tf.identity(cachedGradient));

    Operand<TFloat32> eps = tf.expandDims(stepSize, tf.constant(-1)); // [chains, 1]
    Operand<TFloat32> halfEps = tf.math.mul(tf.constant(0.5f), eps);
    Operand<TFloat32> epsInvMass = tf.math.mul(eps, inverseMass);
    Operand<TInt64> shapeOperand = tf.constant(new long[] {chains, dims});
    Operand<TFloat32> p0 = tf.math.div(random.standardNormal(shapeOperand), tf.math.sqrt(inverseMass));

    Operand<TFloat32> p = tf.math.add(p0, tf.math.mul(halfEps, start.gradient()));
    Operand<TFloat32> q = q0;
    ValueAndGradient end = start;
    for (int l = 1; l <= steps; l++) {
      q = tf.math.add(q, tf.math.mul(epsInvMass, p));
      end = ValueAndGradient.of(tf, target, q, chains, "a leapfrog position");
      p = tf.math.add(p, tf.math.mul(l < steps ? eps : halfEps, end.gradient()));
    }

    Operand<TFloat32> h0 = tf.math.sub(kinetic(tf, p0), start.value());
    Operand<TFloat32> h1 = tf.math.sub(kinetic(tf, p), end.value());
    Operand<TFloat32> energyError = tf.math.sub(h1, h0);
    Operand<TBool> bad = tf.math.logicalNot(tf.math.isFinite(energyError));
    Operand<TFloat32> minusInf = tf.constant(Float.NEGATIVE_INFINITY);
    Operand<TFloat32> logAccept = tf.math.minimum(tf.constant(0f),
        tf.select(bad, minusInf, tf.math.neg(energyError)));
    acceptProbability = tf.math.exp(logAccept);
    Operand<TFloat32> logU = tf.math.log(random.uniform(tf.constant(new long[] {chains})));
    Operand<TBool> accept = tf.math.less(logU, logAccept);
    accepted = tf.dtypes.cast(accept, TFloat32.class);
    divergent = tf.dtypes.cast(tf.math.logicalOr(bad,
        tf.math.greater(energyError, tf.constant(DIVERGENCE_THRESHOLD))), TFloat32.class);
    Operand<TBool> acceptRows = tf.expandDims(accept, tf.constant(-1));
    next = named.withName("next").assign(position, tf.select(acceptRows, q, q0));
    step = tf.withControlDependencies(List.of(next,
        tf.assign(cachedValue, tf.select(accept, end.value(), start.value())),
        tf.assign(cachedGradient, tf.select(acceptRows, end.gradient(), start.gradient())))).noOp();
  }

  private Operand<TFloat32> kinetic(Ops tf, Operand<TFloat32> momentum) {
    return tf.math.mul(tf.constant(0.5f), tf.reduceSum(
        tf.math.mul(tf.math.square(momentum), inverseMass), tf.constant(-1)));
  }

  /** log pi at a point of the trajectory and its gradient there. */
  record ValueAndGradient(Operand<TFloat32> value, Operand<TFloat32> gradient) {
    @SuppressWarnings("unchecked")
    static ValueAndGradient of(Ops tf, LogDensity target, Operand<TFloat32> theta, int rows,
        String where) {
      Operand<TFloat32> value = target.logProb(tf, theta);
      if (value == null) {
        throw new IllegalArgumentException("the log density returned null at " + where);
      }
      Shape shape = value.shape();
      if (shape.isUnknown() || shape.numDimensions() != 1
          || (shape.get(0) != Shape.UNKNOWN_SIZE && shape.get(0) != rows)) {
        throw new IllegalArgumentException("the log density must return one value per row of theta, ["
            + rows + "], but returned shape " + shape + " for theta of shape " + theta.shape()
            + " (reduce over the data and parameter axes, keep the first)");
      }
      // Rows are independent, so the gradient of their sum is each row's gradient.
      String noGradient = "no gradient flows from the log density to theta at " + where
          + ": it does not depend on theta, or only through ops without a gradient";
      Output<?> dy;
      try {
        dy = tf.gradients(tf.reduceSum(value, tf.constant(0)), List.of(theta)).dy().get(0);
      } catch (IllegalArgumentException e) { // TensorFlow's "unreachable from the output node(s)"
        throw new IllegalArgumentException(noGradient, e);
      }
      if (dy == null || dy.isClosed()) {
        throw new IllegalArgumentException(noGradient);
      }
      return new ValueAndGradient(value, (Operand<TFloat32>) dy);
    }
  }
}
