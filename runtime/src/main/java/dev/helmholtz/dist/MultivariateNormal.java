package dev.helmholtz.dist;

import dev.helmholtz.graph.RandomSource;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * A multivariate Normal over the event (last) axis of width d, with a full covariance: given by a
 * lower-triangular scale {@code L} (covariance {@code L L^T}: {@link #locScaleTril}, {@link
 * #locUnconstrainedTril}, {@link #locPackedTril}) or as a low rank plus a diagonal ({@code W W^T +
 * diag(D)}: {@link #lowRank}, {@link #lowRankPacked}). Reparameterized as {@code loc + S eps} for
 * a square root S of the covariance.
 *
 * <p>Parameters carry the batch axes of a value {@code [..., d]}: {@code loc} {@code [..., d]},
 * {@code scaleTril} {@code [..., d, d]}, {@code covFactor} {@code [..., d, r]}, {@code covDiag}
 * {@code [..., d]}. {@link #mapParameters} hands its function value-shaped operands: {@code loc},
 * each column {@code [..., d]} of the scale or factor, and the diagonal; so a reshape of the batch
 * axes or a broadcast to a value's shape works on it as on any family.
 *
 * <p>Densities use no inverse and no d x d factorization: with {@code L}, the log-determinant is
 * {@code 2 sum log |L_ii|} and the quadratic form a triangular solve; with a low rank r, the
 * Woodbury identity and the matrix determinant lemma factorize only an r x r matrix. Cholesky and
 * the triangular solve are differentiable through {@link dev.helmholtz.graph.MatrixGradients}.
 */
public final class MultivariateNormal extends Distribution {

  /** What {@link #locUnconstrainedTril} and {@link #locPackedTril} add to softplus of the diagonal, as TFP's FillScaleTriL. */
  static final float DIAGONAL_SHIFT = 1e-5f;

  private final Operand<TFloat32> loc;
  private final Covariance covariance;
  /** The draw's shape when given explicitly (the standard member, of scalar loc). */
  private final Operand<TInt64> explicitShape;
  private Operand<TInt64> shape;

  private MultivariateNormal(Ops tf, Operand<TFloat32> loc, Covariance covariance, Operand<TInt64> explicitShape) {
    super(tf);
    this.loc = loc;
    this.covariance = covariance;
    this.explicitShape = explicitShape;
    this.shape = explicitShape;
  }

  /**
   * Mean {@code loc} {@code [..., d]} and covariance {@code L L^T} for the lower-triangular {@code
   * scaleTril} {@code [..., d, d]}: its upper triangle is ignored (as TensorFlow Probability's
   * MultivariateNormalTriL), and its diagonal must be nonzero (a Cholesky factor's is positive).
   *
   * @throws IllegalArgumentException when {@code scaleTril} is not a static square matrix, or its
   *     size does not match {@code loc}'s width
   */
  public static MultivariateNormal locScaleTril(Operand<TFloat32> loc, Operand<TFloat32> scaleTril) {
    Ops tf = ElementwiseDistribution.opsOf(loc, scaleTril);
    int d = squareSize("locScaleTril", scaleTril);
    requireWidth("locScaleTril", loc, d);
    Operand<TFloat32> lower = tf.math.mul(scaleTril, LinearAlgebra.lowerMask(tf, d));
    return new MultivariateNormal(tf, loc, new Covariance.Tril(tf, lower, d), null);
  }

  /**
   * Mean {@code loc} and the scale made from any square {@code matrix} {@code [..., d, d]}, such as
   * a network's output: its lower triangle, with the diagonal mapped to {@code softplus(x) +
   * 1e-5} so that it is positive. The upper triangle is ignored.
   *
   * @throws IllegalArgumentException as {@link #locScaleTril}
   */
  public static MultivariateNormal locUnconstrainedTril(Operand<TFloat32> loc, Operand<TFloat32> matrix) {
    Ops tf = ElementwiseDistribution.opsOf(loc, matrix);
    int d = squareSize("locUnconstrainedTril", matrix);
    requireWidth("locUnconstrainedTril", loc, d);
    return new MultivariateNormal(tf, loc, new Covariance.Tril(tf, positiveDiagonal(tf, matrix, d), d), null);
  }

  /**
   * Mean {@code loc} {@code [..., d]} and the scale filled from {@code packed} {@code [..., d (d +
   * 1) / 2]}, such as a dense layer's output: row by row, the entries (0,0), (1,0), (1,1), (2,0),
   * ... of the lower triangle, with the diagonal mapped to {@code softplus(x) + 1e-5} (TensorFlow
   * Probability's FillScaleTriL, in row order). A latent of width 10 takes 55 entries.
   *
   * @throws IllegalArgumentException when {@code packed}'s width is not static or not a triangular
   *     number d (d + 1) / 2, or d does not match {@code loc}'s width
   */
  public static MultivariateNormal locPackedTril(Operand<TFloat32> loc, Operand<TFloat32> packed) {
    Ops tf = ElementwiseDistribution.opsOf(loc, packed);
    long entries = DistOps.lastDim(packed.shape());
    int d = entries == Shape.UNKNOWN_SIZE ? -1 : LinearAlgebra.triangleSide(entries);
    if (d < 1) {
      throw new IllegalArgumentException("MultivariateNormal.locPackedTril: packed " + packed.shape()
          + " must have a static width d (d + 1) / 2 (1, 3, 6, 10, ... 55 for d = 10), the lower triangle's entries");
    }
    requireWidth("locPackedTril", loc, d);
    Operand<TFloat32> filled = LinearAlgebra.fillLower(tf, packed, d);
    return new MultivariateNormal(tf, loc, new Covariance.Tril(tf, positiveDiagonal(tf, filled, d), d), null);
  }

  /**
   * Mean {@code loc} {@code [..., d]} and covariance {@code W W^T + diag(covDiag)} for {@code
   * covFactor} W {@code [..., d, r]} and positive {@code covDiag} {@code [..., d]} (Pyro's
   * LowRankMultivariateNormal).
   *
   * @throws IllegalArgumentException when the factor's last two axes are not static or its d does
   *     not match {@code loc}'s or {@code covDiag}'s width
   */
  public static MultivariateNormal lowRank(Operand<TFloat32> loc, Operand<TFloat32> covFactor,
      Operand<TFloat32> covDiag) {
    Ops tf = ElementwiseDistribution.opsOf(loc, covFactor);
    DistOps.requireSameEnv(loc, Objects.requireNonNull(covDiag, "covDiag"));
    long d = LinearAlgebra.staticDim(covFactor.shape(), -2);
    long rank = LinearAlgebra.staticDim(covFactor.shape(), -1);
    if (d < 1 || rank < 1) {
      throw new IllegalArgumentException("MultivariateNormal.lowRank: covFactor " + covFactor.shape()
          + " must be [..., d, r] with static d and r");
    }
    requireWidth("lowRank", loc, (int) d);
    requireWidth("lowRank (covDiag)", covDiag, (int) d);
    return new MultivariateNormal(tf, loc, new Covariance.LowRank(tf, covFactor, covDiag, (int) d, (int) rank), null);
  }

  /**
   * {@link #lowRank} from a network's outputs: {@code packedFactor} {@code [..., d r]} is W read
   * row by row (reshaped to {@code [..., d, r]}, r = its width / d) and the diagonal is {@code
   * exp(logCovDiag)}, {@code logCovDiag} {@code [..., d]} of static width d.
   *
   * @throws IllegalArgumentException when the widths are not static or the factor's is not a
   *     multiple of d
   */
  public static MultivariateNormal lowRankPacked(Operand<TFloat32> loc, Operand<TFloat32> packedFactor,
      Operand<TFloat32> logCovDiag) {
    Ops tf = ElementwiseDistribution.opsOf(loc, packedFactor);
    long d = DistOps.lastDim(Objects.requireNonNull(logCovDiag, "logCovDiag").shape());
    long entries = DistOps.lastDim(packedFactor.shape());
    if (d == Shape.UNKNOWN_SIZE || entries == Shape.UNKNOWN_SIZE || entries % d != 0) {
      throw new IllegalArgumentException("MultivariateNormal.lowRankPacked: packedFactor " + packedFactor.shape()
          + " must have a static width that is a multiple r d of logCovDiag's static width d, got logCovDiag "
          + logCovDiag.shape());
    }
    Operand<TInt64> factorShape = tf.concat(java.util.List.of(LinearAlgebra.leadingShape(tf, packedFactor),
        tf.constant(new long[] {d, entries / d})), tf.constant(0));
    return lowRank(loc, tf.reshape(packedFactor, factorShape), tf.math.exp(logCovDiag));
  }

  /**
   * The standard multivariate Normal (mean 0, identity covariance) of the given value shape
   * {@code [..., d]}: a multivariate latent's standard prior. Its KL divergences need no solve.
   */
  public static MultivariateNormal standard(Ops tf, Operand<TInt64> shape) {
    Objects.requireNonNull(tf, "tf");
    Objects.requireNonNull(shape, "shape");
    Operand<TInt32> d = tf.dtypes.cast(
        tf.gather(shape, tf.math.sub(tf.size(shape, TInt32.class), tf.constant(1)), tf.constant(0)), TInt32.class);
    return new MultivariateNormal(tf, tf.constant(0f), new Covariance.Identity(tf, d), shape);
  }

  /** A diagonal {@link Normal} as a multivariate Normal of the same density (for its KL divergences). */
  static MultivariateNormal of(Normal normal) {
    Ops tf = normal.tf();
    if (normal.isStandard()) {
      return standard(tf, normal.shape());
    }
    return new MultivariateNormal(tf, normal.loc(), new Covariance.Diagonal(tf, normal.scale()), null);
  }

  private static Operand<TFloat32> positiveDiagonal(Ops tf, Operand<TFloat32> matrix, int d) {
    Operand<TFloat32> eye = LinearAlgebra.eye(tf, d);
    Operand<TFloat32> strictlyLower = tf.math.mul(matrix,
        tf.math.sub(LinearAlgebra.lowerMask(tf, d), eye));
    Operand<TFloat32> diagonal = tf.math.add(
        tf.math.softplus(LinearAlgebra.diagonal(tf, matrix, d)), tf.constant(DIAGONAL_SHIFT));
    return tf.math.add(strictlyLower, LinearAlgebra.diagonalMatrix(tf, diagonal, d));
  }

  private static int squareSize(String factory, Operand<TFloat32> matrix) {
    long rows = LinearAlgebra.staticDim(matrix.shape(), -2);
    long columns = LinearAlgebra.staticDim(matrix.shape(), -1);
    if (rows < 1 || rows != columns) {
      throw new IllegalArgumentException("MultivariateNormal." + factory + ": the scale " + matrix.shape()
          + " must be [..., d, d] with a static d");
    }
    return (int) rows;
  }

  private static void requireWidth(String factory, Operand<TFloat32> vector, int d) {
    long width = DistOps.lastDim(vector.shape());
    if (!vector.shape().isUnknown() && vector.shape().numDimensions() == 0) {
      throw new IllegalArgumentException("MultivariateNormal." + factory + ": loc must have an event axis of width "
          + d + ", got a scalar");
    }
    if (width != Shape.UNKNOWN_SIZE && width != d && width != 1) {
      throw new IllegalArgumentException("MultivariateNormal." + factory + ": " + vector.shape()
          + " has width " + width + " but the scale is " + d + " x " + d);
    }
  }

  Covariance covarianceForm() {
    return covariance;
  }

  /** Whether this is {@link #standard} (or a map of it): identity covariance. */
  boolean hasIdentityCovariance() {
    return covariance instanceof Covariance.Identity;
  }

  /** The mean as given, before broadcasting. */
  public Operand<TFloat32> loc() {
    return loc;
  }

  /** A lower-triangular L with {@code L L^T} the covariance (for a low-rank covariance, its Cholesky factor). */
  public Operand<TFloat32> scaleTril() {
    return covariance.scaleTril();
  }

  /** The covariance matrix {@code [..., d, d]} (with the parameters' batch axes). */
  public Operand<TFloat32> covariance() {
    return covariance.matrix();
  }

  /** Each coordinate's variance, the covariance's diagonal, of shape {@link #shape()}. */
  public Operand<TFloat32> variance() {
    return broadcast(covariance.variance());
  }

  /** {@code log |Sigma|}, of the batch shape. */
  Operand<TFloat32> logDeterminant() {
    return covariance.logDeterminant();
  }

  /** d, the event's width, as a float: static where known. */
  Operand<TFloat32> eventSize() {
    Ops tf = tf();
    long d = DistOps.lastDim(loc.shape());
    if (explicitShape == null && d != Shape.UNKNOWN_SIZE && d != 1) {
      return tf.constant((float) d);
    }
    Operand<TInt64> s = shape();
    return tf.dtypes.cast(tf.gather(s, tf.math.sub(tf.size(s, TInt32.class), tf.constant(1)), tf.constant(0)),
        TFloat32.class);
  }

  /** {@code -0.5 (x - mu)^T Sigma^-1 (x - mu) - 0.5 log |Sigma| - 0.5 d log(2 pi)}. */
  @Override
  public Operand<TFloat32> logProb(Operand<TFloat32> value) {
    Objects.requireNonNull(value, "value");
    Ops tf = tf();
    Operand<TFloat32> centred = tf.expandDims(tf.math.sub(value, loc), tf.constant(-1));
    Operand<TFloat32> quadratic = covariance.inverseQuadratic(centred);
    Operand<TFloat32> normalizer = tf.math.add(covariance.logDeterminant(),
        tf.math.mul(eventSize(), tf.constant((float) DistOps.LOG_2PI)));
    return tf.math.mul(tf.constant(-0.5f), tf.math.add(quadratic, normalizer));
  }

  @Override
  public Operand<TFloat32> sample(RandomSource rng) {
    return tf().stopGradient(rsample(rng));
  }

  /** {@code loc + S eps}: {@code L eps} for a scale, {@code W eps_r + sqrt(D) eps_d} for a low rank. */
  @Override
  public Operand<TFloat32> rsample(RandomSource rng) {
    Objects.requireNonNull(rng, "rng");
    return tf().math.add(loc, covariance.scaleNoise(rng, shape()));
  }

  @Override
  public Reparameterization reparameterization() {
    return Reparameterization.REPARAMETERIZED;
  }

  /** {@code 0.5 d (1 + log(2 pi)) + 0.5 log |Sigma|}, of the batch shape. */
  @Override
  public Operand<TFloat32> entropy() {
    Ops tf = tf();
    Operand<TFloat32> entropy = tf.math.mul(tf.constant(0.5f), tf.math.add(covariance.logDeterminant(),
        tf.math.mul(eventSize(), tf.constant((float) (1 + DistOps.LOG_2PI)))));
    Operand<TInt64> batch = tf.stridedSlice(shape(), tf.constant(new long[] {0}), tf.constant(new long[] {-1}),
        tf.constant(new long[] {1}));
    return tf.broadcastTo(entropy, tf.dtypes.cast(batch, TInt32.class));
  }

  @Override
  public Operand<TFloat32> mean() {
    return broadcast(loc);
  }

  private Operand<TFloat32> broadcast(Operand<TFloat32> x) {
    Ops tf = tf();
    return tf.broadcastTo(x, tf.dtypes.cast(shape(), TInt32.class));
  }

  @Override
  public synchronized Operand<TInt64> shape() {
    if (shape == null) {
      Ops tf = tf();
      Operand<TInt64> covarianceShape = covariance.valueShape();
      shape = covarianceShape == null ? DistOps.shapeOf(tf, loc)
          : tf.broadcastDynamicShape(DistOps.shapeOf(tf, loc), covarianceShape);
    }
    return shape;
  }

  /**
   * The same covariance form with {@code f} applied to {@code loc} and to each column {@code [...,
   * d]} of the scale (or factor, and the diagonal): value-shaped operands, see the class comment.
   */
  @Override
  public MultivariateNormal mapParameters(UnaryOperator<Operand<TFloat32>> f) {
    Objects.requireNonNull(f, "f");
    Operand<TFloat32> mappedLoc = f.apply(explicitShape == null ? loc : broadcast(loc));
    return new MultivariateNormal(tf(), mappedLoc, covariance.map(f), null);
  }

  @Override
  public String toString() {
    return "MultivariateNormal(loc=" + loc.shape() + ", " + covariance.describe() + ")";
  }
}
