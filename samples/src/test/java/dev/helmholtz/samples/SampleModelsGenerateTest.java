package dev.helmholtz.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.adversarial.AdversarialModel;
import dev.helmholtz.adversarial.AdversarialSpec;
import dev.helmholtz.core.CompiledModel;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.vae.VaeModel;
import dev.helmholtz.variational.ModelSpec;
import dev.helmholtz.variational.VariationalModel;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every generated sample model, found among the samples' classes so that a new one is checked
 * too, and the generated models of these tests, untrained, draws n sensible rows: n rows of each
 * node, of its width, finite, not all zero after the first and not all alike (a distribution that
 * lost its batch axis gave one row and n - 1 rows of zeros; a count latent's draw may be a row of
 * zeros, but not seven in a row).
 * Models with given or label nodes are sampled with {@code generate(Dataset)}, one-hot rows.
 */
class SampleModelsGenerateTest {
  private static final int N = 8;

  /**
   * The generated models of the samples' classes and of these tests' own (such as the learned
   * priors of {@code dev.helmholtz.samples.prior}).
   */
  static Stream<Class<?>> generatedModels() throws IOException, URISyntaxException {
    return Stream.concat(generatedModels(VaeModel.class), generatedModels(SampleModelsGenerateTest.class))
        .sorted(Comparator.comparing(Class::getName));
  }

  /** The generated models among the classes of the directory {@code anchor} was loaded from. */
  private static Stream<Class<?>> generatedModels(Class<?> anchor) throws IOException, URISyntaxException {
    Path classes = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (Stream<Path> files = Files.walk(classes)) {
      List<Class<?>> models = files.map(classes::relativize).map(Path::toString)
          .filter(f -> f.endsWith("Model.class") && !f.contains("$"))
          .<Class<?>>map(f -> load(f.substring(0, f.length() - ".class".length()).replace('/', '.').replace('\\', '.')))
          .filter(c -> (VariationalModel.class.isAssignableFrom(c) || AdversarialModel.class.isAssignableFrom(c))
              && !Modifier.isAbstract(c.getModifiers()))
          .toList();
      return models.stream();
    }
  }

  @Test
  void theScanFindsTheSampleModels() throws IOException, URISyntaxException {
    List<String> names = generatedModels().map(Class::getSimpleName).toList();
    assertTrue(names.containsAll(List.of("VaeModel", "SbnWakeSleepModel", "GumbelSoftmaxVaeModel",
        "SemiSupervisedVaeModel", "ConditionalVaeModel", "MnistGanModel", "ConditionalMnistGanModel",
        "RingWganModel", "LearnedPriorModelModel", "LearnedPriorGanModel", "LearnedMixturePriorModel", "LearnedBiasSbnModel")), names.toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("generatedModels")
  void generatesNSensibleRows(Class<?> type) throws ReflectiveOperationException {
    Method create = type.getMethod("create", Seed.class);
    try (CompiledModel model = (CompiledModel) create.invoke(null, Seed.of(1))) {
      Map<String, Integer> widths = new LinkedHashMap<>();
      Map<String, float[][]> generated;
      if (model instanceof VariationalModel variational) {
        variational.spec().nodes().forEach(node -> widths.put(node.name(), node.width()));
        List<ModelSpec.Node> given = variational.spec().given();
        generated = given.isEmpty() ? variational.generate(N)
            : variational.generate(oneHot(given.stream().map(n -> Map.entry(n.name(), n.width())).toList()));
        given.forEach(node -> widths.remove(node.name()));
      } else {
        AdversarialModel adversarial = (AdversarialModel) model;
        adversarial.spec().nodes().forEach(node -> widths.put(node.name(), node.width()));
        List<AdversarialSpec.Node> labels = adversarial.spec().nodes(AdversarialSpec.Role.LABEL);
        generated = labels.isEmpty() ? adversarial.generate(N)
            : adversarial.generate(oneHot(labels.stream().map(n -> Map.entry(n.name(), n.width())).toList()));
        labels.forEach(node -> widths.remove(node.name()));
      }
      for (Map.Entry<String, Integer> node : widths.entrySet()) {
        String what = type.getSimpleName() + " node '" + node.getKey() + "'";
        float[][] rows = generated.get(node.getKey());
        assertTrue(rows != null, what + " not generated: " + generated.keySet());
        assertEquals(N, rows.length, what);
        for (float[] row : rows) {
          assertEquals(node.getValue(), row.length, what);
          for (float value : row) {
            assertTrue(Float.isFinite(value), what + ": " + Arrays.toString(row));
          }
        }
        assertFalse(Arrays.stream(rows).skip(1).allMatch(SampleModelsGenerateTest::allZero),
            what + ": every row after the first is zeros");
        assertFalse(Arrays.stream(rows).allMatch(row -> Arrays.equals(row, rows[0])),
            what + ": every row alike " + Arrays.toString(rows[0]));
      }
    }
  }

  /** N rows of one-hot labels for each node, row i of class i modulo its width. */
  private static Dataset oneHot(List<Map.Entry<String, Integer>> nodes) {
    Dataset data = null;
    for (Map.Entry<String, Integer> node : nodes) {
      float[][] rows = new float[N][node.getValue()];
      for (int i = 0; i < N; i++) {
        rows[i][i % node.getValue()] = 1f;
      }
      data = data == null ? Dataset.of(node.getKey(), rows) : data.with(node.getKey(), rows);
    }
    return data;
  }

  private static boolean allZero(float[] row) {
    for (float value : row) {
      if (value != 0f) {
        return false;
      }
    }
    return true;
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }
}
