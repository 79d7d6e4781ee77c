package dev.helmholtz.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.train.ThreadSettings;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the bounds' graphs compute each run: a bound that grappler pruned would time nothing. */
class MatMulCeilingTest {

  private static final List<HandWrittenVae.MatMulShape> PRODUCTS =
      HandWrittenVae.Architecture.burda(10).trainingStepMatMuls(4);

  @Test
  void theCeilingRunsProductsOnly() {
    try (MatMulCeiling ceiling = new MatMulCeiling(PRODUCTS, ThreadSettings.of(1, 2, 2), 1)) {
      Set<String> types = ceiling.executedOpTypes();
      assertTrue(types.stream().anyMatch(t -> t.contains("MatMul")), types::toString);
      assertFalse(types.contains("ApplyAdam"), types::toString);
    }
  }

  @Test
  void thePixelFloorRunsAdamTheDrawsTheDensityAndItsGradient() {
    try (MatMulCeiling floor = MatMulCeiling.withAdamAndPixels(PRODUCTS, List.of(2, 2), 784,
        ThreadSettings.of(1, 2, 2), 1)) {
      Set<String> types = floor.executedOpTypes();
      // the 16-bit Bernoulli draw, the density's sigmoid and logarithm, its gradient's product
      for (String type : List.of("ApplyAdam", "StatelessRandomUniformFullInt", "Less", "Sigmoid", "Log", "Mul")) {
        assertTrue(types.contains(type), () -> type + " not executed; executed: " + types);
      }
    }
  }
}
