package dev.helmholtz.variational;

import dev.helmholtz.core.BatchAxes;
import dev.helmholtz.core.EventAxes;
import dev.helmholtz.dist.Distribution;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.nn.VariableStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Ancestral sampling through the generative networks, as the generated
 * {@code defineGeneration} describes it: every node drawn from p in generative order, n at a
 * time, {@code [n, width]}: values and distributions are kept flat, and networks get and return
 * {@code [n, event...]} (see {@link EventAxes}).
 */
public final class GenerativePass {
  private final Ops tf;
  private final ModelSpec spec;
  private final VariableStore variables;
  private final RandomSource random;
  private final Operand<TInt32> n;
  private final Map<String, Operand<TFloat32>> given;
  private final Map<String, Operand<TFloat32>> samples = new LinkedHashMap<>();
  private final Map<String, Operand<TFloat32>> means = new LinkedHashMap<>();
  /** Where a value can be fed in place of the draw: the enumerated latent's, {@code [n, width]}. */
  private final Map<String, Operand<TFloat32>> clamps = new LinkedHashMap<>();

  GenerativePass(Ops tf, ModelSpec spec, VariableStore variables, RandomSource random, Operand<TInt32> n) {
    this(tf, spec, variables, random, n, Map.of());
  }

  /** A pass over a model with given nodes: {@code given} holds their values, {@code [n, width]}. */
  GenerativePass(Ops tf, ModelSpec spec, VariableStore variables, RandomSource random, Operand<TInt32> n,
      Map<String, Operand<TFloat32>> given) {
    this.given = given;
    this.tf = tf;
    this.spec = spec;
    this.variables = variables;
    this.random = random;
    this.n = n;
  }

  public Ops tf() {
    return tf;
  }

  public Nn network(String name) {
    return new Nn(variables, name);
  }

  /** {@code [n, event...]} for a node, the shape of a standard prior's draw. */
  public Operand<TInt64> shape(String node) {
    List<Operand<TInt32>> dims = new java.util.ArrayList<>(List.of(n));
    spec.require(node).shape().forEach(size -> dims.add(tf.constant(size)));
    return tf.dtypes.cast(tf.stack(dims), TInt64.class);
  }

  /** The value of given node {@code name}, {@code [n, event...]}: conditioned on, not drawn. */
  public Operand<TFloat32> given(String name) {
    ModelSpec.Node node = spec.require(name);
    Operand<TFloat32> value = given.get(name);
    if (value == null) {
      throw new IllegalArgumentException("node '" + name + "' of " + spec.modelName() + " is not a given node");
    }
    // Recorded through identity: a fed placeholder cannot also be fetched.
    samples.put(name, tf.identity(value));
    means.put(name, samples.get(name));
    return EventAxes.unflatten(tf, value, node.shape());
  }

  /**
   * Global latent {@code name} at its variational posterior's mean, {@code [1, width]}: samples
   * are drawn from p given the posterior mean of the globals (the plug-in value).
   */
  public Operand<TFloat32> global(String name) {
    return GlobalPosterior.of(tf, variables, name, spec.requireGlobal(name).width()).mean();
  }

  /** A global value {@code [1, width]} repeated for each of the n rows, {@code [n, width]}. */
  public Operand<TFloat32> perExample(Operand<TFloat32> global) {
    return tf.broadcastTo(global, tf.stack(List.of(n, tf.constant((int) global.shape().get(1)))));
  }

  /** A draw-axis network's distribution, {@code [1, n, event...]}, as {@code [n, event...]}: see {@link dev.helmholtz.core.DrawAxis}. */
  public <D extends Distribution> D dropDrawAxis(String node, D distribution) {
    return dev.helmholtz.core.DrawAxis.merge(tf, distribution, spec.require(node).shape().size());
  }

  /**
   * Draws node {@code name} from p, and records the draw and p's mean, {@code [n, width]}: a p of
   * no batch axes (a network of no node, such as a learned prior) is broadcast first, so every row
   * gets its own draw. An enumerated latent's
   * draw can be replaced by a fed value ({@link VariationalModel#generate(dev.helmholtz.data.Dataset)}
   * feeds a class to generate).
   */
  public Operand<TFloat32> draw(String name, Distribution p) {
    ModelSpec.Node node = spec.require(name);
    p = EventAxes.flatten(tf, p, node.shape(), "p(" + name + " | ...) in " + spec.modelName());
    p = BatchAxes.broadcast(tf, p, tf.stack(List.of(n, tf.constant(node.width()))), 2);
    Operand<TFloat32> value = p.sample(random);
    if (node.enumerated()) {
      Operand<TFloat32> clamp = tf.placeholderWithDefault(value,
          org.tensorflow.ndarray.Shape.of(org.tensorflow.ndarray.Shape.UNKNOWN_SIZE, node.width()));
      clamps.put(name, clamp);
      value = tf.identity(clamp); // fetched as the sample: a fed tensor cannot also be fetched
    }
    samples.put(name, value);
    means.put(name, p.mean());
    return EventAxes.unflatten(tf, value, node.shape());
  }

  Map<String, Operand<TFloat32>> samples() {
    return samples;
  }

  Map<String, Operand<TFloat32>> means() {
    return means;
  }

  Map<String, Operand<TFloat32>> clamps() {
    return clamps;
  }
}
