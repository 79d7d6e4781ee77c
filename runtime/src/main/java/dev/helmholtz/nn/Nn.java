package dev.helmholtz.nn;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.Conv2d;
import org.tensorflow.op.nn.LeakyRelu;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Layer helper handed to a network method: one fresh instance per call of the network.
 *
 * <p>The i-th dense layer built through an instance for scope {@code s} owns the variables {@code
 * s/dense_i/kernel} ({@code [in, units]}, Glorot uniform) and {@code s/dense_i/bias} ({@code
 * [units]}, zeros). Since the layer counter starts at 0 in every instance, calling the same network
 * again with a fresh {@code Nn} reuses the same variables. Every other layer is named the same
 * way by its kind and its own index: {@code s/conv2d_0/kernel}, {@code s/batch_norm_1/gamma}.
 *
 * <p>Inputs of convolution and pooling layers are NHWC, {@code [n, height, width, channels]}. A
 * layer that cannot be built for its input throws {@link LayerBuildException} naming the network
 * and the layer.
 *
 * <p>The pass that builds a network fixes its {@link Mode}: {@link Mode#TRAINING} only for the
 * loss a training step minimizes, where {@link #batchNorm} normalizes by batch statistics and
 * registers its moving-average updates with the store, and {@link #dropout} drops; {@link
 * Mode#EVALUATION} everywhere else. With k importance samples a network's input may hold k
 * sample-major copies of the batch, {@code [k * B, ...]}: batch statistics are then taken per
 * copy (see {@link #Nn(VariableStore, String, Mode, Operand)}), so the k samples of an example
 * never share statistics.
 */
public final class Nn {

  /** Negative-side slope of {@link Activation#LEAKY_RELU}. */
  public static final float LEAKY_RELU_ALPHA = 0.2f;

  private static final Pattern NAME_PART = Pattern.compile("[A-Za-z0-9.][A-Za-z0-9_.\\-]*");

  private final VariableStore store;
  private final String scope;
  private final Mode mode;
  /** Rows per sample copy ({@code B} of a {@code [k * B, ...]} fold), or null: one group. */
  private final Operand<TInt32> rowsPerCopy;
  private final Map<String, Integer> layerCounts = new HashMap<>();
  /** The pass's repeated operands (see {@link RepeatedRows}); empty for a helper built without them. */
  private final RepeatedRows repeated;
  /** The parts of each {@link #concat} this helper made, so {@link #dense} can split its product. */
  private final Map<org.tensorflow.Output<?>, List<Operand<TFloat32>>> concatParts = new HashMap<>();
  private float weightDecay;
  private boolean spectralNormalization;

  /** A helper for the network {@code scope} in {@link Mode#EVALUATION}. */
  public Nn(VariableStore store, String scope) {
    this(store, scope, Mode.EVALUATION);
  }

  /**
   * A helper for the network {@code scope} built in {@code mode}: the pass that builds the network
   * chooses it ({@link Mode#TRAINING} only for the loss of a training step).
   */
  public Nn(VariableStore store, String scope, Mode mode) {
    this(store, scope, mode, null);
  }

  /**
   * A helper whose inputs may hold several sample copies of a batch, sample-major: {@code [k * B,
   * ...]} with {@code B = rowsPerCopy} (fed at run time). In {@link Mode#TRAINING}, batch
   * normalization then takes its statistics per copy, over the {@code B} rows of each, so that
   * the k importance samples of an example never share statistics: each copy is normalized as a
   * single-sample pass over the batch would normalize it. An input of just {@code B} rows is one
   * copy. {@code rowsPerCopy} null means every input is one group.
   */
  public Nn(VariableStore store, String scope, Mode mode, Operand<TInt32> rowsPerCopy) {
    this(store, scope, mode, rowsPerCopy, new RepeatedRows());
  }

  /**
   * A helper as {@link #Nn(VariableStore, String, Mode, Operand)} that knows which of its inputs
   * are sample copies of a per-example value ({@code repeated}), so that a {@link #dense} layer on
   * them multiplies each example once (see {@link RepeatedRows}).
   */
  public Nn(VariableStore store, String scope, Mode mode, Operand<TInt32> rowsPerCopy, RepeatedRows repeated) {
    this.repeated = Objects.requireNonNull(repeated, "repeated");
    this.store = Objects.requireNonNull(store, "store");
    this.scope = Objects.requireNonNull(scope, "scope");
    this.mode = Objects.requireNonNull(mode, "mode");
    this.rowsPerCopy = rowsPerCopy;
    for (String part : scope.split("/", -1)) {
      if (!NAME_PART.matcher(part).matches()) {
        throw new IllegalArgumentException(
            "invalid scope '" + scope + "': each '/'-separated part must match " + NAME_PART);
      }
    }
  }

  /**
   * A helper for the network part {@code scope}, in this helper's mode, whose variables every
   * network that asks for the same scope shares: InfoGAN's Q head and its discriminator call one
   * body method with {@code nn.shared("body")}. Its layers are counted afresh on every call, so
   * each caller's first dense layer is {@code body/dense_0}. Pick a scope no network method is
   * named.
   *
   * @throws IllegalArgumentException if {@code scope} is not a valid scope name
   */
  public Nn shared(String scope) {
    return new Nn(store, scope, mode, rowsPerCopy);
  }

  /** {@code Ops} whose ops are grouped under this network's scope name. */
  public Ops tf() {
    return store.scope(scope);
  }

  /** The store this helper creates its variables in. */
  public VariableStore store() {
    return store;
  }

  /** The network scope, e.g. {@code decode}. */
  public String scope() {
    return scope;
  }

  /** Whether this network is built for a training step or for evaluation. */
  public Mode mode() {
    return mode;
  }

  /**
   * The scope of this call's next layer of kind {@code kind}, {@code scope/kind_i} with i counted
   * per kind from 0 in every instance: what a layer that creates its own variables through {@link
   * #store()} (a normalizing flow) names them by, so that calling the network again with a fresh
   * {@code Nn} reuses them, as {@link #dense} does.
   *
   * @throws IllegalArgumentException if {@code kind} is not a valid name part
   */
  public String layerScope(String kind) {
    Objects.requireNonNull(kind, "kind");
    if (!NAME_PART.matcher(kind).matches()) {
      throw new IllegalArgumentException("invalid layer kind '" + kind + "': it must match " + NAME_PART);
    }
    int i = nextIndex(kind);
    return scope + "/" + kind + "_" + i;
  }

  /**
   * The model's scalar hyperparameter {@code name}, {@code defaultValue} unless a training run
   * schedules it ({@code Training.schedule(name, ScalarSchedule)}): for a temperature to anneal,
   * {@code RelaxedOneHotCategorical.logits(nn.hyperparameter("temperature", 1f), logits, 10)}.
   * Every network of the model that asks for the same name gets the same value.
   *
   * @see VariableStore#hyperparameter(String, float)
   */
  public Operand<TFloat32> hyperparameter(String name, float defaultValue) {
    return store.hyperparameter(name, defaultValue);
  }

  /**
   * The learned parameter {@code name} of this network, {@code scope/name}, of shape {@code
   * shape}, zeros at first: what a network of no node is made of, such as a learned prior's
   * mean, {@code @Generator("z") Normal prior(Nn nn)}. A distribution built from it has no batch
   * axis; the passes broadcast it over their rows, so every row gets it.
   *
   * @throws IllegalArgumentException if {@code name} is not a valid variable name part or a size
   *     is not positive
   */
  public Operand<TFloat32> variable(String name, int... shape) {
    return variable(name, shape, Initializer.zeros());
  }

  /**
   * A user's own learned parameter {@code scope/name} of shape {@code shape}, starting at {@code
   * initializer}'s value: {@code nn.variable("scale", new int[] {64}, Initializer.ones())}. Asked
   * for again (another call of the network) it is the same variable.
   *
   * @throws IllegalArgumentException if {@code name} is not a valid variable name part or a size
   *     is not positive
   * @throws IllegalStateException if the variable exists with another shape
   */
  public Operand<TFloat32> variable(String name, int[] shape, Initializer initializer) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(initializer, "initializer");
    if (!NAME_PART.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid variable name '" + name + "' in '" + scope + "': it must match "
          + NAME_PART);
    }
    long[] dims = new long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] < 1) {
        throw new IllegalArgumentException("variable '" + scope + "/" + name + "' needs sizes of at least 1, got "
            + Arrays.toString(shape));
      }
      dims[i] = shape[i];
    }
    return store.variable(scope + "/" + name, Shape.of(dims), initializer);
  }

  /** A linear dense layer. */
  public Operand<TFloat32> dense(Operand<TFloat32> x, int units) {
    return dense(x, units, Activation.LINEAR);
  }

  /**
   * {@code activation(x @ kernel + bias)}. {@code x} is {@code [n, in]} with a static {@code in};
   * inputs of higher rank {@code [..., in]} are flattened to {@code [-1, in]} for the product and
   * reshaped back to {@code [..., units]}.
   *
   * @throws IllegalArgumentException if the last dimension of {@code x} is not statically known,
   *     {@code x} has rank below 2, or {@code units} is not positive
   */
  public Operand<TFloat32> dense(Operand<TFloat32> x, int units, Activation activation) {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(activation, "activation");
    if (units <= 0) {
      throw new IllegalArgumentException("dense layer needs units > 0, got " + units);
    }
    Shape shape = x.shape();
    String layer = scope + "/dense_" + nextIndex("dense");
    if (shape.isUnknown() || shape.numDimensions() < 2) {
      throw new IllegalArgumentException(
          "dense layer '"
              + layer
              + "' needs an input of rank >= 2 ([n, in]) with a static last dimension; got shape "
              + shape);
    }
    long in = shape.get(shape.numDimensions() - 1);
    if (in == Shape.UNKNOWN_SIZE) {
      throw new IllegalArgumentException(
          "dense layer '"
              + layer
              + "' needs the last dimension of its input to be statically known (it sizes the"
              + " kernel); got shape "
              + shape
              + ". Reshape the input to a known width first.");
    }
    Operand<TFloat32> kernel = kernel(layer, Shape.of(in, units));
    Operand<TFloat32> bias =
        store.variable(layer + "/bias", Shape.of(units), VariableStore.zeros());
    Ops tf = store.scope(layer);
    Optional<Operand<TFloat32>> once = repeated.dense(tf, x, concatParts.get(x.asOutput()), kernel, bias, activation);
    if (once.isPresent()) {
      return once.get();
    }
    Operand<TFloat32> y;
    if (shape.numDimensions() == 2) {
      y = tf.nn.biasAdd(tf.linalg.matMul(x, kernel), bias);
    } else {
      Operand<TFloat32> flat = tf.reshape(x, tf.constant(new long[] {-1, in}));
      Operand<TFloat32> flatOut = tf.nn.biasAdd(tf.linalg.matMul(flat, kernel), bias);
      y = tf.reshape(flatOut, outputShape(tf, x, shape, units));
    }
    return activate(tf, y, activation);
  }

  /**
   * The concatenation of {@code parts} along their last axis, {@code [n, a + b + ...]}: what joins
   * a network's inputs (x and y in a semi-supervised VAE's q(z | x, y)). A {@link #dense} layer on
   * it that sees a part the pass repeated once per sample ({@link RepeatedRows}) multiplies that
   * part once per example instead of once per copy; {@code tf().concat} gives the same values
   * without telling this helper the parts, so every copy is multiplied.
   *
   * @throws IllegalArgumentException if {@code parts} is empty
   */
  @SafeVarargs
  public final Operand<TFloat32> concat(Operand<TFloat32>... parts) {
    if (parts.length == 0) {
      throw new IllegalArgumentException("concat needs at least one part");
    }
    List<Operand<TFloat32>> list = List.of(parts);
    Ops tf = tf();
    Operand<TFloat32> joined = tf.concat(list, tf.constant(-1));
    concatParts.put(joined.asOutput(), list);
    return joined;
  }

  /** Applies {@code activation} elementwise ({@code LINEAR} returns {@code x} itself). */
  public Operand<TFloat32> activate(Operand<TFloat32> x, Activation activation) {
    return activate(tf(), x, activation);
  }

  static Operand<TFloat32> activate(Ops tf, Operand<TFloat32> x, Activation activation) {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(activation, "activation");
    return switch (activation) {
      case LINEAR -> x;
      case RELU -> tf.nn.relu(x);
      case TANH -> tf.math.tanh(x);
      case SIGMOID -> tf.math.sigmoid(x);
      case SOFTPLUS -> tf.math.softplus(x);
      case ELU -> tf.nn.elu(x);
      case LEAKY_RELU -> tf.nn.leakyRelu(x, LeakyRelu.alpha(LEAKY_RELU_ALPHA));
    };
  }

  /** A 2-D convolution with {@code filters} {@code kernel x kernel} filters, no activation; see {@link #conv2d(Operand, int, int, int, Padding, int, Activation)}. */
  public Operand<TFloat32> conv2d(Operand<TFloat32> x, int filters, int kernel, int stride, Padding padding) {
    return conv2d(x, filters, kernel, stride, padding, 1, Activation.LINEAR);
  }

  /** A 2-D convolution followed by {@code activation}; see {@link #conv2d(Operand, int, int, int, Padding, int, Activation)}. */
  public Operand<TFloat32> conv2d(Operand<TFloat32> x, int filters, int kernel, int stride, Padding padding,
      Activation activation) {
    return conv2d(x, filters, kernel, stride, padding, 1, activation);
  }

  /**
   * {@code activation(conv2d(x, kernel) + bias)}: {@code x} is {@code [n, height, width, channels]}
   * (NHWC) with static channels; the i-th convolution of this network owns {@code
   * scope/conv2d_i/kernel} ({@code [kernel, kernel, channels, filters]}, Glorot uniform) and {@code
   * scope/conv2d_i/bias} ({@code [filters]}, zeros). The output is {@code [n, h', w', filters]} with
   * {@code h' = }{@link Padding#outputSize}. A dilation above 1 spreads the kernel's taps {@code
   * dilation} apart (atrous convolution); TensorFlow supports it with stride 1 only.
   *
   * @throws LayerBuildException naming the network and layer, if the input is not rank 4 with
   *     static channels, the window does not fit a VALID input, or a size is not positive
   */
  public Operand<TFloat32> conv2d(Operand<TFloat32> x, int filters, int kernel, int stride, Padding padding,
      int dilation, Activation activation) {
    LayerScope layer = layer("conv2d");
    return layer.build(x, () -> {
      checkWindow(filters, kernel, stride, dilation, padding, activation);
      if (dilation > 1 && stride > 1) {
        throw new IllegalArgumentException("dilation " + dilation + " needs stride 1 (TensorFlow's Conv2D), got stride "
            + stride);
      }
      long[] hwc = image(x);
      checkFits(hwc, kernel, dilation, padding);
      Operand<TFloat32> w = kernel(layer.path, Shape.of(kernel, kernel, hwc[2], filters));
      Operand<TFloat32> b = store.variable(layer.path + "/bias", Shape.of(filters), VariableStore.zeros());
      Ops tf = layer.tf;
      Operand<TFloat32> y = tf.nn.conv2d(x, w, List.of(1L, (long) stride, (long) stride, 1L), padding.name(),
          Conv2d.dilations(List.of(1L, (long) dilation, (long) dilation, 1L)));
      return activate(tf, tf.nn.biasAdd(y, b), activation);
    });
  }

  /** A transposed 2-D convolution, no activation; see {@link #conv2dTranspose(Operand, int, int, int, Padding, Activation)}. */
  public Operand<TFloat32> conv2dTranspose(Operand<TFloat32> x, int filters, int kernel, int stride, Padding padding) {
    return conv2dTranspose(x, filters, kernel, stride, padding, Activation.LINEAR);
  }

  /**
   * The transposed 2-D convolution (the gradient of a convolution with respect to its input, a
   * learned upsampling) followed by a bias and {@code activation}: {@code x} is {@code [n, h, w,
   * c]} with static {@code h, w, c}; the output is {@code [n, H, W, filters]}, {@code H = h *
   * stride} under {@code SAME}, {@code (h - 1) * stride + kernel} under {@code VALID}. The i-th
   * one owns {@code scope/conv2d_transpose_i/kernel} ({@code [kernel, kernel, filters, c]},
   * Glorot uniform) and {@code .../bias} ({@code [filters]}, zeros).
   *
   * @throws LayerBuildException naming the network and layer, if the input is not rank 4 with
   *     static height, width and channels, or a size is not positive
   */
  public Operand<TFloat32> conv2dTranspose(Operand<TFloat32> x, int filters, int kernel, int stride, Padding padding,
      Activation activation) {
    LayerScope layer = layer("conv2d_transpose");
    return layer.build(x, () -> {
      checkWindow(filters, kernel, stride, 1, padding, activation);
      long[] hwc = image(x);
      if (hwc[0] == Shape.UNKNOWN_SIZE || hwc[1] == Shape.UNKNOWN_SIZE) {
        throw new IllegalArgumentException("a transposed convolution needs a static height and width (they size its"
            + " output)");
      }
      long outH = padding.transposedOutputSize(hwc[0], kernel, stride);
      long outW = padding.transposedOutputSize(hwc[1], kernel, stride);
      Operand<TFloat32> w = kernel(layer.path, Shape.of(kernel, kernel, filters, hwc[2]));
      Operand<TFloat32> b = store.variable(layer.path + "/bias", Shape.of(filters), VariableStore.zeros());
      Ops tf = layer.tf;
      Operand<TInt32> rows = tf.slice(tf.shape(x, TInt32.class), tf.constant(new int[] {0}), tf.constant(new int[] {1}));
      Operand<TInt32> outputShape = tf.concat(
          List.of(rows, tf.constant(new int[] {(int) outH, (int) outW, filters})), tf.constant(0));
      Operand<TFloat32> y = tf.nn.conv2dBackpropInput(outputShape, w, x,
          List.of(1L, (long) stride, (long) stride, 1L), padding.name());
      if (y.shape().hasUnknownDimension() && y.shape().numDimensions() == 4
          && y.shape().get(3) == Shape.UNKNOWN_SIZE) {
        // Restores the static [?, H, W, filters] shape inference could not see through the concat.
        y = tf.reshape(y, tf.constant(new long[] {-1, outH, outW, filters}));
      }
      return activate(tf, tf.nn.biasAdd(y, b), activation);
    });
  }

  /** Max pooling over {@code size x size} windows {@code stride} apart ({@code [n, h, w, c]} to {@code [n, h', w', c]}). */
  public Operand<TFloat32> maxPool(Operand<TFloat32> x, int size, int stride, Padding padding) {
    LayerScope layer = layer("max_pool");
    return layer.build(x, () -> {
      checkWindow(1, size, stride, 1, padding, Activation.LINEAR);
      checkFits(image(x), size, 1, padding);
      Ops tf = layer.tf;
      return tf.nn.maxPool(x, tf.constant(new int[] {1, size, size, 1}), tf.constant(new int[] {1, stride, stride, 1}),
          padding.name());
    });
  }

  /**
   * Average pooling over {@code size x size} windows {@code stride} apart; under {@code SAME} a
   * border window averages only its inside elements, as TensorFlow's AvgPool does.
   */
  public Operand<TFloat32> avgPool(Operand<TFloat32> x, int size, int stride, Padding padding) {
    LayerScope layer = layer("avg_pool");
    return layer.build(x, () -> {
      checkWindow(1, size, stride, 1, padding, Activation.LINEAR);
      checkFits(image(x), size, 1, padding);
      return layer.tf.nn.avgPool(x, List.of(1L, (long) size, (long) size, 1L), List.of(1L, (long) stride, (long) stride, 1L),
          padding.name());
    });
  }

  /** {@code [n, d1, d2, ...]} to {@code [n, d1 d2 ...]}; every dimension after the first must be static. */
  public Operand<TFloat32> flatten(Operand<TFloat32> x) {
    LayerScope layer = layer("flatten");
    return layer.build(x, () -> {
      long width = eventSize(x);
      return layer.tf.reshape(x, layer.tf.constant(new long[] {-1, width}));
    });
  }

  /**
   * {@code [n, ...]} to {@code [n, eventShape...]}, keeping the rows: {@code nn.reshape(h, 7, 7,
   * 64)} turns a dense layer's {@code [n, 3136]} into an image for a transposed convolution.
   *
   * @throws LayerBuildException if the sizes do not hold the same number of elements per row
   */
  public Operand<TFloat32> reshape(Operand<TFloat32> x, int... eventShape) {
    LayerScope layer = layer("reshape");
    return layer.build(x, () -> {
      long[] dims = new long[eventShape.length + 1];
      dims[0] = -1;
      long size = 1;
      for (int i = 0; i < eventShape.length; i++) {
        if (eventShape[i] < 1) {
          throw new IllegalArgumentException("event sizes must be at least 1, got " + Arrays.toString(eventShape));
        }
        dims[i + 1] = eventShape[i];
        size *= eventShape[i];
      }
      long width = eventSize(x);
      if (width != size) {
        throw new IllegalArgumentException("each row holds " + width + " elements, but " + Arrays.toString(eventShape)
            + " needs " + size);
      }
      return layer.tf.reshape(x, layer.tf.constant(dims));
    });
  }

  /**
   * Adds the L2 penalty {@code lambda / 2 * sum(w^2)} of every kernel this helper builds from now
   * on (dense and convolution kernels; not biases, normalization scales or embeddings) to the loss
   * of the training step that trains it: its gradient is {@code lambda * w}, classic weight decay
   * under plain gradient descent (coupled with Adam's scaling, as Keras' {@code kernel_regularizer}
   * is). Call it first in a network method: {@code nn.weightDecay(1e-4f)}. The penalty is not
   * part of the objective reported.
   *
   * @return this helper
   */
  public Nn weightDecay(float lambda) {
    if (!(lambda >= 0f) || !Float.isFinite(lambda)) {
      throw new IllegalArgumentException("weight decay must be finite and >= 0, got " + lambda);
    }
    this.weightDecay = lambda;
    return this;
  }

  /**
   * Spectrally normalizes every kernel this helper builds from now on (Miyato et al. 2018), as
   * SN-GAN's discriminator does: a layer uses {@code W / sigma(W)}, {@code sigma} the largest
   * singular value of the kernel flattened to {@code [fanIn, out]}, estimated by one power
   * iteration per build from a stored vector {@code .../kernel_sn_u} (not trainable, carried by
   * checkpoints); a training step stores the iterated vector, so the estimate sharpens over
   * steps. No gradient flows through the power iteration's vectors.
   *
   * @return this helper
   */
  public Nn spectralNormalization() {
    this.spectralNormalization = true;
    return this;
  }

  /** The kernel variable {@code path/kernel}, Glorot uniform, with this helper's decay and normalization. */
  private Operand<TFloat32> kernel(String path, Shape shape) {
    String name = path + "/kernel";
    Operand<TFloat32> w = store.variable(name, shape, VariableStore.glorotUniform());
    Ops tf = store.scope(path);
    if (weightDecay > 0f) {
      store.penalize(name, tf.withName("weight_decay").math.mul(tf.constant(weightDecay / 2f),
          tf.reduceSum(tf.math.square(w), Normalization.axes(tf, 0, shape.numDimensions()))));
    }
    if (!spectralNormalization) {
      return w;
    }
    long out = shape.get(shape.numDimensions() - 1);
    Operand<TFloat32> matrix = tf.reshape(w, tf.constant(new long[] {-1, out}));
    String uName = name + "_sn_u";
    Operand<TFloat32> u = tf.reshape(store.variable(uName, Shape.of(out), Initializer.normal(0f, 1f), false),
        tf.constant(new long[] {out, 1}));
    Operand<TFloat32> v = tf.stopGradient(Normalization.unit(tf, tf.linalg.matMul(matrix, u)));
    Operand<TFloat32> uNext = tf.stopGradient(Normalization.unit(tf,
        tf.linalg.matMul(matrix, v, org.tensorflow.op.linalg.MatMul.transposeA(true))));
    Operand<TFloat32> sigma = tf.reshape(tf.linalg.matMul(tf.linalg.matMul(v, matrix,
        org.tensorflow.op.linalg.MatMul.transposeA(true)), uNext), tf.constant(new long[0]));
    if (mode == Mode.TRAINING) {
      store.update(uName, tf.reshape(uNext, tf.constant(new long[] {out})));
    }
    return tf.withName("spectral_normalized").math.div(w, sigma);
  }

  /** Batch normalization with Keras' defaults: momentum 0.99, epsilon 0.001. */
  public Operand<TFloat32> batchNorm(Operand<TFloat32> x) {
    return batchNorm(x, 0.99f, 1e-3f);
  }

  /**
   * Batch normalization over every axis but the last (the features, or an image's channels):
   * {@code gamma (x - mean) / sqrt(var + epsilon) + beta}. In {@link Mode#TRAINING} mean and
   * (biased) variance are the batch's, and the step moves {@code moving_mean} and {@code
   * moving_variance} toward them: {@code moving = momentum moving + (1 - momentum) batch}. In
   * {@link Mode#EVALUATION} the moving averages are used. The i-th one owns {@code
   * scope/batch_norm_i/gamma} (ones), {@code beta} (zeros), and the non-trainable {@code
   * moving_mean} (zeros) and {@code moving_variance} (ones). When the input holds k sample copies
   * of a batch (see {@link #Nn(VariableStore, String, Mode, Operand)}), the training statistics
   * are per copy, and the moving averages move toward their mean over the copies.
   *
   * @throws LayerBuildException if the input's last dimension is not static or momentum is not in [0, 1)
   */
  public Operand<TFloat32> batchNorm(Operand<TFloat32> x, float momentum, float epsilon) {
    LayerScope layer = layer("batch_norm");
    return layer.build(x, () -> {
      if (!(momentum >= 0f && momentum < 1f) || !(epsilon > 0f)) {
        throw new IllegalArgumentException("needs momentum in [0, 1) and epsilon > 0, got " + momentum + ", " + epsilon);
      }
      long channels = lastDimension(x);
      int rank = x.shape().numDimensions();
      Ops tf = layer.tf;
      Operand<TFloat32> gamma = store.variable(layer.path + "/gamma", Shape.of(channels), Initializer.ones());
      Operand<TFloat32> beta = store.variable(layer.path + "/beta", Shape.of(channels), Initializer.zeros());
      String meanName = layer.path + "/moving_mean";
      String varianceName = layer.path + "/moving_variance";
      Operand<TFloat32> movingMean = store.variable(meanName, Shape.of(channels), Initializer.zeros(), false);
      Operand<TFloat32> movingVariance = store.variable(varianceName, Shape.of(channels), Initializer.ones(), false);
      Operand<TFloat32> normalized;
      if (mode == Mode.EVALUATION) {
        normalized = tf.math.mul(tf.math.sub(x, movingMean),
            Normalization.inverseSqrt(tf, tf.math.add(movingVariance, tf.constant(epsilon))));
      } else {
        // [groups, rows per group, ...]: the statistics are over each group's rows and inner axes.
        Operand<TInt32> rest = tf.slice(tf.shape(x, TInt32.class), tf.constant(new int[] {1}),
            tf.constant(new int[] {rank - 1}));
        Operand<TInt32> rows = rowsPerCopy != null ? tf.reshape(rowsPerCopy, tf.constant(new int[] {1}))
            : tf.slice(tf.shape(x, TInt32.class), tf.constant(new int[] {0}), tf.constant(new int[] {1}));
        Operand<TFloat32> grouped = tf.reshape(x, tf.concat(List.of(tf.constant(new int[] {-1}), rows, rest),
            tf.constant(0)));
        List<Operand<TFloat32>> moments = Normalization.moments(tf, grouped, Normalization.axes(tf, 1, rank));
        Operand<TFloat32> centered = tf.math.mul(tf.math.sub(grouped, moments.get(0)),
            Normalization.inverseSqrt(tf, tf.math.add(moments.get(1), tf.constant(epsilon))));
        normalized = tf.reshape(centered, tf.shape(x, TInt32.class));
        Operand<TFloat32> batchMean = tf.math.mean(tf.reshape(moments.get(0), tf.constant(new long[] {-1, channels})),
            tf.constant(0));
        Operand<TFloat32> batchVariance = tf.math.mean(
            tf.reshape(moments.get(1), tf.constant(new long[] {-1, channels})), tf.constant(0));
        Operand<TFloat32> keep = tf.constant(momentum);
        Operand<TFloat32> move = tf.constant(1f - momentum);
        store.update(meanName, tf.stopGradient(tf.math.add(tf.math.mul(movingMean, keep), tf.math.mul(batchMean, move))));
        store.update(varianceName, tf.stopGradient(
            tf.math.add(tf.math.mul(movingVariance, keep), tf.math.mul(batchVariance, move))));
      }
      return tf.math.add(tf.math.mul(normalized, gamma), beta);
    });
  }

  /** Layer normalization with epsilon 0.001; see {@link #layerNorm(Operand, float)}. */
  public Operand<TFloat32> layerNorm(Operand<TFloat32> x) {
    return layerNorm(x, 1e-3f);
  }

  /**
   * Layer normalization (Ba et al. 2016): each row normalized by the mean and variance of all its
   * elements (every axis but the first, so an image's height, width and channels together, as
   * WGAN-GP's critic uses it), then scaled and shifted per feature of the last axis: {@code
   * scope/layer_norm_i/gamma} (ones) and {@code beta} (zeros). Rows never mix, so training and
   * evaluation agree, and it is twice differentiable, so a gradient-penalized critic may use it.
   */
  public Operand<TFloat32> layerNorm(Operand<TFloat32> x, float epsilon) {
    LayerScope layer = layer("layer_norm");
    return layer.build(x, () -> {
      if (!(epsilon > 0f)) {
        throw new IllegalArgumentException("needs epsilon > 0, got " + epsilon);
      }
      long features = lastDimension(x);
      Ops tf = layer.tf;
      Operand<TFloat32> gamma = store.variable(layer.path + "/gamma", Shape.of(features), Initializer.ones());
      Operand<TFloat32> beta = store.variable(layer.path + "/beta", Shape.of(features), Initializer.zeros());
      List<Operand<TFloat32>> moments = Normalization.moments(tf, x, Normalization.axes(tf, 1, x.shape().numDimensions()));
      Operand<TFloat32> normalized = tf.math.mul(tf.math.sub(x, moments.get(0)),
          Normalization.inverseSqrt(tf, tf.math.add(moments.get(1), tf.constant(epsilon))));
      return tf.math.add(tf.math.mul(normalized, gamma), beta);
    });
  }

  /**
   * Inverted dropout: in {@link Mode#TRAINING} each element is zeroed with probability {@code
   * rate} and the rest scaled by {@code 1 / (1 - rate)}, a fresh mask on every step; in {@link
   * Mode#EVALUATION} it returns {@code x} itself.
   */
  public Operand<TFloat32> dropout(Operand<TFloat32> x, float rate) {
    LayerScope layer = layer("dropout");
    return layer.build(x, () -> {
      if (!(rate >= 0f && rate < 1f)) {
        throw new IllegalArgumentException("needs a rate in [0, 1), got " + rate);
      }
      if (mode == Mode.EVALUATION || rate == 0f) {
        return x;
      }
      Ops tf = layer.tf;
      Operand<TFloat32> u = store.random().uniform(tf.shape(x, TInt64.class));
      Operand<TFloat32> keep = tf.dtypes.cast(tf.math.greaterEqual(u, tf.constant(rate)), TFloat32.class);
      return tf.math.mul(x, tf.math.mul(keep, tf.constant(1f / (1f - rate))));
    });
  }

  /**
   * A learned vector per category: {@code ids} ({@code [n]} or {@code [n, m]}, whole numbers held
   * as floats, as Helmholtz's nodes hold labels) picks rows of {@code scope/embedding_i/embeddings}
   * ({@code [vocabulary, dimensions]}, uniform in +-0.05), giving {@code [n, dimensions]} or
   * {@code [n, m, dimensions]}. An id outside {@code [0, vocabulary)} fails when the graph runs.
   */
  public Operand<TFloat32> embedding(Operand<TFloat32> ids, int vocabulary, int dimensions) {
    LayerScope layer = layer("embedding");
    return layer.build(ids, () -> {
      if (vocabulary < 1 || dimensions < 1) {
        throw new IllegalArgumentException("needs a vocabulary and dimensions of at least 1, got " + vocabulary
            + ", " + dimensions);
      }
      Ops tf = layer.tf;
      Operand<TFloat32> table = store.variable(layer.path + "/embeddings", Shape.of(vocabulary, dimensions),
          Initializer.uniform(0.05f));
      Operand<TInt32> index = tf.dtypes.cast(tf.math.round(ids), TInt32.class);
      return tf.gather(table, index, tf.constant(0));
    });
  }

  /**
   * {@code x + body(x)}: a residual connection around layers of this network.
   *
   * @throws LayerBuildException if {@code body} changes the shape
   */
  public Operand<TFloat32> residual(Operand<TFloat32> x, UnaryOperator<Operand<TFloat32>> body) {
    LayerScope layer = layer("residual");
    return layer.build(x, () -> {
      Operand<TFloat32> h = body.apply(x);
      if (!h.shape().isCompatibleWith(x.shape())) {
        throw new IllegalArgumentException("the residual body returns shape " + h.shape()
            + "; it must keep the input's shape");
      }
      return layer.tf.math.add(x, h);
    });
  }

  /**
   * A residual block of two convolutions (He et al. 2016; ZhuSuan's {@code vae_conv} {@code
   * resconv}): {@code activation(conv(activation(conv(x, stride)), 1) + shortcut)}, both {@code
   * kernel x kernel} with {@code filters} filters and SAME padding; the shortcut is {@code x}
   * itself when stride is 1 and the channels match, else a 1x1 convolution with the stride. Its
   * layers are this network's next conv2d layers (two or three).
   */
  public Operand<TFloat32> residualBlock(Operand<TFloat32> x, int filters, int kernel, int stride,
      Activation activation) {
    Operand<TFloat32> h = conv2d(x, filters, kernel, stride, Padding.SAME, activation);
    h = conv2d(h, filters, kernel, 1, Padding.SAME);
    boolean identity = stride == 1 && x.shape().numDimensions() == 4 && x.shape().get(3) == filters;
    Operand<TFloat32> shortcut = identity ? x : conv2d(x, filters, 1, stride, Padding.SAME);
    return activate(tf().math.add(h, shortcut), activation);
  }

  /**
   * The upsampling counterpart of {@link #residualBlock} for decoders: a transposed convolution
   * with the stride, then a convolution, plus a shortcut ({@code x}, or a 1x1 transposed
   * convolution with the stride when the shape changes).
   */
  public Operand<TFloat32> residualBlockTranspose(Operand<TFloat32> x, int filters, int kernel, int stride,
      Activation activation) {
    Operand<TFloat32> h = conv2dTranspose(x, filters, kernel, stride, Padding.SAME, activation);
    h = conv2d(h, filters, kernel, 1, Padding.SAME);
    boolean identity = stride == 1 && x.shape().numDimensions() == 4 && x.shape().get(3) == filters;
    Operand<TFloat32> shortcut = identity ? x : conv2dTranspose(x, filters, 1, stride, Padding.SAME);
    return activate(tf().math.add(h, shortcut), activation);
  }

  private static long lastDimension(Operand<TFloat32> x) {
    Shape shape = x.shape();
    if (shape.isUnknown() || shape.numDimensions() < 2 || shape.get(shape.numDimensions() - 1) == Shape.UNKNOWN_SIZE) {
      throw new IllegalArgumentException("needs an input of rank >= 2 with a static last dimension");
    }
    return shape.get(shape.numDimensions() - 1);
  }

  /** The next layer of kind {@code kind} in this network: its index, variable path and name scope. */
  private LayerScope layer(String kind) {
    int index = nextIndex(kind);
    String path = scope + "/" + kind + "_" + index;
    return new LayerScope(scope, kind, index, path, store.scope(path));
  }

  private int nextIndex(String kind) {
    return layerCounts.merge(kind, 1, Integer::sum) - 1;
  }

  private static void checkWindow(int filters, int kernel, int stride, int dilation, Padding padding,
      Activation activation) {
    Objects.requireNonNull(padding, "padding");
    Objects.requireNonNull(activation, "activation");
    if (filters < 1 || kernel < 1 || stride < 1 || dilation < 1) {
      throw new IllegalArgumentException("filters, kernel, stride and dilation must be at least 1, got " + filters
          + ", " + kernel + ", " + stride + ", " + dilation);
    }
  }

  /** {@code {h, w, c}} of an NHWC input (h and w may be unknown, c must be static). */
  private static long[] image(Operand<TFloat32> x) {
    Shape shape = x.shape();
    if (shape.isUnknown() || shape.numDimensions() != 4) {
      throw new IllegalArgumentException("needs an image batch [n, height, width, channels] (rank 4, NHWC); reshape"
          + " a flat input with nn.reshape(x, height, width, channels) first");
    }
    if (shape.get(3) == Shape.UNKNOWN_SIZE) {
      throw new IllegalArgumentException("needs statically known channels (they size the kernel)");
    }
    return new long[] {shape.get(1), shape.get(2), shape.get(3)};
  }

  private static void checkFits(long[] hwc, int kernel, int dilation, Padding padding) {
    long effective = (long) (kernel - 1) * dilation + 1;
    for (int axis = 0; axis < 2; axis++) {
      if (padding == Padding.VALID && hwc[axis] != Shape.UNKNOWN_SIZE && hwc[axis] < effective) {
        throw new IllegalArgumentException("a " + effective + "-wide VALID window does not fit the input's "
            + (axis == 0 ? "height " : "width ") + hwc[axis]);
      }
    }
  }

  /** The static number of elements per row (product of every dimension after the first). */
  private static long eventSize(Operand<TFloat32> x) {
    Shape shape = x.shape();
    if (shape.isUnknown() || shape.numDimensions() < 1) {
      throw new IllegalArgumentException("needs an input of rank >= 1 with rows on its first axis");
    }
    long size = 1;
    for (int i = 1; i < shape.numDimensions(); i++) {
      if (shape.get(i) == Shape.UNKNOWN_SIZE) {
        throw new IllegalArgumentException("needs every dimension after the first statically known");
      }
      size *= shape.get(i);
    }
    return size;
  }

  /** {@code [..., units]}: static when the leading dimensions are, else built at run time. */
  private static Operand<TInt64> outputShape(
      Ops tf, Operand<TFloat32> x, Shape shape, int units) {
    if (!shape.hasUnknownDimension()) {
      long[] dims = Arrays.copyOf(shape.asArray(), shape.numDimensions());
      dims[dims.length - 1] = units;
      return tf.constant(dims);
    }
    Operand<TInt64> lead =
        tf.slice(
            tf.shape(x, TInt64.class),
            tf.constant(new long[] {0}),
            tf.constant(new long[] {shape.numDimensions() - 1}));
    return tf.concat(java.util.List.of(lead, tf.constant(new long[] {units})), tf.constant(0));
  }
}
