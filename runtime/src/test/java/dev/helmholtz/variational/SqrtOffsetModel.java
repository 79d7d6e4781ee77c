package dev.helmholtz.variational;

import dev.helmholtz.dist.Normal;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.nn.VariableStore;
import dev.helmholtz.train.ThreadSettings;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * {@link LinearGaussian} with {@code sqrt(offset)} added to the decoder's mean, {@code offset} a
 * variable that starts at 0: the objective is finite, but the gradient of {@code offset} is
 * infinite from the first step (d sqrt(u) / du = infinity at 0).
 */
final class SqrtOffsetModel extends VariationalModel {
  SqrtOffsetModel() {
    super(ModelSpec.builder("SqrtOffset").objective(dev.helmholtz.annotations.ObjectiveKind.ELBO, 1)
        .latent("z", 2).observed("x", 3).build(), Seed.of(1), ThreadSettings.of(1, 1));
    build();
  }

  @Override
  protected void defineInference(InferencePass pass) {
    Operand<TFloat32> x = pass.observed("x");
    Nn encode = pass.network("encode");
    Normal qZ = Normal.meanLogStd(encode.dense(x, 2), encode.dense(x, 2));
    Operand<TFloat32> z = pass.draw("z", qZ);
    pass.latentAnalyticKl("z", z, qZ, Normal.standard(pass.tf(), pass.shape(z)));
    pass.observe("x", x, decode(pass.network("decode"), z));
  }

  @Override
  protected void defineGeneration(GenerativePass pass) {
    Operand<TFloat32> z = pass.draw("z", Normal.standard(pass.tf(), pass.shape("z")));
    pass.draw("x", decode(pass.network("decode"), z));
  }

  private static Normal decode(Nn nn, Operand<TFloat32> z) {
    Operand<TFloat32> offset = nn.store().variable("decode/offset", Shape.of(3), VariableStore.zeros());
    Operand<TFloat32> mean = nn.tf().math.add(nn.dense(z, 3), nn.tf().math.sqrt(offset));
    return Normal.meanLogStd(mean, nn.tf().constant(0f));
  }
}
