package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.train.ThreadSettings;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * A prior network of no node whose one row the passes cannot see statically (its static shape
 * says [?, width]): ancestral sampling then fails naming the node and the counts, where it once
 * copied one row and left n - 1 rows of zeros.
 */
class LearnedPriorRowsTest {

  /** z ~ N(mu, I) with mu [1, 2], hidden behind a [?, 2] static shape when sampled; x | z ~ N(z W + b, I). */
  static final class HiddenRowPrior extends VariationalModel {
    HiddenRowPrior() {
      super(ModelSpec.builder("HiddenRowPrior").objective(ObjectiveKind.ELBO, 1).latent("z", 2).observed("x", 3)
          .build(), Seed.of(1), ThreadSettings.of(1, 1));
      build();
    }

    private static Normal prior(Nn nn, boolean hideTheRow) {
      Operand<TFloat32> mean = nn.variable("mean", 1, 2);
      // Sampling only: PlaceholderWithDefault has no gradient for the training graph.
      Operand<TFloat32> hidden = hideTheRow ? nn.tf().placeholderWithDefault(mean, Shape.of(-1, 2)) : mean;
      return Normal.meanLogStd(hidden, nn.tf().zerosLike(hidden));
    }

    private static Normal decode(Nn nn, Operand<TFloat32> z) {
      return Normal.meanLogStd(nn.dense(z, 3), nn.tf().constant(0f));
    }

    @Override
    protected void defineInference(InferencePass pass) {
      Operand<TFloat32> x = pass.observed("x");
      Nn encode = pass.network("encode");
      Normal qZ = Normal.meanLogStd(encode.dense(x, 2), encode.dense(x, 2));
      Operand<TFloat32> z = pass.draw("z", qZ);
      pass.latentAnalyticKl("z", z, qZ, prior(pass.network("prior"), false));
      pass.observe("x", x, pass.unfold(decode(pass.network("decode"), pass.fold(z))));
    }

    @Override
    protected void defineGeneration(GenerativePass pass) {
      Operand<TFloat32> z = pass.draw("z", prior(pass.network("prior"), true));
      pass.draw("x", decode(pass.network("decode"), z));
    }
  }

  @Test
  void aFetchOfTheWrongRowCountIsAnErrorNamingTheNode() {
    try (HiddenRowPrior model = new HiddenRowPrior()) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> model.generate(8));
      assertTrue(e.getMessage().startsWith("node 'z': expected 8 rows of width 2, but the graph gave 1 rows of width 2"),
          e.getMessage());
      assertEquals(1, model.generate(1).get("z").length);
    }
  }
}
