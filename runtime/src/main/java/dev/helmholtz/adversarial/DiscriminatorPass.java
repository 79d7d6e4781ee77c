package dev.helmholtz.adversarial;

import dev.helmholtz.nn.Nn;
import dev.helmholtz.nn.VariableStore;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * One call of the discriminator, as the generated {@code defineDiscriminator} describes it: the
 * generated node's value (real, generated or interpolated) and the label nodes'.
 */
public final class DiscriminatorPass {
  private final Ops tf;
  private final AdversarialSpec spec;
  private final VariableStore variables;
  private dev.helmholtz.nn.Mode networkMode = dev.helmholtz.nn.Mode.EVALUATION;
  private final Map<String, Operand<TFloat32>> inputs;

  DiscriminatorPass(Ops tf, AdversarialSpec spec, VariableStore variables, Map<String, Operand<TFloat32>> inputs) {
    this.tf = tf;
    this.spec = spec;
    this.variables = variables;
    this.inputs = inputs;
  }

  /** Builds this pass's networks in {@link dev.helmholtz.nn.Mode#TRAINING}: a pass a training step minimizes. */
  DiscriminatorPass training() {
    networkMode = dev.helmholtz.nn.Mode.TRAINING;
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
          + " is not observed; a discriminator sees observed nodes only");
    }
    return dev.helmholtz.core.EventAxes.unflatten(tf, value, node.shape());
  }
}
