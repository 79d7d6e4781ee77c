package dev.helmholtz.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import dev.helmholtz.variational.VariationalModel;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every generated sample model builds, and a short run on a subset of MNIST raises, on test
 * data, the bound its objective trains (the importance-weighted bound with the model's own k:
 * the ELBO at k = 1); four times the importance samples then give a higher bound.
 */
class SampleModelsTrainTest {
  private static Dataset train;
  private static Dataset test;

  @BeforeAll
  static void load() throws IOException {
    Mnist mnist = Mnist.loadDefault();
    train = mnist.train().take(1000).dataset("x").dynamicallyBinarized("x");
    test = mnist.test().take(200).dataset("x").binarized("x", 1);
  }

  /**
   * VAE is left out because VaeModelTest trains and checks it (the bound rises, IWAE(20) above the
   * ELBO). VAE_K50 is the same network trained by the ELBO averaged over 50 draws: its expected
   * objective is the VAE's ELBO, so a run here would check nothing VAE's does not, while each of its
   * steps decodes 50 draws per image (about 50 times a k = 1 model's likelihood work) and its
   * evaluation at 4k = 200 draws per image would be the slowest in this class. Its generated class
   * is compiled with the module like every sample's. BAYES_VAE is trained and checked by
   * BayesianDecoderVaeTest (the ELBO rises, the decoder's posterior moves).
   */
  @ParameterizedTest
  @EnumSource(value = SampleModel.class, names = {"VAE", "VAE_K50", "BAYES_VAE"}, mode = EnumSource.Mode.EXCLUDE)
  void aShortRunRaisesTheBoundItTrains(SampleModel sample) {
    try (VariationalModel model = sample.create(Seed.of(7), ThreadSettings.of(1, 1))) {
      int k = model.spec().samples();
      double before = model.logLikelihood(test, k);
      model.fit(train, Training.epochs(2).batchSize(50).adam(3e-3).progress(ProgressListener.silent()));
      double after = model.logLikelihood(test, k);
      // 40 Adam steps from a random initialization (about -545 nats for every model) gain
      // tens of nats; 10 is far outside the run-to-run noise of a 200-image bound. (An IWAE's
      // single-sample ELBO may fall meanwhile: its q is not trained for k = 1.)
      assertTrue(after > before + 10, sample + ": k=" + k + " bound before " + before + ", after " + after);
      // The k-sample bound rises with k (Burda et al. 2016, Theorem 1), strictly for a q that is
      // not the posterior: paired over the 200 test images, the mean rise from k to 4k must lie 3
      // standard errors (of that mean, from the images' own spread) above 0, the rise of an
      // estimator that ignores k.
      double[] many = model.logLikelihoodWithError(test, 4 * k).estimates();
      double[] own = model.logLikelihoodWithError(test, k).estimates();
      double[] rise = new double[own.length];
      for (int i = 0; i < own.length; i++) {
        rise[i] = many[i] - own[i];
      }
      double mean = Arrays.stream(rise).average().orElseThrow();
      double sd = Math.sqrt(Arrays.stream(rise).map(d -> (d - mean) * (d - mean)).sum() / (rise.length - 1));
      double error = sd / Math.sqrt(rise.length);
      assertTrue(mean > 3 * error, sample + ": bound at k=" + 4 * k + " minus bound at k=" + k + ": " + mean
          + " +- " + error + " nats");
      float[][] samples = model.generate(3).get("x");
      assertEquals(784, samples[0].length);
    }
  }
}
