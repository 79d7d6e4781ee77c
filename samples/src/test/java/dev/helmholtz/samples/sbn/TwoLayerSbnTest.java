package dev.helmholtz.samples.sbn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.junit.jupiter.api.Test;

/** Two binary layers under VIMCO: the generated model trains both, in topological order. */
class TwoLayerSbnTest {
  @Test
  void vimcoTrainsBothBinaryLayers() throws IOException {
    Mnist mnist = Mnist.loadDefault();
    Dataset train = mnist.train().take(1000).dataset("x").dynamicallyBinarized("x");
    Dataset test = mnist.test().take(200).dataset("x").binarized("x", 1);
    try (TwoLayerSbnModel model = TwoLayerSbnModel.create(new TwoLayerSbn(), Seed.of(3), ThreadSettings.of(1, 1))) {
      assertEquals(List.of("z2", "z1", "x"), model.spec().nodes().stream().map(n -> n.name()).toList());
      float[] kernelBefore = model.parameter(TOP_KERNEL);
      float[] biasBefore = model.parameter(TOP_BIAS);
      double boundBefore = model.logLikelihood(test, 3);
      model.fit(train, Training.epochs(2).batchSize(50).adam(3e-3).progress(ProgressListener.silent()));
      double[] trained = model.logLikelihoodWithError(test, 3).estimates();
      double boundAfter = Arrays.stream(trained).average().orElseThrow();
      // As for the one-layer models: tens of nats in 40 steps, far beyond the noise.
      assertTrue(boundAfter > boundBefore + 10, "bound before " + boundBefore + ", after " + boundAfter);
      // The top encoder gets only score-function gradients: it must still have learned, in the
      // direction that raises the bound. Put its initial weights back into the trained model: the
      // bound must fall, paired over the test images, by 3 standard errors of the mean change
      // (a q(z2 | z1) that moved along noise, or against the bound, fails here; Adam moves every
      // weight by about the learning rate a step whatever the gradient's quality).
      assign(model, TOP_KERNEL, kernelBefore);
      assign(model, TOP_BIAS, biasBefore);
      double[] reverted = model.logLikelihoodWithError(test, 3).estimates();
      double[] gain = new double[trained.length];
      for (int i = 0; i < gain.length; i++) {
        gain[i] = trained[i] - reverted[i];
      }
      double mean = Arrays.stream(gain).average().orElseThrow();
      double sd = Math.sqrt(Arrays.stream(gain).map(g -> (g - mean) * (g - mean)).sum() / (gain.length - 1));
      double error = sd / Math.sqrt(gain.length);
      assertTrue(mean > 3 * error, "what the trained q(z2 | z1) adds to the bound: " + mean + " +- " + error + " nats");
      float[][] codes = model.encodeAll(Dataset.of("x", Arrays.copyOf(mnist.test().images(), 4))).get("z2");
      assertEquals(10, codes[0].length);
    }
  }

  private static final String TOP_KERNEL = "inferZ2/dense_0/kernel";
  private static final String TOP_BIAS = "inferZ2/dense_0/bias";

  /** Sets one of the model's variables, through an assign op added to its graph. */
  private static void assign(TwoLayerSbnModel model, String name, float[] values) {
    Ops tf = Ops.create(model.graph());
    GraphOperation variable = model.graph().operation(name);
    Shape shape = variable.output(0).shape();
    Placeholder<TFloat32> value = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
    Operand<TFloat32> target = variable.output(0);
    Assign<TFloat32> assign = tf.assign(target, value);
    try (TFloat32 tensor = TFloat32.tensorOf(shape, DataBuffers.of(values))) {
      model.session().runner().feed(value, tensor).addTarget(assign).run().close();
    }
    assertTrue(Arrays.equals(values, model.parameter(name)), name);
  }
}
