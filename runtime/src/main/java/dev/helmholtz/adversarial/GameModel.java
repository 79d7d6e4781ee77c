package dev.helmholtz.adversarial;

import dev.helmholtz.core.BatchRuns;
import dev.helmholtz.core.CompiledModel;
import dev.helmholtz.core.DataColumns;
import dev.helmholtz.core.EventAxes;
import dev.helmholtz.data.Batch;
import dev.helmholtz.data.Batches;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.dist.Categorical;
import dev.helmholtz.dist.Distribution;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.Mode;
import dev.helmholtz.nn.VariableStore;
import dev.helmholtz.objective.AdversarialLosses;
import dev.helmholtz.objective.CycleConsistency;
import dev.helmholtz.objective.TripleGanLosses;
import dev.helmholtz.train.Adam;
import dev.helmholtz.train.StepFeeds;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingLoop;
import dev.helmholtz.train.TrainingSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The base of every generated game of more than two networks: several generators and
 * discriminators (CycleGAN: Zhu et al. 2017) and a classifier player (Triple-GAN: Li et al.
 * 2017), in one TensorFlow graph. Each discriminator is a player with its own variables, loss and
 * {@link Adam}; the generators are one player (their losses, cycle and identity terms included,
 * summed: a cycle loss is both generators' at once); the classifier is one more. A loop step
 * updates every discriminator on a fresh batch (one session run: their variables and losses are
 * disjoint), and every {@code steps}-th step the generators, then the classifier, each in a run of
 * its own. Subclasses (generated) describe the networks: {@link #defineGenerator},
 * {@link #defineDiscriminator} and {@link #defineClassifier}.
 *
 * <p>Losses: a discriminator of a node with its {@code GanLoss}, the generator of that node the
 * matching generator loss, plus {@link CycleConsistency}'s cycle and identity terms with the
 * spec's weights. With a classifier, the discriminator of (x, y) pairs plays Triple-GAN's game
 * ({@link TripleGanLosses}): real pairs are the labelled rows (y one-hot), the classifier's pairs
 * the unlabelled rows (y all zero) with y's expectation under p_c(y | x) taken exactly, the
 * generator's pairs (G(z, y), y) with y drawn uniformly; the classifier adds its cross-entropy on
 * labelled rows and the pseudo-discriminative loss, its cross-entropy on the generator's pairs.
 * Adam's beta1 is 0.5, as {@link AdversarialModel}'s. Close it to free native memory.
 */
public abstract class GameModel extends CompiledModel {
  private static final float BETA1 = 0.5f;

  private final GameSpec spec;
  private final Map<String, Placeholder<TFloat32>> data = new LinkedHashMap<>();
  private Placeholder<TInt32> sampleCount;
  private Placeholder<TFloat32> learningRate;
  private final Map<String, List<Variable<TFloat32>>> playerVariables = new LinkedHashMap<>();
  private final Map<String, Operand<TFloat32>> discriminatorLosses = new LinkedHashMap<>();
  private Operand<TFloat32> discriminatorLoss;
  private Operand<TFloat32> generatorLoss;
  private Operand<TFloat32> classifierLoss;
  private final Map<String, Operand<TFloat32>> cycleLosses = new LinkedHashMap<>();
  private final Map<String, Operand<TFloat32>> identityLosses = new LinkedHashMap<>();
  private Op discriminatorStep;
  private Op generatorStep;
  private Op classifierStep;
  private final Map<String, Operand<TFloat32>> translated = new LinkedHashMap<>();
  private final Map<String, Operand<TFloat32>> roundTrips = new LinkedHashMap<>();
  private final Map<String, Operand<TFloat32>> sampled = new LinkedHashMap<>();
  private Operand<TFloat32> classProbabilities;
  private double lastGeneratorLoss = Double.NaN;
  private double lastClassifierLoss = Double.NaN;

  protected GameModel(GameSpec spec, Seed seed, ThreadSettings threads) {
    super(Objects.requireNonNull(spec, "spec").modelName(), seed, threads);
    this.spec = spec;
  }

  /** The generator of observed node {@code target} on the pass's values, {@code [n, event...]}. Generated. */
  protected abstract Operand<TFloat32> defineGenerator(GamePass pass, String target);

  /** The discriminator of {@code target}: one logit per row, {@code [n, 1]} or {@code [n]}. Generated. */
  protected abstract Operand<TFloat32> defineDiscriminator(GamePass pass, String target);

  /** The classifier p_c(target | source). Generated for a spec with a classifier. */
  protected Categorical defineClassifier(GamePass pass, String target) {
    throw new IllegalStateException(spec.modelName() + " declares no classifier");
  }

  public GameSpec spec() {
    return spec;
  }

  @Override
  protected final List<Op> defineGraph(Ops tf, RandomSource random) {
    VariableStore variables = variables();
    for (GameSpec.Node node : spec.observed()) {
      data.put(node.name(), tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, node.width()))));
    }
    sampleCount = tf.placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
    learningRate = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    String first = spec.observed().get(0).name();
    Operand<TInt32> n = tf.squeeze(tf.slice(tf.shape(data.get(first)), tf.constant(new int[] {0}),
        tf.constant(new int[] {1})));
    Optional<GameSpec.Classifier> classifier = spec.classifier();

    // The generators' player: its networks are called first, so every variable made here is its own.
    Operand<TFloat32> drawnLabels = classifier.map(c -> uniformOneHot(tf, random, n, c.target())).orElse(null);
    Map<String, Operand<TFloat32>> fakes = new LinkedHashMap<>();
    Map<String, Map<String, Operand<TFloat32>>> fakeInputs = new LinkedHashMap<>();
    for (GameSpec.Generator g : spec.generators()) {
      Map<String, Operand<TFloat32>> inputs = generatorInputs(g, data, drawnLabels);
      fakeInputs.put(g.target(), inputs);
      fakes.put(g.target(), generate(tf, random, Mode.TRAINING, n, inputs, g.target()));
    }
    Operand<TFloat32> auxiliary = null;
    for (GameSpec.Generator g : spec.generators()) {
      if (g.cycleWeight() > 0) {
        String source = g.source().orElseThrow();
        // x -> G(x) -> F(G(x)): the generator of the source on this generator's output.
        Operand<TFloat32> back = generate(tf, random, Mode.TRAINING, n, Map.of(g.target(), fakes.get(g.target())), source);
        Operand<TFloat32> cycle = CycleConsistency.meanAbsoluteError(tf, data.get(source), back);
        cycleLosses.put(source, cycle);
        auxiliary = add(tf, auxiliary, tf.math.mul(tf.constant((float) g.cycleWeight()), cycle));
      }
      if (g.identityWeight() > 0) {
        // G(y) against y: the generator on its own target domain's data, fed as its source.
        Operand<TFloat32> same = generate(tf, random, Mode.TRAINING, n, Map.of(g.source().orElseThrow(),
            data.get(g.target())), g.target());
        Operand<TFloat32> identity = CycleConsistency.meanAbsoluteError(tf, data.get(g.target()), same);
        identityLosses.put(g.target(), identity);
        auxiliary = add(tf, auxiliary, tf.math.mul(tf.constant((float) g.identityWeight()), identity));
      }
    }
    List<Variable<TFloat32>> generatorVariables = newVariables(variables, List.of());
    playerVariables.put("generators", generatorVariables);
    List<Op> generatorUpdates = variables.updates();

    // The classifier's player: p_c(y | x) of the data and of the generator's examples.
    Categorical onData = null;
    Operand<TFloat32> pseudo = null;
    if (classifier.isPresent()) {
      GameSpec.Classifier c = classifier.get();
      onData = classify(tf, random, Mode.TRAINING, n, data.get(c.source()), c.target());
      Categorical onFakes = classify(tf, random, Mode.TRAINING, n, fakes.get(c.source()), c.target());
      pseudo = tf.math.neg(tf.math.mean(onFakes.logProb(drawnLabels), tf.constant(0)));
      playerVariables.put("classifier", newVariables(variables, allPlayers()));
    }

    // One player per discriminator, each over the variables its networks made.
    Operand<TFloat32> generatorAdversarial = null;
    Operand<TFloat32> classifierAdversarial = null;
    Operand<TFloat32> labelled = null;
    List<Adam> optimizers = new ArrayList<>();
    List<Op> discriminatorSteps = new ArrayList<>();
    for (GameSpec.Discriminator d : spec.discriminators()) {
      Map<String, Operand<TFloat32>> realInputs = new LinkedHashMap<>();
      realInputs.put(d.target(), data.get(d.target()));
      d.conditions().forEach(c -> realInputs.put(c, data.get(c)));
      Operand<TFloat32> real = discriminate(tf, random, Mode.TRAINING, n, realInputs, d.target());
      Map<String, Operand<TFloat32>> generated = new LinkedHashMap<>();
      generated.put(d.target(), fakes.get(d.target()));
      d.conditions().forEach(c -> generated.put(c, fakeInputs.get(d.target()).getOrDefault(c, data.get(c))));
      Operand<TFloat32> fake = discriminate(tf, random, Mode.TRAINING, n, generated, d.target());
      Operand<TFloat32> dLoss;
      Operand<TFloat32> gLoss;
      if (classifier.isPresent() && classifier.get().source().equals(d.target())) {
        GameSpec.Classifier c = classifier.get();
        labelled = tf.reduceSum(data.get(c.target()), tf.constant(1));
        Operand<TFloat32> perClass = logitsPerClass(tf, random, n, d, realInputs, c.target());
        dLoss = TripleGanLosses.discriminator(tf, real, labelled, perClass, onData.probs(), fake, c.alpha());
        gLoss = TripleGanLosses.generator(tf, fake, c.alpha());
        classifierAdversarial = TripleGanLosses.classifier(tf, perClass, onData.probs(),
            tf.math.sub(tf.constant(1f), labelled), c.alpha());
      } else {
        dLoss = AdversarialLosses.discriminator(tf, d.loss(), real, fake);
        gLoss = AdversarialLosses.generator(tf, d.loss(), fake);
      }
      List<Variable<TFloat32>> own = newVariables(variables, allPlayers());
      if (own.isEmpty()) {
        throw new IllegalStateException("the discriminator of '" + d.target() + "' in " + spec.modelName()
            + " has no variables to train");
      }
      String player = "discriminator " + d.target();
      playerVariables.put(player, own);
      discriminatorLosses.put(d.target(), dLoss);
      Adam adam = Adam.create(tf, "adam_discriminator_" + d.target(), withPenalty(tf, dLoss, own), own, learningRate,
          BETA1, Adam.DEFAULT_BETA2, Adam.DEFAULT_EPSILON);
      optimizers.add(adam);
      discriminatorSteps.add(adam.step());
      discriminatorLoss = add(tf, discriminatorLoss, dLoss);
      generatorAdversarial = add(tf, generatorAdversarial, gLoss);
    }
    discriminatorSteps.addAll(variables.updates());
    discriminatorStep = tf.withControlDependencies(discriminatorSteps).noOp();

    generatorLoss = add(tf, generatorAdversarial, auxiliary);
    if (generatorVariables.isEmpty()) {
      throw new IllegalStateException("the generators of " + spec.modelName() + " have no variables to train");
    }
    Adam adamG = Adam.create(tf, "adam_generators", withPenalty(tf, generatorLoss, generatorVariables),
        generatorVariables, learningRate, BETA1, Adam.DEFAULT_BETA2, Adam.DEFAULT_EPSILON);
    optimizers.add(adamG);
    generatorStep = withUpdates(tf, adamG.step(), generatorUpdates);
    if (classifier.isPresent()) {
      GameSpec.Classifier c = classifier.get();
      Operand<TFloat32> supervised = TripleGanLosses.weightedMean(tf,
          tf.math.neg(onData.logProb(data.get(c.target()))), labelled);
      classifierLoss = tf.math.add(classifierAdversarial, tf.math.add(
          tf.math.mul(tf.constant((float) c.supervisedWeight()), supervised),
          tf.math.mul(tf.constant((float) c.pseudoWeight()), pseudo)));
      List<Variable<TFloat32>> own = playerVariables.get("classifier");
      if (own.isEmpty()) {
        throw new IllegalStateException("the classifier of " + spec.modelName() + " has no variables to train");
      }
      Adam adamC = Adam.create(tf, "adam_classifier", withPenalty(tf, classifierLoss, own), own, learningRate,
          BETA1, Adam.DEFAULT_BETA2, Adam.DEFAULT_EPSILON);
      optimizers.add(adamC);
      classifierStep = adamC.step();
    }

    // Evaluation: translations, round trips, the classifier and samples, networks in evaluation mode.
    for (GameSpec.Generator g : spec.generators()) {
      if (g.source().isPresent()) {
        Operand<TFloat32> out = generate(tf, random, Mode.EVALUATION, n, Map.of(g.source().get(),
            data.get(g.source().get())), g.target());
        translated.put(g.target(), out);
      }
    }
    for (GameSpec.Generator g : spec.generators()) {
      if (g.source().isPresent() && spec.generator(g.source().get()).flatMap(GameSpec.Generator::source)
          .equals(Optional.of(g.target()))) {
        roundTrips.put(g.source().get(), generate(tf, random, Mode.EVALUATION, n,
            Map.of(g.target(), translated.get(g.target())), g.source().get()));
      }
    }
    classifier.ifPresent(c -> classProbabilities = classify(tf, random, Mode.EVALUATION, n, data.get(c.source()),
        c.target()).probs());
    for (GameSpec.Generator g : spec.generators()) {
      if (g.source().isEmpty()) {
        Map<String, Operand<TFloat32>> inputs = new LinkedHashMap<>(data);
        inputs.remove(g.target());
        sampled.put(g.target(), generate(tf, random, Mode.EVALUATION, sampleCount, inputs, g.target()));
      }
    }
    List<Op> initializers = new ArrayList<>();
    optimizers.forEach(o -> initializers.addAll(o.initializers()));
    return initializers;
  }

  /** What the generator of {@code g}'s node sees in training: its source's data, or labels (drawn for a classified one). */
  private Map<String, Operand<TFloat32>> generatorInputs(GameSpec.Generator g, Map<String, ? extends Operand<TFloat32>> data,
      Operand<TFloat32> drawnLabels) {
    Map<String, Operand<TFloat32>> inputs = new LinkedHashMap<>();
    if (g.source().isPresent()) {
      inputs.put(g.source().get(), data.get(g.source().get()));
      return inputs;
    }
    for (GameSpec.Node node : spec.observed()) {
      if (node.name().equals(g.target())) {
        continue;
      }
      boolean classified = spec.classifier().map(c -> c.target().equals(node.name())).orElse(false);
      inputs.put(node.name(), classified ? drawnLabels : data.get(node.name()));
    }
    return inputs;
  }

  /** One uniformly drawn one-hot row per example for label node {@code name}, {@code [n, K]}. */
  private Operand<TFloat32> uniformOneHot(Ops tf, RandomSource random, Operand<TInt32> n, String name) {
    int classes = spec.require(name).width();
    var shape = tf.dtypes.cast(tf.stack(List.of(n, tf.constant(classes))), org.tensorflow.types.TInt64.class);
    return Categorical.uniform(tf, shape, classes).sample(random);
  }

  /**
   * The discriminator's logit for every pair (x, class k) of the batch's x, {@code [n, K]}: the
   * batch tiled K times with the one-hot label of class k on the k-th copy, in one call.
   */
  private Operand<TFloat32> logitsPerClass(Ops tf, RandomSource random, Operand<TInt32> n, GameSpec.Discriminator d,
      Map<String, Operand<TFloat32>> realInputs, String label) {
    int classes = spec.require(label).width();
    Map<String, Operand<TFloat32>> tiled = new LinkedHashMap<>();
    realInputs.forEach((name, value) -> tiled.put(name,
        tf.tile(value, tf.constant(new int[] {classes, 1}))));
    float[][] eye = new float[classes][classes];
    for (int k = 0; k < classes; k++) {
      eye[k][k] = 1;
    }
    // [K, 1, K] tiled to [K, n, K], then [K * n, K]: row k * n + i is class k.
    Operand<TFloat32> blocks = tf.tile(tf.reshape(tf.constant(eye), tf.constant(new int[] {classes, 1, classes})),
        tf.stack(List.of(tf.constant(1), n, tf.constant(1))));
    tiled.put(label, tf.reshape(blocks, tf.constant(new int[] {-1, classes})));
    Operand<TFloat32> logits = discriminate(tf, random, Mode.TRAINING, tf.math.mul(n, tf.constant(classes)), tiled,
        d.target());
    return tf.linalg.transpose(tf.reshape(logits, tf.stack(List.of(tf.constant(classes), n))),
        tf.constant(new int[] {1, 0}));
  }

  private Operand<TFloat32> generate(Ops tf, RandomSource random, Mode mode, Operand<TInt32> n,
      Map<String, Operand<TFloat32>> inputs, String target) {
    GamePass pass = new GamePass(tf, spec, variables(), random, mode, n, inputs);
    Operand<TFloat32> out = defineGenerator(pass, target);
    GameSpec.Node node = spec.require(target);
    return EventAxes.flatten(tf, out, node.shape(), "the generator of '" + target + "' in " + spec.modelName());
  }

  private Operand<TFloat32> discriminate(Ops tf, RandomSource random, Mode mode, Operand<TInt32> n,
      Map<String, Operand<TFloat32>> inputs, String target) {
    Operand<TFloat32> logits = defineDiscriminator(new GamePass(tf, spec, variables(), random, mode, n, inputs), target);
    Shape shape = logits.shape();
    boolean column = shape.numDimensions() == 2 && shape.get(1) == 1;
    if (!column && shape.numDimensions() != 1) {
      throw new IllegalArgumentException("the discriminator of '" + target + "' in " + spec.modelName()
          + " returns shape " + shape + "; return one logit per example, [n, 1] or [n]");
    }
    return column ? tf.reshape(logits, tf.constant(new long[] {-1})) : logits;
  }

  private Categorical classify(Ops tf, RandomSource random, Mode mode, Operand<TInt32> n, Operand<TFloat32> x,
      String target) {
    GameSpec.Classifier c = spec.classifier().orElseThrow();
    Categorical q = defineClassifier(new GamePass(tf, spec, variables(), random, mode, n, Map.of(c.source(), x)), target);
    return Objects.requireNonNull(q, "defineClassifier returned null");
  }

  private List<Variable<TFloat32>> allPlayers() {
    List<Variable<TFloat32>> all = new ArrayList<>();
    playerVariables.values().forEach(all::addAll);
    return all;
  }

  /** The trainable variables not yet any player's: those the networks just called made. */
  private static List<Variable<TFloat32>> newVariables(VariableStore variables, List<Variable<TFloat32>> taken) {
    List<Variable<TFloat32>> out = new ArrayList<>(variables.trainableVariables());
    out.removeAll(taken);
    return out;
  }

  private static Operand<TFloat32> add(Ops tf, Operand<TFloat32> a, Operand<TFloat32> b) {
    return a == null ? b : b == null ? a : tf.math.add(a, b);
  }

  private Operand<TFloat32> withPenalty(Ops tf, Operand<TFloat32> loss, List<Variable<TFloat32>> trained) {
    return variables().penalty(trained).<Operand<TFloat32>>map(p -> tf.math.add(loss, p)).orElse(loss);
  }

  private static Op withUpdates(Ops tf, Op step, List<Op> updates) {
    if (updates.isEmpty()) {
      return step;
    }
    List<Op> all = new ArrayList<>(updates);
    all.add(step);
    return tf.withControlDependencies(all).noOp();
  }

  // ---- training -------------------------------------------------------------------------------

  /**
   * Trains the game on {@code data}, one row per example with a column per observed node: the
   * paired or semi-supervised case (Triple-GAN: a one-hot label marks a labelled row, zeros an
   * unlabelled one). {@link Training#maxSteps()} counts discriminator updates; checkpoints,
   * resume, stop requests, the learning-rate schedule and TensorBoard work as for
   * {@link AdversarialModel#fit}; validation data, early stopping, clipping and the resident path
   * are refused.
   */
  public TrainingSummary fit(Dataset data, Training training) {
    return fit(List.of(data), training);
  }

  /**
   * Trains the game on unpaired data sets, one per group of columns (CycleGAN: {@code
   * Dataset.of("x", domainX)} and {@code Dataset.of("y", domainY)}, of any sizes): the first sets
   * the epochs and is shuffled as usual; each batch takes as many rows of each other data set, in
   * an order reshuffled each time it is used up, drawn from the step number and the seed, so a
   * resumed run repeats the uninterrupted one. Every observed node is a column of exactly one
   * data set.
   */
  public TrainingSummary fit(List<Dataset> domains, Training training) {
    requireOpen();
    if (domains.isEmpty()) {
      throw new IllegalArgumentException("give at least one data set");
    }
    List<String> covered = new ArrayList<>();
    List<String[]> columns = new ArrayList<>();
    for (Dataset domain : domains) {
      Map<String, List<Integer>> shapes = new LinkedHashMap<>();
      for (GameSpec.Node node : spec.observed()) {
        if (domain.has(node.name()) && !covered.contains(node.name())) {
          shapes.put(node.name(), node.shape());
        }
      }
      if (shapes.isEmpty()) {
        throw new IllegalArgumentException("data set " + domain + " holds no column of " + spec.modelName()
            + "'s observed nodes " + spec.observed().stream().map(GameSpec.Node::name).toList()
            + " not already given");
      }
      columns.add(DataColumns.requireShapes(spec.modelName(), domain, shapes));
      covered.addAll(shapes.keySet());
    }
    List<String> missing = spec.observed().stream().map(GameSpec.Node::name).filter(n -> !covered.contains(n)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(spec.modelName() + " needs data for " + missing + "; the data sets hold "
          + covered);
    }
    return TrainingLoop.run(new GameTraining(this, domains, columns), domains.get(0), training);
  }

  /** The losses before one discriminator update on the batch: the discriminators' summed loss. */
  double discriminatorUpdate(Batch batch, String[] columns, Map<String, TFloat32> extra, StepFeeds feeds) {
    double loss = step(batch, columns, extra, feeds, discriminatorStep, discriminatorLoss);
    stepTaken();
    return loss;
  }

  double generatorUpdate(Batch batch, String[] columns, Map<String, TFloat32> extra, StepFeeds feeds) {
    lastGeneratorLoss = step(batch, columns, extra, feeds, generatorStep, generatorLoss);
    return lastGeneratorLoss;
  }

  /** The classifier's update, NaN without a classifier. */
  double classifierUpdate(Batch batch, String[] columns, Map<String, TFloat32> extra, StepFeeds feeds) {
    if (classifierStep == null) {
      return Double.NaN;
    }
    lastClassifierLoss = step(batch, columns, extra, feeds, classifierStep, classifierLoss);
    return lastClassifierLoss;
  }

  private double step(Batch batch, String[] columns, Map<String, TFloat32> extra, StepFeeds feeds, Op update,
      Operand<TFloat32> loss) {
    return BatchRuns.run(session(), batch, columns, data, runner -> {
      extra.forEach((name, tensor) -> runner.feed(data.get(name), tensor));
      runner.feed(learningRate, feeds.learningRate());
      feeds.feedHyperparameters(runner);
      return runner.addTarget(update).fetch(loss);
    }, result -> (double) ((TFloat32) result.get(0)).getFloat());
  }

  double lastGeneratorLoss() {
    return lastGeneratorLoss;
  }

  double lastClassifierLoss() {
    return lastClassifierLoss;
  }

  void setLastLosses(double generator, double classifier) {
    lastGeneratorLoss = generator;
    lastClassifierLoss = classifier;
  }

  void restoreForResume(Path checkpoint, Properties p) throws IOException {
    restoreState(checkpoint, p);
  }

  // ---- what a trained game answers ---------------------------------------------------------

  /**
   * Each player's trainable variables' names, by player: {@code generators}, {@code classifier}
   * (with a classifier) and {@code discriminator <node>} for each discriminator.
   */
  public Map<String, List<String>> playerParameterNames() {
    requireOpen();
    Map<String, List<String>> out = new LinkedHashMap<>();
    playerVariables.forEach((player, vars) -> out.put(player, vars.stream().map(v -> v.op().name()).toList()));
    return out;
  }

  /**
   * The generator of {@code target} applied to {@code source} (a column named like the
   * generator's source node), in evaluation mode: {@code [rows][width]}.
   *
   * @throws IllegalArgumentException when {@code target} has no translating generator
   */
  public float[][] translate(String target, Dataset source) {
    requireOpen();
    Operand<TFloat32> out = translated.get(target);
    if (out == null) {
      throw new IllegalArgumentException(spec.modelName() + " translates into " + translated.keySet() + ", not '"
          + target + "'");
    }
    String from = spec.generator(target).flatMap(GameSpec.Generator::source).orElseThrow();
    return rows(source, from, out, spec.require(target).width());
  }

  /**
   * The round trip of {@code node}'s data through both translations, F(G(x)), in evaluation
   * mode: {@code [rows][width]}.
   */
  public float[][] roundTrip(String node, Dataset data) {
    requireOpen();
    Operand<TFloat32> out = roundTrips.get(node);
    if (out == null) {
      throw new IllegalArgumentException(spec.modelName() + " has round trips from " + roundTrips.keySet()
          + ", not from '" + node + "'");
    }
    return rows(data, node, out, spec.require(node).width());
  }

  /** CycleGAN's cycle reconstruction error of {@code node}'s data: the mean of |F(G(x)) - x| over every element. */
  public double cycleError(String node, Dataset data) {
    float[][] back = roundTrip(node, data);
    float[] flat = data.flat(node);
    int width = spec.require(node).width();
    double sum = 0;
    for (int i = 0; i < back.length; i++) {
      for (int j = 0; j < width; j++) {
        sum += Math.abs(back[i][j] - flat[i * width + j]);
      }
    }
    return sum / ((double) back.length * width);
  }

  /** The classifier's p_c(y | x) for each row of {@code data} (a column for the classifier's source), {@code [rows][K]}. */
  public float[][] classProbabilities(Dataset data) {
    requireOpen();
    GameSpec.Classifier c = spec.classifier().orElseThrow(() -> new IllegalStateException(spec.modelName()
        + " has no classifier"));
    return rows(data, c.source(), classProbabilities, spec.require(c.target()).width());
  }

  /** The classifier's most probable class for each row of {@code data}. */
  public int[] classify(Dataset data) {
    float[][] p = classProbabilities(data);
    int[] out = new int[p.length];
    for (int i = 0; i < p.length; i++) {
      for (int k = 1; k < p[i].length; k++) {
        if (p[i][k] > p[i][out[i]]) {
          out[i] = k;
        }
      }
    }
    return out;
  }

  /**
   * One example of {@code target} (a generator from noise) per row of {@code labels}, a column per
   * other observed node: a conditional generator's samples, {@code [rows][width]}.
   */
  public float[][] generate(String target, Dataset labels) {
    requireOpen();
    Operand<TFloat32> out = sampled.get(target);
    if (out == null) {
      throw new IllegalArgumentException(spec.modelName() + " generates " + sampled.keySet() + " from noise, not '"
          + target + "'");
    }
    List<String> columns = spec.observed().stream().map(GameSpec.Node::name).filter(n -> !n.equals(target)).toList();
    Map<String, List<Integer>> shapes = new LinkedHashMap<>();
    columns.forEach(name -> shapes.put(name, spec.require(name).shape()));
    String[] names = DataColumns.requireShapes(spec.modelName(), labels, shapes);
    int width = spec.require(target).width();
    float[][] result = new float[labels.size()][];
    int offset = 0;
    Batches batches = labels.batches(BatchRuns.EVALUATION_BATCH, false, 0, names);
    while (batches.hasNext()) {
      Batch batch = batches.next();
      int size = batch.size();
      int at = offset;
      try (TInt32 count = TInt32.scalarOf(size)) {
        BatchRuns.run(session(), batch, names, data, runner -> runner.feed(sampleCount, count).fetch(out),
            r -> {
              float[][] rows = BatchRuns.rows((TFloat32) r.get(0), size, width);
              System.arraycopy(rows, 0, result, at, size);
              return null;
            });
      }
      offset += size;
    }
    return result;
  }

  private float[][] rows(Dataset dataset, String column, Operand<TFloat32> fetch, int width) {
    String[] names = DataColumns.requireShapes(spec.modelName(), dataset,
        Map.of(column, spec.require(column).shape()));
    float[][] result = new float[dataset.size()][];
    int offset = 0;
    Batches batches = dataset.batches(BatchRuns.EVALUATION_BATCH, false, 0, names);
    while (batches.hasNext()) {
      Batch batch = batches.next();
      int size = batch.size();
      int at = offset;
      BatchRuns.run(session(), batch, names, data, runner -> runner.fetch(fetch), r -> {
        float[][] rows = BatchRuns.rows((TFloat32) r.get(0), size, width);
        System.arraycopy(rows, 0, result, at, size);
        return null;
      });
      offset += size;
    }
    return result;
  }

  /**
   * Every player's loss on one batch made of {@code domains} (their columns together cover the
   * observed nodes, with one row count), without updating anything: {@code discriminator <node>}
   * per discriminator, {@code generators}, {@code classifier} (with a classifier), and the
   * generators' unweighted auxiliary terms {@code cycle/<node>} (|F(G(x)) - x| for the round trip
   * from that node) and {@code identity/<node>} (|G(y) - y| for the generator of that node). Noise
   * is drawn as in training, so losses with noise vary from call to call.
   */
  public Map<String, Double> losses(Dataset... domains) {
    requireOpen();
    Map<String, Operand<TFloat32>> fetches = new LinkedHashMap<>();
    discriminatorLosses.forEach((node, loss) -> fetches.put("discriminator " + node, loss));
    fetches.put("generators", generatorLoss);
    if (classifierLoss != null) {
      fetches.put("classifier", classifierLoss);
    }
    cycleLosses.forEach((node, loss) -> fetches.put("cycle/" + node, loss));
    identityLosses.forEach((node, loss) -> fetches.put("identity/" + node, loss));
    List<TFloat32> fed = new ArrayList<>();
    try {
      Session.Runner runner = session().runner();
      for (Dataset domain : domains) {
        for (String column : domain.columns()) {
          if (data.containsKey(column)) {
            TFloat32 t = TFloat32.tensorOf(Shape.of(domain.size(), domain.width(column)),
                org.tensorflow.ndarray.buffer.DataBuffers.of(domain.flat(column), true, false));
            fed.add(t);
            runner.feed(data.get(column), t);
          }
        }
      }
      fetches.values().forEach(runner::fetch);
      Map<String, Double> out = new LinkedHashMap<>();
      try (var result = runner.run()) {
        int i = 0;
        for (String name : fetches.keySet()) {
          out.put(name, (double) ((TFloat32) result.get(i++)).getFloat());
        }
      }
      return out;
    } finally {
      fed.forEach(TFloat32::close);
    }
  }

  /**
   * Checks this game on {@code rows} synthetic examples (each observed node uniform in [0, 1]; a
   * classifier's label one-hot on the first half of the rows, all zero on the rest, so both kinds
   * of pair are present): every translation's and round trip's output has its node's width and is
   * finite, every player's loss is finite, and every trainable variable belongs to exactly one
   * player. The gradients are not checked against finite differences here (a skipped row says
   * so). Noise is drawn as in training, which moves the random streams of a game with latents.
   */
  public dev.helmholtz.check.SelfCheckReport selfCheck(int rows) {
    requireOpen();
    if (rows < 2) {
      throw new IllegalArgumentException("rows must be at least 2, was " + rows);
    }
    java.util.Random random = new java.util.Random(seed().derive("self-check").value());
    Dataset data = null;
    for (GameSpec.Node node : spec.observed()) {
      float[][] values = new float[rows][node.width()];
      boolean label = spec.classifier().map(c -> c.target().equals(node.name())).orElse(false);
      for (int i = 0; i < rows; i++) {
        if (label) {
          if (i < rows / 2) {
            values[i][random.nextInt(node.width())] = 1;
          }
        } else {
          for (int j = 0; j < node.width(); j++) {
            values[i][j] = random.nextFloat();
          }
        }
      }
      data = data == null ? Dataset.of(node.name(), values) : data.with(node.name(), values);
    }
    List<dev.helmholtz.check.SelfCheckReport.Row> report = new ArrayList<>();
    for (String target : translated.keySet()) {
      String source = spec.generator(target).flatMap(GameSpec.Generator::source).orElseThrow();
      report.add(shapeRow("translation to " + target, translate(target, Dataset.of(source, data.flat(source),
          spec.require(source).shape().stream().mapToInt(Integer::intValue).toArray())), spec.require(target).width()));
    }
    for (String node : roundTrips.keySet()) {
      report.add(shapeRow("round trip of " + node, roundTrip(node, data), spec.require(node).width()));
    }
    for (Map.Entry<String, Double> loss : losses(data).entrySet()) {
      double value = loss.getValue();
      report.add(dev.helmholtz.check.SelfCheckReport.Row.measured("loss", loss.getKey(),
          Double.isFinite(value) ? 0 : Double.POSITIVE_INFINITY, 0, "value " + value));
    }
    Map<String, Integer> owners = new LinkedHashMap<>();
    playerVariables.values().forEach(vars -> vars.forEach(v -> owners.merge(v.op().name(), 1, Integer::sum)));
    long misplaced = parameterNames().stream().filter(n -> owners.getOrDefault(n, 0) != 1).count();
    report.add(dev.helmholtz.check.SelfCheckReport.Row.measured("structure", "players' variables", misplaced, 0,
        misplaced + " of " + parameterNames().size() + " trainable variables belong to no player or to several;"
            + " players " + playerParameterNames().keySet()));
    report.add(dev.helmholtz.check.SelfCheckReport.Row.skipped("gradient", "players' losses",
        "a game's gradients are not compared with finite differences by this check"));
    return new dev.helmholtz.check.SelfCheckReport(spec.modelName(), report);
  }

  private static dev.helmholtz.check.SelfCheckReport.Row shapeRow(String subject, float[][] values, int width) {
    boolean ok = true;
    for (float[] row : values) {
      ok &= row.length == width;
      for (float v : row) {
        ok &= Float.isFinite(v);
      }
    }
    return dev.helmholtz.check.SelfCheckReport.Row.measured("shape", subject, ok ? 0 : 1, 0,
        values.length + " rows of width " + width + (ok ? ", finite" : ": a wrong width or a value not finite"));
  }

  @Override
  protected final String nodesDescription() {
    return String.join(",", spec.nodes().stream()
        .map(n -> n.name() + ":" + (n.observed() ? "observed" : "latent") + ":" + n.width()).toList());
  }
}
