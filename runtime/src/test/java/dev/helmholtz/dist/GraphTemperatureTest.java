package dev.helmholtz.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A relaxed family's temperature given as a graph value (a hyperparameter a run can anneal) draws
 * and scores exactly as the same temperature given as a number, and a fed value that is not
 * finite and positive fails the run with the family's name.
 */
class GraphTemperatureTest {
  private static final float[] LOGITS = {0.3f, -1.2f, 2f, 0.1f, 0.7f, -0.4f};

  /** rsample and relaxedLogProb of its draw, with the temperature fixed or as a graph input. */
  private static float[][] drawAndScore(boolean graphTemperature, Float fed,
      BiFunction<Ops, Object, Distribution> family) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> input = tf.placeholderWithDefault(tf.constant(0.3f), Shape.scalar());
      Distribution d = family.apply(tf, graphTemperature ? input : (Object) 0.3f);
      Operand<TFloat32> y = d.rsample(new RandomSource(tf, Seed.of(5)));
      Operand<TFloat32> logProb = d instanceof RelaxedOneHotCategorical c ? c.relaxedLogProb(y)
          : ((RelaxedBernoulli) d).relaxedLogProb(y);
      try (Session s = new Session(g); TFloat32 value = TFloat32.scalarOf(fed == null ? 0.3f : fed)) {
        Session.Runner r = s.runner().fetch(y).fetch(logProb);
        if (fed != null) {
          r.feed(input, value);
        }
        try (Result result = r.run()) {
          float[] draw = new float[LOGITS.length];
          ((TFloat32) result.get(0)).copyTo(DataBuffers.of(draw, false, false));
          float[] score = new float[(int) ((TFloat32) result.get(1)).shape().size()];
          ((TFloat32) result.get(1)).copyTo(DataBuffers.of(score, false, false));
          return new float[][] {draw, score};
        }
      }
    }
  }

  private static Distribution categorical(Ops tf, Object temperature) {
    Operand<TFloat32> logits = tf.constant(Shape.of(1, LOGITS.length), DataBuffers.of(LOGITS));
    @SuppressWarnings("unchecked")
    RelaxedOneHotCategorical d = temperature instanceof Float t ? RelaxedOneHotCategorical.logits(t, logits, 3)
        : RelaxedOneHotCategorical.logits((Operand<TFloat32>) temperature, logits, 3);
    return d;
  }

  private static Distribution bernoulli(Ops tf, Object temperature) {
    Operand<TFloat32> logits = tf.constant(Shape.of(1, LOGITS.length), DataBuffers.of(LOGITS));
    @SuppressWarnings("unchecked")
    RelaxedBernoulli d = temperature instanceof Float t ? RelaxedBernoulli.logits(t, logits)
        : RelaxedBernoulli.logits((Operand<TFloat32>) temperature, logits);
    return d;
  }

  @Test
  void aGraphTemperatureDrawsAndScoresAsTheSameNumber() {
    for (BiFunction<Ops, Object, Distribution> family : List.<BiFunction<Ops, Object, Distribution>>of(
        GraphTemperatureTest::categorical, GraphTemperatureTest::bernoulli)) {
      float[][] fixed = drawAndScore(false, null, family);
      float[][] graph = drawAndScore(true, null, family);
      assertArrayEquals(fixed[0], graph[0], "the same draws");
      assertArrayEquals(fixed[1], graph[1], 1e-5f, "the same log densities");
      float[][] fed = drawAndScore(true, 1.5f, family);
      assertTrue(!java.util.Arrays.equals(fixed[0], fed[0]), "a fed temperature changes the draws");
    }
  }

  @Test
  void aFedTemperatureThatIsNotPositiveFailsTheRunNamingTheFamily() {
    for (float bad : new float[] {0f, -1f, Float.NaN}) {
      RuntimeException e = assertThrows(RuntimeException.class, () -> drawAndScore(true, bad,
          GraphTemperatureTest::categorical));
      assertTrue(e.getMessage().contains("RelaxedOneHotCategorical: temperature must be finite and > 0"), e.getMessage());
      RuntimeException b = assertThrows(RuntimeException.class, () -> drawAndScore(true, bad,
          GraphTemperatureTest::bernoulli));
      assertTrue(b.getMessage().contains("RelaxedBernoulli: temperature must be finite and > 0"), b.getMessage());
    }
  }

  @Test
  void accessorsAndShapes() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> logits = tf.constant(new float[][] {{0f, 1f, 2f}});
      RelaxedOneHotCategorical d = RelaxedOneHotCategorical.logits(tf.constant(0.7f), logits, 3);
      IllegalStateException e = assertThrows(IllegalStateException.class, d::temperature);
      assertTrue(e.getMessage().contains("use temperatureOperand()"), e.getMessage());
      assertEquals(Shape.scalar(), d.temperatureOperand().shape());
      assertEquals(0.7f, RelaxedOneHotCategorical.logits(0.7f, logits, 3).temperature());
      IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
          () -> RelaxedBernoulli.logits(tf.constant(new float[] {1f, 2f}), logits));
      assertTrue(shape.getMessage().contains("must be a scalar"), shape.getMessage());
      // mapParameters keeps the graph temperature
      assertEquals(d.temperatureOperand().op().name(),
          d.mapParameters(l -> tf.math.mul(l, tf.constant(2f))).temperatureOperand().op().name());
    }
  }
}
