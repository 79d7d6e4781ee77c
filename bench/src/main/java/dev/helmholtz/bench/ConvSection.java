package dev.helmholtz.bench;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.cli.TextTable;
import dev.helmholtz.samples.conv.ConvVae;
import dev.helmholtz.samples.conv.ConvVaeModel;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bench's convolutional section: the generated convolutional VAE ({@link ConvVae}, images of
 * event shape [28, 28, 1]) against the same model written by hand in raw TensorFlow Java ({@link
 * HandWrittenConvVae}), ms per training step side by side in one run, at each batch size. The
 * sides alternate in rounds of one block each (the order swapping every round), so a slow spell of
 * a shared machine slows both; times are medians over rounds, the ratio the median of each round's.
 */
final class ConvSection {
  private final List<Integer> batchSizes;
  private final int rounds;
  private final int blockSteps;
  private final int warmupSteps;
  private final double learningRate;
  private final long seed;
  private final double targetRatio;

  ConvSection(List<Integer> batchSizes, int rounds, int blockSteps, int warmupSteps, double learningRate, long seed,
      double targetRatio) {
    this.batchSizes = List.copyOf(batchSizes);
    this.rounds = rounds;
    this.blockSteps = blockSteps;
    this.warmupSteps = warmupSteps;
    this.learningRate = learningRate;
    this.seed = seed;
    this.targetRatio = targetRatio;
  }

  /** Runs the section on {@code images} ([28, 28, 1] rows), prints its table, and adds its summary rows. */
  void run(PrintStream out, Dataset images, ThreadSettings threads, List<String[]> summary) {
    Dataset flat = Dataset.of("x", images.flat("x"), 784).dynamicallyBinarized("x");
    Dataset shaped = images.dynamicallyBinarized("x");
    out.printf(Locale.ROOT, "== conv: generated convolutional VAE ([28, 28, 1] events) vs hand-written, %d images,"
        + " dynamically binarized, Adam %.0e; %d rounds of %d-step blocks (at batch 128; as many examples a block"
        + " below) after %d warm-up steps per side ==%n", images.size(), learningRate, rounds, blockSteps, warmupSteps);
    TextTable table = new TextTable(1, "model", "batch", "generated ms", "hand ms", "gen/hand", "parameters");
    for (int batch : batchSizes) {
      double[][] ms = new double[2][rounds];
      long parameters;
      Training base = Training.epochs(1).batchSize(batch).adam(learningRate).progress(ProgressListener.silent());
      try (ConvVaeModel generated = ConvVaeModel.create(new ConvVae(), Seed.of(seed), threads);
          HandWrittenConvVae hand = HandWrittenConvVae.create(seed, threads)) {
        parameters = hand.parameterCount();
        if (warmupSteps > 0) {
          generated.fit(shaped, base.maxSteps(warmupSteps).seed(seed + 1_000_000));
          hand.train(flat, "x", batch, warmupSteps, learningRate, seed + 1_000_000);
        }
        int steps = (int) Math.max(blockSteps, Math.ceil(blockSteps * 128.0 / batch));
        for (int r = 0; r < rounds; r++) {
          for (int i = 0; i < 2; i++) {
            int side = (i + r) % 2;
            long start = System.nanoTime();
            long done = side == 0
                ? generated.fit(shaped, base.maxSteps(steps).seed(seed + 1 + r)).steps()
                : hand.train(flat, "x", batch, steps, learningRate, seed + 1 + r).steps();
            ms[side][r] = (System.nanoTime() - start) / 1e6 / done;
          }
        }
      }
      double gen = BenchCommand.median(ms[0]);
      double hand = BenchCommand.median(ms[1]);
      double ratio = BenchCommand.medianRatio(ms[0], ms[1]);
      out.printf(Locale.ROOT, "  batch %d: generated %.2f, hand-written %.2f ms/step%n", batch, gen, hand);
      table.row("conv VAE 16-32 res, z 50", Integer.toString(batch), BenchCommand.fmt("%.2f", gen),
          BenchCommand.fmt("%.2f", hand), BenchCommand.fmt("%.3f", ratio), Long.toString(parameters));
      summary.add(new String[] {"conv generated/hand-written ms/step, batch " + batch, BenchCommand.fmt("%.3f", ratio),
          BenchCommand.fmt("<= %.2f", targetRatio), ratio <= targetRatio ? "PASS" : "FAIL"});
    }
    out.println();
    table.print(out);
    out.println("generated = ConvVaeModel.fit() (images [28, 28, 1], the data path fit chooses); hand ="
        + " HandWrittenConvVae, fed flat rows reshaped in the graph. Times are medians over the rounds; gen/hand is"
        + " the median of each round's ratio.");
  }
}
