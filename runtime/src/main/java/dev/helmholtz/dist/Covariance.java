package dev.helmholtz.dist;

import dev.helmholtz.graph.RandomSource;
import java.util.List;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The covariance of a {@link MultivariateNormal} in one of its structured forms: the identity, a
 * diagonal, a lower-triangular scale {@code L} (covariance {@code L L^T}), or a low rank plus a
 * diagonal ({@code W W^T + D}). Each form gives what the densities, draws and KL divergences are
 * made of without forming or inverting the d x d matrix where it need not: the log-determinant,
 * the quadratic form of the inverse, and a square root.
 */
abstract class Covariance {

  final Ops tf;

  Covariance(Ops tf) {
    this.tf = tf;
  }

  /** {@code log |Sigma|}, of the batch shape (a scalar where it does not vary). */
  abstract Operand<TFloat32> logDeterminant();

  /** {@code tr(V^T Sigma^-1 V)} for {@code V} {@code [..., d, m]}: the inverse's quadratic form summed over V's columns. */
  abstract Operand<TFloat32> inverseQuadratic(Operand<TFloat32> v);

  /** A square root {@code S} {@code [..., d, m]} with {@code S S^T = Sigma}. */
  abstract Operand<TFloat32> root();

  /** {@code S eps} for fresh standard Normal noise: a zero-mean draw of shape {@code valueShape}. */
  abstract Operand<TFloat32> scaleNoise(RandomSource rng, Operand<TInt64> valueShape);

  /** {@code Sigma}, {@code [..., d, d]}. */
  abstract Operand<TFloat32> matrix();

  /** The diagonal of {@code Sigma}, {@code [..., d]} (a scalar for the identity). */
  abstract Operand<TFloat32> variance();

  /** The lower-triangular {@code L} with positive diagonal and {@code L L^T = Sigma}. */
  abstract Operand<TFloat32> scaleTril();

  /** The shape of a value the covariance's parameters give, {@code [..., d]}; null when they give none. */
  abstract Operand<TInt64> valueShape();

  /** The same form with {@code f} applied to each parameter's columns {@code [..., d]}. */
  abstract Covariance map(UnaryOperator<Operand<TFloat32>> f);

  abstract String describe();

  /** The identity (the standard multivariate Normal's): nothing to solve. */
  static final class Identity extends Covariance {
    private final Operand<TInt32> size;

    Identity(Ops tf, Operand<TInt32> size) {
      super(tf);
      this.size = size;
    }

    @Override
    Operand<TFloat32> logDeterminant() {
      return tf.constant(0f);
    }

    @Override
    Operand<TFloat32> inverseQuadratic(Operand<TFloat32> v) {
      return LinearAlgebra.sumSquares(tf, v);
    }

    @Override
    Operand<TFloat32> root() {
      return LinearAlgebra.eye(tf, size);
    }

    @Override
    Operand<TFloat32> scaleNoise(RandomSource rng, Operand<TInt64> valueShape) {
      return rng.standardNormal(valueShape);
    }

    @Override
    Operand<TFloat32> matrix() {
      return root();
    }

    @Override
    Operand<TFloat32> variance() {
      return tf.constant(1f);
    }

    @Override
    Operand<TFloat32> scaleTril() {
      return root();
    }

    @Override
    Operand<TInt64> valueShape() {
      return null;
    }

    @Override
    Covariance map(UnaryOperator<Operand<TFloat32>> f) {
      return this;
    }

    @Override
    String describe() {
      return "identity";
    }
  }

  /** A diagonal {@code diag(scale^2)}: a diagonal {@link Normal} seen as a multivariate one. */
  static final class Diagonal extends Covariance {
    private final Operand<TFloat32> scale;

    Diagonal(Ops tf, Operand<TFloat32> scale) {
      super(tf);
      this.scale = scale;
    }

    @Override
    Operand<TFloat32> logDeterminant() {
      return tf.math.mul(tf.constant(2f), DistOps.sumEvent(tf, tf.math.log(scale)));
    }

    @Override
    Operand<TFloat32> inverseQuadratic(Operand<TFloat32> v) {
      return LinearAlgebra.sumSquares(tf, tf.math.div(v, tf.expandDims(scale, tf.constant(-1))));
    }

    @Override
    Operand<TFloat32> root() {
      return tf.math.mul(tf.expandDims(scale, tf.constant(-1)), LinearAlgebra.eyeLike(tf, scale));
    }

