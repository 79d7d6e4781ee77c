package dev.helmholtz.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * What {@link TrainingLoop} feeds a training step besides its batch: the learning rate, the
 * gradient-norm clip, the scheduled hyperparameters and, on the resident data path, whether each
 * column is binarized in the graph. Scalars are remade only when their value changes. Built
 * before the first step: a schedule of a hyperparameter the model does not declare is refused
 * then.
 */
public final class StepFeeds implements AutoCloseable {
  private final ScalarTensor learningRate = new ScalarTensor();
  private final TFloat32 clipNorm;
  private final List<TBool> binarize = new ArrayList<>();
  private final List<String> names = new ArrayList<>();
  private final List<Operand<TFloat32>> inputs = new ArrayList<>();
  private final List<ScalarSchedule> schedules = new ArrayList<>();
  private final List<ScalarTensor> tensors = new ArrayList<>();
  private final Map<String, Double> values = new LinkedHashMap<>();

  /**
   * @param binarized for each column a step reads, whether the graph binarizes it (resident
   *     path, dynamically binarized data)
   */
  StepFeeds(String modelName, Map<String, Operand<TFloat32>> declared, Training training, boolean[] binarized) {
    checkSchedules(modelName, declared, training);
    for (Map.Entry<String, ScalarSchedule> e : training.schedules().entrySet()) {
      names.add(e.getKey());
      inputs.add(declared.get(e.getKey()));
      schedules.add(e.getValue());
      tensors.add(new ScalarTensor());
    }
    clipNorm = training.clipGradientNorm() > 0 ? TFloat32.scalarOf((float) training.clipGradientNorm()) : null;
    for (boolean b : binarized) {
      binarize.add(TBool.scalarOf(b));
    }
  }

  /**
   * Refuses a schedule of a hyperparameter the model does not declare.
   *
   * @throws IllegalArgumentException naming the schedule and the model's hyperparameters
   */
  static void checkSchedules(String modelName, Map<String, Operand<TFloat32>> declared, Training training) {
    for (String name : training.schedules().keySet()) {
      if (!declared.containsKey(name)) {
        throw new IllegalArgumentException("Training schedules the hyperparameter '" + name + "', but "
            + modelName + (declared.isEmpty() ? " declares none (Nn.hyperparameter)"
            : " declares only " + String.join(", ", declared.keySet())));
      }
    }
  }

  /**
   * Sets the values for the step about to run ({@code step} counted from 0).
   *
   * @throws IllegalArgumentException when a schedule's value is not finite
   */
  void update(double rate, long step, int epoch) {
    for (int i = 0; i < names.size(); i++) {
      double v = schedules.get(i).value(step, epoch);
      if (!Double.isFinite((float) v)) {
        throw new IllegalArgumentException("the schedule of hyperparameter " + names.get(i) + " ("
            + schedules.get(i) + ") gives " + v + " at step " + step + ": a value must be finite in float32");
      }
      tensors.get(i).of(v);
      values.put(names.get(i), v);
    }
    learningRate.of(rate);
  }

  /** The learning rate of this step. */
  public TFloat32 learningRate() {
    return learningRate.current();
  }

  /** The global norm to clip the gradients to, or {@code null} for no clipping. */
  public TFloat32 clipNorm() {
    return clipNorm;
  }

  /** Feeds the scheduled hyperparameters' values of this step. */
  public void feedHyperparameters(Session.Runner runner) {
    for (int i = 0; i < names.size(); i++) {
      runner.feed(inputs.get(i), tensors.get(i).current());
    }
  }

  /** Whether the graph binarizes column {@code i} of the step's columns (resident path). */
  public TBool binarize(int i) {
    return binarize.get(i);
  }

  /** The scheduled hyperparameters' values of this step, by name (for messages and TensorBoard). */
  Map<String, Double> hyperparameters() {
    return values;
  }

  @Override
  public void close() {
    learningRate.close();
    tensors.forEach(ScalarTensor::close);
    binarize.forEach(Tensor::close);
    if (clipNorm != null) {
      clipNorm.close();
    }
  }

  /** A float32 scalar fed each step, remade only when its value changes. */
  private static final class ScalarTensor implements AutoCloseable {
    private double value = Double.NaN;
    private TFloat32 tensor;

    void of(double v) {
      if (tensor == null || Double.compare(v, value) != 0) {
        close();
        tensor = TFloat32.scalarOf((float) v);
        value = v;
      }
    }

    TFloat32 current() {
      return tensor;
    }

    @Override
    public void close() {
      if (tensor != null) {
        tensor.close();
        tensor = null;
      }
    }
  }
}
