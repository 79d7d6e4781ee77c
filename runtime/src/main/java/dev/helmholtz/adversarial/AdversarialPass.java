package dev.helmholtz.adversarial;

import dev.helmholtz.core.BatchAxes;
import dev.helmholtz.core.EventAxes;
import dev.helmholtz.dist.Distribution;
import dev.helmholtz.dist.Reparameterization;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.nn.VariableStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The generator's side of an adversarial model, as the generated {@code defineGeneration}
 * describes it: noise latents drawn from their priors, label nodes as given, and the generated
 * node computed deterministically from them, n examples at a time, {@code [n, width]}.
 */
public final class AdversarialPass {
  private final Ops tf;
  private final AdversarialSpec spec;
  private final VariableStore variables;
  private dev.helmholtz.nn.Mode networkMode = dev.helmholtz.nn.Mode.EVALUATION;
  private final RandomSource random;
  private final Operand<TInt32> n;
  private final Map<String, Operand<TFloat32>> labels;
  private final Map<String, Operand<TFloat32>> values = new LinkedHashMap<>();
  /** Each drawn latent's prior, one distribution per row, {@code [n, width]}. */
  private final Map<String, Distribution> priors = new LinkedHashMap<>();
  /** Latents' values given in place of draws (an encoder game's G(E(x))), flat {@code [n, width]}. */
  private Map<String, Operand<TFloat32>> given = Map.of();
  /** A decoder's distribution of the generated node (the adversarial autoencoder's p(x | z)), flat. */
  private final Map<String, Distribution> likelihoods = new LinkedHashMap<>();

  AdversarialPass(Ops tf, AdversarialSpec spec, VariableStore variables, RandomSource random,
      Operand<TInt32> n, Map<String, Operand<TFloat32>> labels) {
    this.tf = tf;
    this.spec = spec;
    this.variables = variables;
    this.random = random;
    this.n = n;
    this.labels = labels;
  }

  /** Builds this pass's networks in {@link dev.helmholtz.nn.Mode#TRAINING}: a pass a training step minimizes. */
  AdversarialPass training() {
    networkMode = dev.helmholtz.nn.Mode.TRAINING;
    return this;
  }

  /** Takes these latents' values ({@code [n, width]} each) instead of drawing them: G(E(x)). */
  AdversarialPass withLatents(Map<String, Operand<TFloat32>> values) {
    given = Map.copyOf(values);
    return this;
  }

  public Ops tf() {
    return tf;
  }

  public Nn network(String name) {
    return new Nn(variables, name, networkMode);
  }

  /** {@code [n, event...]} for a node, the shape of a standard prior's draw. */
  public Operand<TInt64> shape(String node) {
    List<Operand<TInt32>> dims = new java.util.ArrayList<>(List.of(n));
    spec.require(node).shape().forEach(size -> dims.add(tf.constant(size)));
    return tf.dtypes.cast(tf.stack(dims), TInt64.class);
  }

  /**
   * Draws latent {@code name} from its prior {@code p}, {@code [n, width]}: a prior of no batch
   * axes (a network of no node) is broadcast first, so every example gets its own draw. The draw
   * is reparameterized where the family allows it, so that a learned prior's parameters are
   * trained with the generator (a standard prior has none: its draw is the same either way).
   */
  public Operand<TFloat32> draw(String name, Distribution p) {
    AdversarialSpec.Node node = requireRole(name, AdversarialSpec.Role.LATENT);
    p = EventAxes.flatten(tf, p, node.shape(), "p(" + name + ") in " + spec.modelName());
    Distribution perRow = BatchAxes.broadcast(tf, p, tf.stack(List.of(n, tf.constant(node.width()))), 2);
    Operand<TFloat32> value = given.containsKey(name) ? given.get(name)
        : perRow.reparameterization() == Reparameterization.REPARAMETERIZED
        ? perRow.rsample(random) : perRow.sample(random);
    values.put(name, value);
    priors.put(name, perRow);
    return EventAxes.unflatten(tf, value, node.shape());
  }

  /** The value of label node {@code name}: the data's in training, the caller's in sampling. */
  public Operand<TFloat32> label(String name) {
    AdversarialSpec.Node node = requireRole(name, AdversarialSpec.Role.LABEL);
    return EventAxes.unflatten(tf, labels.get(name), node.shape());
  }

  /**
   * Records the generator's output for the generated node.
   *
   * @throws IllegalArgumentException when {@code value} is not {@code [n, event...]} of the node
   */
  public Operand<TFloat32> generate(String name, Operand<TFloat32> value) {
    AdversarialSpec.Node node = requireRole(name, AdversarialSpec.Role.GENERATED);
    if (!EventAxes.isVector(node.shape())) {
      Shape shape = value.shape();
      boolean matches = !shape.isUnknown() && shape.numDimensions() == node.shape().size() + 1;
      for (int i = 0; matches && i < node.shape().size(); i++) {
        matches = shape.get(i + 1) == Shape.UNKNOWN_SIZE || shape.get(i + 1) == node.shape().get(i);
      }
      if (!matches) {
        throw new IllegalArgumentException("the generator of '" + name + "' in " + spec.modelName()
            + " returns shape " + shape + " (op '" + value.op().name() + "'), but node '" + name
            + "' declares shape " + node.shape() + "; return [n, "
            + String.join(", ", node.shape().stream().map(String::valueOf).toList()) + "]");
      }
      Operand<TFloat32> flat = EventAxes.flatten(tf, value, node.shape(), "the generator's output");
      values.put(name, flat);
      return value;
    }
    Shape shape = value.shape();
    if (shape.numDimensions() != 2 || (shape.get(1) != Shape.UNKNOWN_SIZE && shape.get(1) != node.width())) {
      throw new IllegalArgumentException("the generator of '" + name + "' in " + spec.modelName()
          + " returns shape " + shape + ", but node '" + name + "' declares shape " + node.width()
          + "; return [n, " + node.width() + "]");
    }
    Operand<TFloat32> fixed = tf.reshape(value, tf.constant(new long[] {-1, node.width()}));
    values.put(name, fixed);
    return fixed;
  }

  /**
   * Records a decoder's distribution of the generated node (the adversarial autoencoder's p(x | z)):
   * its mean is the generated value, as {@code sample} and reconstructions report it, and the
   * distribution scores the data in the reconstruction phase.
   */
  public Operand<TFloat32> generate(String name, Distribution p) {
    AdversarialSpec.Node node = requireRole(name, AdversarialSpec.Role.GENERATED);
    Distribution flat = EventAxes.flatten(tf, p, node.shape(), "p(" + name + " | z) in " + spec.modelName());
    likelihoods.put(name, flat);
    Operand<TFloat32> mean = flat.mean();
    values.put(name, mean);
    return EventAxes.unflatten(tf, mean, node.shape());
  }

  /** The decoders' distributions recorded by {@link #generate(String, Distribution)}, flat. */
  Map<String, Distribution> likelihoods() {
    return likelihoods;
  }

  Map<String, Operand<TFloat32>> values() {
    return values;
  }

  /** The prior each latent was drawn from, per row: {@code [n, width]}. */
  Map<String, Distribution> priors() {
    return priors;
  }

  private AdversarialSpec.Node requireRole(String name, AdversarialSpec.Role role) {
    AdversarialSpec.Node node = spec.require(name);
    if (node.role() != role) {
      throw new IllegalArgumentException("node '" + name + "' of " + spec.modelName() + " is "
          + node.role() + ", not " + role);
    }
    return node;
  }
}