    @Override
    Operand<TFloat32> scaleNoise(RandomSource rng, Operand<TInt64> valueShape) {
      return tf.math.mul(scale, rng.standardNormal(valueShape));
    }

    @Override
    Operand<TFloat32> matrix() {
      return tf.math.mul(tf.expandDims(tf.math.square(scale), tf.constant(-1)), LinearAlgebra.eyeLike(tf, scale));
    }

    @Override
    Operand<TFloat32> variance() {
      return tf.math.square(scale);
    }

    @Override
    Operand<TFloat32> scaleTril() {
      return root();
    }

    @Override
    Operand<TInt64> valueShape() {
      return DistOps.shapeOf(tf, scale);
    }

    @Override
    Covariance map(UnaryOperator<Operand<TFloat32>> f) {
      return new Diagonal(tf, f.apply(scale));
    }

    @Override
    String describe() {
      return "scale=" + scale.shape();
    }
  }

  /** {@code L L^T} for lower-triangular {@code L} {@code [..., d, d]} (its upper triangle zero). */
  static final class Tril extends Covariance {
    private final Operand<TFloat32> lower;
    private final int d;

    Tril(Ops tf, Operand<TFloat32> lower, int d) {
      super(tf);
      this.lower = lower;
      this.d = d;
    }

    @Override
    Operand<TFloat32> logDeterminant() {
      Operand<TFloat32> diagonal = tf.math.abs(LinearAlgebra.diagonal(tf, lower, d));
      return tf.math.mul(tf.constant(2f), DistOps.sumEvent(tf, tf.math.log(diagonal)));
    }

    @Override
    Operand<TFloat32> inverseQuadratic(Operand<TFloat32> v) {
      return LinearAlgebra.sumSquares(tf, LinearAlgebra.solveLower(tf, lower, v, false));
    }

    @Override
    Operand<TFloat32> root() {
      return lower;
    }

    @Override
    Operand<TFloat32> scaleNoise(RandomSource rng, Operand<TInt64> valueShape) {
      Operand<TFloat32> eps = tf.expandDims(rng.standardNormal(valueShape), tf.constant(-1));
      return tf.squeeze(LinearAlgebra.matmul(tf, lower, eps, false, false),
          org.tensorflow.op.core.Squeeze.axis(List.of(-1L)));
    }

    @Override
    Operand<TFloat32> matrix() {
      return LinearAlgebra.matmul(tf, lower, lower, false, true);
    }

    @Override
    Operand<TFloat32> variance() {
      return tf.reduceSum(tf.math.square(lower), tf.constant(-1));
    }

    @Override
    Operand<TFloat32> scaleTril() {
      return lower;
    }

    @Override
    Operand<TInt64> valueShape() {
      return LinearAlgebra.leadingShape(tf, lower);
    }

    @Override
    Covariance map(UnaryOperator<Operand<TFloat32>> f) {
      return new Tril(tf, LinearAlgebra.mapColumns(tf, lower, d, f), d);
    }

    @Override
    String describe() {
      return "scaleTril=" + lower.shape();
    }
  }

  /**
   * {@code W W^T + diag(D)} for {@code W} {@code [..., d, r]} and positive {@code D} {@code [...,
   * d]}: by the Woodbury identity and the matrix determinant lemma only the r x r capacitance
   * {@code C = I + W^T D^-1 W} is factorized.
   */
  static final class LowRank extends Covariance {
    private final Operand<TFloat32> factor;
    private final Operand<TFloat32> diagonal;
    private final int d;
    private final int rank;
    private Operand<TFloat32> capacitanceTril;

    LowRank(Ops tf, Operand<TFloat32> factor, Operand<TFloat32> diagonal, int d, int rank) {
      super(tf);
      this.factor = factor;
      this.diagonal = diagonal;
      this.d = d;
      this.rank = rank;
    }

    /** {@code D^-1 W}, {@code [..., d, r]}. */
    private Operand<TFloat32> scaledFactor() {
      return tf.math.div(factor, tf.expandDims(diagonal, tf.constant(-1)));
    }

    /** The Cholesky factor of {@code C = I + W^T D^-1 W}. */
    private synchronized Operand<TFloat32> capacitanceTril() {
      if (capacitanceTril == null) {
        Operand<TFloat32> c = tf.math.add(LinearAlgebra.eye(tf, rank),
            LinearAlgebra.matmul(tf, factor, scaledFactor(), true, false));
        capacitanceTril = LinearAlgebra.cholesky(tf, c);
      }
      return capacitanceTril;
    }

