package dev.helmholtz.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The games' commands (cyclegan, triple-gan) end to end on small subsets. */
class GameCommandsTest {
  @Test
  void cycleGanReportsCycleErrorsAndWritesTranslations(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("cyclegan");
    assertEquals(0, HelmholtzCli.commandLine().execute("cyclegan", "--epochs", "1", "--train-examples", "200",
        "--test-examples", "40", "--batch-size", "50", "--output", output.toString()));
    String metrics = Files.readString(output.resolve("metrics.json"));
    double cycle = number(metrics, "test_cycle_error_x");
    assertTrue(cycle > 0 && cycle < 1, metrics);
    assertTrue(number(metrics, "test_cycle_error_y") > 0, metrics);
    var image = javax.imageio.ImageIO.read(output.resolve("translations.png").toFile());
    assertEquals(6 * image.getWidth() / 8, image.getHeight(), "8 columns, 6 rows of digits");
  }

  @Test
  void tripleGanReportsTestErrorAndWritesDigits(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("triple-gan");
    assertEquals(0, HelmholtzCli.commandLine().execute("triple-gan", "--epochs", "1", "--train-examples", "200",
        "--test-examples", "100", "--labels", "10", "--batch-size", "50", "--per-class", "2",
        "--output", output.toString()));
    String metrics = Files.readString(output.resolve("metrics.json"));
    double error = number(metrics, "test_error_percent");
    assertTrue(error >= 0 && error <= 100, metrics);
    assertTrue(Files.size(output.resolve("digits.png")) > 0);
  }

  private static double number(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\": ([-0-9.eE]+)").matcher(json);
    assertTrue(m.find(), key + " in " + json);
    return Double.parseDouble(m.group(1));
  }
}
