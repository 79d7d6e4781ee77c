package dev.helmholtz.bench;

import dev.helmholtz.data.Batch;
import dev.helmholtz.data.Batches;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.IndexBatches;
import dev.helmholtz.train.DataPath;
import dev.helmholtz.variational.ModelSpec;
import dev.helmholtz.variational.TrainingStep;
import dev.helmholtz.variational.VariationalModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Where a generated model's training step spends its time, by op type: training steps run with
 * TensorFlow's full trace ({@code RunOptions} trace level {@code FULL_TRACE}), and the time of
 * every op in the returned step stats is summed per op type. The steps are real Adam updates on
 * {@code data}, fed the way {@code fit} feeds them on the chosen {@link DataPath}, on the step
 * {@code fit} runs after its first steps: the copy with static shapes for the batch size (see
 * {@code TrainingStep#prepareStaticShapes}), where the model has one.
 *
 * <p>Ops on different threads overlap, so the summed op time can exceed the step's wall time; a
 * type's share is of the summed op time. Tracing itself slows a step down, so the wall time is
 * measured on untraced steps. Work done in Java (copying and binarizing a fed batch) is in the
 * wall time but in no op.
 */
public final class StepProfile {
  /**
   * One op type's time.
   *
   * @param ops ops of this type that ran in one step
   * @param microsPerStep their summed time per step
   * @param share of the summed op time of all types
   */
  public record OpType(String type, int ops, double microsPerStep, double share) {}

  private final DataPath path;
  private final int batchSize;
  private final int steps;
  private final double wallMicrosPerStep;
  private final double opMicrosPerStep;
  private final List<OpType> types;

  private StepProfile(DataPath path, int batchSize, int steps, double wallMicrosPerStep,
      double opMicrosPerStep, List<OpType> types) {
    this.path = path;
    this.batchSize = batchSize;
    this.steps = steps;
    this.wallMicrosPerStep = wallMicrosPerStep;
    this.opMicrosPerStep = opMicrosPerStep;
    this.types = List.copyOf(types);
  }

  /**
   * Profiles {@code steps} traced training steps of {@code model} on {@code data}, after
   * {@code warmupSteps} untraced ones (whose wall time gives {@link #wallMicrosPerStep()}).
   * The steps update the model's variables, as training does.
   *
   * @param path {@link DataPath#RESIDENT} or {@link DataPath#FED} ({@code AUTO} resolves by size)
   */
  public static StepProfile measure(VariationalModel model, Dataset data, int batchSize, DataPath path,
      int warmupSteps, int steps) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(path, "path");
    if (batchSize < 1 || warmupSteps < 1 || steps < 1) {
      throw new IllegalArgumentException("batchSize, warmupSteps and steps must be >= 1, were "
          + batchSize + ", " + warmupSteps + ", " + steps);
    }
    List<String> columns = new ArrayList<>();
    long bytes = 0;
    for (ModelSpec.Node node : model.spec().observed()) {
      if (!data.has(node.name()) || data.width(node.name()) != node.width()) {
        throw new IllegalArgumentException("the data needs a column '" + node.name() + "' of width "
            + node.width() + " for " + model.spec().modelName() + "; its columns are " + data.columns());
      }
      columns.add(node.name());
      bytes += 4L * data.size() * node.width();
    }
    DataPath resolved = path.resolve(bytes);
    Steps runner = new Steps(model, data, batchSize, resolved, columns);
    try {
      return collect(resolved, batchSize, warmupSteps, steps, runner::step, model.graph());
    } finally {
      runner.close();
    }
  }

  /**
   * Profiles the hand-written graph's training step the same way: {@code steps} traced Adam steps
   * on fed batches of {@code data}'s column {@code column}, after {@code warmupSteps} untraced
   * ones. Its ops beside the generated step's say where the generated step spends more.
   */
  public static StepProfile measure(HandWrittenVae vae, Dataset data, String column, int batchSize,
      int warmupSteps, int steps) {
    Objects.requireNonNull(vae, "vae");
    Objects.requireNonNull(data, "data");
    if (batchSize < 1 || warmupSteps < 1 || steps < 1) {
      throw new IllegalArgumentException("batchSize, warmupSteps and steps must be >= 1, were "
          + batchSize + ", " + warmupSteps + ", " + steps);
    }
    try (TFloat32 rate = TFloat32.scalarOf(1e-4f)) {
      long[] epoch = {0};
      Batches[] batches = {null};
      return collect(DataPath.FED, batchSize, warmupSteps, steps, options -> {
        if (batches[0] == null || !batches[0].hasNext()) {
          batches[0] = data.batches(batchSize, true, ++epoch[0], column);
        }
        Batch b = batches[0].next();
        return vae.traceStep(b.column(column), b.size(), rate, options);
      }, vae.graph());
    }
  }

  /** Times {@code warmupSteps} untraced steps, then sums the op times of {@code steps} traced ones by type. */
  private static StepProfile collect(DataPath path, int batchSize, int warmupSteps, int steps,
      Function<RunOptions, RunMetadata> step, Graph graph) {
    long start = System.nanoTime();
    for (int i = 0; i < warmupSteps; i++) {
      step.apply(null);
    }
    double wall = (System.nanoTime() - start) / 1e3 / warmupSteps;
    Map<String, double[]> byType = new HashMap<>(); // type -> {ops, micros}
    RunOptions trace = RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build();
    double total = 0;
    for (int i = 0; i < steps; i++) {
      RunMetadata metadata = step.apply(trace);
      for (DeviceStepStats device : metadata.getStepStats().getDevStatsList()) {
        for (NodeExecStats node : device.getNodeStatsList()) {
          String type = executedType(graph, node);
          double micros = node.getAllEndRelMicros();
          double[] acc = byType.computeIfAbsent(type, t -> new double[2]);
          acc[0]++;
          acc[1] += micros;
          total += micros;
        }
      }
    }
    List<OpType> types = new ArrayList<>();
    for (Map.Entry<String, double[]> e : byType.entrySet()) {
      double[] acc = e.getValue();
      types.add(new OpType(e.getKey(), (int) Math.round(acc[0] / steps), acc[1] / steps,
          total == 0 ? 0 : acc[1] / total));
    }
    types.sort(Comparator.comparingDouble(OpType::microsPerStep).reversed()
        .thenComparing(OpType::type));
    return new StepProfile(path, batchSize, steps, wall, total / steps, types);
  }

  /**
   * The type of the kernel that ran: the timeline label reads {@code name = Type(inputs)}, and
   * after TensorFlow's graph optimizer that type may differ from the graph's (a MatMul and the
   * BiasAdd after it run as one {@code _FusedMatMul} under the BiasAdd's name).
   */
  static String executedType(Graph graph, NodeExecStats node) {
    String label = node.getTimelineLabel();
    int eq = label.indexOf(" = ");
    int paren = eq < 0 ? -1 : label.indexOf('(', eq);
    if (paren > eq + 3) {
      return label.substring(eq + 3, paren);
    }
    GraphOperation op = graph.operation(node.getNodeName());
    return op == null ? node.getNodeName() : op.type();
  }

  /** The data path the profiled steps used. */
  public DataPath dataPath() {
    return path;
  }

  public int batchSize() {
    return batchSize;
  }

  /** Traced steps the op times are averaged over. */
  public int steps() {
    return steps;
  }

  /** Wall time of one untraced step, Java work included. */
  public double wallMicrosPerStep() {
    return wallMicrosPerStep;
  }

  /** Summed time of every op of one traced step. */
  public double opMicrosPerStep() {
    return opMicrosPerStep;
  }

  /** Op types, the most expensive first. */
  public List<OpType> types() {
    return types;
  }

  /** The {@code top} most expensive op types as a table, one line each, then the rest summed. */
  public String table(int top) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%-28s %5s %10s %7s%n", "op type", "ops", "us/step", "share"));
    double rest = 0;
    double restShare = 0;
    int restTypes = 0;
    for (int i = 0; i < types.size(); i++) {
      OpType t = types.get(i);
      if (i < top) {
        b.append(String.format(Locale.ROOT, "%-28s %5d %10.1f %6.1f%%%n", t.type(), t.ops(),
            t.microsPerStep(), 100 * t.share()));
      } else {
        rest += t.microsPerStep();
        restShare += t.share();
        restTypes++;
      }
    }
    if (restTypes > 0) {
      b.append(String.format(Locale.ROOT, "%-28s %5s %10.1f %6.1f%%%n",
          "(" + restTypes + " other types)", "", rest, 100 * restShare));
    }
    return b.toString();
  }

  /** Runs training steps the way {@code fit} does on one data path. */
  private static final class Steps implements AutoCloseable {
    private final VariationalModel model;
    private final TrainingStep training;
    private final Dataset data;
    private final int batchSize;
    private final DataPath path;
    private final String[] columns;
    private final TFloat32 rate = TFloat32.scalarOf(1e-4f);
    private final List<TBool> binarize = new ArrayList<>();
    private IndexBatches indexBatches;
    private Batches copies;
    private long epoch;

    Steps(VariationalModel model, Dataset data, int batchSize, DataPath path, List<String> columns) {
      this.model = model;
      this.training = model.trainingStep();
      this.data = data;
      this.batchSize = batchSize;
      this.path = path;
      this.columns = columns.toArray(String[]::new);
      training.prepareStaticShapes(batchSize);
      if (path == DataPath.RESIDENT) {
        for (String column : columns) {
          binarize.add(TBool.scalarOf(data.isDynamicallyBinarized(column)));
        }
        training.upload(model.session(), data, this.columns);
      }
    }

    /** One training step, traced when {@code options} is given; returns its metadata then. */
    RunMetadata step(RunOptions options) {
      Session.Runner runner = model.session().runner().feed(training.learningRateInput(), rate);
      List<Tensor> fed = new ArrayList<>();
      try {
        int size;
        if (path == DataPath.RESIDENT) {
          if (indexBatches == null || !indexBatches.hasNext()) {
            indexBatches = data.indexBatches(batchSize, true, ++epoch);
          }
          size = indexBatches.next();
          training.feedResidentRows(runner, indexBatches.indices(), size, columns, binarize::get, fed);
        } else {
          if (copies == null || !copies.hasNext()) {
            copies = data.batches(batchSize, true, ++epoch, columns);
          }
          Batch batch = copies.next();
          size = batch.size();
          training.feedCopiedRows(runner, batch, columns, fed);
        }
        // The step fit runs for a batch of this size: the static copy of the step (prepared below).
        runner.addTarget(training.trainStepOp(size)).fetch(training.objectiveMean(size));
        if (options == null) {
          runner.run().close();
          return null;
        }
        try (Result result = runner.setOptions(options).runAndFetchMetadata()) {
          return result.getMetadata().orElseThrow(
              () -> new IllegalStateException("TensorFlow returned no run metadata for a traced step"));
        }
      } finally {
        fed.forEach(Tensor::close);
      }
    }

    @Override
    public void close() {
      rate.close();
      binarize.forEach(Tensor::close);
    }
  }
}
