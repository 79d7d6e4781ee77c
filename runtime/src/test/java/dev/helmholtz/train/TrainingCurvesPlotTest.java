package dev.helmholtz.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingCurvesPlotTest {

  private static List<EpochRecord> history(int epochs, boolean validated) {
    List<EpochRecord> h = new ArrayList<>();
    for (int e = 1; e <= epochs; e++) {
      h.add(new EpochRecord(e, 100L * e, -200 + 80 * (1 - Math.exp(-e / 3.0)),
          validated ? -205 + 78 * (1 - Math.exp(-e / 3.0)) : Double.NaN, 1e-3 * Math.pow(0.5, e / 4), 1.5));
    }
    return h;
  }

  /** Distinct colours in the image: axes and text are gray, each series adds its own. */
  private static long colours(BufferedImage image) {
    return java.util.stream.IntStream.range(0, image.getWidth() * image.getHeight())
        .map(i -> image.getRGB(i % image.getWidth(), i / image.getWidth()) & 0xFFFFFF)
        .filter(rgb -> ((rgb >> 16) & 0xFF) != (rgb & 0xFF) || ((rgb >> 8) & 0xFF) != (rgb & 0xFF))
        .distinct().count();
  }

  @Test
  void writesAPngOfTheCurves(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("curves.png");
    TrainingCurvesPlot.write(file, history(12, true), "Vae (ELBO)");
    BufferedImage image = ImageIO.read(file.toFile());
    assertEquals(TrainingCurvesPlot.WIDTH, image.getWidth());
    assertEquals(TrainingCurvesPlot.HEIGHT, image.getHeight());
    long withValidation = colours(image);
    TrainingCurvesPlot.write(file, history(12, false).subList(0, 3), "one series");
    long trainOnly = colours(ImageIO.read(file.toFile()));
    assertTrue(withValidation > trainOnly && trainOnly > 0, withValidation + " vs " + trainOnly);
    try (var entries = Files.list(dir)) {
      assertEquals(1, entries.count(), "no temporary file left");
    }
  }

  @Test
  void badInputIsAClearError(@TempDir Path dir) {
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
        () -> TrainingCurvesPlot.write(dir.resolve("a.png"), List.of(), "t"));
    assertTrue(empty.getMessage().contains("history is empty"), empty.getMessage());
    NoSuchFileException missing = assertThrows(NoSuchFileException.class,
        () -> TrainingCurvesPlot.write(dir.resolve("missing/a.png"), history(2, false), "t"));
    assertTrue(missing.getMessage().contains("missing"), missing.getMessage());
  }
}
