package dev.helmholtz.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.train.ThreadSettings;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The benchmark's baseline must be a correct VAE: it trains, and reproducibly. */
class HandWrittenVaeTest {
  private static Dataset train;
  private static Dataset fixed;

  @BeforeAll
  static void loadData() throws IOException {
    Mnist.Split split = Mnist.loadDefault().train().take(1000);
    train = split.dataset("x").dynamicallyBinarized("x");
    fixed = split.dataset("x").binarized("x", 7);
  }

  /** The benchmark's FLOP count: 784-200-200-50 has 423,600 weights in its matrices. */
  @Test
  void matMulsOfATrainingStep() {
    HandWrittenVae.Architecture burda = HandWrittenVae.Architecture.burda();
    assertEquals(2 * 423_600, burda.forwardFlopsPerRow());
    // 7 forward products, 7 kernel gradients, 6 input gradients (none for the data's layer).
    List<HandWrittenVae.MatMulShape> products = burda.trainingStepMatMuls(128);
    assertEquals(20, products.size());
    assertEquals(new HandWrittenVae.MatMulShape(784, 128, 200, true, false), products.get(1));
    long inputGradientFlops = 2L * 128 * (423_600 - 784 * 200);
    assertEquals(2 * 128 * 2L * 423_600 + inputGradientFlops, burda.trainingStepFlops(128));
  }

  @Test
  void burdaVaeElboRises() {
    try (HandWrittenVae vae =
        HandWrittenVae.create(HandWrittenVae.Architecture.burda(), 1, ThreadSettings.defaults())) {
      // 784-200-200-50 and back: the same parameter count as the generated Vae.
      assertEquals(157_000 + 40_200 + 2 * 10_050 + 10_200 + 40_200 + 157_584, vae.parameterCount());
      double before = vae.elbo(fixed, "x");
      // Random init: ELBO near -784 * log 2 (about -543) or below.
      assertTrue(before < -450 && before > -1000, "initial ELBO " + before);
      HandWrittenVae.TrainResult r = vae.train(train, "x", 100, 200, 1e-3, 3);
      assertEquals(200, r.steps());
      assertEquals(200 * 100, r.examples());
      double after = vae.elbo(fixed, "x");
      assertTrue(Double.isFinite(after), "ELBO " + after);
      assertTrue(after > before + 200, "ELBO rose only from " + before + " to " + after);
      assertTrue(after < 0, "an ELBO of binary data is negative, was " + after);
      // The last training losses (-ELBO) agree with the evaluated ELBO to within noise.
      assertTrue(Math.abs(-r.meanLoss() - after) < 60, "train " + -r.meanLoss() + " vs " + after);
    }
  }

  @Test
  void wideReluVaeElboRises() {
    try (HandWrittenVae vae =
        HandWrittenVae.create(HandWrittenVae.Architecture.wide(), 2, ThreadSettings.defaults())) {
      assertEquals(784 * 500 + 500 + 2 * (500 * 50 + 50) + 50 * 500 + 500 + 500 * 784 + 784,
          vae.parameterCount());
      double before = vae.elbo(fixed, "x");
      vae.train(train, "x", 100, 60, 1e-3, 3);
      double after = vae.elbo(fixed, "x");
      assertTrue(after > before + 150, "ELBO rose only from " + before + " to " + after);
    }
  }

  @Test
  void sameSeedSameThreadsGivesBitIdenticalTraining() {
    double[] losses = new double[2];
    double[] elbos = new double[2];
    for (int i = 0; i < 2; i++) {
      try (HandWrittenVae vae =
          HandWrittenVae.create(HandWrittenVae.Architecture.burda(), 5, ThreadSettings.defaults())) {
        losses[i] = vae.train(train, "x", 128, 20, 1e-3, 9).meanLoss();
        elbos[i] = vae.elbo(fixed, "x");
      }
    }
    assertEquals(losses[0], losses[1], 0.0);
    assertEquals(elbos[0], elbos[1], 0.0);
  }

  @Test
  void graphIsPlainTensorFlow() {
    try (HandWrittenVae vae =
        HandWrittenVae.create(HandWrittenVae.Architecture.burda(), 1, ThreadSettings.defaults())) {
      Map<String, Integer> ops = HandWrittenVae.opCounts(vae.graph());
      assertEquals(14, ops.get("ApplyAdam"), ops.toString());
      assertEquals(14 + 14 * 2 + 2, ops.get("VariableV2"), ops.toString()); // weights, m/v slots, beta powers
      assertEquals(1, ops.get("RandomStandardNormal"), ops.toString());
      assertTrue(!ops.containsKey("BroadcastTo"), ops.toString());
    }
  }

  /**
   * Every op that reads a weight (through its identity) must finish before the weight's ApplyAdam
   * updates it in place; otherwise a step could see half-updated weights and runs would differ.
   */
  @Test
  void everyWeightReadIsOrderedBeforeItsUpdate() {
    try (HandWrittenVae vae =
        HandWrittenVae.create(HandWrittenVae.Architecture.burda(), 1, ThreadSettings.defaults())) {
      Graph graph = vae.graph();
      Set<String> step = ancestors(graph.operation("adam/step"));
      List<String> unordered = new ArrayList<>();
      int applies = 0;
      for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
        GraphOperation apply = it.next();
        if (!apply.type().equals("ApplyAdam")) {
          continue;
        }
        applies++;
        GraphOperation variable = (GraphOperation) apply.input(0).op();
        Set<String> before = ancestors(apply);
        for (GraphOperation read : variable.consumers()) {
          if (!read.type().equals("Identity")) {
            continue;
          }
          for (GraphOperation user : read.consumers()) {
            if (step.contains(user.name()) && !before.contains(user.name())) {
              unordered.add(user.name() + " reads " + variable.name());
            }
          }
        }
      }
      assertEquals(14, applies);
      assertTrue(unordered.isEmpty(), unordered.toString());
    }
  }

  /** Ops {@code op} waits for, through data and control edges. */
  private static Set<String> ancestors(GraphOperation op) {
    Set<String> seen = new HashSet<>();
    Deque<GraphOperation> todo = new ArrayDeque<>();
    todo.push(op);
    while (!todo.isEmpty()) {
      GraphOperation o = todo.pop();
      List<GraphOperation> next = new ArrayList<>(o.controlInputs());
      for (Operand<?> in : o.inputs()) {
        next.add((GraphOperation) in.op());
      }
      for (GraphOperation n : next) {
        if (seen.add(n.name())) {
          todo.push(n);
        }
      }
    }
    return seen;
  }
}
