package dev.helmholtz.samples.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.cvae.ConditionalVae;
import dev.helmholtz.samples.cvae.ConditionalVaeModel;
import dev.helmholtz.samples.gan.ConditionalMnistGan;
import dev.helmholtz.samples.gan.ConditionalMnistGanModel;
import dev.helmholtz.samples.gan.RingWgan;
import dev.helmholtz.samples.gan.RingWganModel;
import dev.helmholtz.samples.ssvae.SemiSupervisedVae;
import dev.helmholtz.samples.ssvae.SemiSupervisedVaeModel;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.variational.VariationalModel;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The SavedModel of a model that generates on a condition can be asked for it: a conditional
 * VAE's {@code generate} takes its given class, M2's {@code generate_classes} the class of its
 * enumerated latent, a conditional GAN's {@code generate} its label; a GAN's generator exports
 * too. Each exported signature, loaded back, draws what the model itself draws next (the export
 * holds the random streams' positions).
 */
class ConditionalExportTest {
  private static final int N = 4;

  @Test
  void conditionalVaeGeneratesTheGivenClass(@TempDir Path dir) throws Exception {
    try (ConditionalVaeModel cvae = ConditionalVaeModel.create(new ConditionalVae(), Seed.of(2), ThreadSettings.defaults())) {
      Path export = dir.resolve("cvae/1");
      cvae.exportSavedModel(export);
      float[][] y = oneHot(3, 7, 0, 9);
      Map<String, float[][]> expected = cvae.generate(Dataset.of("y", y));
      Map<String, float[][]> exported = call(export, "generate", Map.of("y", y), Set.of("x", "z"));
      assertArrayEquals(expected.get("x"), exported.get("x"));
      assertArrayEquals(expected.get("z"), exported.get("z"));
    }
  }

  @Test
  void semiSupervisedVaeGeneratesARequestedClass(@TempDir Path dir) throws Exception {
    try (VariationalModel m2 = SemiSupervisedVaeModel.create(new SemiSupervisedVae(), Seed.of(2), ThreadSettings.defaults())) {
      Path export = dir.resolve("m2/1");
      m2.exportSavedModel(export);
      float[][] y = oneHot(1, 1, 8, 4);
      Map<String, float[][]> expected = m2.generate(Dataset.of("y", y));
      Map<String, float[][]> exported = call(export, "generate_classes", Map.of("y", y), Set.of("x", "y", "z"));
      assertArrayEquals(y, exported.get("y"), "the class is the one asked for");
      assertArrayEquals(expected.get("x"), exported.get("x"));
      assertArrayEquals(expected.get("z"), exported.get("z"));
      // Without the class, generate draws it from p(y): still a signature of n alone.
      try (SavedModelBundle bundle = SavedModelBundle.load(export.toString(), "serve")) {
        assertEquals(Set.of("n"), bundle.metaGraphDef().getSignatureDefMap().get("generate").getInputsMap().keySet());
      }
    }
  }

  @Test
  void ganGeneratorsExport(@TempDir Path dir) throws Exception {
    try (RingWganModel wgan = RingWganModel.create(new RingWgan(), Seed.of(2), ThreadSettings.defaults())) {
      Path export = dir.resolve("ring/1");
      wgan.exportSavedModel(export);
      Map<String, float[][]> expected = wgan.generate(N);
      Map<String, float[][]> exported = call(export, "serving_default", Map.of(), Set.of("x", "z"));
      assertArrayEquals(expected.get("x"), exported.get("x"));
      assertArrayEquals(expected.get("z"), exported.get("z"));
    }
    try (ConditionalMnistGanModel cgan = ConditionalMnistGanModel.create(new ConditionalMnistGan(), Seed.of(2),
        ThreadSettings.defaults())) {
      Path export = dir.resolve("cgan/1");
      cgan.exportSavedModel(export);
      float[][] y = oneHot(5, 5, 2, 6);
      Map<String, float[][]> expected = cgan.generate(Dataset.of("y", y));
      Map<String, float[][]> exported = call(export, "generate", Map.of("y", y), Set.of("x", "z"));
      assertArrayEquals(expected.get("x"), exported.get("x"));
      assertArrayEquals(expected.get("z"), exported.get("z"));
    }
  }

  private static float[][] oneHot(int... classes) {
    float[][] rows = new float[classes.length][10];
    for (int i = 0; i < classes.length; i++) {
      rows[i][classes[i]] = 1f;
    }
    return rows;
  }

  /** Loads {@code export} and calls signature {@code key} with n = the rows of the inputs. */
  private static Map<String, float[][]> call(Path export, String key, Map<String, float[][]> inputs,
      Set<String> outputs) {
    Map<String, float[][]> out = new HashMap<>();
    Map<String, Tensor> fed = new HashMap<>();
    try (SavedModelBundle bundle = SavedModelBundle.load(export.toString(), "serve")) {
      fed.put("n", TInt32.scalarOf(N));
      inputs.forEach((name, rows) -> {
        float[] flat = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
          System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
        }
        fed.put(name, TFloat32.tensorOf(Shape.of(rows.length, rows[0].length), DataBuffers.of(flat)));
      });
      try (Result result = bundle.function(key).call(fed)) {
        for (String name : outputs) {
          TFloat32 t = (TFloat32) result.get(name).orElseThrow();
          int rows = (int) t.shape().get(0);
          int width = (int) t.shape().get(1);
          float[] flat = new float[rows * width];
          t.copyTo(DataBuffers.of(flat, false, false));
          float[][] value = new float[rows][width];
          for (int i = 0; i < rows; i++) {
            System.arraycopy(flat, i * width, value[i], 0, width);
          }
          out.put(name, value);
        }
      }
    } finally {
      fed.values().forEach(Tensor::close);
    }
    assertFalse(out.isEmpty());
    return out;
  }
}
