package dev.helmholtz.adversarial;

import dev.helmholtz.core.BatchAxes;
import dev.helmholtz.core.EventAxes;
import dev.helmholtz.dist.Distribution;
import dev.helmholtz.dist.Reparameterization;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.nn.Mode;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.nn.VariableStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * One call of one player's network in a {@link GameModel}, as generated code describes it: the
 * observed nodes' values this call sees (real data, another generator's output, or labels), noise
 * latents drawn from their priors for {@code n} rows, and the layer helper of the network.
 */
public final class GamePass {
  private final Ops tf;
  private final GameSpec spec;
  private final VariableStore variables;
  private final RandomSource random;
  private final Mode mode;
  private final Operand<TInt32> n;
  private final Map<String, Operand<TFloat32>> inputs;
  private final Map<String, Operand<TFloat32>> draws = new LinkedHashMap<>();

  GamePass(Ops tf, GameSpec spec, VariableStore variables, RandomSource random, Mode mode, Operand<TInt32> n,
      Map<String, Operand<TFloat32>> inputs) {
    this.tf = tf;
    this.spec = spec;
    this.variables = variables;
    this.random = random;
    this.mode = mode;
    this.n = n;
    this.inputs = inputs;
  }

  public Ops tf() {
    return tf;
  }

  /** A layer helper for network {@code name}: every call reuses the same variables. */
  public Nn network(String name) {
    return new Nn(variables, name, mode);
  }

  /** The value of observed node {@code name} in this call, {@code [n, event...]}. */
  public Operand<TFloat32> node(String name) {
    GameSpec.Node node = spec.require(name);
    Operand<TFloat32> value = inputs.get(name);
    if (value == null) {
      throw new IllegalArgumentException("node '" + name + "' of " + spec.modelName()
          + " has no value in this call; it sees " + inputs.keySet());
    }
    return EventAxes.unflatten(tf, value, node.shape());
  }

  /** {@code [n, event...]} for a latent: the shape of its standard prior's draw. */
  public Operand<TInt64> shape(String latent) {
    List<Operand<TInt32>> dims = new ArrayList<>(List.of(n));
    spec.require(latent).shape().forEach(size -> dims.add(tf.constant(size)));
    return tf.dtypes.cast(tf.stack(dims), TInt64.class);
  }

  /** Draws latent {@code name} from its prior {@code p}, one draw per row: {@code [n, event...]}. */
  public Operand<TFloat32> draw(String name, Distribution p) {
    GameSpec.Node node = spec.require(name);
    if (node.observed()) {
      throw new IllegalArgumentException("node '" + name + "' of " + spec.modelName() + " is observed, not drawn");
    }
    p = EventAxes.flatten(tf, p, node.shape(), "p(" + name + ") in " + spec.modelName());
    Distribution perRow = BatchAxes.broadcast(tf, p, tf.stack(List.of(n, tf.constant(node.width()))), 2);
    Operand<TFloat32> value = perRow.reparameterization() == Reparameterization.REPARAMETERIZED
        ? perRow.rsample(random) : perRow.sample(random);
    draws.put(name, value);
    return EventAxes.unflatten(tf, value, node.shape());
  }

  /** The latents drawn in this call, flat {@code [n, width]}. */
  Map<String, Operand<TFloat32>> draws() {
    return draws;
  }
}
