package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated source of every sample model, compared with a reviewed copy. After an
 * intended change to generated code, rewrite the copies with
 * {@code HELMHOLTZ_UPDATE_GOLDEN=true mvn -pl processor test} and review the diff.
 *
 * <p>Generation is deterministic: a model compiled twice, or together with the other samples in
 * either order, gives the same bytes.
 */
class GoldenSourceTest {
  private static final Path SAMPLES = Path.of("../samples/src/main/java");
  private static final Path GOLDEN = Path.of("src/test/resources/golden");

  /** Every @Model class of samples/src/main/java: its source and the class generated from it. */
  static final Map<String, String> SAMPLE_MODELS = new TreeMap<>(Map.ofEntries(
      Map.entry("dev/helmholtz/samples/vae/Vae.java", "dev.helmholtz.samples.vae.VaeModel"),
      Map.entry("dev/helmholtz/samples/conv/ConvVae.java", "dev.helmholtz.samples.conv.ConvVaeModel"),
      Map.entry("dev/helmholtz/samples/continuous/ContinuousVae.java",
          "dev.helmholtz.samples.continuous.ContinuousVaeModel"),
      Map.entry("dev/helmholtz/samples/bench/WideVae.java", "dev.helmholtz.samples.bench.WideVaeModel"),
      Map.entry("dev/helmholtz/samples/bench/Latent10Vae.java", "dev.helmholtz.samples.bench.Latent10VaeModel"),
      Map.entry("dev/helmholtz/samples/bench/Latent200Vae.java", "dev.helmholtz.samples.bench.Latent200VaeModel"),
      Map.entry("dev/helmholtz/samples/iwae/VaeK5.java", "dev.helmholtz.samples.iwae.VaeK5Model"),
      Map.entry("dev/helmholtz/samples/iwae/VaeK50.java", "dev.helmholtz.samples.iwae.VaeK50Model"),
      Map.entry("dev/helmholtz/samples/iwae/IwaeK5.java", "dev.helmholtz.samples.iwae.IwaeK5Model"),
      Map.entry("dev/helmholtz/samples/iwae/IwaeK50.java", "dev.helmholtz.samples.iwae.IwaeK50Model"),
      Map.entry("dev/helmholtz/samples/sbn/SbnNvil.java", "dev.helmholtz.samples.sbn.SbnNvilModel"),
      Map.entry("dev/helmholtz/samples/sbn/SbnVimco.java", "dev.helmholtz.samples.sbn.SbnVimcoModel"),
      Map.entry("dev/helmholtz/samples/sbn/SbnWakeSleep.java", "dev.helmholtz.samples.sbn.SbnWakeSleepModel"),
      Map.entry("dev/helmholtz/samples/sbn/SbnAdaptiveIs.java", "dev.helmholtz.samples.sbn.SbnAdaptiveIsModel"),
      Map.entry("dev/helmholtz/samples/sbn/SbnReweightedWakeSleep.java",
          "dev.helmholtz.samples.sbn.SbnReweightedWakeSleepModel"),
      Map.entry("dev/helmholtz/samples/cvae/ConditionalVae.java", "dev.helmholtz.samples.cvae.ConditionalVaeModel"),
      Map.entry("dev/helmholtz/samples/ssvae/SemiSupervisedVae.java",
          "dev.helmholtz.samples.ssvae.SemiSupervisedVaeModel"),
      Map.entry("dev/helmholtz/samples/ssvae/StackedSemiSupervisedVae.java",
          "dev.helmholtz.samples.ssvae.StackedSemiSupervisedVaeModel"),
      Map.entry("dev/helmholtz/samples/ssvae/SemiSupervisedVaeAdaptiveIs.java",
          "dev.helmholtz.samples.ssvae.SemiSupervisedVaeAdaptiveIsModel"),
      Map.entry("dev/helmholtz/samples/gumbel/GumbelSoftmaxVae.java",
          "dev.helmholtz.samples.gumbel.GumbelSoftmaxVaeModel"),
      Map.entry("dev/helmholtz/samples/gan/MnistGan.java", "dev.helmholtz.samples.gan.MnistGanModel"),
      Map.entry("dev/helmholtz/samples/gan/ConditionalMnistGan.java",
          "dev.helmholtz.samples.gan.ConditionalMnistGanModel"),
      Map.entry("dev/helmholtz/samples/gan/RingWgan.java", "dev.helmholtz.samples.gan.RingWganModel"),
      Map.entry("dev/helmholtz/samples/gan/DcGan.java", "dev.helmholtz.samples.gan.DcGanModel"),
      Map.entry("dev/helmholtz/samples/gan/ConvWganGp.java", "dev.helmholtz.samples.gan.ConvWganGpModel"),
      Map.entry("dev/helmholtz/samples/mmd/RingMmd.java", "dev.helmholtz.samples.mmd.RingMmdModel"),
      Map.entry("dev/helmholtz/samples/mmd/MnistMmd.java", "dev.helmholtz.samples.mmd.MnistMmdModel"),
      Map.entry("dev/helmholtz/samples/infogan/InfoGan.java", "dev.helmholtz.samples.infogan.InfoGanModel"),
      Map.entry("dev/helmholtz/samples/bigan/MnistBigan.java", "dev.helmholtz.samples.bigan.MnistBiganModel"),
      Map.entry("dev/helmholtz/samples/aae/MnistAae.java", "dev.helmholtz.samples.aae.MnistAaeModel"),
      Map.entry("dev/helmholtz/samples/game/CycleGan.java", "dev.helmholtz.samples.game.CycleGanModel"),
      Map.entry("dev/helmholtz/samples/game/TripleGan.java", "dev.helmholtz.samples.game.TripleGanModel"),
      Map.entry("dev/helmholtz/samples/flow/PlanarFlowVae.java", "dev.helmholtz.samples.flow.PlanarFlowVaeModel"),
      Map.entry("dev/helmholtz/samples/flow/IafVae.java", "dev.helmholtz.samples.flow.IafVaeModel"),
      Map.entry("dev/helmholtz/samples/bayes/LogisticRegression.java",
          "dev.helmholtz.samples.bayes.LogisticRegressionModel"),
      Map.entry("dev/helmholtz/samples/bayes/TanhRegressionNetwork.java",
          "dev.helmholtz.samples.bayes.TanhRegressionNetworkModel"),
      Map.entry("dev/helmholtz/samples/bench/RowAlignedLogisticRegression.java",
          "dev.helmholtz.samples.bench.RowAlignedLogisticRegressionModel"),
      Map.entry("dev/helmholtz/samples/bayesvae/BayesianDecoderVae.java",
          "dev.helmholtz.samples.bayesvae.BayesianDecoderVaeModel"),
      Map.entry("dev/helmholtz/samples/bayes/EightSchools.java", "dev.helmholtz.samples.bayes.EightSchoolsModel"),
      Map.entry("dev/helmholtz/samples/bayes/DiabetesNetwork.java", "dev.helmholtz.samples.bayes.DiabetesNetworkModel"),
      Map.entry("dev/helmholtz/samples/bayes/MatrixFactorization.java",
          "dev.helmholtz.samples.bayes.MatrixFactorizationModel"),
      Map.entry("dev/helmholtz/samples/mixture/VaeMixturePrior.java",
          "dev.helmholtz.samples.mixture.VaeMixturePriorModel"),
      Map.entry("dev/helmholtz/samples/rbm/RbmCd1.java", "dev.helmholtz.samples.rbm.RbmCd1Model"),
      Map.entry("dev/helmholtz/samples/rbm/RbmCd10.java", "dev.helmholtz.samples.rbm.RbmCd10Model"),
      Map.entry("dev/helmholtz/samples/rbm/RbmCd3.java", "dev.helmholtz.samples.rbm.RbmCd3Model"),
      Map.entry("dev/helmholtz/samples/rbm/RbmCd25.java", "dev.helmholtz.samples.rbm.RbmCd25Model"),
      Map.entry("dev/helmholtz/samples/rbm/RbmPcd.java", "dev.helmholtz.samples.rbm.RbmPcdModel"),
      Map.entry("dev/helmholtz/samples/ppca/LinearVae.java", "dev.helmholtz.samples.ppca.LinearVaeModel"),
      Map.entry("dev/helmholtz/samples/dbn/DbnTopRbm.java", "dev.helmholtz.samples.dbn.DbnTopRbmModel")));

