package dev.helmholtz.gp;

import dev.helmholtz.train.ThreadSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat64;

/**
 * The graph, session and parameters of one GP model: the objective and its gradient with respect
 * to every unconstrained parameter, runs that feed the parameters' current values, and the Adam
 * loop that maximizes the objective.
 */
final class GpGraph implements AutoCloseable {

  /** A data input and the tensor fed to it in one run (the caller closes the tensor). */
  record Feed(Operand<TFloat64> input, TFloat64 value) {}

  private final Graph graph = new Graph();
  private final Ops tf = Ops.create(graph);
  private final GpParameters parameters;
  private final ThreadSettings threads;
  private Operand<TFloat64> objective;
  private List<Output<?>> gradients;
  private Session session;

  GpGraph(List<Hyperparameter> hyperparameters, ThreadSettings threads) {
    this.parameters = new GpParameters(tf, hyperparameters);
    this.threads = threads;
  }

  Ops tf() {
    return tf;
  }

  GpParameters parameters() {
    return parameters;
  }

  /** Fixes the objective to maximize, adds its gradients and opens the session. */
  void finish(Operand<TFloat64> objective) {
    this.objective = objective;
    List<Output<TFloat64>> inputs = parameters.inputs();
    Output<?>[] grads = graph.addGradients(objective.asOutput(), inputs.toArray(new Output<?>[0]));
    this.gradients = List.of(grads);
    this.session = new Session(graph, threads.toConfig());
  }

  Operand<TFloat64> objective() {
    return objective;
  }

  /** Runs the fetches with the parameters' current values and the feeds; each fetch's values. */
  List<double[]> run(List<Feed> feeds, List<? extends Operand<?>> fetches) {
    if (session == null) {
      throw new IllegalStateException("the model's graph is not finished");
    }
    List<TFloat64> values = parameters.tensors();
    try {
      Session.Runner runner = session.runner();
      for (int i = 0; i < values.size(); i++) {
        runner.feed(parameters.placeholder(i), values.get(i));
      }
      for (Feed feed : feeds) {
        runner.feed(feed.input(), feed.value());
      }
      fetches.forEach(runner::fetch);
      try (Result result = runner.run()) {
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < fetches.size(); i++) {
          out.add(GpTensors.values((TFloat64) result.get(i)));
        }
        return out;
      }
    } finally {
      values.forEach(TFloat64::close);
    }
  }

  /** The objective's value with the feeds. */
  double objective(List<Feed> feeds) {
    return run(feeds, List.of(objective)).get(0)[0];
  }

  /** The gradient of the objective with respect to each parameter's unconstrained values. */
  List<double[]> gradient(List<Feed> feeds) {
    List<Operand<?>> fetches = new ArrayList<>();
    for (Output<?> g : gradients) {
      fetches.add(g);
    }
    return run(feeds, fetches);
  }

  /**
   * Maximizes the objective by Adam over the unconstrained parameters, each step's feeds from
   * {@code batches} (the caller closes their tensors after the step: the supplier may reuse them).
   *
   * @throws IllegalStateException if the objective or a gradient becomes non-finite (naming the step)
   */
  GpFit maximize(int steps, double learningRate, Supplier<List<Feed>> batches) {
    if (steps < 1 || !(learningRate > 0)) {
      throw new IllegalArgumentException("steps must be at least 1 and learningRate > 0, were " + steps
          + " and " + learningRate);
    }
    long started = System.nanoTime();
    List<Hyperparameter> list = parameters.list();
    GpAdam adam = new GpAdam(list.stream().mapToInt(Hyperparameter::size).toArray(), learningRate);
    List<Operand<?>> fetches = new ArrayList<>();
    fetches.add(objective);
    fetches.addAll(gradients);
    double[] trace = new double[steps];
    for (int step = 0; step < steps; step++) {
      List<Feed> feeds = batches.get();
      List<double[]> out;
      try {
        out = run(feeds, fetches);
      } finally {
        feeds.forEach(f -> f.value().close());
      }
      double value = out.get(0)[0];
      if (!Double.isFinite(value)) {
        throw new IllegalStateException("GP optimization diverged at step " + (step + 1)
            + ": the objective is " + value + "; lower the learning rate (" + learningRate + ")");
      }
      trace[step] = value;
      List<double[]> values = new ArrayList<>();
      for (Hyperparameter p : list) {
        values.add(parameters.unconstrained(p));
      }
      adam.ascend(values, out.subList(1, out.size()), step + 1);
    }
    return new GpFit(steps, trace, (System.nanoTime() - started) / 1e9);
  }

  @Override
  public void close() {
    if (session != null) {
      session.close();
    }
    graph.close();
  }
}
