package dev.helmholtz.energy;

import dev.helmholtz.nn.Nn;
import dev.helmholtz.nn.VariableStore;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * One evaluation of an energy-based model's energy, as the generated {@code defineEnergy}
 * describes it: the value of each node, {@code [n, width]}, and the layer helper of the energy
 * method. The runtime evaluates the energy many times (data, chains, zeros, tempered copies), each
 * time through a new pass; the variables are the same every time, shared by name.
 */
public final class EnergyPass {
  private final Ops tf;
  private final EnergySpec spec;
  private final VariableStore variables;
  private final Map<String, Operand<TFloat32>> values;

  EnergyPass(Ops tf, EnergySpec spec, VariableStore variables, Map<String, Operand<TFloat32>> values) {
    this.tf = tf;
    this.spec = spec;
    this.variables = variables;
    this.values = values;
  }

  /** The graph's ops. */
  public Ops tf() {
    return tf;
  }

  /** The layer helper of the network {@code name}, whose variables are {@code name/...}. */
  public Nn network(String name) {
    return new Nn(variables, name);
  }

  /** The value of node {@code name} in this evaluation, {@code [n, width]}. */
  public Operand<TFloat32> node(String name) {
    Operand<TFloat32> value = values.get(spec.require(name).name());
    if (value == null) {
      throw new IllegalStateException("no value of '" + name + "' in this evaluation of " + spec.modelName());
    }
    return value;
  }
}
