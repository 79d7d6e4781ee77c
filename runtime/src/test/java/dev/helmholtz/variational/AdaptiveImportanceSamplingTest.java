package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ThreadSettings;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Adaptive importance sampling's gradients on a model small enough to enumerate: two binary
 * latents (four configurations), two binary pixels, q(z | x) = Bernoulli(x W + b), p(x | z) =
 * Bernoulli(z V + c), p(z) uniform. The proposal's gradient must be that of the inclusive
 * KL(p(z | x) || q(z | x)), -sum_z p(z | x) grad log q(z | x), and the model's that of log p(x),
 * sum_z p(z | x) grad log p(x, z), both computed exactly by enumeration; the estimates use k =
 * 4000 self-normalized samples per example.
 */
class AdaptiveImportanceSamplingTest {
  private static final int K = 4000;
  private static final float[][] X = {{1, 0}, {0, 1}, {1, 1}};

  @Test
  void proposalAndModelGradientsMatchEnumeration() {
    try (TinyBinaryModel model = new TinyBinaryModel()) {
      Ops tf = Ops.create(model.graph());
      List<Variable<TFloat32>> variables = new ArrayList<>();
      for (String name : List.of("encode/dense_0/kernel", "encode/dense_0/bias", "decode/dense_0/bias")) {
        variables.add(model.variableStore().trainableVariables().stream().filter(v -> v.op().name().equals(name))
            .findFirst().orElseThrow());
      }
      List<Operand<?>> fetches = new ArrayList<>();
      tf.gradients(model.trainingStep().trainingLoss(), variables).dy().forEach(fetches::add);
      float[][] estimated = fetch(model, fetches);

      float[] w = model.parameter("encode/dense_0/kernel"); // [2 inputs][2 latents], row-major
      float[] b = model.parameter("encode/dense_0/bias");
      float[] v = model.parameter("decode/dense_0/kernel");
      float[] c = model.parameter("decode/dense_0/bias");
      double[] kernel = new double[4];
      double[] bias = new double[2];
      double[] decoderBias = new double[2];
      for (float[] x : X) {
        double[] posterior = new double[4];
        double total = 0;
        for (int config = 0; config < 4; config++) {
          int[] z = {config & 1, config >> 1};
          double logJoint = 2 * Math.log(0.5);
          for (int i = 0; i < 2; i++) {
            double logit = z[0] * v[i] + z[1] * v[2 + i] + c[i];
            logJoint += x[i] * logit - Math.log1p(Math.exp(logit));
          }
          posterior[config] = Math.exp(logJoint);
          total += posterior[config];
        }
        for (int config = 0; config < 4; config++) {
          int[] z = {config & 1, config >> 1};
          double p = posterior[config] / total / X.length; // the loss is the batch's mean
          for (int i = 0; i < 2; i++) {
            double q = sigmoid(x[0] * w[i] + x[1] * w[2 + i] + b[i]);
            // minus: the loss is minus the weighted log q and log p.
            bias[i] -= p * (z[i] - q);
            kernel[i] -= p * x[0] * (z[i] - q);
            kernel[2 + i] -= p * x[1] * (z[i] - q);
            decoderBias[i] -= p * (x[i] - sigmoid(z[0] * v[i] + z[1] * v[2 + i] + c[i]));
          }
        }
      }
      assertClose(kernel, estimated[0], "encoder kernel (the proposal)");
      assertClose(bias, estimated[1], "encoder bias (the proposal)");
      assertClose(decoderBias, estimated[2], "decoder bias (the model)");
    }
  }

  private static void assertClose(double[] exact, float[] estimated, String what) {
    double largest = 0;
    for (int i = 0; i < exact.length; i++) {
      assertEquals(exact[i], estimated[i], 0.03, what + " [" + i + "]");
      largest = Math.max(largest, Math.abs(exact[i]));
    }
    assertTrue(largest > 0.05, what + ": the exact gradient is not near zero (" + largest + ")");
  }

  private static double sigmoid(double a) {
    return 1 / (1 + Math.exp(-a));
  }

  private static float[][] fetch(TinyBinaryModel model, List<Operand<?>> fetches) {
    float[] flat = new float[X.length * 2];
    for (int i = 0; i < X.length; i++) {
      System.arraycopy(X[i], 0, flat, 2 * i, 2);
    }
    try (TFloat32 x = TFloat32.tensorOf(Shape.of(X.length, 2), DataBuffers.of(flat))) {
      var runner = model.feedWholeBatch(model.session().runner(), "x", x);
      fetches.forEach(runner::fetch);
      try (Result result = runner.run()) {
        float[][] out = new float[fetches.size()][];
        for (int i = 0; i < out.length; i++) {
          TFloat32 t = (TFloat32) result.get(i);
          out[i] = new float[(int) t.shape().size()];
          t.copyTo(DataBuffers.of(out[i], false, false));
        }
        return out;
      }
    }
  }

  /** The model, written as the processor generates a sigmoid belief net's code. */
  private static final class TinyBinaryModel extends VariationalModel {
    TinyBinaryModel() {
      super(ModelSpec.builder("TinyBinaryModel")
          .objective(ObjectiveKind.ADAPTIVE_IMPORTANCE_SAMPLING, K)
          .latent("z", 2)
          .observed("x", 2)
          .build(), Seed.of(11), ThreadSettings.of(1, 1));
      build();
    }

    @Override
    protected void defineInference(InferencePass pass) {
      Operand<TFloat32> x = pass.observed("x");
      Bernoulli qZ = Bernoulli.logits(pass.network("encode").dense(x, 2));
      Operand<TFloat32> z = pass.draw("z", qZ);
      Bernoulli pZ = Bernoulli.uniform(pass.tf(), pass.shape(z));
      pass.latentAnalyticKl("z", z, qZ, pZ);
      Bernoulli pX = pass.unfold(Bernoulli.logits(pass.network("decode").dense(pass.fold(z), 2)));
      pass.observe("x", x, pX);
    }

    @Override
    protected void defineGeneration(GenerativePass pass) {
      Operand<TFloat32> z = pass.draw("z", Bernoulli.uniform(pass.tf(), pass.shape("z")));
      pass.draw("x", Bernoulli.logits(pass.network("decode").dense(z, 2)));
    }
  }
}