    @Override
    Operand<TFloat32> logDeterminant() {
      Operand<TFloat32> logC = tf.math.mul(tf.constant(2f),
          DistOps.sumEvent(tf, tf.math.log(LinearAlgebra.diagonal(tf, capacitanceTril(), rank))));
      return tf.math.add(logC, DistOps.sumEvent(tf, tf.math.log(diagonal)));
    }

    /** {@code tr(V^T D^-1 V) - |Lc^-1 W^T D^-1 V|^2} (Woodbury). */
    @Override
    Operand<TFloat32> inverseQuadratic(Operand<TFloat32> v) {
      Operand<TFloat32> plain = tf.reduceSum(
          tf.math.div(tf.math.square(v), tf.expandDims(diagonal, tf.constant(-1))), tf.constant(new int[] {-2, -1}));
      Operand<TFloat32> projected = LinearAlgebra.matmul(tf, scaledFactor(), v, true, false);
      Operand<TFloat32> whitened = LinearAlgebra.solveLower(tf, capacitanceTril(), projected, false);
      return tf.math.sub(plain, LinearAlgebra.sumSquares(tf, whitened));
    }

    @Override
    Operand<TFloat32> root() {
      Operand<TFloat32> diagonalRoot = tf.math.mul(tf.expandDims(tf.math.sqrt(diagonal), tf.constant(-1)),
          LinearAlgebra.eye(tf, d));
      Operand<TInt64> shape = tf.broadcastDynamicShape(
          tf.shape(factor, TInt64.class), tf.shape(diagonalRoot, TInt64.class));
      Operand<TInt64> leading = tf.stridedSlice(shape, tf.constant(new long[] {0}), tf.constant(new long[] {-1}),
          tf.constant(new long[] {1}));
      Operand<TInt32> factorShape = tf.dtypes.cast(
          tf.concat(List.of(leading, tf.constant(new long[] {rank})), tf.constant(0)), TInt32.class);
      Operand<TInt32> rootShape = tf.dtypes.cast(
          tf.concat(List.of(leading, tf.constant(new long[] {d})), tf.constant(0)), TInt32.class);
      return tf.concat(List.of(tf.broadcastTo(factor, factorShape), tf.broadcastTo(diagonalRoot, rootShape)),
          tf.constant(-1));
    }

    /** {@code W eps_r + sqrt(D) eps_d}. */
    @Override
    Operand<TFloat32> scaleNoise(RandomSource rng, Operand<TInt64> valueShape) {
      Operand<TInt64> lowShape = tf.concat(List.of(
          tf.stridedSlice(valueShape, tf.constant(new long[] {0}), tf.constant(new long[] {-1}), tf.constant(new long[] {1})),
          tf.constant(new long[] {rank, 1})), tf.constant(0));
      Operand<TFloat32> low = tf.squeeze(LinearAlgebra.matmul(tf, factor, rng.standardNormal(lowShape), false, false),
          org.tensorflow.op.core.Squeeze.axis(List.of(-1L)));
      return tf.math.add(low, tf.math.mul(tf.math.sqrt(diagonal), rng.standardNormal(valueShape)));
    }

    @Override
    Operand<TFloat32> matrix() {
      return tf.math.add(LinearAlgebra.matmul(tf, factor, factor, false, true),
          tf.math.mul(tf.expandDims(diagonal, tf.constant(-1)), LinearAlgebra.eye(tf, d)));
    }

    @Override
    Operand<TFloat32> variance() {
      return tf.math.add(tf.reduceSum(tf.math.square(factor), tf.constant(-1)), diagonal);
    }

    /** The Cholesky factor of the d x d covariance: O(d^3), for callers who ask for it. */
    @Override
    Operand<TFloat32> scaleTril() {
      return LinearAlgebra.cholesky(tf, matrix());
    }

    @Override
    Operand<TInt64> valueShape() {
      return tf.broadcastDynamicShape(LinearAlgebra.leadingShape(tf, factor), DistOps.shapeOf(tf, diagonal));
    }

    @Override
    Covariance map(UnaryOperator<Operand<TFloat32>> f) {
      return new LowRank(tf, LinearAlgebra.mapColumns(tf, factor, rank, f), f.apply(diagonal), d, rank);
    }

    @Override
    String describe() {
      return "covFactor=" + factor.shape() + ", covDiag=" + diagonal.shape();
    }
  }
}
