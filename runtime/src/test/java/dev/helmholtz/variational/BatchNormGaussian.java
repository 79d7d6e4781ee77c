package dev.helmholtz.variational;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.Activation;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.train.ThreadSettings;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * {@link LinearGaussian}'s shape with batch normalization: the encoder normalizes x first (so its
 * first moving mean is the data's mean, scaled by the updates), the decoder normalizes a hidden
 * layer, and dropout sits in the decoder. Written as the processor would generate it.
 */
final class BatchNormGaussian extends VariationalModel {
  BatchNormGaussian(Seed seed, ObjectiveKind objective, int samples, ThreadSettings threads) {
    super(ModelSpec.builder("BatchNormGaussian").objective(objective, samples)
        .latent("z", 2).observed("x", 3).build(), seed, threads);
    build();
  }

  @Override
  protected void defineInference(InferencePass pass) {
    Operand<TFloat32> x = pass.observed("x");
    Nn encode = pass.network("encode");
    Operand<TFloat32> h = encode.dense(encode.batchNorm(x), 4, Activation.TANH);
    Normal qZ = Normal.meanLogStd(encode.dense(h, 2), encode.dense(h, 2));
    Operand<TFloat32> z = pass.draw("z", qZ);
    pass.latentAnalyticKl("z", z, qZ, Normal.standard(pass.tf(), pass.shape(z)));
    pass.observe("x", x, pass.unfold(decode(pass.network("decode"), pass.fold(z))));
  }

  @Override
  protected void defineGeneration(GenerativePass pass) {
    Operand<TFloat32> z = pass.draw("z", Normal.standard(pass.tf(), pass.shape("z")));
    pass.draw("x", decode(pass.network("decode"), z));
  }

  private static Normal decode(Nn nn, Operand<TFloat32> z) {
    Operand<TFloat32> h = nn.activate(nn.batchNorm(nn.dense(z, 5)), Activation.RELU);
    return Normal.meanLogStd(nn.dense(nn.dropout(h, 0.2f), 3), nn.tf().constant(-0.7f));
  }
}
