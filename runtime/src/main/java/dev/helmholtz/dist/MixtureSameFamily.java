package dev.helmholtz.dist;

import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.objective.LogSumExp;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * A mixture of K members of one family, such as a mixture of Gaussians: a component drawn from a
 * categorical with {@code mixingLogits}, then a value from that component.
 *
 * <p>The components are one distribution of {@code D} whose parameters carry a component axis
 * just before the event axis: {@code [..., K, d]} for a value {@code [..., d]} (a parameter of
 * rank below 2, such as a scalar scale, is shared by every component). {@code mixingLogits} are
 * {@code [..., K]} with K static. {@link #logProb} is {@code logsumexp_k(log pi_k + log p_k(x))};
 * {@link #sample} draws a component by Gumbel-max and returns its draw. The draw is not
 * reparameterized (the component choice is discrete): as a latent's posterior it is trained by a
 * score-function objective, as a prior or likelihood only its density and draws are needed. Its
 * KL divergences are Monte Carlo. {@link #mapParameters} hands its function value-shaped operands:
 * each component's parameters {@code [..., d]} and each mixing logit as a column {@code [..., 1]}.
 *
 * @param <D> the components' family
 */
public final class MixtureSameFamily<D extends Distribution> extends Distribution {

  private final Operand<TFloat32> mixingLogits;
  private final D components;
  private final int count;

  private MixtureSameFamily(Ops tf, Operand<TFloat32> mixingLogits, D components, int count) {
    super(tf);
    this.mixingLogits = mixingLogits;
    this.components = components;
    this.count = count;
  }

  /**
   * The mixture of {@code components} (parameters {@code [..., K, d]}) weighted by {@code
   * softmax(mixingLogits)} ({@code [..., K]}).
   *
   * @throws IllegalArgumentException when the logits' last axis has no static size of at least 1
   */
  public static <D extends Distribution> MixtureSameFamily<D> of(Operand<TFloat32> mixingLogits, D components) {
    Objects.requireNonNull(mixingLogits, "mixingLogits");
    Objects.requireNonNull(components, "components");
    if (mixingLogits.env() != components.tf().scope().env()) {
      throw new IllegalArgumentException("MixtureSameFamily.of: the logits and the components belong to different graphs");
    }
    long k = DistOps.lastDim(mixingLogits.shape());
    if (k == Shape.UNKNOWN_SIZE || k < 1) {
      throw new IllegalArgumentException("MixtureSameFamily.of: mixingLogits " + mixingLogits.shape()
          + " must have a static last axis, one logit per component");
    }
    return new MixtureSameFamily<>(DistOps.opsOf(mixingLogits), mixingLogits, components, (int) k);
  }

  /** The logits of the component weights, {@code [..., K]}. */
  public Operand<TFloat32> mixingLogits() {
    return mixingLogits;
  }

  /** The components, one distribution of parameters {@code [..., K, d]}. */
  public D components() {
    return components;
  }

  /** K, the number of components. */
  public int componentCount() {
    return count;
  }

  /** The component weights {@code softmax(mixingLogits)}, {@code [..., K]}. */
  public Operand<TFloat32> mixingProbs() {
    return mixing().probs();
  }

  private Categorical mixing() {
    return Categorical.grouped("MixtureSameFamily", mixingLogits, count);
  }

  /** {@code [..., d]} to {@code [..., 1, d]}: a value against every component. */
  private Operand<TFloat32> perComponent(Operand<TFloat32> x) {
    return tf().expandDims(x, tf().constant(-2));
  }

  /** {@code logsumexp_k(log softmax(logits)_k + log p_k(value))}. */
  @Override
  public Operand<TFloat32> logProb(Operand<TFloat32> value) {
    Objects.requireNonNull(value, "value");
    Ops tf = tf();
    Operand<TFloat32> joint = tf.math.add(mixing().logProbs(), components.logProb(perComponent(value)));
    return LogSumExp.reduce(tf, joint, -1);
  }

  /**
   * A component per draw by the Gumbel-max trick, and that component's draw: every component is
   * drawn and the chosen one kept. No gradient flows through it.
   */
  @Override
  public Operand<TFloat32> sample(RandomSource rng) {
    Objects.requireNonNull(rng, "rng");
    Ops tf = tf();
    Operand<TInt64> batch = tf.stridedSlice(shape(), tf.constant(new long[] {0}), tf.constant(new long[] {-1}),
        tf.constant(new long[] {1}));
    Operand<TInt32> logitsShape = tf.dtypes.cast(
        tf.concat(List.of(batch, tf.constant(new long[] {count})), tf.constant(0)), TInt32.class);
    Operand<TFloat32> choice = Categorical.logits(tf.broadcastTo(mixingLogits, logitsShape), count).sample(rng);
    Operand<TInt32> drawsShape = tf.dtypes.cast(tf.concat(List.of(batch, tf.constant(new long[] {count}),
        tf.stridedSlice(shape(), tf.constant(new long[] {-1}), tf.constant(new long[] {0}), tf.constant(new long[] {1}),
            org.tensorflow.op.core.StridedSlice.endMask(1L))), tf.constant(0)), TInt32.class);
    Operand<TFloat32> draws = components.mapParameters(p -> p.shape().numDimensions() >= 2
        ? tf.broadcastTo(p, drawsShape) : p).sample(rng);
    Operand<TFloat32> chosen = tf.reduceSum(tf.math.mul(tf.expandDims(choice, tf.constant(-1)), draws),
        tf.constant(-2));
    return tf.stopGradient(chosen);
  }

  /**
   * @throws IllegalStateException always: choosing a component is discrete, so a mixture's draw
   *     has no pathwise gradient (use {@link #sample} with a score-function objective)
   */
  @Override
  public Operand<TFloat32> rsample(RandomSource rng) {
    throw new IllegalStateException("MixtureSameFamily is not reparameterizable: choosing a component is"
        + " discrete, so rsample is unavailable (use sample with a score-function objective, or the mixture"
        + " as a prior, whose KL is Monte Carlo)");
  }

  @Override
  public Reparameterization reparameterization() {
    return Reparameterization.NOT_REPARAMETERIZED;
  }

  /**
   * @throws IllegalStateException always: a mixture's entropy has no closed form; estimate it as
   *     the mean of {@code -logProb(sample)}
   */
  @Override
  public Operand<TFloat32> entropy() {
    throw new IllegalStateException("MixtureSameFamily has no closed-form entropy (the log of a sum of"
        + " densities): estimate it as the mean of -logProb(sample)");
  }

  /** {@code sum_k pi_k mean_k}. */
  @Override
  public Operand<TFloat32> mean() {
    return weighted(components.mean());
  }

  /**
   * The law of total variance, {@code sum_k pi_k (var_k + mean_k^2) - mean^2}, for components of a
   * family with a variance (Normal, the elementwise families, the multivariate Normal, the count
   * families, Bernoulli and Categorical).
   *
   * @throws IllegalStateException naming the family when its components have no variance
   */
  public Operand<TFloat32> variance() {
    Ops tf = tf();
    Operand<TFloat32> means = components.mean();
    Operand<TFloat32> secondMoment = weighted(tf.math.add(componentVariance(), tf.math.square(means)));
    return tf.math.sub(secondMoment, tf.math.square(weighted(means)));
  }

  private Operand<TFloat32> componentVariance() {
    Ops tf = tf();
    Distribution c = components;
    if (c instanceof Normal n) {
      return DistOps.broadcastTo(tf, tf.math.square(n.scale()), Shape.unknown(), n.shape());
    }
    if (c instanceof ElementwiseDistribution e) {
      return e.variance();
    }
    if (c instanceof MultivariateNormal m) {
      return m.variance();
    }
    if (c instanceof Poisson p) {
      return p.variance();
    }
    if (c instanceof Binomial b) {
      return b.variance();
    }
    if (c instanceof Geometric g) {
      return g.variance();
    }
    if (c instanceof Multinomial m) {
      return m.variance();
    }
    if (c instanceof Bernoulli || c instanceof Categorical) {
      Operand<TFloat32> p = c.mean(); // a value of 0s and 1s: E[x^2] = E[x]
      return tf.math.sub(p, tf.math.square(p));
    }
    throw new IllegalStateException("MixtureSameFamily.variance: components of " + c.familyName()
        + " have no variance to mix");
  }

  /** {@code sum_k pi_k x_k} for {@code x} {@code [..., K, d]}. */
  private Operand<TFloat32> weighted(Operand<TFloat32> x) {
    Ops tf = tf();
    return tf.reduceSum(tf.math.mul(tf.expandDims(mixingProbs(), tf.constant(-1)), x), tf.constant(-2));
  }

  /** The shape of a draw: the components' shape without the component axis, broadcast with the logits' batch. */
  @Override
  public Operand<TInt64> shape() {
    Ops tf = tf();
    Operand<TInt64> componentShape = components.shape();
    Operand<TInt64> componentBatch = tf.stridedSlice(componentShape, tf.constant(new long[] {0}),
        tf.constant(new long[] {-2}), tf.constant(new long[] {1}));
    Operand<TInt64> event = tf.stridedSlice(componentShape, tf.constant(new long[] {-1}), tf.constant(new long[] {0}),
        tf.constant(new long[] {1}), org.tensorflow.op.core.StridedSlice.endMask(1L));
    Operand<TInt64> logitsBatch = tf.stridedSlice(DistOps.shapeOf(tf, mixingLogits), tf.constant(new long[] {0}),
        tf.constant(new long[] {-1}), tf.constant(new long[] {1}));
    return tf.concat(List.of(tf.broadcastDynamicShape(componentBatch, logitsBatch), event), tf.constant(0));
  }

  /**
   * {@code f} applied to each component's parameters {@code [..., d]} (stacked again along the
   * component axis) and to each mixing logit as a column {@code [..., 1]}: operands shaped like a
   * value, as the passes' reshapes and broadcasts expect.
   */
  @Override
  public MixtureSameFamily<D> mapParameters(UnaryOperator<Operand<TFloat32>> f) {
    Objects.requireNonNull(f, "f");
    Ops tf = tf();
    @SuppressWarnings("unchecked")
    D mapped = (D) components.mapParameters(p -> eachComponent(p, f));
    List<Operand<TFloat32>> logits = new ArrayList<>(count);
    for (Operand<TFloat32> column : tf.unstack(mixingLogits, (long) count, org.tensorflow.op.core.Unstack.axis(-1L))) {
      Operand<TFloat32> out = f.apply(tf.expandDims(column, tf.constant(-1)));
      // A broadcast to a value's shape widens the column to d: its entries are copies.
      // int32 bounds: StridedSlice's gradient pairs them with the input's int32 shape.
      Operand<TFloat32> first = tf.stridedSlice(out, tf.constant(new int[] {0, 0}), tf.constant(new int[] {0, 1}),
          tf.constant(new int[] {1, 1}), org.tensorflow.op.core.StridedSlice.ellipsisMask(1L));
      logits.add(tf.squeeze(first, Squeeze.axis(List.of(-1L))));
    }
    return new MixtureSameFamily<>(tf, tf.stack(logits, org.tensorflow.op.core.Stack.axis(-1L)), mapped, count);
  }

  private Operand<TFloat32> eachComponent(Operand<TFloat32> p, UnaryOperator<Operand<TFloat32>> f) {
    Shape shape = p.shape();
    if (shape.isUnknown() || shape.numDimensions() < 2) {
      return p; // shared by every component: broadcasts as it is
    }
    long k = shape.get(shape.numDimensions() - 2);
    Ops tf = tf();
    if (k == 1) {
      Operand<TFloat32> squeezed = tf.squeeze(p, Squeeze.axis(List.of(-2L)));
      return tf.expandDims(f.apply(squeezed), tf.constant(-2));
    }
    if (k != count) {
      throw new IllegalArgumentException("MixtureSameFamily: a component parameter " + shape
          + " must have the component axis (" + count + ") just before the event axis");
    }
    List<Operand<TFloat32>> mapped = new ArrayList<>(count);
    for (Operand<TFloat32> component : tf.unstack(p, (long) count, org.tensorflow.op.core.Unstack.axis(-2L))) {
      mapped.add(f.apply(component));
    }
    return tf.stack(mapped, org.tensorflow.op.core.Stack.axis(-2L));
  }

  @Override
  public String toString() {
    return "MixtureSameFamily(mixingLogits=" + mixingLogits.shape() + ", components=" + components + ")";
  }
}
