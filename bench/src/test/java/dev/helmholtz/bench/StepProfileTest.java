package dev.helmholtz.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.DataPath;
import dev.helmholtz.variational.LinearGaussian;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The step profile accounts for a training step's ops, on either data path, and steps for real. */
class StepProfileTest {
  private static Dataset data() {
    float[][] rows = new float[64][3];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = new float[] {i % 3 - 1f, (i * 7 % 5) / 5f, 0.5f};
    }
    return Dataset.of("x", rows);
  }

  @Test
  void opTypesOfATrainingStep() {
    for (DataPath path : List.of(DataPath.RESIDENT, DataPath.FED)) {
      try (LinearGaussian model = new LinearGaussian(Seed.of(3), ObjectiveKind.ELBO, 1, true)) {
        float[] before = model.parameter("decode/dense_0/kernel");
        StepProfile p = StepProfile.measure(model, data(), 16, path, 2, 3);
        assertEquals(path, p.dataPath());
        assertTrue(p.wallMicrosPerStep() > 0 && p.opMicrosPerStep() > 0, p.table(5));
        List<String> types = p.types().stream().map(StepProfile.OpType::type).toList();
        assertTrue(types.contains("ApplyAdam"), types::toString);
        assertEquals(path == DataPath.RESIDENT, types.contains("GatherV2"), types::toString);
        assertEquals(1.0, p.types().stream().mapToDouble(StepProfile.OpType::share).sum(), 1e-9);
        assertTrue(p.table(3).lines().count() == 5, p.table(3)); // header, 3 types, the rest
        // The profiled steps are Adam updates.
        assertTrue(!java.util.Arrays.equals(before, model.parameter("decode/dense_0/kernel")));
      }
    }
  }

  /** The hand-written graph's step is profiled the same way, and updates its weights too. */
  @Test
  void opTypesOfTheHandWrittenStep() {
    float[][] rows = new float[64][784];
    for (int i = 0; i < rows.length; i++) {
      rows[i][i * 11 % 784] = 1f;
    }
    try (HandWrittenVae hand = HandWrittenVae.create(HandWrittenVae.Architecture.burda(10), 5,
        dev.helmholtz.train.ThreadSettings.of(1, 1))) {
      double before = hand.elbo(Dataset.of("x", rows), "x");
      StepProfile p = StepProfile.measure(hand, Dataset.of("x", rows), "x", 16, 2, 3);
      assertEquals(DataPath.FED, p.dataPath());
      List<String> types = p.types().stream().map(StepProfile.OpType::type).toList();
      assertTrue(types.contains("ApplyAdam") && types.contains("Softplus"), types::toString);
      assertEquals(1.0, p.types().stream().mapToDouble(StepProfile.OpType::share).sum(), 1e-9);
      assertTrue(hand.elbo(Dataset.of("x", rows), "x") != before, "the profiled steps are Adam updates");
    }
  }

  /** A resident column not binarized takes no random draws: the binarizing branch does not run. */
  @Test
  void residentDataIsDrawnOnlyWhenDynamicallyBinarized() {
    float[][] rows = new float[64][3];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = new float[] {(i % 4) / 4f, 0.5f, 1f};
    }
    for (boolean binarized : new boolean[] {false, true}) {
      Dataset data = binarized ? Dataset.of("x", rows).dynamicallyBinarized("x") : Dataset.of("x", rows);
      try (LinearGaussian model = new LinearGaussian(Seed.of(3), ObjectiveKind.ELBO, 1, true)) {
        StepProfile p = StepProfile.measure(model, data, 16, DataPath.RESIDENT, 1, 2);
        List<String> types = p.types().stream().map(StepProfile.OpType::type).toList();
        // The latent's noise is a (stateless) standard normal; uniform draws only binarize.
        assertEquals(binarized, types.stream().anyMatch(t -> t.contains("RandomUniform")), types::toString);
        assertTrue(!types.contains("SelectV2"), types::toString);
      }
    }
  }

  @Test
  void dataWithoutTheModelsColumnIsRejected() {
    try (LinearGaussian model = new LinearGaussian(Seed.of(3), ObjectiveKind.ELBO, 1, true)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> StepProfile.measure(model, Dataset.of("y", new float[][] {{1f, 2f, 3f}}), 1, DataPath.FED, 1, 1));
      assertTrue(e.getMessage().contains("column 'x' of width 3"), e.getMessage());
    }
  }
}
