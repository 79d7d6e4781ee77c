package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Events of rank 3 ({@code [2, 2, 1]} observed, {@code [1, 2, 1]} latent) through every objective:
 * the image-shaped model trains, evaluates, samples, reconstructs and encodes exactly as the same
 * model with vector events does (same variables, same draws), so its log-densities reduce over
 * every event axis; and the vector model's numbers are the enumerated sums' (see {@link
 * SigmoidBeliefNetBoundsTest}), checked here too for the image-shaped one.
 */
class ImageEventsTest {
  private static final Training TRAINING = Training.epochs(1).batchSize(50).adam(3e-2)
      .progress(ProgressListener.silent());

  private static Dataset data(float[][] rows, boolean imageShaped) {
    Dataset flat = Dataset.of("x", rows);
    return imageShaped ? Dataset.of("x", flat.flat("x"), ImageSigmoidBeliefNet.X_SHAPE) : flat;
  }

  private static void assertSameParameters(VariationalModel expected, VariationalModel actual) {
    for (String name : new String[] {"encode/dense_0/kernel", "encode/dense_0/bias", "decode/dense_0/kernel",
        "decode/dense_0/bias"}) {
      assertArrayEquals(expected.parameter(name), actual.parameter(name), 1e-6f, name);
    }
  }

  @ParameterizedTest(name = "{0} k={1}, Normal latent {2}")
  @CsvSource({"ELBO, 1, false", "ELBO, 1, true", "IWAE, 3, true", "VIMCO, 3, false", "NVIL, 1, false",
      "REWEIGHTED_WAKE_SLEEP, 3, false", "WAKE_SLEEP, 1, false"})
  void imageEventsTrainAndEvaluateAsVectorEventsDo(ObjectiveKind objective, int samples, boolean normal) {
    float[][] train = TinySigmoidBeliefNet.sample(300, 41);
    float[][] test = TinySigmoidBeliefNet.sample(200, 42);
    try (var vector = new ImageSigmoidBeliefNet(Seed.of(5), objective, samples, false, normal);
        var image = new ImageSigmoidBeliefNet(Seed.of(5), objective, samples, true, normal)) {
      double before = image.elbo(data(test, true));
      assertEquals(vector.elbo(data(test, false)), before, 1e-5);
      vector.fit(data(train, false), TRAINING);
      image.fit(data(train, true), TRAINING);
      assertSameParameters(vector, image);
      double elbo = image.elbo(data(test, true));
      assertEquals(vector.elbo(data(test, false)), elbo, 1e-4);
      assertEquals(vector.logLikelihood(data(test, false), 20), image.logLikelihood(data(test, true), 20), 1e-4);
      assertTrue(elbo > before, objective + " raised the ELBO from " + before + ", got " + elbo);
      // Flat rows of the event's width are the same values, row-major: accepted. (Each call draws
      // afresh: the two models' streams stay in step.)
      assertEquals(vector.elbo(data(test, false)), image.elbo(data(test, false)), 1e-4);
      if (!normal) {
        // The Bernoulli model's ELBO is a finite sum over z's four states.
        TinySigmoidBeliefNet.Parameters p = new TinySigmoidBeliefNet.Parameters(
            toDouble(image.parameter("encode/dense_0/kernel")), toDouble(image.parameter("encode/dense_0/bias")),
            toDouble(image.parameter("decode/dense_0/kernel")), toDouble(image.parameter("decode/dense_0/bias")));
        double exact = 0;
        for (float[] row : test) {
          exact += TinySigmoidBeliefNet.exactElbo(p, row);
        }
        assertEquals(exact / test.length, elbo, 0.05, "Monte Carlo ELBO against the enumerated one");
      }
    }
  }

  @Test
  void samplesReconstructionsAndEncodingsAreTheVectorModelsRowMajor() {
    float[][] rows = TinySigmoidBeliefNet.sample(7, 43);
    try (var vector = new ImageSigmoidBeliefNet(Seed.of(6), ObjectiveKind.ELBO, 1, false, true);
        var image = new ImageSigmoidBeliefNet(Seed.of(6), ObjectiveKind.ELBO, 1, true, true)) {
      assertDeepEquals(vector.generate(5), image.generate(5));
      assertDeepEquals(vector.reconstructAll(data(rows, false)), image.reconstructAll(data(rows, true)));
      assertDeepEquals(vector.encodeAll(data(rows, false)), image.encodeAll(data(rows, true)));
    }
  }

