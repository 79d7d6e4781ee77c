package dev.helmholtz.samples.infogan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.cli.HelmholtzCli;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated InfoGAN: the Q heads and the body they share train on the discriminator's side
 * and nowhere else; a short run raises the bound on I(c; x); codes can be given; the command
 * runs end to end.
 */
class InfoGanModelTest {
  private static Dataset small(int n) {
    try {
      float[][] images = Mnist.loadDefault().train().take(n).images();
      float[][] symmetric = new float[images.length][];
      for (int i = 0; i < images.length; i++) {
        symmetric[i] = new float[images[i].length];
        for (int j = 0; j < images[i].length; j++) {
          symmetric[i][j] = 2 * images[i][j] - 1;
        }
      }
      return Dataset.of("x", symmetric);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void eachPlayerTrainsOnlyItsOwnVariables() {
    try (InfoGanModel gan = InfoGanModel.create(new InfoGan(), Seed.of(1), ThreadSettings.defaults())) {
      List<String> generator = gan.generatorParameterNames();
      List<String> discriminatorSide = gan.discriminatorParameterNames();
      assertTrue(generator.stream().allMatch(n -> n.startsWith("generate/")), generator.toString());
      for (String scope : List.of("discriminate/", "body/", "inferClass/", "inferStyle/")) {
        assertTrue(discriminatorSide.stream().anyMatch(n -> n.startsWith(scope)), scope + " in " + discriminatorSide);
      }
      Set<String> overlap = new HashSet<>(generator);
      overlap.retainAll(discriminatorSide);
      assertTrue(overlap.isEmpty(), "shared by both players: " + overlap);

      // One discriminator step and no generator step (the generator's turn is every 2nd): the
      // generator stays put; the Q heads and the body move, the bound's gradient reaching them.
      Map<String, float[]> before = new java.util.LinkedHashMap<>();
      for (String name : gan.parameterNames()) {
        before.put(name, gan.parameter(name));
      }
      gan.fit(small(64), Training.epochs(1).maxSteps(1).batchSize(64).adam(1e-3).seed(1)
          .progress(ProgressListener.silent()), 2);
      for (String name : generator) {
        assertArrayEquals(before.get(name), gan.parameter(name), name + " moved in a discriminator step");
      }
      for (String name : List.of("inferClass/dense_1/kernel", "inferStyle/dense_1/kernel", "body/dense_0/kernel")) {
        assertFalse(java.util.Arrays.equals(before.get(name), gan.parameter(name)), name + " did not move");
      }
    }
  }

  @Test
  void shortRunRaisesTheBoundOnTheCategoricalCode() {
    try (InfoGanModel gan = InfoGanModel.create(new InfoGan(), Seed.of(2), ThreadSettings.defaults())) {
      double before = gan.informationBounds(1000).get("c");
      gan.fit(small(2000), Training.epochs(100).maxSteps(150).batchSize(64).adam(1e-3).seed(1)
          .progress(ProgressListener.silent()));
      double after = gan.informationBounds(1000).get("c");
      // Of at most H(c) = log 10 = 2.30 nats: an untrained Q guesses (about 0).
      assertTrue(before < 0.3, "untrained bound " + before);
      assertTrue(after > 1.0, "bound after 150 steps " + after + " (before " + before + ")");

      float[][] threes = new float[5][10];
      for (float[] row : threes) {
        row[3] = 1;
      }
      Map<String, float[][]> drawn = gan.generateFrom(Map.of("c", threes));
      assertArrayEquals(threes, drawn.get("c"));
      assertEquals(5, drawn.get("x").length);
    }
  }

  @Test
  void commandWritesCodesAndGrids(@TempDir Path dir) throws Exception {
    // A small classifier saved beforehand: the command would otherwise train one on all of MNIST.
    Path classifier = dir.resolve("classifier.bin");
    try (var c = dev.helmholtz.samples.quality.MnistClassifier.train(Mnist.loadDefault().train().take(500), 1, 1,
        ThreadSettings.of(1, 1))) {
      c.save(classifier);
    }
    Path output = dir.resolve("infogan");
    assertEquals(0, HelmholtzCli.commandLine().execute("infogan", "--epochs", "1", "--train-examples", "128",
        "--per-code", "5", "--classifier", classifier.toString(), "--output", output.toString()));
    for (String png : List.of("samples-epoch-001.png", "code-c.png", "code-s1.png", "code-s2.png")) {
      assertTrue(Files.size(output.resolve(png)) > 0, png);
    }
    assertTrue(Files.readString(output.resolve("codes.json")).contains("\"label_agreement_after_matching\""));
  }
}