  static Stream<String> sampleModels() {
    return SAMPLE_MODELS.keySet().stream();
  }

  @ParameterizedTest
  @MethodSource("sampleModels")
  void generatedSourceIsTheGolden(String modelSource) throws IOException {
    String generatedClass = SAMPLE_MODELS.get(modelSource);
    String actual = generate(List.of(modelSource)).get(generatedClass);
    Path golden = GOLDEN.resolve(generatedClass.replace('.', '/') + ".java");
    if (Boolean.parseBoolean(System.getenv("HELMHOLTZ_UPDATE_GOLDEN"))) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, actual, StandardCharsets.UTF_8);
    }
    assertEquals(Files.readString(golden, StandardCharsets.UTF_8), actual,
        "generated source differs from " + golden + "; if intended, rerun with HELMHOLTZ_UPDATE_GOLDEN=true and review the diff");
  }

  @ParameterizedTest
  @MethodSource("sampleModels")
  void generationIsDeterministic(String modelSource) {
    String generatedClass = SAMPLE_MODELS.get(modelSource);
    String first = generate(List.of(modelSource)).get(generatedClass);
    String second = generate(List.of(modelSource)).get(generatedClass);
    assertEquals(first, second, "two compilations of " + modelSource + " generated different sources");
  }

  /** Other models in the same compilation, in either order, change nothing. */
  @Test
  void generationDoesNotDependOnOtherModelsOrTheirOrder() {
    List<String> sources = new ArrayList<>(SAMPLE_MODELS.keySet());
    Map<String, String> forward = generate(sources);
    List<String> reversed = new ArrayList<>(sources);
    java.util.Collections.reverse(reversed);
    Map<String, String> backward = generate(reversed);
    for (Map.Entry<String, String> sample : SAMPLE_MODELS.entrySet()) {
      String alone = generate(List.of(sample.getKey())).get(sample.getValue());
      assertEquals(alone, forward.get(sample.getValue()), sample.getValue() + " compiled with the other samples");
      assertEquals(alone, backward.get(sample.getValue()), sample.getValue() + " compiled with the other samples, reversed");
    }
  }

  /** A new sample model must get a golden copy too. */
  @Test
  void everySampleModelHasAGolden() throws IOException {
    List<String> models = new ArrayList<>();
    try (Stream<Path> files = Files.walk(SAMPLES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        boolean model = isModel(file);
        if (model) {
          models.add(SAMPLES.relativize(file).toString().replace('\\', '/'));
        }
      }
    }
    assertEquals(List.copyOf(SAMPLE_MODELS.keySet()), models,
        "the @Model classes of " + SAMPLES + " and GoldenSourceTest.SAMPLE_MODELS differ: add the new model there");
  }

  /** Compiles sample sources in the given order; the generated sources by class name. */
  private static Map<String, String> generate(List<String> modelSources) {
    List<JavaFileObject> files = new ArrayList<>();
    java.util.Set<Path> support = new java.util.TreeSet<>();
    for (String modelSource : modelSources) {
      Path model = SAMPLES.resolve(modelSource);
      try {
        files.add(JavaFileObjects.forResource(model.toUri().toURL()));
        // The helpers the model names (networks shared by several models) and the base class it
        // inherits its nodes and networks from come along.
        String text = Files.readString(model, StandardCharsets.UTF_8);
        try (Stream<Path> siblings = Files.list(model.getParent())) {
          siblings.filter(f -> f.toString().endsWith(".java") && !isModel(f))
              .filter(f -> {
                String sibling = f.getFileName().toString().replace(".java", "");
                return text.contains(sibling + ".") || text.contains("extends " + sibling + " ");
              })
              .forEach(support::add);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    for (Path helper : support) {
      try {
        files.add(JavaFileObjects.forResource(helper.toUri().toURL()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Compilation compilation = Compilations.compile(files.toArray(JavaFileObject[]::new));
    assertThat(compilation).succeededWithoutWarnings();
    Map<String, String> generated = new TreeMap<>();
    for (String modelSource : modelSources) {
      String generatedClass = SAMPLE_MODELS.get(modelSource);
      JavaFileObject file = compilation.generatedSourceFile(generatedClass)
          .orElseThrow(() -> new AssertionError("no generated " + generatedClass));
      try {
        generated.put(generatedClass, file.getCharContent(false).toString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return generated;
  }

  private static boolean isModel(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
          .map(String::strip)
          .anyMatch(l -> l.startsWith("@Model") || l.startsWith("@dev.helmholtz.annotations.Model"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
