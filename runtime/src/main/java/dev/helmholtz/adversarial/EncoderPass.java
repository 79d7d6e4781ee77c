package dev.helmholtz.adversarial;

import dev.helmholtz.core.EventAxes;
import dev.helmholtz.dist.Distribution;
import dev.helmholtz.dist.Reparameterization;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.nn.Mode;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.nn.VariableStore;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * One call of an encoder game's encoder (ALI/BiGAN, the adversarial autoencoder), as the generated
 * {@code defineEncoding} describes it: the generated node's data in, the encoded latent out,
 * either deterministic (BiGAN: {@code z = E(x)}) or drawn from a reparameterized q(z | x) (ALI,
 * the adversarial autoencoder's Gaussian posterior), so the discriminator's gradient reaches the
 * encoder through the draw. A pass that does not draw uses q's mean: {@code encode(data)}'s features.
 */
public final class EncoderPass {
  private final Ops tf;
  private final AdversarialSpec spec;
  private final VariableStore variables;
  private final RandomSource random;
  private final Map<String, Operand<TFloat32>> inputs;
  private final boolean draws;
  private Mode networkMode = Mode.EVALUATION;
  private final Map<String, Operand<TFloat32>> values = new LinkedHashMap<>();

  EncoderPass(Ops tf, AdversarialSpec spec, VariableStore variables, RandomSource random,
      Map<String, Operand<TFloat32>> inputs, boolean draws) {
    this.tf = tf;
    this.spec = spec;
    this.variables = variables;
    this.random = random;
    this.inputs = inputs;
    this.draws = draws;
  }

  /** Builds this pass's networks in {@link Mode#TRAINING}: a pass a training step minimizes. */
  EncoderPass training() {
    networkMode = Mode.TRAINING;
    return this;
  }

  public Ops tf() {
    return tf;
  }

  /** A fresh layer helper for network {@code name}: each call reuses the same variables. */
  public Nn network(String name) {
    return new Nn(variables, name, networkMode);
  }

  /** The value of observed node {@code name}, {@code [n, event...]}. */
  public Operand<TFloat32> node(String name) {
    AdversarialSpec.Node node = spec.require(name);
    Operand<TFloat32> value = inputs.get(name);
    if (value == null) {
      throw new IllegalArgumentException("node '" + name + "' of " + spec.modelName()
          + " is not observed; an encoder sees the generated node's data");
    }
    return EventAxes.unflatten(tf, value, node.shape());
  }

  /** Records a deterministic encoder's value of latent {@code name}, {@code [n, event...]} (BiGAN). */
  public Operand<TFloat32> encode(String name, Operand<TFloat32> value) {
    AdversarialSpec.Node node = requireEncoded(name);
    values.put(name, EventAxes.flatten(tf, value, node.shape(), "the encoder's output for '" + name + "'"));
    return value;
  }

  /**
   * Records q({@code name} | x): a drawing pass draws from it by reparameterization, any other
   * pass takes its mean.
   *
   * @throws IllegalArgumentException for a family that does not reparameterize: no gradient would
   *     reach the encoder through its draws
   */
  public Operand<TFloat32> encode(String name, Distribution q) {
    AdversarialSpec.Node node = requireEncoded(name);
    Distribution flat = EventAxes.flatten(tf, q, node.shape(), "q(" + name + " | x) in " + spec.modelName());
    if (flat.reparameterization() != Reparameterization.REPARAMETERIZED) {
      throw new IllegalArgumentException("the encoder of '" + name + "' in " + spec.modelName() + " returns "
          + q.getClass().getSimpleName() + ", which does not reparameterize: the game's gradient would not reach"
          + " the encoder");
    }
    Operand<TFloat32> value = draws ? flat.rsample(random) : flat.mean();
    values.put(name, value);
    return EventAxes.unflatten(tf, value, node.shape());
  }

  /** Each encoded latent's value, flat, {@code [n, width]}. */
  Map<String, Operand<TFloat32>> values() {
    return values;
  }

  private AdversarialSpec.Node requireEncoded(String name) {
    if (!name.equals(spec.encodedLatent())) {
      throw new IllegalArgumentException("'" + name + "' is not the encoded latent of " + spec.modelName()
          + (spec.encodedLatent() == null ? ", which has no encoder game" : "; it is '" + spec.encodedLatent() + "'"));
    }
    return spec.require(name);
  }
}
