package dev.helmholtz.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The benchmark suite runs end to end on tiny sizes and prints its tables: a smoke test, not a
 * measurement (timings are never asserted).
 */
class BenchCommandTest {
  @Test
  void everySectionRunsOnTinySizes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    int exit;
    try {
      System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
      exit = BenchCli.commandLine().execute("bench", "--sections", "training,eval,processor,cold,conv,profile",
          "--batch-sizes", "8", "--latents", "10", "--rounds", "1", "--block-steps", "2", "--warmup-steps", "1",
          "--train-examples", "200", "--eval-k", "10", "--eval-examples", "2", "--processor-models", "2",
          "--processor-rounds", "1", "--processor-warmup", "0", "--cold-runs", "1", "--profile-batch", "8",
          "--profile-steps", "2", "--conv-batch-sizes", "4", "--conv-rounds", "1", "--conv-block-steps", "1",
          "--conv-warmup-steps", "1");
    } finally {
      System.setOut(saved);
    }
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, out);
    for (String expected : new String[] {
        "784-200-200-50 tanh      8", "784-200-200-10 tanh    128", // the sweep's two configurations
        "generated/hand-written ms/step, latent 10, batch 128",
        "fraction of MatMul ceiling (generated), latent 50, batch 8",
        "tower products ms", "bound: the products alone at the towers' shapes, latent 50, batch 8",
        "products+Adam ms", "Adam bound: the products and Adam's updates alone, latent 50, batch 8",
        "+pixels ms", "cap: the most of the Adam bound a step that binarizes and scores its pixels can reach, latent 50,"
            + " batch 8",
        "log-likelihood estimates/s at k = 10",
        "annotation processing ms/model, 2 models",
        "cold start, JVM start -> first training step, ms",
        "conv generated/hand-written ms/step, batch 4", "conv VAE 16-32 res, z 50",
        "_FusedMatMul", "ApplyAdam", "HAND-WRITTEN (fed, one tower)"}) {
      assertTrue(out.contains(expected), () -> "no '" + expected + "' in:\n" + out);
    }
  }

  @Test
  void badOptionsAreAMessage() {
    StringWriter err = new StringWriter();
    CommandLine cli = BenchCli.commandLine();
    cli.setErr(new PrintWriter(err));
    assertEquals(2, cli.execute("bench", "--latents", "20"));
    assertTrue(err.toString().contains("--latents: 20 has no generated model"), err.toString());
    assertEquals(2, cli.execute("bench", "--sections", "speed"));
    assertTrue(err.toString().contains("--sections: unknown section 'speed'"), err.toString());
    assertEquals(2, cli.execute("bench", "--sections", "threads", "--thread-settings", "1,1;2"));
    assertTrue(err.toString().contains("--thread-settings: '2' is not intra,inter"), err.toString());
  }
}
