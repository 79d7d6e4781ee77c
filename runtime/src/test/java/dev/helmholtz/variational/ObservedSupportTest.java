package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Categorical;
import dev.helmholtz.dist.DiscretizedLogistic;
import dev.helmholtz.dist.Distribution;
import dev.helmholtz.dist.Exponential;
import dev.helmholtz.dist.HalfNormal;
import dev.helmholtz.dist.LogNormal;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.dist.Poisson;
import dev.helmholtz.dist.Uniform;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.train.ThreadSettings;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Operand;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.types.TFloat32;

/**
 * Data outside the support of an observed node's family is an error naming the node, the column,
 * the family and the first bad value, raised in Java when the data are fed (before any step);
 * data inside it passes. A Uniform's bounds are parameters, so its check is the graph's, and names
 * the node too.
 */
class ObservedSupportTest {

  /** A VAE with a Normal latent and an observed node {@code x} of width 2 whose family {@code likelihood} builds. */
  static final class SupportModel extends VariationalModel {
    private final BiFunction<Nn, Operand<TFloat32>, Distribution> likelihood;

    SupportModel(BiFunction<Nn, Operand<TFloat32>, Distribution> likelihood) {
      super(ModelSpec.builder("SupportModel").objective(ObjectiveKind.NVIL, 1).latent("z", 2).observed("x", 2).build(),
          Seed.of(1), ThreadSettings.of(1, 1));
      this.likelihood = likelihood;
      build();
    }

    @Override
    protected void defineInference(InferencePass pass) {
      Operand<TFloat32> x = pass.observed("x");
      Nn encode = pass.network("encode");
      Normal qZ = Normal.meanLogStd(encode.dense(x, 2), encode.dense(x, 2));
      Operand<TFloat32> z = pass.draw("z", qZ);
      pass.latentAnalyticKl("z", z, qZ, Normal.standard(pass.tf(), pass.shape(z)));
      pass.observe("x", x, likelihood.apply(pass.network("decode"), z));
    }

    @Override
    protected void defineGeneration(GenerativePass pass) {
      Operand<TFloat32> z = pass.draw("z", Normal.standard(pass.tf(), pass.shape("z")));
      pass.draw("x", likelihood.apply(pass.network("decode"), z));
    }
  }

  static Stream<Arguments> outsideTheSupport() {
    BiFunction<Nn, Operand<TFloat32>, Distribution> poisson = (nn, z) -> Poisson.logRate(nn.dense(z, 2));
    return Stream.of(
        Arguments.of("Poisson", poisson, -1f, 3f, "non-negative whole numbers"),
        Arguments.of("Poisson", poisson, 1.5f, 2f, "non-negative whole numbers"),
        Arguments.of("Exponential", fn((nn, z) -> Exponential.logRate(nn.dense(z, 2))), -0.5f, 0.5f,
            "finite non-negative numbers"),
        Arguments.of("HalfNormal", fn((nn, z) -> HalfNormal.logScale(nn.dense(z, 2))), -0.1f, 0f,
            "finite non-negative numbers"),
        Arguments.of("LogNormal", fn((nn, z) -> LogNormal.locLogScale(nn.dense(z, 2), nn.dense(z, 2))), 0f, 0.1f,
            "finite positive numbers"),
        Arguments.of("Bernoulli", fn((nn, z) -> Bernoulli.logits(nn.dense(z, 2))), 1.2f, 0.3f, "numbers in [0, 1]"),
        Arguments.of("Categorical", fn((nn, z) -> Categorical.logits(nn.dense(z, 2))), 0.5f, 1f, "0 or 1"),
        Arguments.of("DiscretizedLogistic", fn((nn, z) -> DiscretizedLogistic.locLogScale(nn.dense(z, 2),
            nn.dense(z, 2))), 0.5f, 128 / 255f, "8-bit intensities k/255 in [0, 1]"));
  }

  private static BiFunction<Nn, Operand<TFloat32>, Distribution> fn(BiFunction<Nn, Operand<TFloat32>, Distribution> f) {
    return f;
  }

  /**
   * Four rows of two, every value {@code good} but row 2's second, {@code bad}; for the Categorical
   * ({@code good} 1) one-hot rows instead.
   */
  private static Dataset data(float bad, float good) {
    float[][] rows = {{good, good}, {good, good}, {good, bad}, {good, good}};
    if (good == 1f) {
      rows = new float[][] {{1, 0}, {0, 1}, {1, bad}, {0, 1}};
    }
    return Dataset.of("x", rows);
  }

  @ParameterizedTest(name = "{0} at {2}")
  @MethodSource("outsideTheSupport")
  void dataOutsideTheSupportIsAnErrorNamingTheNodeAndTheColumn(String family,
      BiFunction<Nn, Operand<TFloat32>, Distribution> likelihood, float bad, float good, String support) {
    try (SupportModel model = new SupportModel(likelihood)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.elbo(data(bad, good)));
      String m = e.getMessage();
      assertTrue(m.contains("column 'x' holds " + bad + " at row 2, position 1 (1 of its 8 values are outside the "
          + "support), but observed node 'x' of SupportModel is " + family + ", whose values are " + support), m);
      assertThrows(IllegalArgumentException.class, () -> model.fit(data(bad, good),
          dev.helmholtz.train.Training.epochs(1).batchSize(2).adam(1e-3)
              .progress(dev.helmholtz.train.ProgressListener.silent())));
      // The same node with the bad value replaced is accepted.
      assertDoesNotThrow(() -> model.elbo(data(good == 1f ? 0f : good, good)));
    }
  }

  @Test
  void aUniformsBoundsAreCheckedInTheGraphNamingTheNode() {
    try (SupportModel model = new SupportModel((nn, z) -> Uniform.lowHigh(
        nn.tf().math.add(nn.tf().math.mul(nn.dense(z, 2), nn.tf().constant(0f)), nn.tf().constant(0f)),
        nn.tf().constant(1f)))) {
      assertDoesNotThrow(() -> model.elbo(Dataset.of("x", new float[][] {{0.5f, 0.25f}})));
      TFInvalidArgumentException e = assertThrows(TFInvalidArgumentException.class,
          () -> model.elbo(Dataset.of("x", new float[][] {{0.5f, 1.5f}})));
      assertTrue(e.getMessage().contains("observed node x of SupportModel: data outside the support of its "
          + "Uniform (bounds given by its parameters), in column x"), e.getMessage());
    }
  }
}
