package dev.helmholtz.check;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Check 1 of a self-check: the autodiff gradient of a scalar objective with respect to trainable
 * variables against central finite differences ({@link FiniteDifferences}), with the noise held
 * fixed by the caller's feeds (the random streams reset, discrete draws fed). Per variable, one
 * random ±1 direction over all its entries (so a variable detached from the objective, whose
 * gradient is 0 while the objective moves, fails whatever its size), the entry of largest
 * autodiff gradient, and random entries. Built before the session is made (its gradient and assign
 * ops join the graph); run after the variables hold the values to check at.
 */
public final class VariableGradientCheck {
  private final String check;
  private final Operand<TFloat32> value;
  private final List<Variable<TFloat32>> variables = new ArrayList<>();
  private final List<Output<?>> gradients = new ArrayList<>();
  private final List<Placeholder<TFloat32>> inputs = new ArrayList<>();
  private final List<Op> assigns = new ArrayList<>();
  private final List<String> unreached = new ArrayList<>();

  /**
   * @param check the rows' check name
   * @param value the scalar objective
   * @param candidates the variables to check; those {@code value} does not depend on at all are
   *     reported as skipped
   */
  public VariableGradientCheck(Ops tf, String check, Operand<TFloat32> value, List<Variable<TFloat32>> candidates) {
    this.check = check;
    this.value = value;
    Set<String> reached = ancestors((GraphOperation) value.op());
    for (Variable<TFloat32> v : candidates) {
      if (reached.contains(v.op().name())) {
        variables.add(v);
      } else {
        unreached.add(v.op().name());
      }
    }
    if (variables.isEmpty()) {
      return;
    }
    List<Output<?>> dys = tf.withSubScope("self_check_gradient").gradients(value, variables).dy();
    for (int i = 0; i < variables.size(); i++) {
      Variable<TFloat32> v = variables.get(i);
      Output<?> dy = dys.get(i);
      // A variable reached only through ops without a gradient (a stopGradient) gets none: its
      // autodiff gradient is 0, which the finite differences then judge.
      gradients.add(dy == null || dy.isClosed() ? null : dy);
      Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(v.shape()));
      inputs.add(in);
      assigns.add(tf.assign(v, in));
    }
  }

  /**
   * Runs the comparison.
   *
   * @param feeds adds the data and the fixed draws to a runner
   * @param resetNoise run before every evaluation: sets the random streams back, so each evaluation
   *     draws the same noise
   */
  public List<SelfCheckReport.Row> run(Session session, UnaryOperator<Session.Runner> feeds, Runnable resetNoise,
      int entriesPerVariable, Random random) {
    List<SelfCheckReport.Row> rows = new ArrayList<>();
    if (!unreached.isEmpty()) {
      rows.add(SelfCheckReport.Row.skipped(check, String.join(", ", unreached),
          "not used by the objective checked"));
    }
    if (variables.isEmpty()) {
      return rows;
    }
    float[][] values = new float[variables.size()][];
    float[][] grads = new float[variables.size()][];
    double f;
    resetNoise.run();
    Session.Runner runner = feeds.apply(session.runner()).fetch(value);
    variables.forEach(runner::fetch);
    gradients.stream().filter(g -> g != null).forEach(runner::fetch);
    try (Result r = runner.run()) {
      f = ((TFloat32) r.get(0)).getFloat();
      int next = 1 + variables.size();
      for (int i = 0; i < variables.size(); i++) {
        values[i] = read((TFloat32) r.get(1 + i));
        grads[i] = gradients.get(i) == null ? new float[values[i].length] : read((TFloat32) r.get(next++));
      }
    }
    for (int i = 0; i < variables.size(); i++) {
      String name = variables.get(i).op().name();
      String flow = gradients.get(i) == null ? "; no gradient flows to it" : "";
      float[] theta = values[i];
      int n = theta.length;
      // A random +-1 direction: the derivative along it is the sum of the signed entries' gradients.
      float[] direction = new float[n];
      double along = 0;
      double terms = 0;
      for (int j = 0; j < n; j++) {
        direction[j] = random.nextBoolean() ? 1f : -1f;
        along += direction[j] * grads[i][j];
        terms += (double) grads[i][j] * grads[i][j];
      }
      double h = FiniteDifferences.step(f, along);
      int index = i;
      SelfCheckReport.Row directional = FiniteDifferences.compare(check, name + " (random direction)", along, Math.sqrt(terms), f,
          t -> evaluate(session, feeds, resetNoise, index, shifted(theta, direction, t)), h);
      rows.add(withFlow(directional, flow));
      List<Integer> entries = new ArrayList<>();
      int largest = 0;
      for (int j = 1; j < n; j++) {
        if (Math.abs(grads[i][j]) > Math.abs(grads[i][largest])) {
          largest = j;
        }
      }
      if (entriesPerVariable > 0) {
        entries.add(largest);
      }
      while (entries.size() < Math.min(entriesPerVariable, n)) {
        int j = random.nextInt(n);
        if (!entries.contains(j)) {
          entries.add(j);
        }
      }
      for (int j : entries) {
        float[] unit = new float[n];
        unit[j] = 1f;
        double step = FiniteDifferences.step(f, grads[i][j]);
        rows.add(withFlow(FiniteDifferences.compare(check, name + "[" + j + "]", grads[i][j], f,
            t -> evaluate(session, feeds, resetNoise, index, shifted(theta, unit, t)), step), flow));
      }
      set(session, i, theta);
    }
    return rows;
  }

  private static SelfCheckReport.Row withFlow(SelfCheckReport.Row row, String flow) {
    return flow.isEmpty() ? row
        : new SelfCheckReport.Row(row.check(), row.subject(), row.figure(), row.tolerance(), row.status(),
            row.detail() + flow);
  }

  private static float[] shifted(float[] theta, float[] direction, double t) {
    float[] out = theta.clone();
    for (int j = 0; j < out.length; j++) {
      if (direction[j] != 0) {
        out[j] = (float) (theta[j] + t * direction[j]);
      }
    }
    return out;
  }

  private double evaluate(Session session, UnaryOperator<Session.Runner> feeds, Runnable resetNoise, int i,
      float[] theta) {
    set(session, i, theta);
    resetNoise.run();
    try (Result r = feeds.apply(session.runner()).fetch(value).run()) {
      return ((TFloat32) r.get(0)).getFloat();
    }
  }

  private void set(Session session, int i, float[] theta) {
    Shape shape = variables.get(i).shape();
    try (TFloat32 t = TFloat32.tensorOf(shape, DataBuffers.of(theta, true, false))) {
      session.runner().feed(inputs.get(i), t).addTarget(assigns.get(i)).run().close();
    }
  }

  private static float[] read(TFloat32 t) {
    float[] out = new float[(int) t.shape().size()];
    t.asRawTensor().data().asFloats().read(out);
    return out;
  }

  /** The ops {@code root} depends on through data inputs. */
  private static Set<String> ancestors(GraphOperation root) {
    Set<String> reached = new HashSet<>();
    Deque<GraphOperation> todo = new ArrayDeque<>();
    reached.add(root.name());
    todo.push(root);
    while (!todo.isEmpty()) {
      GraphOperation op = todo.pop();
      for (int i = 0, n = op.numInputs(); i < n; i++) {
        GraphOperation in = (GraphOperation) op.input(i).op();
        if (reached.add(in.name())) {
          todo.push(in);
        }
      }
    }
    return reached;
  }
}
