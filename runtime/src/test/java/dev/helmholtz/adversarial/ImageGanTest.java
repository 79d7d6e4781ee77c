package dev.helmholtz.adversarial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.GanLoss;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.Activation;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A GAN whose generated node is an image of event shape [2, 2, 1] trains exactly as its twin of
 * vector shape [4] (same variables and draws): the generator returns [n, 2, 2, 1], the
 * discriminator sees [n, 2, 2, 1], data columns of the image's shape are taken; a generator
 * returning another shape fails the build naming the op.
 */
class ImageGanTest {
  /** The GAN: z [2] noise; generator dense 4 (reshaped to [2, 2, 1] in the image version); discriminator 8-1. */
  private static final class Gan extends AdversarialModel {
    private final boolean image;
    private final boolean wrongShape;

    Gan(boolean image, boolean wrongShape) {
      super(AdversarialSpec.builder("ImageGan").game(GanLoss.NON_SATURATING, 1, 10.0)
          .latent("z", 2)
          .generated("x", image ? new int[] {2, 2, 1} : new int[] {4})
          .build(), Seed.of(3), ThreadSettings.of(1, 1));
      this.image = image;
      this.wrongShape = wrongShape;
      build();
    }

    @Override
    protected void defineGeneration(AdversarialPass pass) {
      Ops tf = pass.tf();
      Operand<TFloat32> z = pass.draw("z", Normal.standard(tf, pass.shape("z")));
      Operand<TFloat32> x = pass.network("generate").dense(z, 4);
      pass.generate("x", image && !wrongShape ? tf.reshape(x, tf.constant(new long[] {-1, 2, 2, 1})) : x);
    }

    @Override
    protected Operand<TFloat32> defineDiscriminator(DiscriminatorPass pass) {
      Nn nn = pass.network("discriminate");
      Operand<TFloat32> x = pass.node("x");
      Operand<TFloat32> flat = image ? nn.tf().reshape(x, nn.tf().constant(new long[] {-1, 4})) : x;
      return nn.dense(nn.dense(flat, 8, Activation.TANH), 1);
    }
  }

  private static float[] data(int n) {
    SplittableRandom random = new SplittableRandom(4);
    float[] flat = new float[n * 4];
    for (int i = 0; i < flat.length; i++) {
      flat[i] = (float) (random.nextGaussian() + (i % 4));
    }
    return flat;
  }

  @Test
  void anImageGanTrainsAsItsVectorTwin() {
    float[] flat = data(400);
    Training training = Training.epochs(2).batchSize(50).adam(1e-2).seed(1).progress(ProgressListener.silent());
    try (Gan vector = new Gan(false, false); Gan image = new Gan(true, false)) {
      vector.fit(Dataset.of("x", flat, 4), training);
      image.fit(Dataset.of("x", flat, 2, 2, 1), training);
      for (String name : new String[] {"generate/dense_0/kernel", "discriminate/dense_1/kernel"}) {
        assertArrayEquals(vector.parameter(name), image.parameter(name), 1e-6f, name);
      }
      float[][] a = vector.generate(3).get("x");
      float[][] b = image.generate(3).get("x");
      for (int i = 0; i < 3; i++) {
        assertArrayEquals(a[i], b[i], 1e-6f);
      }
      Dataset probe = Dataset.of("x", data(5), 2, 2, 1);
      assertArrayEquals(vector.discriminate(Dataset.of("x", probe.flat("x"), 4)), image.discriminate(probe), 1e-6f);
    }
  }

  @Test
  void aGeneratorOfAnotherShapeFailsTheBuild() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Gan(true, true));
    assertTrue(e.getMessage().contains("the generator of 'x' in ImageGan returns shape [-1, 4] (op 'generate/dense_0/"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("but node 'x' declares shape [2, 2, 1]; return [n, 2, 2, 1]"), e.getMessage());
  }
}
