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
 * momentum in variables: a session run has a fixed cost (tens of microseconds, plus feeding and
 * fetching), and the one-step graph pays it per leapfrog step, the unrolled graph per trajectory.
 * Measured with {@code HmcLeapfrogBenchmark} (runtime test classes) on the 2-core build machine,
 * see that class for the figures. The price is a graph that grows with {@code steps} (one copy of
 * the target and its gradient per step), so the number of steps is fixed per graph. Gradients of
 * a while loop would abort the process in TF Java 1.1 (TFJAVA-NOTES), which rules out an
 * in-graph loop.
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
  /** The new positions, [chains, dims]; fetching it runs the transition. */
  final Operand<TFloat32> next;
  /** [chains]: min(1, exp(-energy error)), 0 for a NaN energy. */
  final Operand<TFloat32> acceptProbability;
  /** [chains]: 1 where the proposal was accepted. */
  final Operand<TFloat32> accepted;
  /** [chains]: 1 where the trajectory diverged. */
  final Operand<TFloat32> divergent;
  /** [chains]: log pi at the current positions (no transition runs). */
  final Operand<TFloat32> currentLogProb;
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

    Operand<TFloat32> q0 = tf.identity(position);
    ValueAndGradient start = ValueAndGradient.of(tf, target, q0, chains, "the initial position");
    currentLogProb = start.value();
    currentFinite = tf.reduceAll(tf.math.isFinite(tf.concat(List.of(
        tf.expandDims(start.value(), tf.constant(-1)), start.gradient()), tf.constant(-1))),
        tf.constant(-1));

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
    Operand<TFloat32> proposal = tf.select(tf.expandDims(accept, tf.constant(-1)), q, q0);
    next = named.withName("next").assign(position, proposal);
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
