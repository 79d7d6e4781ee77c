package dev.helmholtz.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench-processor}: the annotation processor's cost for 1 and for N models. */
@Command(
    name = "bench-processor",
    mixinStandardHelpOptions = true,
    description = "Measures what the Helmholtz annotation processor adds to a build: in-process javac compiles"
        + " 1 and then N distinct model classes in one compilation, with the processor and with"
        + " -proc:none (the plain classes, the baseline), alternating, after warm-up; prints the median"
        + " of each, the difference per model, and the time inside the processor itself.")
public final class ProcessingCostCommand implements Callable<Integer> {
  @Option(names = "--models", defaultValue = "100", description = "Models in the large compilation (default: ${DEFAULT-VALUE}).")
  int models;

  @Option(names = "--rounds", defaultValue = "7", description = "Timed rounds (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--warmup", defaultValue = "3", description = "Untimed rounds first, to warm up javac's JIT (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Override
  public Integer call() throws IOException {
    PrintStream out = System.out;
    out.printf(Locale.ROOT, "bench-processor: 1 and %d models, %d warm-up and %d timed rounds, Java %s, %d CPUs%n",
        models, warmup, rounds, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
    List<ProcessingCost.Result> results = ProcessingCost.measure(models, warmup, rounds);
    out.print(ProcessingCost.table(results));
    out.println("(medians; added = processed - plain: reading, checking and generating, plus compiling the"
        + " generated classes; in processor = inside its process() calls only)");
    return 0;
  }
}
