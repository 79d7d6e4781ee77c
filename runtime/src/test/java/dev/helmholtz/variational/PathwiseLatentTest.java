package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ThreadSettings;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * Under the ELBO (and IWAE) every latent's draw must carry a pathwise gradient: a family whose
 * draws do not (a user's family declared reparameterized that is not) would train on a gradient
 * missing its score-function term without a word, so building the graph fails naming the latent.
 */
class PathwiseLatentTest {
  /** A latent drawn from a Bernoulli under the given objective, as only a mis-declared family could generate. */
  static final class BernoulliLatent extends VariationalModel {
    BernoulliLatent(ObjectiveKind objective) {
      super(ModelSpec.builder("BernoulliLatent").objective(objective, 1).latent("z", 2).observed("x", 3).build(),
          Seed.of(1), ThreadSettings.of(1, 1));
      build();
    }

    @Override
    protected void defineInference(InferencePass pass) {
      Operand<TFloat32> x = pass.observed("x");
      Bernoulli qZ = Bernoulli.logits(pass.network("encode").dense(x, 2));
      Operand<TFloat32> z = pass.draw("z", qZ);
      pass.latentAnalyticKl("z", z, qZ, Bernoulli.uniform(pass.tf(), pass.shape(z)));
      pass.observe("x", x, Normal.meanLogStd(pass.network("decode").dense(z, 3), pass.tf().constant(0f)));
    }

    @Override
    protected void defineGeneration(GenerativePass pass) {
      Operand<TFloat32> z = pass.draw("z", Bernoulli.uniform(pass.tf(), pass.shape("z")));
      pass.draw("x", Normal.meanLogStd(pass.network("decode").dense(z, 3), pass.tf().constant(0f)));
    }
  }

  @Test
  void aDrawWithoutAPathwiseGradientUnderTheElboIsAnError() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> new BernoulliLatent(ObjectiveKind.ELBO));
    assertTrue(e.getMessage().contains("latent 'z' of BernoulliLatent is drawn from Bernoulli, whose "
        + "reparameterization() is NOT_REPARAMETERIZED, but the ELBO objective differentiates through its samples"),
        e.getMessage());
  }

  @Test
  void theSameLatentUnderNvilBuilds() {
    new BernoulliLatent(ObjectiveKind.NVIL).close();
  }
}
