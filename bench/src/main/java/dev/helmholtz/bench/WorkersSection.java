package dev.helmholtz.bench;

import dev.helmholtz.distributed.LocalWorkers;
import dev.helmholtz.samples.cli.TextTable;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bench's workers section: examples/s of the sample VAE (784-200-200-50, batch 128, resident
 * MNIST) trained by one plain process, then by clusters of 1, 2, 4, ... worker processes on
 * loopback ({@code vae --workers N}'s runtime: a TensorFlow server per worker, one fused
 * all-reduce per step). Each configuration is fresh JVMs ({@link WorkersChild}) with one intra-op
 * and one inter-op thread per worker and one tower per worker; the time is the chief's, over
 * {@code steps} steps after {@code warmup} untimed ones. Speed-up is against the plain process;
 * efficiency is speed-up / workers. On a machine with fewer cores than workers nothing can scale:
 * the section then shows what the cluster costs.
 */
final class WorkersSection {
  private final List<Integer> counts;
  private final int examples;
  private final int batch;
  private final int warmup;
  private final int steps;
  private final long seed;

  WorkersSection(List<Integer> counts, int examples, int batch, int warmup, int steps, long seed) {
    this.counts = List.copyOf(counts);
    this.examples = examples;
    this.batch = batch;
    this.warmup = warmup;
    this.steps = steps;
    this.seed = seed;
  }

  void run(PrintStream out, List<String[]> summary) {
    out.printf(Locale.ROOT, "== workers: sample VAE, batch %d, %d MNIST images resident, %d timed steps after %d;"
        + " %d cores ==%n", batch, examples, steps, warmup, Runtime.getRuntime().availableProcessors());
    TextTable table = new TextTable(1, "configuration", "examples/s", "ms/step", "speed-up", "efficiency");
    double plain = time(1, false);
    table.row("1 process (no cluster)", BenchCommand.fmt("%.0f", plain), BenchCommand.fmt("%.2f", 1000.0 * batch / plain),
        "1.00", "1.00");
    for (int n : counts) {
      double rate = time(n, true);
      double speedUp = rate / plain;
      table.row(n + " worker" + (n == 1 ? "" : "s"), BenchCommand.fmt("%.0f", rate),
          BenchCommand.fmt("%.2f", 1000.0 * batch / rate), BenchCommand.fmt("%.2f", speedUp),
          BenchCommand.fmt("%.2f", speedUp / n));
      summary.add(new String[] {"workers: " + n + "-worker speed-up over 1 process", BenchCommand.fmt("%.2f", speedUp),
          "(measured)", ""});
    }
    out.println();
    table.print(out);
    out.println("examples/s = global batch examples per second of the chief's timed fit; one thread per worker.");
  }

  /** Global examples/s of {@code n} workers (or one process on its own when not {@code cluster}). */
  private double time(int n, boolean cluster) {
    try {
      Path dir = Files.createTempDirectory("helmholtz-bench-workers");
      try (LocalWorkers workers = LocalWorkers.start(n, c -> {
        List<String> args = new ArrayList<>(List.of(cluster ? c.addresses() : "none", Integer.toString(c.index()),
            Integer.toString(cluster ? n : 1), Integer.toString(examples), Integer.toString(batch),
            Integer.toString(warmup), Integer.toString(steps), Long.toString(seed),
            dir.resolve("rate-" + c.index()).toString()));
        return LocalWorkers.javaCommand(List.of("-Xmx2g"), WorkersChild.class.getName(), args);
      }, dir, false)) {
        int[] codes = workers.await(Duration.ofMinutes(20), true);
        for (int i = 0; i < codes.length; i++) {
          if (codes[i] != 0) {
            throw new IllegalStateException("worker " + i + " exited with " + codes[i] + ":\n"
                + Files.readString(workers.logs().get(i)));
          }
        }
      }
      return Double.parseDouble(Files.readString(dir.resolve("rate-0")).split(" ")[0]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
