package dev.helmholtz.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** A model's scalar hyperparameters: one input per name, its default unless fed. */
class HyperparameterTest {
  private static float run(Session s, Operand<TFloat32> x, Operand<TFloat32> feed, Float value) {
    Session.Runner r = s.runner().fetch(x);
    TFloat32 t = value == null ? null : TFloat32.scalarOf(value);
    try {
      if (t != null) {
        r.feed(feed, t);
      }
      try (Result result = r.run()) {
        return ((TFloat32) result.get(0)).getFloat();
      }
    } finally {
      if (t != null) {
        t.close();
      }
    }
  }

  @Test
  void everyNetworkSharesOneInputPerNameWithItsDefault() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      VariableStore store = new VariableStore(tf, new RandomSource(tf, Seed.of(1)));
      Operand<TFloat32> t = new Nn(store, "encode").hyperparameter("temperature", 0.5f);
      assertSame(t, new Nn(store, "decode").hyperparameter("temperature", 0.5f));
      assertEquals(java.util.List.of("temperature"), java.util.List.copyOf(store.hyperparameters().keySet()));
      assertEquals(java.util.Map.of("temperature", 0.5f), store.hyperparameterDefaults());
      Operand<TFloat32> doubled = tf.math.mul(t, tf.constant(2f));
      try (Session s = new Session(g)) {
        assertEquals(1f, run(s, doubled, t, null), "the default");
        assertEquals(0.6f, run(s, doubled, t, 0.3f), 1e-7f, "a fed value");
      }
    }
  }

  @Test
  void aConflictingDefaultOrABadNameIsRefused() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      VariableStore store = new VariableStore(tf, new RandomSource(tf, Seed.of(1)));
      store.hyperparameter("temperature", 0.5f);
      IllegalArgumentException conflict = assertThrows(IllegalArgumentException.class,
          () -> store.hyperparameter("temperature", 1f));
      assertTrue(conflict.getMessage().contains("was declared with the default 0.5, now with 1.0"), conflict.getMessage());
      IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
          () -> store.hyperparameter("kl weight", 1f));
      assertTrue(name.getMessage().contains("'kl weight'"), name.getMessage());
      assertThrows(IllegalArgumentException.class, () -> store.hyperparameter("beta", Float.NaN));
    }
  }
}
