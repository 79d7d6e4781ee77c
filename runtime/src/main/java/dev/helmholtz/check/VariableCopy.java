package dev.helmholtz.check;

import dev.helmholtz.core.CompiledModel;
import dev.helmholtz.graph.RandomSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Session;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * What a self-check's own graph needs of the model it checks: its variables set to the model's
 * (an assign per variable, built before the session), and the random streams set back to their
 * start before every evaluation, so that each draws the same noise.
 */
public final class VariableCopy {
  private final Map<String, Placeholder<TFloat32>> inputs = new LinkedHashMap<>();
  private final Map<String, Op> assigns = new LinkedHashMap<>();
  private final Op resetNoise;

  /** Builds the assigns of {@code variables} and the reset of {@code random}'s streams built so far. */
  public VariableCopy(Ops tf, List<Variable<TFloat32>> variables, RandomSource random) {
    for (Variable<TFloat32> v : variables) {
      Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(v.shape()));
      inputs.put(v.op().name(), in);
      assigns.put(v.op().name(), tf.assign(v, in));
    }
    List<Op> counters = random.runCounters().stream().<Op>map(c -> tf.assign(c, tf.constant(0L))).toList();
    resetNoise = tf.withControlDependencies(counters).noOp();
  }

  /**
   * Sets each variable to {@code model}'s of the same name. A variable the model lacks, or has in
   * another shape (a network of an objective put in place of the model's), keeps its fresh value.
   */
  public void from(Session session, CompiledModel model) {
    Set<String> known = new HashSet<>(model.parameterNames());
    known.addAll(model.stateNames());
    List<String> copied = assigns.keySet().stream().filter(known::contains).toList();
    // One run to read and one to write: a run per variable would plan the graph once per variable.
    Map<String, float[]> values = model.parameters(copied);
    List<TFloat32> tensors = new ArrayList<>();
    try {
      Session.Runner runner = session.runner();
      boolean any = false;
      for (String name : copied) {
        float[] value = values.get(name);
        Placeholder<TFloat32> in = inputs.get(name);
        if (value.length != in.shape().size()) {
          continue;
        }
        TFloat32 t = TFloat32.tensorOf(in.shape(), DataBuffers.of(value, true, false));
        tensors.add(t);
        runner.feed(in, t).addTarget(assigns.get(name));
        any = true;
      }
      if (any) {
        runner.run().close();
      }
    } finally {
      tensors.forEach(TFloat32::close);
    }
  }

  /** Sets the random streams back to their start: the next run draws what the last reset run drew. */
  public void resetNoise(Session session) {
    session.runner().addTarget(resetNoise).run().close();
  }
}
