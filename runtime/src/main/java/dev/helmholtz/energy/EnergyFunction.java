package dev.helmholtz.energy;

import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * An energy over a model's nodes: given each node's value by name, {@code [n, width]}, the energy
 * of each of the n configurations, {@code [n]}. Each call adds ops to the graph; the variables it
 * reads are shared between calls by name.
 */
@FunctionalInterface
public interface EnergyFunction {
  /** The energy of each row of {@code values}, {@code [n]}. */
  Operand<TFloat32> energy(Map<String, Operand<TFloat32>> values);
}
