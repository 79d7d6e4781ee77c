package dev.helmholtz.variational;

import dev.helmholtz.core.BatchRuns;
import dev.helmholtz.core.DataColumns;
import dev.helmholtz.core.EventAxes;
import dev.helmholtz.core.SavedModelExporter;
import dev.helmholtz.data.Batches;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.nn.VariableStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * What a variational model computes for its user besides bounds: ancestral samples from p, the
 * mean-field pass's reconstructions and encodings, the enumerated latent's classifier, and the
 * SavedModel signatures over them. {@link VariationalModel}'s public methods check that the model
 * is open and delegate here.
 */
final class VariationalOutputs {
  private final VariationalModel model;
  private final ModelSpec spec;
  /** The data nodes' inputs, which the mean pass reads whole batches from. */
  private final Map<String, Operand<TFloat32>> observed;
  private final Placeholder<TInt32> generateCount;
  /** Given nodes' values for ancestral sampling, fed by {@link #generate(Dataset)}. */
  private final Map<String, Placeholder<TFloat32>> givenInputs = new LinkedHashMap<>();
  private final InferencePass meanPass;
  private final GenerativePass generativePass;
  /**
   * The SavedModel's view of a model with events of rank above 1: inputs of the event's shape
   * ({@code [n, 28, 28, 1]}) and a mean pass over them; null when every event is a vector, whose
   * signatures use the inputs and passes above as they are.
   */
  private final Map<String, Operand<TFloat32>> shapedInputs;
  private final InferencePass shapedMeanPass;
  private final Ops tf;