  @Test
  void aColumnOfTheSameWidthInAnotherShapeIsRefused() {
    try (var image = new ImageSigmoidBeliefNet(Seed.of(7), ObjectiveKind.ELBO, 1, true, true)) {
      Dataset channelsFirst = Dataset.of("x", new float[8], 1, 2, 2);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> image.elbo(channelsFirst));
      assertEquals("column 'x' has event shape [1, 2, 2], but node 'x' of ImageSigmoidBeliefNet declares "
          + "[2, 2, 1]; give the column that shape (channels last) or flat rows of 4 values, row-major", e.getMessage());
    }
  }

  @Test
  void exportedSignaturesTakeAndGiveTheEventShape(@TempDir Path dir) throws Exception {
    float[][] rows = TinySigmoidBeliefNet.sample(3, 44);
    Path export = dir.resolve("image");
    float[][] reconstructed;
    try (var image = new ImageSigmoidBeliefNet(Seed.of(8), ObjectiveKind.ELBO, 1, true, true)) {
      reconstructed = image.reconstructAll(data(rows, true)).get("x");
      image.exportSavedModel(export);
    }
    float[] flat = data(rows, false).flat("x");
    try (SavedModelBundle bundle = SavedModelBundle.loader(export.toString()).withTags("serve")
        .withConfigProto(ThreadSettings.of(1, 1).toConfig()).load();
        TFloat32 x = TFloat32.tensorOf(Shape.of(3, 2, 2, 1), DataBuffers.of(flat, true, false))) {
      Map<String, Tensor> inputs = new LinkedHashMap<>();
      inputs.put("x", x);
      try (Result result = bundle.function("reconstruct").call(inputs)) {
        TFloat32 out = (TFloat32) result.get("x").orElseThrow();
        assertEquals(Shape.of(3, 2, 2, 1), out.shape());
        float[] values = new float[12];
        out.copyTo(DataBuffers.of(values, false, false));
        for (int i = 0; i < 3; i++) {
          assertArrayEquals(reconstructed[i], java.util.Arrays.copyOfRange(values, i * 4, i * 4 + 4), 1e-6f);
        }
      }
      try (Result result = bundle.function("encode").call(inputs)) {
        assertEquals(Shape.of(3, 1, 2, 1), result.get("z").orElseThrow().shape());
      }
    }
  }

  @Test
  void aNetworkReturningParametersOfTheWrongShapeFailsTheBuildNamingTheLayer() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new VariationalModel(
        ModelSpec.builder("Flat").latent("z", 2).observed("x", 2, 2, 1).build(), Seed.of(1), ThreadSettings.of(1, 1)) {
      {
        build();
      }

      @Override
      protected void defineInference(InferencePass pass) {
        var x = pass.observed("x");
        var qZ = Bernoulli.logits(pass.network("encode").dense(pass.tf().reshape(x, pass.tf().constant(new long[] {-1, 4})), 2));
        var z = pass.draw("z", qZ);
        pass.latentMonteCarloKl("z", z, qZ, Bernoulli.uniform(pass.tf(), pass.shape(z)));
        // A dense layer's [n, 4] where the node is [2, 2, 1]: a reshape is missing.
        pass.observe("x", x, pass.unfold(Bernoulli.logits(pass.network("decode").dense(pass.fold(z), 4))));
      }

      @Override
      protected void defineGeneration(GenerativePass pass) {
        pass.draw("z", Bernoulli.uniform(pass.tf(), pass.shape("z")));
      }
    });
    assertTrue(e.getMessage().startsWith("p(x | ...) in Flat: a parameter computed by op 'decode/dense_0/"),
        e.getMessage());
    assertTrue(e.getMessage().contains("has shape [-1, 4], which does not match the event shape [2, 2, 1]"),
        e.getMessage());
  }

  private static void assertDeepEquals(Map<String, float[][]> expected, Map<String, float[][]> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((name, rows) -> {
      for (int i = 0; i < rows.length; i++) {
        assertArrayEquals(rows[i], actual.get(name)[i], 1e-6f, name + " row " + i);
      }
    });
  }

  private static double[] toDouble(float[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
