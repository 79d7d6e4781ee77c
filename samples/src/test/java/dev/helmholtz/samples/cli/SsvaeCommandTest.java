package dev.helmholtz.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ssvae command end to end on a small subset, and its answer to bad input. */
class SsvaeCommandTest {
  @Test
  void writesDigitsAndMetricsWithTheTestErrorNextToThePublishedOne(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("out");
    int exit = HelmholtzCli.commandLine().execute("ssvae", "--epochs", "1", "--train-examples", "500",
        "--test-examples", "50", "--labels", "20", "--per-class", "2", "--output", output.toString());
    assertEquals(0, exit);
    for (String file : new String[] {"digits.png", "metrics.json", "training-curves.png"}) {
      assertTrue(Files.size(output.resolve(file)) > 0, file);
    }
    String metrics = Files.readString(output.resolve("metrics.json"));
    for (String key : new String[] {"\"published_test_error_percent\": 11.97", "\"labels\": 20",
        "\"label_repeats\": 3"}) {
      assertTrue(metrics.contains(key), key + " in " + metrics);
    }
    // Finite and sane: an error rate is a percentage; an ELBO of binarized MNIST after one short
    // epoch lies between an untrained model's (about -545 nats) and a good one's (about -90).
    Metrics.number(metrics, "test_error_percent", 0, 100);
    Metrics.number(metrics, "test_elbo", -800, -50);
  }

  @Test
  void unbalancedLabelCountIsBadInput(@TempDir Path dir) {
    assertEquals(2, HelmholtzCli.commandLine().execute("ssvae", "--labels", "15", "--train-examples", "100",
        "--output", dir.resolve("out").toString()));
  }
}
