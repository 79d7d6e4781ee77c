package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.infer.LogMarginalLikelihood;
import dev.helmholtz.nn.Activation;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * Importance-sampled evaluation with its runs in parallel and its random streams' counters fed
 * gives the estimates of the one-run-at-a-time reference path (issue 24): the same draws, the
 * Bernoulli density in another form, so equal to float tolerance; and the random streams end
 * where the reference leaves them, so the next evaluation agrees too.
 */
class ParallelEvaluationTest {
  private static final double TOLERANCE = 1e-4;

  /** A small Bernoulli VAE: x of 12 pixels, z of 4. */
  static final class TinyVae extends VariationalModel {
    TinyVae(ThreadSettings threads) {
      super(ModelSpec.builder("TinyVae").objective(ObjectiveKind.ELBO, 1).latent("z", 4).observed("x", 12).build(),
          Seed.of(3), threads);
      build();
      evaluationRowsPerRun(40); // several chunks per example at k = 100, several examples per run at k = 10
    }

    @Override
    protected void defineInference(InferencePass pass) {
      Operand<TFloat32> x = pass.observed("x");
      Nn encode = pass.network("encode");
      Operand<TFloat32> h = encode.dense(x, 8, Activation.TANH);
      Normal qZ = Normal.meanLogStd(encode.dense(h, 4), encode.dense(h, 4));
      Operand<TFloat32> z = pass.draw("z", qZ);
      pass.latentAnalyticKl("z", z, qZ, Normal.standard(pass.tf(), pass.shape(z)));
      Bernoulli pX = pass.unfold(decode(pass.network("decode"), pass.fold(z)));
      pass.observe("x", x, pX);
    }

    @Override
    protected void defineGeneration(GenerativePass pass) {
      Operand<TFloat32> z = pass.draw("z", Normal.standard(pass.tf(), pass.shape("z")));
      pass.draw("x", decode(pass.network("decode"), z));
    }

    private static Bernoulli decode(Nn nn, Operand<TFloat32> z) {
      return Bernoulli.logits(nn.dense(nn.dense(z, 8, Activation.TANH), 12));
    }
  }

  private static Dataset data(int rows) {
    Random random = new Random(7);
    float[][] x = new float[rows][12];
    for (float[] row : x) {
      for (int j = 0; j < row.length; j++) {
        row[j] = random.nextFloat() < 0.3f ? 1f : 0f;
      }
    }
    return Dataset.of("x", x);
  }

  private static void assertSameEstimates(LogMarginalLikelihood expected, LogMarginalLikelihood actual) {
    assertEquals(expected.estimates().length, actual.estimates().length);
    for (int i = 0; i < expected.estimates().length; i++) {
      assertEquals(expected.estimates()[i], actual.estimates()[i], TOLERANCE, "estimate of example " + i);
      assertEquals(expected.standardErrors()[i], actual.standardErrors()[i], TOLERANCE, "standard error of example " + i);
    }
  }

  @Test
  void parallelRunsGiveTheReferenceEstimatesAndLeaveTheStreamsWhereItDoes() {
    Dataset data = data(9);
    try (TinyVae reference = new TinyVae(ThreadSettings.of(1, 1));
        TinyVae parallel = new TinyVae(ThreadSettings.of(1, 2))) {
      // k = 100: chunks of 40, 40 and 20 samples, one example a run; k = 10: four examples a run, the last batch short.
      for (int k : new int[] {100, 10, 100}) {
        LogMarginalLikelihood expected = reference.referenceLogLikelihoodWithError(data, k);
        LogMarginalLikelihood actual = parallel.logLikelihoodWithError(data, k);
        assertSameEstimates(expected, actual);
      }
      assertEquals(reference.elbo(data), parallel.elbo(data), 1e-5, "the ELBO after both draws the same samples");
    }
  }

  @Test
  void aDroppedChunkIsCaught() {
    Dataset data = data(3);
    try (TinyVae reference = new TinyVae(ThreadSettings.of(1, 1));
        TinyVae parallel = new TinyVae(ThreadSettings.of(1, 2))) {
      LogMarginalLikelihood expected = reference.referenceLogLikelihoodWithError(data, 100);
      // The same draws but the last chunk of 20 samples left out: what a dropped chunk gives.
      LogMarginalLikelihood dropped = parallel.logLikelihoodWithError(data, 80);
      assertThrows(AssertionError.class, () -> assertSameEstimates(expected, dropped));
    }
  }

  @Test
  void progressGoesToPlainLinesWithAnEtaWhenNotOnATerminal() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TinyVae model = new TinyVae(ThreadSettings.of(1, 2));
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      model.logLikelihoodWithError(data(20), 10, ProgressListener.console(out));
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertFalse(text.contains("\r"), "no carriage returns off a terminal: " + text);
    assertTrue(text.contains("log-likelihood (k = 10)  [20/20 examples]  100%"), text);
    assertTrue(text.lines().allMatch(line -> line.startsWith("log-likelihood (k = 10)")), text);
    assertTrue(text.contains("ETA"), text);
  }
}
