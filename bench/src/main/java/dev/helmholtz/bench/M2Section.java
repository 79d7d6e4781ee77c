package dev.helmholtz.bench;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.cli.TextTable;
import dev.helmholtz.samples.ssvae.SemiSupervisedData;
import dev.helmholtz.samples.ssvae.SemiSupervisedVae;
import dev.helmholtz.samples.ssvae.SemiSupervisedVaeModel;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The bench's M2 section: the semi-supervised VAE ({@link SemiSupervisedVae}, 100 labels, the
 * label summed out over its 10 classes) with q(z | x, y)'s first layer shared (x multiplied once
 * per example) against the same model multiplying the class-tiled x once per class, ms per
 * training step side by side in one run. The sides alternate in rounds of one block each (the
 * order swapping every round), so a slow spell of a shared machine slows both; times are medians
 * over rounds, the ratio the median of each round's.
 */
final class M2Section {
  private final int batch;
  private final int rounds;
  private final int blockSteps;
  private final int warmupSteps;
  private final double learningRate;
  private final long seed;

  M2Section(int batch, int rounds, int blockSteps, int warmupSteps, double learningRate, long seed) {
    this.batch = batch;
    this.rounds = rounds;
    this.blockSteps = blockSteps;
    this.warmupSteps = warmupSteps;
    this.learningRate = learningRate;
    this.seed = seed;
  }

  /** Runs the section on {@code split}'s images with 100 of its labels, prints its table and adds its summary row. */
  void run(PrintStream out, Mnist.Split split, ThreadSettings threads, List<String[]> summary) {
    Dataset train = SemiSupervisedData.of(split, 100, 0.1, seed).train().dynamicallyBinarized("x");
    out.printf(Locale.ROOT, "== m2: semi-supervised VAE (M2, 10 classes summed out), q(z | x, y)'s first layer shared"
        + " vs tiled, %d rows, batch %d, Adam %.0e; %d rounds of %d-step blocks after %d warm-up steps per side ==%n",
        train.size(), batch, learningRate, rounds, blockSteps, warmupSteps);
    double[][] ms = new double[2][rounds];
    Training base = Training.epochs(1).batchSize(batch).adam(learningRate).progress(ProgressListener.silent());
    try (SemiSupervisedVaeModel shared = SemiSupervisedVaeModel.create(new SemiSupervisedVae(true), Seed.of(seed),
        threads);
        SemiSupervisedVaeModel tiled = SemiSupervisedVaeModel.create(new SemiSupervisedVae(false), Seed.of(seed),
            threads)) {
      if (warmupSteps > 0) {
        shared.fit(train, base.maxSteps(warmupSteps).seed(seed + 1_000_000));
        tiled.fit(train, base.maxSteps(warmupSteps).seed(seed + 1_000_000));
      }
      for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < 2; i++) {
          int side = (i + r) % 2;
          SemiSupervisedVaeModel model = side == 0 ? shared : tiled;
          long start = System.nanoTime();
          long done = model.fit(train, base.maxSteps(blockSteps).seed(seed + 1 + r)).steps();
          ms[side][r] = (System.nanoTime() - start) / 1e6 / done;
        }
      }
    }
    double sharedMs = BenchCommand.median(ms[0]);
    double tiledMs = BenchCommand.median(ms[1]);
    double ratio = BenchCommand.medianRatio(ms[0], ms[1]);
    TextTable table = new TextTable(1, "model", "batch", "shared ms", "tiled ms", "shared/tiled");
    table.row("M2 784-500-10, (784+10)-500-50, (10+50)-500-784", Integer.toString(batch),
        BenchCommand.fmt("%.2f", sharedMs), BenchCommand.fmt("%.2f", tiledMs), BenchCommand.fmt("%.3f", ratio));
    out.println();
    table.print(out);
    out.println("shared = SemiSupervisedVae(true) (Nn.concat: x times its kernel rows once per example); tiled ="
        + " SemiSupervisedVae(false) (a plain concat: once per class). Times are medians over the rounds;"
        + " shared/tiled is the median of each round's ratio.");
    summary.add(new String[] {"M2 shared/tiled first layer ms/step, batch " + batch, BenchCommand.fmt("%.3f", ratio),
        "< 1", ratio < 1 ? "PASS" : "FAIL"});
  }
}
