package dev.helmholtz.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

class AdamTest {

  /** A variable initialized to {@code init}, recording its initializer in {@code inits}. */
  private static Variable<TFloat32> variable(
      Ops tf, String name, List<Op> inits, long[] shape, float[] init) {
    Variable<TFloat32> v = tf.withName(name).variable(Shape.of(shape), TFloat32.class);
    inits.add(tf.assign(v, tf.constant(Shape.of(shape), DataBuffers.of(init))));
    return v;
  }

  private static Placeholder<TFloat32> learningRate(Ops tf) {
    return tf.withName("lr").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
  }

  private static void runAll(Session s, List<Op> ops) {
    Session.Runner r = s.runner();
    ops.forEach(r::addTarget);
    r.run().close();
  }

  private static void step(Session s, Adam adam, Placeholder<TFloat32> lr, float rate) {
    try (TFloat32 lrT = TFloat32.scalarOf(rate)) {
      s.runner().feed(lr, lrT).addTarget(adam.step()).run().close();
    }
  }

  private static float[] read(Session s, Operand<?> v) {
    try (Result r = s.runner().fetch(v).run()) {
      TFloat32 t = (TFloat32) r.get(0);
      float[] out = new float[(int) t.shape().size()];
      t.asRawTensor().data().asFloats().read(out);
      return out;
    }
  }

  /** sum(c * (w - target)^2), a convex quadratic with minimum at target. */
  private static Operand<TFloat32> quadratic(
      Ops tf, Variable<TFloat32> w, float[] c, float[] target) {
    Operand<TFloat32> d = tf.math.sub(tf.identity(w), tf.constant(target));
    return tf.sum(tf.math.mul(tf.constant(c), tf.math.square(d)), tf.constant(0));
  }

