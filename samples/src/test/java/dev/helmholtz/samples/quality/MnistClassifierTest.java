package dev.helmholtz.samples.quality;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.data.Mnist;
import dev.helmholtz.train.ThreadSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistClassifierTest {
  @Test
  void classifiesDigitsAndSurvivesASaveAndLoad(@TempDir Path dir) throws IOException {
    Mnist mnist = Mnist.loadDefault();
    Mnist.Split test = mnist.test().take(1000);
    Path file = dir.resolve("classifier.bin");
    try (MnistClassifier trained = MnistClassifier.train(mnist.train().take(3000), 2, 1, ThreadSettings.of(1, 1))) {
      double accuracy = trained.accuracy(test.images(), test.labels());
      assertTrue(accuracy > 0.85, "test accuracy " + accuracy);
      trained.save(file);
      try (MnistClassifier loaded = MnistClassifier.load(file, ThreadSettings.of(1, 1))) {
        float[][] few = Arrays.copyOf(test.images(), 3);
        assertArrayEquals(trained.features(few)[2], loaded.features(few)[2]);
        // Real digits against themselves, and against a collapsed generator that draws one digit.
        SampleQuality same = SampleQuality.of(loaded, test.images(), test.images());
        assertEquals(0, same.frechetDistance(), 1e-3);
        float[][] collapsed = new float[200][];
        Arrays.fill(collapsed, test.images()[0]);
        SampleQuality worse = SampleQuality.of(loaded, collapsed, test.images());
        assertEquals(1, worse.classesPresent());
        assertTrue(worse.frechetDistance() > 10 * Math.max(same.frechetDistance(), 0.1), worse.describe());
      }
    }
  }

  @Test
  void aFileThatIsNotAClassifierIsReportedByName(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("notes.txt"), "hello");
    IOException e = assertThrows(IOException.class, () -> MnistClassifier.load(file, ThreadSettings.of(1, 1)));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }
}