  /**
   * Builds the mean pass on {@code observed}, then the given nodes' inputs and the ancestral
   * sampler of {@code generateCount} examples.
   */
  VariationalOutputs(VariationalModel model, Ops tf, RandomSource random, VariableStore variables,
      Map<String, Operand<TFloat32>> observed, Placeholder<TInt32> generateCount) {
    this.model = model;
    this.tf = tf;
    this.spec = model.spec();
    this.observed = observed;
    this.generateCount = generateCount;
    meanPass = new InferencePass(tf, spec, variables, random, new LinkedHashMap<>(observed),
        tf.constant(1), 1, InferencePass.Mode.MEAN);
    model.defineInference(meanPass);
    for (ModelSpec.Node node : spec.given()) {
      givenInputs.put(node.name(), tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, node.width()))));
    }
    generativePass = new GenerativePass(tf, spec, variables, random, generateCount, new LinkedHashMap<>(givenInputs));
    model.defineGeneration(generativePass);
    // Built last, and only for such models: the graph of every other model stays as it was.
    if (spec.nodes().stream().allMatch(node -> EventAxes.isVector(node.shape()))) {
      shapedInputs = null;
      shapedMeanPass = null;
    } else {
      shapedInputs = new LinkedHashMap<>();
      Map<String, Operand<TFloat32>> flat = new LinkedHashMap<>(observed);
      for (ModelSpec.Node node : spec.observed()) {
        if (!EventAxes.isVector(node.shape()) && !node.given()) {
          long[] dims = new long[node.shape().size() + 1];
          dims[0] = Shape.UNKNOWN_SIZE;
          for (int i = 0; i < node.shape().size(); i++) {
            dims[i + 1] = node.shape().get(i);
          }
          Placeholder<TFloat32> input = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(dims)));
          shapedInputs.put(node.name(), input);
          flat.put(node.name(), EventAxes.flatten(tf, input, node.shape(), "input '" + node.name() + "'"));
        } else {
          shapedInputs.put(node.name(), observed.get(node.name()));
        }
      }
      shapedMeanPass = new InferencePass(tf, spec, variables, random, flat, tf.constant(1), 1,
          InferencePass.Mode.MEAN);
      model.defineInference(shapedMeanPass);
    }
  }

  /** Each value of {@code values} (flat, {@code [n, width]}) in its node's event shape. */
  private Map<String, Operand<?>> shaped(Map<String, Operand<TFloat32>> values) {
    Map<String, Operand<?>> out = new LinkedHashMap<>();
    values.forEach((name, value) -> out.put(name, shapedMeanPass == null ? value
        : EventAxes.unflatten(tf, value, spec.require(name).shape())));
    return out;
  }

  /** Each observed node's family and fixed support, as the mean pass scored it. */
  Map<String, InferencePass.ObservedSupport> observedSupports() {
    return meanPass.observedSupports();
  }

  /** See {@link VariationalModel#generate(int)}. */
  Map<String, float[][]> generate(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be at least 1, was " + n);
    }
    if (!spec.given().isEmpty()) {
      throw new IllegalStateException(spec.modelName() + " conditions on given nodes "
          + spec.given().stream().map(ModelSpec.Node::name).toList()
          + ": sample with generate(Dataset) and a column of values for each");
    }
    return generate(n, Map.of());
  }

  /** See {@link VariationalModel#generate(Dataset)}. */
  Map<String, float[][]> generate(Dataset given) {
    Map<Operand<TFloat32>, TFloat32> fed = new LinkedHashMap<>();
    try {
      for (ModelSpec.Node node : spec.given()) {
        if (!given.has(node.name()) || given.width(node.name()) != node.width()) {
          throw new IllegalArgumentException("generate needs a column '" + node.name() + "' of width "
              + node.width() + " for given node '" + node.name() + "' of " + spec.modelName() + "; the data has "
              + given.columns());
        }
        fed.put(givenInputs.get(node.name()), TFloat32.tensorOf(Shape.of(given.size(), node.width()),
            DataBuffers.of(given.flat(node.name()), true, false)));
      }
      if (spec.enumerated().isPresent() && given.has(spec.enumerated().get().name())) {
        ModelSpec.Node node = spec.enumerated().get();
        DataColumns.requireLabels(spec.modelName(), given, node.name(), node.width());
        fed.put(generativePass.clamps().get(node.name()), TFloat32.tensorOf(Shape.of(given.size(), node.width()),
            DataBuffers.of(given.flat(node.name()), true, false)));
      }
      return generate(given.size(), fed);
    } finally {
      fed.values().forEach(Tensor::close);
    }
  }

  /** See {@link VariationalModel#generateClasses}. */
  Map<String, float[][]> generateClasses(int... classes) {
    ModelSpec.Node node = requireEnumerated("generateClasses");
    if (classes.length == 0) {
      throw new IllegalArgumentException("generateClasses needs at least one class");
    }
    float[][] oneHot = new float[classes.length][node.width()];
    for (int i = 0; i < classes.length; i++) {
      if (classes[i] < 0 || classes[i] >= node.width()) {
        throw new IllegalArgumentException("classes[" + i + "] = " + classes[i] + ", but '" + node.name()
            + "' of " + spec.modelName() + " has classes 0.." + (node.width() - 1));
      }
      oneHot[i][classes[i]] = 1f;
    }
    return generate(Dataset.of(node.name(), oneHot));
  }

  /** What ancestral sampling gives each node, in node order: latents their draws, observed nodes the means of p. */
  private Map<String, Operand<TFloat32>> generatedValues() {
    Map<String, Operand<TFloat32>> values = new LinkedHashMap<>();
    for (ModelSpec.Node node : spec.nodes()) {
      values.put(node.name(), node.latent()
          ? generativePass.samples().get(node.name()) : generativePass.means().get(node.name()));
    }
    return values;
  }

  private Map<String, float[][]> generate(int n, Map<Operand<TFloat32>, TFloat32> fed) {
    Map<String, Operand<TFloat32>> fetches = generatedValues();
    Map<String, float[][]> out = new LinkedHashMap<>();
    fetches.keySet().forEach(name -> out.put(name, new float[n][]));
    try (TInt32 count = TInt32.scalarOf(n)) {
      BatchRuns.run(model.session(), null, new String[0], Map.of(), runner -> {
        runner.feed(generateCount, count);
        fed.forEach(runner::feed);
        fetches.values().forEach(runner::fetch);
        return runner;
      }, result -> {
        BatchRuns.copyRows(result, 0, out, name -> spec.require(name).width(), n, 0);
        return out;
      });
    }
    return out;
  }

  /** See {@link VariationalModel#reconstructAll}. */
  Map<String, float[][]> reconstructAll(Dataset data) {
    return meanPass(data, meanPass.observedMeans());
  }

  /** See {@link VariationalModel#encodeAll}. */
  Map<String, float[][]> encodeAll(Dataset data) {
    return meanPass(data, meanPass.latentValues());
  }

  private Map<String, float[][]> meanPass(Dataset unlabelled, Map<String, Operand<TFloat32>> outputs) {
    Dataset data = model.withLabelColumns(unlabelled);
    String[] columns = model.checkColumns(data);
    Map<String, float[][]> out = new LinkedHashMap<>();
    outputs.keySet().forEach(name -> out.put(name, new float[data.size()][]));
    int offset = 0;
    Batches batches = data.batches(BatchRuns.EVALUATION_BATCH, false,
        model.seed().derive("evaluation").value(), columns);
    while (batches.hasNext()) {
      var batch = batches.next();
      int at = offset;
      BatchRuns.run(model.session(), batch, columns, observed, runner -> {
        outputs.values().forEach(runner::fetch);
        return runner;
      }, result -> {
        BatchRuns.copyRows(result, 0, out, name -> spec.require(name).width(), batch.size(), at);
        return out;
      });
      offset += batch.size();
    }
    return out;
  }

  /** See {@link VariationalModel#classProbabilities}. */
  float[][] classProbabilities(Dataset data) {
    ModelSpec.Node node = requireEnumerated("classProbabilities");
    return meanPass(data, Map.of(node.name(), meanPass.latentValues().get(node.name()))).get(node.name());
  }

  /** See {@link VariationalModel#classify}. */
  int[] classify(Dataset data) {
    float[][] probabilities = classProbabilities(data);
    int[] classes = new int[probabilities.length];
    for (int i = 0; i < classes.length; i++) {
      int best = 0;
      for (int j = 1; j < probabilities[i].length; j++) {
        if (probabilities[i][j] > probabilities[i][best]) {
          best = j;
        }
      }
      classes[i] = best;
    }
    return classes;
  }

  private ModelSpec.Node requireEnumerated(String method) {
    return spec.enumerated().orElseThrow(() -> new IllegalStateException(method + ": " + spec.modelName()
        + " has no enumerated latent (@Latent(enumerate = true)) to classify by"));
  }

  /** See {@link VariationalModel#exportSavedModel}. */
  void exportSavedModel(Path directory) throws IOException {
    // Event shapes of rank above 1 are exported as they are declared: [n, 28, 28, 1].
    Map<String, Operand<?>> generateOutputs = shaped(generatedValues());
    // Given nodes are placeholders of the generative pass: generate cannot run without them.
    Map<String, Operand<?>> generateInputs = new LinkedHashMap<>();
    generateInputs.put("n", generateCount);
    spec.given().forEach(node -> generateInputs.put(node.name(), givenInputs.get(node.name())));
    Map<String, Operand<?>> classInputs = null;
    if (spec.enumerated().isPresent()) {
      // TensorFlow Serving requires every input of a signature, so the class is a signature of
      // its own rather than an optional input of generate.
      classInputs = new LinkedHashMap<>(generateInputs);
      String name = spec.enumerated().get().name();
      classInputs.put(name, generativePass.clamps().get(name));
    }
    Map<String, Operand<?>> inputs = new LinkedHashMap<>();
    // An enumerated latent's labels are an input of training only: encoding ignores them.
    InferencePass exported = shapedMeanPass == null ? meanPass : shapedMeanPass;
    spec.observed().forEach(node -> inputs.put(node.name(),
        (shapedInputs == null ? observed : shapedInputs).get(node.name())));
    Map<String, Operand<?>> encodeOutputs = shaped(exported.latentValues());
    Map<String, Operand<?>> reconstructOutputs = shaped(exported.observedMeans());
    SavedModelExporter.export(model.session(), directory, generateInputs, generateOutputs, classInputs,
        spec.latents().isEmpty() ? null : inputs, encodeOutputs, reconstructOutputs);
  }
}
