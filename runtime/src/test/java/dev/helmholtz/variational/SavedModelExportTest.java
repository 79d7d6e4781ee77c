package dev.helmholtz.variational;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.Training;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/**
 * A trained model's SavedModel loads in a fresh JVM, through TensorFlow alone, and gives the
 * same outputs bit for bit; its signatures follow TensorFlow Serving's conventions.
 */
class SavedModelExportTest {

  private static float[][] rows(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] rows = new float[n][3];
    for (float[] row : rows) {
      for (int j = 0; j < 3; j++) {
        row[j] = (float) (random.nextDouble() * 4 - 2);
      }
    }
    return rows;
  }

  private static List<String> lines(String signature, Map<String, float[][]> outputs) {
    List<String> out = new ArrayList<>();
    new java.util.TreeMap<>(outputs).forEach((name, values) -> {
      StringBuilder line = new StringBuilder(signature + " " + name);
      for (float[] row : values) {
        for (float v : row) {
          line.append(' ').append(Float.toHexString(v));
        }
      }
      out.add(line.toString());
    });
    return out;
  }

  @Test
  void exportLoadsInAFreshJvmAndGivesIdenticalOutputs(@TempDir Path dir) throws Exception {
    Path export = dir.resolve("models/linear/1");
    float[][] x = rows(5, 2);
    List<String> expected = new ArrayList<>();
    try (LinearGaussian model = new LinearGaussian(Seed.of(8), ObjectiveKind.ELBO, 1, true)) {
      model.fit(Dataset.of("x", rows(100, 1)), Training.epochs(2).batchSize(20).adam(1e-2)
          .progress(ProgressListener.silent()));
      model.generate(3); // moves the sampler's random streams off their start
      model.exportSavedModel(export);
      // The model's next draws are the fresh process's first.
      expected.addAll(lines("generate", model.generate(4)));
      Map<String, float[][]> reconstructed = model.reconstructAll(Dataset.of("x", x));
      expected.addAll(lines("encode", model.encodeAll(Dataset.of("x", x))));
      expected.addAll(lines("reconstruct", reconstructed));
      expected.addAll(lines("serving_default", reconstructed));
      FileAlreadyExistsException again = assertThrows(FileAlreadyExistsException.class,
          () -> model.exportSavedModel(export));
      assertTrue(again.getMessage().contains(export.toAbsolutePath().toString()), again.getMessage());
    }

    Path input = dir.resolve("x.txt");
    List<String> inputLines = new ArrayList<>();
    for (float[] row : x) {
      StringBuilder b = new StringBuilder();
      for (float v : row) {
        b.append(b.length() == 0 ? "" : " ").append(Float.toString(v));
      }
      inputLines.add(b.toString());
    }
    Files.write(input, inputLines);
    Path output = dir.resolve("out.txt");
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classPath, SavedModelProbe.class.getName(), export.toString(), input.toString(),
        output.toString(), "4")
        .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
    assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the fresh JVM finished");
    assertEquals(0, child.exitValue(), Files.readString(dir.resolve("child.log")));
    assertEquals(expected, Files.readAllLines(output));
  }

  @Test
  void signaturesFollowTensorFlowServingConventions(@TempDir Path dir) throws IOException {
    Path export = dir.resolve("1");
    try (LinearGaussian model = new LinearGaussian(Seed.of(8), ObjectiveKind.ELBO, 1, true)) {
      model.exportSavedModel(export);
    }
    assertTrue(Files.isRegularFile(export.resolve("variables/variables.index")));
    SavedModel saved = SavedModel.parseFrom(Files.readAllBytes(export.resolve("saved_model.pb")));
    assertEquals(1, saved.getMetaGraphsCount());
    assertEquals(List.of("serve"), saved.getMetaGraphs(0).getMetaInfoDef().getTagsList());
    Map<String, SignatureDef> signatures = saved.getMetaGraphs(0).getSignatureDefMap();
    assertEquals(java.util.Set.of("generate", "encode", "reconstruct", "serving_default"), signatures.keySet());
    for (SignatureDef s : signatures.values()) {
      assertEquals("tensorflow/serving/predict", s.getMethodName());
    }
    assertEquals(java.util.Set.of("n"), signatures.get("generate").getInputsMap().keySet());
    assertEquals(java.util.Set.of("z", "x"), signatures.get("generate").getOutputsMap().keySet());
    TensorInfo x = signatures.get("reconstruct").getInputsOrThrow("x");
    assertEquals(List.of(-1L, 3L), x.getTensorShape().getDimList().stream().map(d -> d.getSize()).toList(),
        "a leading batch dimension");
    assertEquals(java.util.Set.of("z"), signatures.get("encode").getOutputsMap().keySet());
    assertEquals(java.util.Set.of("x"), signatures.get("reconstruct").getOutputsMap().keySet());
    assertEquals(signatures.get("reconstruct").getOutputsMap(), signatures.get("serving_default").getOutputsMap());
    try (var entries = Files.list(dir)) {
      assertEquals(List.of(export), entries.toList(), "no temporary directory left beside the export");
    }
  }
}
