package dev.helmholtz.nn;

import java.util.Objects;
import java.util.function.Supplier;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** One layer being built: its kind, index, variable path and name scope; {@link #build} names it in any failure. */
final class LayerScope {
  final String network;
  final String kind;
  final int index;
  final String path;
  final Ops tf;

  LayerScope(String network, String kind, int index, String path, Ops tf) {
    this.network = network;
    this.kind = kind;
    this.index = index;
    this.path = path;
    this.tf = tf;
  }

  /** Runs {@code body}; any failure becomes a {@link LayerBuildException} naming this layer and its input shape. */
  Operand<TFloat32> build(Operand<TFloat32> input, Supplier<Operand<TFloat32>> body) {
    Objects.requireNonNull(input, "input of " + path);
    try {
      return body.get();
    } catch (LayerBuildException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new LayerBuildException(network, kind, index, "input shape " + input.shape() + ": " + e.getMessage(), e);
    }
  }
}