  @Test
  void convergesOnConvexQuadratic() {
    float[] target = {1f, -2f, 3f, 0.25f};
    float[] curvature = {1f, 10f, 0.1f, 3f};
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      List<Op> inits = new ArrayList<>();
      Variable<TFloat32> w = variable(tf, "w", inits, new long[] {4}, new float[4]);
      Operand<TFloat32> loss = quadratic(tf, w, curvature, target);
      Placeholder<TFloat32> lr = learningRate(tf);
      Adam adam = Adam.create(tf, "Adam", loss, List.of(w), lr);
      inits.addAll(adam.initializers());
      try (Session s = new Session(g, ThreadSettings.defaults().toConfig())) {
        runAll(s, inits);
        float initialLoss = read(s, loss)[0];
        for (int i = 0; i < 1500; i++) {
          step(s, adam, lr, i < 1000 ? 0.05f : 0.005f);
        }
        float[] got = read(s, w);
        for (int i = 0; i < target.length; i++) {
          assertEquals(target[i], got[i], 1e-2, "w[" + i + "]");
        }
        assertTrue(read(s, loss)[0] < 1e-4 * initialLoss, "loss fell by 4 orders of magnitude");
      }
    }
  }

  /**
   * An update built for a second copy of the loss shares the first's slots and beta powers:
   * alternating the two optimizers' steps is step for step what one optimizer's steps do (the
   * update of the first copy and of the second are indistinguishable), and the second adds no
   * state of its own.
   */
  @Test
  void anUpdateForAnotherLossSharesTheState() {
    float[] target = {1f, -2f, 3f, 0.25f};
    float[] curvature = {1f, 10f, 0.1f, 3f};
    float[][] results = new float[2][];
    for (int run = 0; run < 2; run++) {
      try (Graph g = new Graph()) {
        Ops tf = Ops.create(g);
        List<Op> inits = new ArrayList<>();
        Variable<TFloat32> w = variable(tf, "w", inits, new long[] {4}, new float[] {0.5f, -1f, 2f, 0f});
        Placeholder<TFloat32> lr = learningRate(tf);
        Adam adam = Adam.create(tf, "Adam", quadratic(tf, w, curvature, target), List.of(w), lr);
        Adam copy = adam.forLoss("copy", quadratic(tf, w, curvature, target));
        assertTrue(copy.initializers().isEmpty());
        assertEquals(adam.stateVariables(), copy.stateVariables());
        inits.addAll(adam.initializers());
        try (Session s = new Session(g, ThreadSettings.defaults().toConfig())) {
          runAll(s, inits);
          for (int i = 0; i < 6; i++) {
            step(s, run == 1 && i % 2 == 1 ? copy : adam, lr, 0.1f);
          }
          results[run] = read(s, w);
          // Six steps advanced the shared beta powers six times: 0.9^7 with the initial 0.9.
          assertEquals(Math.pow(0.9, 7), read(s, adam.stateVariables().get(2))[0], 1e-6);
        }
      }
    }
    assertArrayEquals(results[0], results[1]);
  }

  /** Two steps against the update written out by hand in double precision. */
  @Test
  void stepsMatchHandComputedAdamUpdate() {
    checkAgainstHandComputation(0.9, 0.999, 1e-8, true);
    checkAgainstHandComputation(0.5, 0.75, 1e-3, false);
  }

  private static void checkAgainstHandComputation(
      double beta1, double beta2, double eps, boolean useDefaults) {
    float[] w0 = {0.5f, -1.0f, 2.0f, 0f};
    float[] c = {1f, 3f, 0.5f, 2f};
    float[] target = {0f, 0f, 1f, -0.3f};
    float[] rates = {0.01f, 0.02f};
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      List<Op> inits = new ArrayList<>();
      Variable<TFloat32> w = variable(tf, "w", inits, new long[] {4}, w0);
      Operand<TFloat32> loss = quadratic(tf, w, c, target);
      Placeholder<TFloat32> lr = learningRate(tf);
      Adam adam =
          useDefaults
              ? Adam.create(tf, "Adam", loss, List.of(w), lr)
              : Adam.create(
                  tf, "Adam", loss, List.of(w), lr, (float) beta1, (float) beta2, (float) eps);
      inits.addAll(adam.initializers());
      try (Session s = new Session(g, ThreadSettings.defaults().toConfig())) {
        runAll(s, inits);
        double[] x = new double[4];
        double[] m = new double[4];
        double[] v = new double[4];
        for (int i = 0; i < 4; i++) {
          x[i] = w0[i];
        }
        double b1 = (float) beta1;
        double b2 = (float) beta2;
        for (int t = 1; t <= 2; t++) {
          step(s, adam, lr, rates[t - 1]);
          double lrT = rates[t - 1] * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
          for (int i = 0; i < 4; i++) {
            double grad = 2 * c[i] * (x[i] - target[i]);
            m[i] = b1 * m[i] + (1 - b1) * grad;
            v[i] = b2 * v[i] + (1 - b2) * grad * grad;
            x[i] -= lrT * m[i] / (Math.sqrt(v[i]) + (float) eps);
          }
          float[] got = read(s, w);
          float[] gotM = read(s, adam.stateVariables().get(0));
          float[] gotV = read(s, adam.stateVariables().get(1));
          for (int i = 0; i < 4; i++) {
            assertEquals(x[i], got[i], 1e-6, "w[" + i + "] after step " + t);
            assertEquals(m[i], gotM[i], 1e-6, "m[" + i + "] after step " + t);
            assertEquals(v[i], gotV[i], 1e-6, "v[" + i + "] after step " + t);
          }
          assertEquals(Math.pow(b1, t + 1), read(s, adam.stateVariables().get(2))[0], 1e-6);
          assertEquals(Math.pow(b2, t + 1), read(s, adam.stateVariables().get(3))[0], 1e-6);
        }
      }
    }
  }

  /**
   * Two variables whose gradients have global norm 5 * sqrt(10) (about 15.8): clipped to 1, the
   * first Adam step is the same (Adam normalizes it away), so the check is on the slots: m after
   * one step is (1 - beta1) * g * scale, with scale = maxNorm / globalNorm.
   */
  @Test
  void clippedStepScalesGradientsToTheGlobalNorm() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      List<Op> inits = new ArrayList<>();
      Variable<TFloat32> a = variable(tf, "a", inits, new long[] {2}, new float[] {3f, 4f});
      Variable<TFloat32> b = variable(tf, "b", inits, new long[] {1}, new float[] {-12f});
      // loss = 0.5 * |a|^2 + 0.5 * |b|^2 * 2.5: gradients a = (3, 4), b = (-30)
      Operand<TFloat32> loss = tf.math.add(
          tf.math.mul(tf.constant(0.5f), tf.sum(tf.math.square(tf.identity(a)), tf.constant(0))),
          tf.math.mul(tf.constant(1.25f), tf.sum(tf.math.square(tf.identity(b)), tf.constant(0))));
      Placeholder<TFloat32> lr = learningRate(tf);
      Placeholder<TFloat32> maxNorm =
          tf.withName("max_norm").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      Adam adam = Adam.create(tf, "Adam", loss, List.of(a, b), lr, Adam.DEFAULT_BETA1,
          Adam.DEFAULT_BETA2, Adam.DEFAULT_EPSILON, maxNorm);
      inits.addAll(adam.initializers());
      assertEquals("Adam/clipped_step", adam.clippedStep().op().name());
      try (Session s = new Session(g, ThreadSettings.defaults().toConfig())) {
        runAll(s, inits);
        assertArrayEquals(new float[] {25f, 900f}, read(s, adam.gradientSquaredNorms()), 1e-3f);
        double globalNorm = Math.sqrt(925);
        try (TFloat32 rate = TFloat32.scalarOf(0.01f); TFloat32 bound = TFloat32.scalarOf(1f)) {
          s.runner().feed(lr, rate).feed(maxNorm, bound).addTarget(adam.clippedStep()).run().close();
        }
        double scale = 1 / globalNorm;
        float[] mA = read(s, adam.stateVariables().get(0));
        float[] mB = read(s, adam.stateVariables().get(2));
        assertEquals(0.1 * 3 * scale, mA[0], 1e-6);
        assertEquals(0.1 * 4 * scale, mA[1], 1e-6);
        assertEquals(0.1 * -30 * scale, mB[0], 1e-6);
        // A bound above the norm changes nothing: the next m is beta1 * m + (1 - beta1) * g.
        float[] aNow = read(s, a);
        try (TFloat32 rate = TFloat32.scalarOf(0.01f); TFloat32 bound = TFloat32.scalarOf(1e6f)) {
          s.runner().feed(lr, rate).feed(maxNorm, bound).addTarget(adam.clippedStep()).run().close();
        }
        assertEquals(0.9 * mA[0] + 0.1 * aNow[0], read(s, adam.stateVariables().get(0))[0], 1e-6);
      }
    }
  }

  @Test
  void clippedStepNeedsAMaxNormAndNonFiniteGradientsShowInTheNorms() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      List<Op> inits = new ArrayList<>();
      Variable<TFloat32> w = variable(tf, "w", inits, new long[] {2}, new float[] {0f, 1f});
      // d/dw sqrt(w) is infinite at w = 0
      Operand<TFloat32> loss = tf.sum(tf.math.sqrt(tf.identity(w)), tf.constant(0));
      Adam adam = Adam.create(tf, "Adam", loss, List.of(w), learningRate(tf));
      IllegalStateException e = assertThrows(IllegalStateException.class, adam::clippedStep);
      assertTrue(e.getMessage().contains("maxGradientNorm"), e.getMessage());
      inits.addAll(adam.initializers());
      try (Session s = new Session(g, ThreadSettings.defaults().toConfig())) {
        runAll(s, inits);
        assertTrue(Float.isInfinite(read(s, adam.gradientSquaredNorms())[0]));
      }
    }
  }

  @Test
  void learningRateIsFedEachStep() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      List<Op> inits = new ArrayList<>();
      float[] w0 = {1f, 2f};
      Variable<TFloat32> w = variable(tf, "w", inits, new long[] {2}, w0);
      Operand<TFloat32> loss = quadratic(tf, w, new float[] {1f, 1f}, new float[] {0f, 0f});
      Placeholder<TFloat32> lr = learningRate(tf);
      Adam adam = Adam.create(tf, "Adam", loss, List.of(w), lr);
      inits.addAll(adam.initializers());
      try (Session s = new Session(g, ThreadSettings.defaults().toConfig())) {
        runAll(s, inits);
        step(s, adam, lr, 0f);
        assertArrayEquals(w0, read(s, w), "learning rate 0: no change");
        step(s, adam, lr, 0.1f);
        float[] moved = read(s, w);
        assertTrue(moved[0] < w0[0] && moved[1] < w0[1], "learning rate 0.1 moves downhill");
      }
    }
  }

  @Test
  void onlyListedVariablesChange() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      List<Op> inits = new ArrayList<>();
      Variable<TFloat32> w = variable(tf, "w", inits, new long[] {3}, new float[] {1f, 2f, 3f});
      float[] u0 = {0.7f, -0.2f, 5f};
      Variable<TFloat32> u = variable(tf, "u", inits, new long[] {3}, u0);
      // the loss depends on both; only w is optimized
      Operand<TFloat32> loss =
          tf.sum(tf.math.square(tf.math.mul(tf.identity(w), tf.identity(u))), tf.constant(0));
      Placeholder<TFloat32> lr = learningRate(tf);
      Adam adam = Adam.create(tf, "Adam", loss, List.of(w), lr);
      inits.addAll(adam.initializers());
      assertEquals(4, adam.stateVariables().size(), "m, v for w; two beta powers");
      try (Session s = new Session(g, ThreadSettings.defaults().toConfig())) {
        runAll(s, inits);
        float[] w0 = read(s, w);
        for (int i = 0; i < 10; i++) {
          step(s, adam, lr, 0.1f);
        }
        assertArrayEquals(u0, read(s, u), "u is not in the list: bit-for-bit unchanged");
        float[] w1 = read(s, w);
        for (int i = 0; i < 3; i++) {
          assertTrue(Math.abs(w1[i]) < Math.abs(w0[i]), "w[" + i + "] moved toward 0");
        }
      }
    }
  }

  @Test
  void unreachableVariableIsReportedByName() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      List<Op> inits = new ArrayList<>();
      Variable<TFloat32> w = variable(tf, "w", inits, new long[] {2}, new float[2]);
      Variable<TFloat32> unused =
          variable(tf.withSubScope("decoder"), "bias", inits, new long[] {2}, new float[2]);
      Operand<TFloat32> loss = quadratic(tf, w, new float[] {1f, 1f}, new float[] {1f, 1f});
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> Adam.create(tf, "Adam", loss, List.of(w, unused), learningRate(tf)));
      assertTrue(e.getMessage().contains("'decoder/bias'"), e.getMessage());
      assertTrue(e.getMessage().contains("not reachable from the loss"), e.getMessage());
      assertTrue(!e.getMessage().contains("'w'"), "only the unreachable one: " + e.getMessage());
    }
  }

  @Test
  void variableBehindStopGradientIsReportedByName() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      List<Op> inits = new ArrayList<>();
      Variable<TFloat32> w = variable(tf, "w", inits, new long[] {2}, new float[2]);
      Variable<TFloat32> frozen = variable(tf, "frozen", inits, new long[] {2}, new float[2]);
      Operand<TFloat32> loss =
          tf.math.add(
              quadratic(tf, w, new float[] {1f, 1f}, new float[] {1f, 1f}),
              tf.sum(tf.stopGradient(tf.identity(frozen)), tf.constant(0)));
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> Adam.create(tf, "Adam", loss, List.of(w, frozen), learningRate(tf)));
      assertTrue(e.getMessage().contains("'frozen'"), e.getMessage());
    }
  }

  @Test
  void rejectsBadArguments() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      List<Op> inits = new ArrayList<>();
      Variable<TFloat32> w = variable(tf, "w", inits, new long[] {2}, new float[2]);
      Operand<TFloat32> loss = quadratic(tf, w, new float[] {1f, 1f}, new float[] {1f, 1f});
      Placeholder<TFloat32> lr = learningRate(tf);
      assertMessage("beta1", () -> Adam.create(tf, "A", loss, List.of(w), lr, 1f, 0.999f, 1e-8f));
      assertMessage("beta2", () -> Adam.create(tf, "A", loss, List.of(w), lr, 0.9f, -1f, 1e-8f));
      assertMessage("epsilon", () -> Adam.create(tf, "A", loss, List.of(w), lr, 0.9f, 0.9f, 0f));
      assertMessage("empty", () -> Adam.create(tf, "A", loss, List.of(), lr));
      assertMessage("more than once", () -> Adam.create(tf, "A", loss, List.of(w, w), lr));
      assertMessage("name", () -> Adam.create(tf, "a/b", loss, List.of(w), lr));
      Operand<TFloat32> vectorLoss = tf.math.square(tf.identity(w));
      assertMessage("scalar", () -> Adam.create(tf, "A", vectorLoss, List.of(w), lr));
      try (Graph other = new Graph()) {
        Ops tf2 = Ops.create(other);
        assertMessage(
            "not in the graph",
            () -> Adam.create(tf2, "A", loss, List.of(w), tf2.constant(0.1f)));
      }
    }
  }

  private static void assertMessage(String fragment, Runnable r) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  @Test
  void stateVariablesHaveStableNamesAndOrder() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      List<Op> inits = new ArrayList<>();
      Ops enc = tf.withSubScope("enc");
      Variable<TFloat32> k = variable(enc, "kernel", inits, new long[] {2}, new float[2]);
      Variable<TFloat32> b = variable(enc, "bias", inits, new long[] {2}, new float[2]);
      Operand<TFloat32> loss =
          tf.sum(tf.math.square(tf.math.add(tf.identity(k), tf.identity(b))), tf.constant(0));
      Adam adam = Adam.create(tf, "Adam", loss, List.of(k, b), learningRate(tf));
      List<String> names = new ArrayList<>();
      adam.stateVariables().forEach(v -> names.add(v.op().name()));
      assertEquals(
          List.of(
              "Adam/enc/kernel/m",
              "Adam/enc/kernel/v",
              "Adam/enc/bias/m",
              "Adam/enc/bias/v",
              "Adam/beta1_power",
              "Adam/beta2_power"),
          names);
      assertEquals(6, adam.initializers().size());
      assertEquals("Adam/step", adam.step().op().name());
      Adam second = Adam.create(tf, "Adam", loss, List.of(k), learningRate(tf));
      assertEquals("Adam_1/enc/kernel/m", second.stateVariables().get(0).op().name());
    }
  }

  /**
   * Each variable is updated as soon as its gradient is ready and no backward op still reads it,
   * and that ordering is race-free: 30 steps give the same bits as the clipped step (whose updates
   * all wait for every gradient) with a bound no gradient reaches, in threads 1/2 and 2/2, on
   * layers large enough for the backward products to overlap the updates.
   */
  @Test
  void earlyUpdatesGiveTheBitsOfUpdatesAfterEveryGradient() {
    for (ThreadSettings threads : List.of(ThreadSettings.of(1, 2), ThreadSettings.of(2, 2))) {
      List<float[]> early = trainMlp(threads, 256, 192, 64, 30, false);
      List<float[]> barrier = trainMlp(threads, 256, 192, 64, 30, true);
      for (int i = 0; i < early.size(); i++) {
        assertArrayEquals(barrier.get(i), early.get(i), 0f, "tensor " + i + " with " + threads);
      }
    }
  }

  /**
   * The last layer's update waits for the backward product that reads its kernel (dy W^T, the
   * gradient of the layer's input) but not for the first layer's gradient.
   */
  @Test
  void anUpdateWaitsForTheBackwardReadersOfItsVariableOnly() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      List<Op> inits = new ArrayList<>();
      Variable<TFloat32> w0 = variable(tf, "w0", inits, new long[] {3, 4}, new float[12]);
      Variable<TFloat32> w1 = variable(tf, "w1", inits, new long[] {4, 2}, new float[8]);
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 3)));
      Operand<TFloat32> h = tf.math.tanh(tf.linalg.matMul(x, tf.identity(w0)));
      Operand<TFloat32> loss = tf.sum(tf.math.square(tf.linalg.matMul(h, tf.identity(w1))), tf.constant(new int[] {0, 1}));
      Adam adam = Adam.create(tf, "Adam", loss, List.of(w0, w1), learningRate(tf));
      GraphOperation applyW1 = null;
      for (GraphOperation c : ((GraphOperation) w1.op()).consumers()) {
        if (c.type().equals("ApplyAdam")) {
          applyW1 = c;
        }
      }
      Set<String> before = new HashSet<>();
      Deque<GraphOperation> todo = new ArrayDeque<>(List.of(applyW1));
      while (!todo.isEmpty()) {
        GraphOperation op = todo.pop();
        List<GraphOperation> ins = new ArrayList<>(op.controlInputs());
        for (int i = 0; i < op.numInputs(); i++) {
          ins.add((GraphOperation) op.input(i).op());
        }
        for (GraphOperation in : ins) {
          if (before.add(in.name())) {
            todo.push(in);
          }
        }
      }
      List<String> backwardMatMulsOfW1 = new ArrayList<>();
      List<String> gradientOfW0 = new ArrayList<>();
      for (java.util.Iterator<GraphOperation> it = g.operations(); it.hasNext(); ) {
        GraphOperation op = it.next();
        if (op.type().equals("MatMul") && op.name().contains("Gradients")) {
          if (op.input(1).op().type().equals("Identity")
              && ((GraphOperation) op.input(1).op()).input(0).op().name().equals(w1.op().name())) {
            backwardMatMulsOfW1.add(op.name());
          }
          if (op.input(0).op().name().equals(x.op().name())) {
            gradientOfW0.add(op.name()); // x^T dy: the first layer's kernel gradient
          }
        }
      }
      assertEquals(1, backwardMatMulsOfW1.size(), backwardMatMulsOfW1::toString);
      assertEquals(1, gradientOfW0.size(), gradientOfW0::toString);
      assertTrue(before.containsAll(backwardMatMulsOfW1), "w1's update waits for dy w1^T");
      assertFalse(before.contains(gradientOfW0.get(0)), "w1's update does not wait for w0's gradient");
      assertNotNull(adam.step());
    }
  }

  /** Builds a small MLP, trains it 50 steps on fed data, returns every variable's bits. */
  private static List<float[]> trainMlp(ThreadSettings threads) {
    return trainMlp(threads, 64, 48, 32, 50, false);
  }

  /**
   * An MLP in-hidden-hidden-in, trained {@code steps} steps on fed data with {@link Adam#step()}
   * or with {@link Adam#clippedStep()} at a bound no gradient reaches; every variable's bits.
   */
  private static List<float[]> trainMlp(ThreadSettings threads, int in, int hidden, int batch,
      int steps, boolean clippedAtHugeBound) {
    Random init = new Random(7);
    Random data = new Random(11);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      List<Op> inits = new ArrayList<>();
      List<Variable<TFloat32>> vars = new ArrayList<>();
      long[][] shapes = {{in, hidden}, {hidden}, {hidden, hidden}, {hidden}, {hidden, in}, {in}};
      for (int i = 0; i < shapes.length; i++) {
        int size = 1;
        for (long d : shapes[i]) {
          size *= (int) d;
        }
        float[] values = new float[size];
        for (int j = 0; j < size; j++) {
          values[j] = shapes[i].length == 2 ? (float) (init.nextGaussian() * 0.2) : 0f;
        }
        vars.add(variable(tf, "p" + i, inits, shapes[i], values));
      }
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class);
      Operand<TFloat32> h = x;
      for (int layer = 0; layer < 3; layer++) {
        Operand<TFloat32> pre =
            tf.math.add(
                tf.linalg.matMul(h, tf.identity(vars.get(2 * layer))),
                tf.identity(vars.get(2 * layer + 1)));
        h = layer < 2 ? tf.math.tanh(pre) : pre;
      }
      // sigmoid cross entropy of the logits h against x in {0, 1}
      Operand<TFloat32> ce =
          tf.math.add(
              tf.math.sub(tf.math.maximum(h, tf.constant(0f)), tf.math.mul(h, x)),
              tf.math.log1p(tf.math.exp(tf.math.neg(tf.math.abs(h)))));
      Operand<TFloat32> loss = tf.math.mean(tf.sum(ce, tf.constant(1)), tf.constant(0));
      Placeholder<TFloat32> lr = learningRate(tf);
      Placeholder<TFloat32> maxNorm = tf.withName("max_norm").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      Adam adam = Adam.create(tf, "Adam", loss, vars, lr, Adam.DEFAULT_BETA1, Adam.DEFAULT_BETA2,
          Adam.DEFAULT_EPSILON, maxNorm);
      inits.addAll(adam.initializers());
      try (Session s = new Session(g, threads.toConfig());
          TFloat32 lrT = TFloat32.scalarOf(3e-3f);
          TFloat32 hugeBound = TFloat32.scalarOf(1e30f)) {
        runAll(s, inits);
        for (int stepNo = 0; stepNo < steps; stepNo++) {
          float[] xb = new float[batch * in];
          for (int j = 0; j < xb.length; j++) {
            xb[j] = data.nextFloat() < 0.3f ? 1f : 0f;
          }
          try (TFloat32 xT = TFloat32.tensorOf(Shape.of(batch, in), DataBuffers.of(xb))) {
            Session.Runner runner = s.runner().feed(x, xT).feed(lr, lrT).fetch(loss);
            if (clippedAtHugeBound) {
              runner.feed(maxNorm, hugeBound).addTarget(adam.clippedStep());
            } else {
              runner.addTarget(adam.step());
            }
            runner.run().close();
          }
        }
        List<float[]> out = new ArrayList<>();
        for (Variable<TFloat32> v : vars) {
          out.add(read(s, v));
        }
        for (Variable<?> v : adam.stateVariables()) {
          out.add(read(s, v));
        }
        return out;
      }
    }
  }

  @Test
  void sameInitAndDataGiveBitIdenticalVariables() {
    List<float[]> first = trainMlp(ThreadSettings.defaults());
    List<float[]> second = trainMlp(ThreadSettings.defaults());
    assertEquals(first.size(), second.size());
    for (int i = 0; i < first.size(); i++) {
      float[] a = first.get(i);
      float[] b = second.get(i);
      assertEquals(a.length, b.length);
      for (int j = 0; j < a.length; j++) {
        assertEquals(
            Float.floatToRawIntBits(a[j]),
            Float.floatToRawIntBits(b[j]),
            "tensor " + i + " element " + j + ": " + a[j] + " vs " + b[j]);
      }
    }
  }
}
