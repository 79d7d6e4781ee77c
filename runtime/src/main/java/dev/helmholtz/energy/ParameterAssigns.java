package dev.helmholtz.energy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * A placeholder and an assign op per trainable variable, added to a built graph on first use (as
 * checkpoints' save and restore ops are): sets chosen variables to values from Java.
 */
final class ParameterAssigns {
  private record Slot(Shape shape, Placeholder<TFloat32> value, Op assign) {}

  private final Map<String, Slot> slots;

  private ParameterAssigns(Map<String, Slot> slots) {
    this.slots = slots;
  }

  static ParameterAssigns build(Graph graph, List<Variable<TFloat32>> variables) {
    Ops tf = Ops.create(graph).withSubScope("set_parameters");
    Map<String, Slot> slots = new LinkedHashMap<>();
    for (Variable<TFloat32> v : variables) {
      Shape shape = v.shape();
      Placeholder<TFloat32> value = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
      slots.put(v.op().name(), new Slot(shape, value, tf.assign(v, value)));
    }
    return new ParameterAssigns(slots);
  }

  void set(Session session, Map<String, float[]> values, String modelName) {
    for (Map.Entry<String, float[]> e : values.entrySet()) {
      Slot slot = slots.get(e.getKey());
      if (slot == null) {
        throw new IllegalArgumentException("no trainable variable '" + e.getKey() + "' in " + modelName
            + "; its variables are " + slots.keySet());
      }
      if (e.getValue().length != slot.shape().size()) {
        throw new IllegalArgumentException("'" + e.getKey() + "' of " + modelName + " has shape " + slot.shape()
            + " (" + slot.shape().size() + " values); got " + e.getValue().length);
      }
    }
    List<TFloat32> tensors = new ArrayList<>();
    try {
      Session.Runner runner = session.runner();
      for (Map.Entry<String, float[]> e : values.entrySet()) {
        Slot slot = slots.get(e.getKey());
        TFloat32 t = TFloat32.tensorOf(slot.shape(), DataBuffers.of(e.getValue(), true, false));
        tensors.add(t);
        runner.feed(slot.value(), t).addTarget(slot.assign());
      }
      if (!tensors.isEmpty()) {
        runner.run().close();
      }
    } finally {
      tensors.forEach(TFloat32::close);
    }
  }
}
