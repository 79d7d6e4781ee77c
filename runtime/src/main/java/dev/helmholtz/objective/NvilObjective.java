package dev.helmholtz.objective;

import dev.helmholtz.nn.Nn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * NVIL (Mnih and Gregor 2014): the ELBO with a score-function estimator whose learning signal is
 * centred by a baseline network on the observed nodes and scaled by moving averages. That state
 * (the averages, the baseline) is the whole batch's, so it trains in one piece; validated as the
 * ELBO.
 */
public final class NvilObjective extends FixedPropertiesObjective {
  NvilObjective(int samples) {
    super("NVIL", samples, true, false, false);
  }

  @Override
  public TrainingTarget target(ObjectiveInputs in) {
    Ops tf = in.tf();
    Operand<TInt32> sampleAxis = tf.constant(0);
    NeuralVariationalInference nvil = NeuralVariationalInference.build(tf, new Nn(in.variables(), "nvil_baseline"),
        tf.squeeze(in.pass().logWeights(), Squeeze.axis(List.of(0L))),
        tf.squeeze(in.pass().scoreFunctionLogQ(), Squeeze.axis(List.of(0L))),
        baselineInput(tf, in.data()), NeuralVariationalInference.DEFAULT_DECAY);
    Operand<TFloat32> loss = tf.math.add(tf.math.neg(tf.math.mean(nvil.surrogate(), sampleAxis)), nvil.baselineLoss());
    Map<String, Operand<TFloat32>> terms = new LinkedHashMap<>();
    terms.put("nvil/baseline_loss", nvil.baselineLoss());
    terms.put("nvil/signal_scale", nvil.signalScale());
    return new TrainingTarget(nvil.surrogate(), nvil.surrogate(), loss, nvil::updates, nvil.initializers(), terms);
  }

  /** What the baseline network sees: the observed nodes side by side, [B, sum of widths]. */
  private static Operand<TFloat32> baselineInput(Ops tf, Map<String, Operand<TFloat32>> data) {
    List<Operand<TFloat32>> columns = new ArrayList<>(data.values());
    return columns.size() == 1 ? columns.get(0) : tf.concat(columns, tf.constant(-1));
  }
}
