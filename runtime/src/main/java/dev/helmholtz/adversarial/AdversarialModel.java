package dev.helmholtz.adversarial;

import dev.helmholtz.check.SelfCheckOptions;
import dev.helmholtz.check.SelfCheckReport;
import dev.helmholtz.annotations.GanLoss;
import dev.helmholtz.core.BatchRuns;
import dev.helmholtz.core.CompiledModel;
import dev.helmholtz.core.DataColumns;
import dev.helmholtz.core.SavedModelExporter;
import dev.helmholtz.data.Batch;
import dev.helmholtz.data.Batches;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.dist.Distribution;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.Mode;
import dev.helmholtz.nn.VariableStore;
import dev.helmholtz.objective.AdversarialLosses;
import dev.helmholtz.objective.GradientPenalty;
import dev.helmholtz.objective.MaximumMeanDiscrepancy;
import dev.helmholtz.objective.MutualInformationBound;
import dev.helmholtz.train.Adam;
import dev.helmholtz.train.Checkpoints;
import dev.helmholtz.train.StepFeeds;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingDivergedException;
import dev.helmholtz.train.TrainingLoop;
import dev.helmholtz.train.TrainingSummary;
import dev.helmholtz.variational.VariationalModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The base of every generated adversarial model (a GAN): a generator that maps noise latents
 * (and labels) deterministically to the generated node, an implicit distribution, and a
 * discriminator that scores examples of that node; both in one TensorFlow graph, trained as a
 * two-player game with one {@link Adam} per player over that player's variables only.
 *
 * <p>It is not a {@link VariationalModel}: an implicit model has no density, so no ELBO,
 * likelihood or encoder. Subclasses (generated) describe the networks in
 * {@link #defineGeneration} and {@link #defineDiscriminator}.
 *
 * <p>Each update of the discriminator takes a fresh batch of data and of noise; after every k
 * of them (the spec's discriminator steps, or {@link #fit(Dataset, Training, int)}'s) the
 * generator takes one update. An epoch is one pass of discriminator updates over the data. Both
 * optimizers use Adam with beta1 = 0.5 (Radford et al. 2016), beta2 = 0.9 under WGAN-GP
 * (Gulrajani et al. 2017) and 0.999 otherwise. A generator without variables is held fixed.
 * Not safe for concurrent {@code fit} calls; close it to free native memory.
 */
public abstract class AdversarialModel extends CompiledModel {
  private static final float BETA1 = 0.5f;

  private final AdversarialSpec spec;

  private final Map<String, Placeholder<TFloat32>> data = new LinkedHashMap<>();
  private Placeholder<TInt32> sampleCount;
  private Placeholder<TFloat32> learningRate;
  private List<Variable<TFloat32>> generatorVariables;
  private List<Variable<TFloat32>> discriminatorVariables;
  private Operand<TFloat32> discriminatorLoss;
  private Operand<TFloat32> generatorLoss;
  private Operand<TFloat32> gameValue;
  /** A moment-matching model's MMD^2 between a data batch and a generated one, in evaluation mode. */
  private Operand<TFloat32> discrepancy;
  /** InfoGAN's bound per information code on {@link #generate(int)}'s examples, evaluation mode. */
  private final Map<String, Operand<TFloat32>> informationBounds = new LinkedHashMap<>();
  private Operand<TFloat32> realScores;
  private Op discriminatorStep;
  private Op generatorStep;
  private Map<String, Operand<TFloat32>> samples;
  private double lastGeneratorLoss = Double.NaN;
  /** An encoder game's encoder variables, q's mean (or E(x)) and G(E(x)) of the data; unset otherwise. */
  private List<Variable<TFloat32>> encoderVariables = List.of();
  private Operand<TFloat32> encoded;
  private Operand<TFloat32> encodedDraws;
  private Operand<TFloat32> reconstructed;
  /** The adversarial autoencoder's reconstruction phase: its step and loss; null otherwise. */
  private Op reconstructionStep;
  private Operand<TFloat32> reconstructionLoss;
  private double lastReconstructionLoss = Double.NaN;

  protected AdversarialModel(AdversarialSpec spec, Seed seed, ThreadSettings threads) {
    super(Objects.requireNonNull(spec, "spec").modelName(), seed, threads);
    this.spec = spec;
  }

  /** Describes the generator: draws each latent, reads the labels, generates the node. Generated. */
  protected abstract void defineGeneration(AdversarialPass pass);

  /**
   * Describes the discriminator: one logit per example, {@code [n, 1]} or {@code [n]}. Generated
   * for a spec with a discriminator; a moment-matching spec has none, and this is never called.
   */
  protected Operand<TFloat32> defineDiscriminator(DiscriminatorPass pass) {
    throw new IllegalStateException(spec.modelName() + " declares no discriminator");
  }

  /**
   * Describes an encoder game's encoder (ALI/BiGAN, the adversarial autoencoder): the encoded
   * latent from the generated node's data. Generated for a spec with an encoder game; never
   * called otherwise.
   */
  protected void defineEncoding(EncoderPass pass) {
    throw new IllegalStateException(spec.modelName() + " declares no encoder game");
  }

  @Override
  protected final List<Op> defineGraph(Ops tf, RandomSource random) {
    VariableStore variables = variables();
    for (AdversarialSpec.Node node : spec.observed()) {
      data.put(node.name(), tf.placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, node.width()))));
    }
    sampleCount = tf.placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
    learningRate = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    String generated = spec.generated().name();
    Map<String, Operand<TFloat32>> labels = new LinkedHashMap<>();
    spec.nodes(AdversarialSpec.Role.LABEL).forEach(n -> labels.put(n.name(), data.get(n.name())));

    // Training: as many generated examples as real ones, with the real examples' labels.
    Operand<TInt32> batchSize = tf.squeeze(tf.slice(tf.shape(data.get(generated)), tf.constant(new int[] {0}),
        tf.constant(new int[] {1})));
    if (spec.encoderGame().isPresent()) {
      return defineEncoderGame(tf, random, batchSize);
    }
    // The losses are built in training mode (batch statistics, dropout on); sampling and
    // discriminate(Dataset) in evaluation mode.
    AdversarialPass training = new AdversarialPass(tf, spec, variables, random, batchSize, labels).training();
    defineGeneration(training);
    Operand<TFloat32> fake = requireGenerated(training);
    generatorVariables = variables.trainableVariables();
    List<Op> generatorUpdates = variables.updates();
    if (!spec.hasDiscriminator()) {
      return defineMomentMatching(tf, random, batchSize, labels, fake, generatorUpdates);
    }

    Operand<TFloat32> trainingRealScores = discriminate(tf, data.get(generated), labels, Mode.TRAINING);
    Operand<TFloat32> fakeScores = discriminate(tf, fake, labels, Mode.TRAINING);
    // InfoGAN: the Q heads on the generated batch, built before the discriminator's side is
    // collected, so their variables (and a body they share with it) train with the discriminator.
    Operand<TFloat32> weightedBound = spec.informationCodes().isEmpty() ? null
        : weightedInformationBound(tf, training, fake, labels, Mode.TRAINING);
    discriminatorVariables = new ArrayList<>(variables.trainableVariables());
    discriminatorVariables.removeAll(generatorVariables);
    if (discriminatorVariables.isEmpty()) {
      throw new IllegalStateException("the discriminator of " + spec.modelName() + " has no variables to train");
    }
    Operand<TFloat32> dLoss = AdversarialLosses.discriminator(tf, spec.loss(), trainingRealScores, fakeScores);
    if (spec.loss() == GanLoss.WASSERSTEIN_GP && spec.gradientPenalty() > 0) {
      Operand<TFloat32> interpolates = GradientPenalty.interpolates(tf, random, data.get(generated), fake);
      Operand<TFloat32> penalty = GradientPenalty.penalty(tf, x -> discriminate(tf, x, labels, Mode.TRAINING),
          interpolates);
      dLoss = tf.math.add(dLoss, tf.math.mul(tf.constant((float) spec.gradientPenalty()), penalty));
    }
    Operand<TFloat32> gLoss = AdversarialLosses.generator(tf, spec.loss(), fakeScores);
    if (weightedBound != null) {
      // Both players maximize the information bound: min V(D, G) - lambda L_I (Chen et al., eq. 5).
      dLoss = tf.math.sub(dLoss, weightedBound);
      gLoss = tf.math.sub(gLoss, weightedBound);
    }
    discriminatorLoss = dLoss;
    generatorLoss = gLoss;
    float beta2 = spec.loss() == GanLoss.WASSERSTEIN_GP ? 0.9f : Adam.DEFAULT_BETA2;
    // Weight decay (nn.weightDecay) joins the minimized loss only, not the reported one.
    Adam adamD = Adam.create(tf, "adam_discriminator", withPenalty(tf, discriminatorLoss, discriminatorVariables),
        discriminatorVariables, learningRate, BETA1, beta2, Adam.DEFAULT_EPSILON);
    // A discriminator step computes the generator's batch too: both networks' statistics move.
    discriminatorStep = withUpdates(tf, adamD.step(), variables.updates());
    Adam adamG = generatorVariables.isEmpty() ? null : Adam.create(tf, "adam_generator",
        withPenalty(tf, generatorLoss, generatorVariables), generatorVariables, learningRate, BETA1, beta2,
        Adam.DEFAULT_EPSILON);
    generatorStep = adamG == null ? null : withUpdates(tf, adamG.step(), generatorUpdates);
    realScores = discriminate(tf, data.get(generated), labels, Mode.EVALUATION);

    // Sampling: n fed, labels fed through the same placeholders as in training.
    AdversarialPass sampling = new AdversarialPass(tf, spec, variables, random, sampleCount, labels);
    defineGeneration(sampling);
    Operand<TFloat32> sampled = requireGenerated(sampling);
    samples = sampling.values();
    for (String code : spec.informationCodes().keySet()) {
      Map<String, Operand<TFloat32>> inputs = new LinkedHashMap<>(labels);
      inputs.put(generated, sampled);
      Distribution q = codePosteriors(tf, inputs, Mode.EVALUATION).get(code);
      informationBounds.put(code, MutualInformationBound.lowerBound(tf, q, sampling.values().get(code),
          sampling.priors().get(code).entropy()));
    }

    // The game's value is an evaluation: both players in evaluation mode, on a generated batch
    // as large as the real one (built last, so the other passes' random streams are unchanged).
    AdversarialPass evaluation = new AdversarialPass(tf, spec, variables, random, batchSize, labels);
    defineGeneration(evaluation);
    gameValue = AdversarialLosses.gameValue(tf, realScores,
        discriminate(tf, requireGenerated(evaluation), labels, Mode.EVALUATION));

    List<Op> initializers = new ArrayList<>(adamD.initializers());
    if (adamG != null) {
      initializers.addAll(adamG.initializers());
    }
    return initializers;
  }

  /**
   * The sum over information codes of lambda times InfoGAN's bound, on the pass's generated
   * examples {@code fake}: {@code log Q(c | G(z, c))} of the drawn code plus the prior's entropy.
   */
  private Operand<TFloat32> weightedInformationBound(Ops tf, AdversarialPass pass, Operand<TFloat32> fake,
      Map<String, Operand<TFloat32>> labels, Mode mode) {
    Map<String, Operand<TFloat32>> inputs = new LinkedHashMap<>(labels);
    inputs.put(spec.generated().name(), fake);
    Map<String, Distribution> q = codePosteriors(tf, inputs, mode);
    Operand<TFloat32> total = null;
    for (Map.Entry<String, Double> code : spec.informationCodes().entrySet()) {
      Operand<TFloat32> bound = MutualInformationBound.lowerBound(tf, q.get(code.getKey()),
          pass.values().get(code.getKey()), pass.priors().get(code.getKey()).entropy());
      Operand<TFloat32> weighted = tf.math.mul(tf.constant(code.getValue().floatValue()), bound);
      total = total == null ? weighted : tf.math.add(total, weighted);
    }
    return total;
  }

  /** The Q heads' distributions, one per information code, each flattened to {@code [n, width]}. */
  private Map<String, Distribution> codePosteriors(Ops tf, Map<String, Operand<TFloat32>> inputs, Mode mode) {
    DiscriminatorPass pass = new DiscriminatorPass(tf, spec, variables(), inputs);
    Map<String, Distribution> declared = defineCodePosteriors(mode == Mode.TRAINING ? pass.training() : pass);
    if (!declared.keySet().equals(spec.informationCodes().keySet())) {
      throw new IllegalStateException("defineCodePosteriors of " + spec.modelName() + " returns Q for "
          + declared.keySet() + ", but the information codes are " + spec.informationCodes().keySet());
    }
    Map<String, Distribution> flat = new LinkedHashMap<>();
    declared.forEach((code, q) -> flat.put(code, dev.helmholtz.core.EventAxes.flatten(tf, q,
        spec.require(code).shape(), "Q(" + code + " | " + spec.generated().name() + ") in " + spec.modelName())));
    return flat;
  }

  /**
   * The generator alone, trained to minimize the kernel two-sample statistic between the data
   * batch and a generated batch of the same size (Li et al. 2015; Dziugaite et al. 2015).
   */
  private List<Op> defineMomentMatching(Ops tf, RandomSource random, Operand<TInt32> batchSize,
      Map<String, Operand<TFloat32>> labels, Operand<TFloat32> fake, List<Op> generatorUpdates) {
    if (generatorVariables.isEmpty()) {
      throw new IllegalStateException("the generator of " + spec.modelName() + " has no variables to train");
    }
    MaximumMeanDiscrepancy kernel = spec.momentMatching().orElseThrow();
    Operand<TFloat32> real = data.get(spec.generated().name());
    generatorLoss = kernel.squared(tf, real, fake);
    Adam adamG = Adam.create(tf, "adam_generator", withPenalty(tf, generatorLoss, generatorVariables),
        generatorVariables, learningRate, BETA1, Adam.DEFAULT_BETA2, Adam.DEFAULT_EPSILON);
    generatorStep = withUpdates(tf, adamG.step(), generatorUpdates);
    discriminatorVariables = List.of();

    AdversarialPass sampling = new AdversarialPass(tf, spec, variables(), random, sampleCount, labels);
    defineGeneration(sampling);
    requireGenerated(sampling);
    samples = sampling.values();

    AdversarialPass evaluation = new AdversarialPass(tf, spec, variables(), random, batchSize, labels);
    defineGeneration(evaluation);
    discrepancy = kernel.squared(tf, real, requireGenerated(evaluation));
    return new ArrayList<>(adamG.initializers());
  }

  /**
   * ALI/BiGAN or the adversarial autoencoder ({@link EncoderGameGraph}): the discriminator's
   * optimizer over its variables; the generator-side optimizer over BiGAN's generator and encoder,
   * or the autoencoder's encoder; for the autoencoder a third, the reconstruction phase's, over
   * encoder and decoder (Adam with beta1 0.9: an autoencoder's, not the game's 0.5).
   */
  private List<Op> defineEncoderGame(Ops tf, RandomSource random, Operand<TInt32> batchSize) {
    VariableStore variables = variables();
    Operand<TFloat32> x = data.get(spec.generated().name());
    EncoderGameGraph game = EncoderGameGraph.build(this, tf, spec, variables, random, x, batchSize, true);
    generatorVariables = game.generatorSide();
    encoderVariables = game.encoderVariables;
    discriminatorVariables = game.discriminatorVariables;
    discriminatorLoss = game.discriminatorLoss;
    generatorLoss = game.generatorLoss;
    List<Op> initializers = new ArrayList<>();
    Adam adamD = Adam.create(tf, "adam_discriminator", withPenalty(tf, discriminatorLoss, discriminatorVariables),
        discriminatorVariables, learningRate, BETA1, Adam.DEFAULT_BETA2, Adam.DEFAULT_EPSILON);
    discriminatorStep = withUpdates(tf, adamD.step(), variables.updates());
    Adam adamG = Adam.create(tf, "adam_generator", withPenalty(tf, generatorLoss, generatorVariables),
        generatorVariables, learningRate, BETA1, Adam.DEFAULT_BETA2, Adam.DEFAULT_EPSILON);
    generatorStep = withUpdates(tf, adamG.step(), game.playerUpdates);
    initializers.addAll(adamD.initializers());
    initializers.addAll(adamG.initializers());
    if (game.reconstructionLoss != null) {
      reconstructionLoss = game.reconstructionLoss;
      List<Variable<TFloat32>> autoencoder = game.reconstructionSide();
      Adam adamR = Adam.create(tf, "adam_reconstruction", withPenalty(tf, reconstructionLoss, autoencoder),
          autoencoder, learningRate, 0.9f, Adam.DEFAULT_BETA2, Adam.DEFAULT_EPSILON);
      reconstructionStep = withUpdates(tf, adamR.step(), game.playerUpdates);
      initializers.addAll(adamR.initializers());
    }

    // Evaluation: encode(data) and reconstructions take q's mean; the discriminator's scores and
    // the game's value the same draws as training does.
    String z = spec.encodedLatent();
    encoded = EncoderGameGraph.encode(this, tf, spec, variables, random, x, false, false);
    AdversarialPass reconstruction = new AdversarialPass(tf, spec, variables, random, batchSize, Map.of())
        .withLatents(Map.of(z, encoded));
    defineGeneration(reconstruction);
    reconstructed = requireGenerated(reconstruction);
    AdversarialPass sampling = new AdversarialPass(tf, spec, variables, random, sampleCount, Map.of());
    defineGeneration(sampling);
    requireGenerated(sampling);
    samples = sampling.values();
    Operand<TFloat32> drawn = EncoderGameGraph.encode(this, tf, spec, variables, random, x, false, true);
    encodedDraws = drawn;
    AdversarialPass evaluation = new AdversarialPass(tf, spec, variables, random, batchSize, Map.of());
    defineGeneration(evaluation);
    Operand<TFloat32> fakeScores;
    if (game.game == AdversarialSpec.EncoderGame.BIDIRECTIONAL) {
      realScores = EncoderGameGraph.discriminate(this, tf, spec, variables,
          Map.of(spec.generated().name(), x, z, drawn), false);
      fakeScores = EncoderGameGraph.discriminate(this, tf, spec, variables,
          Map.of(spec.generated().name(), requireGenerated(evaluation), z, evaluation.values().get(z)), false);
      gameValue = AdversarialLosses.gameValue(tf, realScores, fakeScores);
    } else {
      // The autoencoder's discriminator calls prior draws real: discriminate(data) scores the
      // data's encodings, the generated side; the game's value puts the prior's first.
      realScores = EncoderGameGraph.discriminate(this, tf, spec, variables, Map.of(z, drawn), false);
      Operand<TFloat32> priorScores = EncoderGameGraph.discriminate(this, tf, spec, variables,
          Map.of(z, evaluation.values().get(z)), false);
      gameValue = AdversarialLosses.gameValue(tf, priorScores, realScores);
    }
    return initializers;
  }

  /**
   * InfoGAN's Q heads: for each information code of the spec, the distribution Q(code | x) of the
   * examples the pass holds, from the networks that share the discriminator's side. Generated
   * for a spec with information codes; none by default.
   */
  protected Map<String, Distribution> defineCodePosteriors(DiscriminatorPass pass) {
    return Map.of();
  }

  private Operand<TFloat32> requireGenerated(AdversarialPass pass) {
    Operand<TFloat32> value = pass.values().get(spec.generated().name());
    if (value == null) {
      throw new IllegalStateException("defineGeneration of " + spec.modelName() + " did not generate '"
          + spec.generated().name() + "'");
    }
    return value;
  }

  /** The discriminator on {@code value} of the generated node, as one score per example, {@code [n]}. */
  private Operand<TFloat32> discriminate(Ops tf, Operand<TFloat32> value, Map<String, Operand<TFloat32>> labels,
      Mode mode) {
    Map<String, Operand<TFloat32>> inputs = new LinkedHashMap<>(labels);
    inputs.put(spec.generated().name(), value);
    DiscriminatorPass pass = new DiscriminatorPass(tf, spec, variables(), inputs);
    Operand<TFloat32> logits = defineDiscriminator(mode == Mode.TRAINING ? pass.training() : pass);
    Shape shape = logits.shape();
    boolean column = shape.numDimensions() == 2 && shape.get(1) == 1;
    if (!column && shape.numDimensions() != 1) {
      throw new IllegalArgumentException("the discriminator of " + spec.modelName() + " returns shape " + shape
          + "; return one logit per example, [n, 1] or [n]");
    }
    return column ? tf.reshape(logits, tf.constant(new long[] {-1})) : logits;
  }

  /** {@code loss} plus the weight-decay penalties of {@code trained}, if any. */
  private Operand<TFloat32> withPenalty(Ops tf, Operand<TFloat32> loss, List<Variable<TFloat32>> trained) {
    return variables().penalty(trained).<Operand<TFloat32>>map(p -> tf.math.add(loss, p)).orElse(loss);
  }

  /** {@code step} and the batch-normalization updates, as one op. */
  private static Op withUpdates(Ops tf, Op step, List<Op> updates) {
    if (updates.isEmpty()) {
      return step;
    }
    List<Op> all = new ArrayList<>(updates);
    all.add(step);
    return tf.withControlDependencies(all).noOp();
  }

  /**
   * Checks this model on the first {@code options.examples()} rows of {@code data}, or, when it
   * is null, on synthetic data (the generator's own examples, label nodes one-hot): the gradients of the generator's and the discriminator's losses against central finite differences at fixed noise, and the generator's and discriminator's output shapes. The checks run in a graph of their own with this model's
   * variables copied in; the model, its random streams and its training state are unchanged.
   * Generated models override this to say what they check.
   *
   * @return the report; {@link SelfCheckReport#assertPassed()} throws on a failure
   */
  public SelfCheckReport selfCheck(Dataset data, SelfCheckOptions options) {
    requireOpen();
    return AdversarialSelfCheck.run(this, data, options);
  }

  /** {@link #selfCheck(Dataset, SelfCheckOptions)} with the default sizes. In a test: {@code model.selfCheck(data).assertPassed()}. */
  public SelfCheckReport selfCheck(Dataset data) {
    return selfCheck(java.util.Objects.requireNonNull(data, "data"), SelfCheckOptions.defaults());
  }

  /** {@link #selfCheck(Dataset, SelfCheckOptions)} on synthetic data, with the default sizes. */
  public SelfCheckReport selfCheck() {
    return selfCheck(null, SelfCheckOptions.defaults());
  }

  public AdversarialSpec spec() {
    return spec;
  }

  /** The generator's variables' names, such as {@code generate/dense_0/kernel}. */
  public List<String> generatorParameterNames() {
    requireOpen();
    return generatorVariables.stream().map(v -> v.op().name()).toList();
  }

  /** The discriminator's variables' names. */
  public List<String> discriminatorParameterNames() {
    requireOpen();
    return discriminatorVariables.stream().map(v -> v.op().name()).toList();
  }

  /** An encoder game's encoder variables' names (ALI/BiGAN, the adversarial autoencoder); empty otherwise. */
  public List<String> encoderParameterNames() {
    requireOpen();
    return encoderVariables.stream().map(v -> v.op().name()).toList();
  }

  /** The adversarial autoencoder's reconstruction loss, -E log p(x | z) in nats, in its last update; NaN before. */
  public double lastReconstructionLoss() {
    return lastReconstructionLoss;
  }

  /** The generator's loss in its last update, NaN before the first. */
  public double lastGeneratorLoss() {
    return lastGeneratorLoss;
  }

  /** Trains with the spec's discriminator steps per generator step; see {@link #fit(Dataset, Training, int)}. */
  public TrainingSummary fit(Dataset data, Training training) {
    return fit(data, training, spec.discriminatorSteps());
  }

  /**
   * Trains the two players on {@code data} (a column per observed node): {@code discriminatorSteps}
   * discriminator updates, each on a fresh shuffled minibatch, per generator update. The objective
   * reported to the progress listener and in the summary is the discriminator's mean loss (for
   * WGAN-GP, minus the critic's Wasserstein estimate plus the penalty). {@link Training#maxSteps()}
   * counts discriminator updates.
   *
   * <p>Checkpoints ({@link Training#checkpoints}, every {@link Training#checkpointEvery} discriminator
   * updates and at the end), {@link Training#resumeFrom} (the same data, batch size, seed and
   * discriminator steps continue exactly as the uninterrupted run), {@link Training#stopRequest},
   * the learning-rate schedule, TensorBoard scalars and the curves plot work as for {@code
   * VariationalModel.fit}. Validation data, early stopping, gradient clipping and the resident data
   * path do not apply to a game and are refused.
   *
   * @throws TrainingDivergedException when a player's loss is not finite
   * @throws IllegalArgumentException for an option adversarial training does not support, or a
   *     checkpoint written with other settings
   * @throws java.io.UncheckedIOException for a checkpoint that cannot be read or a directory that
   *     cannot be created, before the first update
   */
  public TrainingSummary fit(Dataset data, Training training, int discriminatorSteps) {
    requireOpen();
    if (discriminatorSteps < 1) {
      throw new IllegalArgumentException("discriminatorSteps must be at least 1, was " + discriminatorSteps);
    }
    String[] columns = checkColumns(data, spec.observed());
    return TrainingLoop.run(new AdversarialTraining(this, columns, discriminatorSteps), data, training);
  }

  // For AdversarialTraining, this model as the training loop sees it.
  boolean hasGenerator() {
    return generatorStep != null;
  }

  boolean hasDiscriminator() {
    return spec.hasDiscriminator();
  }

  /** One discriminator update on {@code batch}; its loss before the update (not checked). */
  double discriminatorUpdate(Batch batch, String[] columns, StepFeeds feeds) {
    double loss = step(batch, columns, feeds, discriminatorStep, discriminatorLoss);
    stepTaken();
    return loss;
  }

  /** One generator update on {@code batch}'s labels; its loss before the update (not checked). */
  double generatorUpdate(Batch batch, String[] columns, StepFeeds feeds) {
    lastGeneratorLoss = step(batch, columns, feeds, generatorStep, generatorLoss);
    stepTaken();
    return lastGeneratorLoss;
  }

  /** Whether the model has the adversarial autoencoder's reconstruction phase. */
  boolean hasReconstruction() {
    return reconstructionStep != null;
  }

  /** The adversarial autoencoder's reconstruction update on {@code batch}; its loss before the update. */
  double reconstructionUpdate(Batch batch, String[] columns, StepFeeds feeds) {
    lastReconstructionLoss = step(batch, columns, feeds, reconstructionStep, reconstructionLoss);
    stepTaken();
    return lastReconstructionLoss;
  }

  void setLastGeneratorLoss(double loss) {
    lastGeneratorLoss = loss;
  }

  /** Restores a checkpoint that {@code fit} wrote, its properties already read. */
  void restoreForResume(Path checkpoint, Properties p) throws IOException {
    restoreState(checkpoint, p);
  }

  private double step(Batch batch, String[] columns, StepFeeds feeds, Op update, Operand<TFloat32> loss) {
    return BatchRuns.run(session(), batch, columns, data, runner -> {
      runner.feed(learningRate, feeds.learningRate());
      feeds.feedHyperparameters(runner);
      return runner.addTarget(update).fetch(loss);
    }, result -> (double) ((TFloat32) result.get(0)).getFloat());
  }


  /**
   * Draws {@code n} examples of every latent and the generated node, each {@code [n][width]}.
   *
   * @throws IllegalStateException for a conditional model, which needs labels: {@link #generate(Dataset)}
   */
  public Map<String, float[][]> generate(int n) {
    requireOpen();
    if (!spec.nodes(AdversarialSpec.Role.LABEL).isEmpty()) {
      throw new IllegalStateException(spec.modelName() + " is conditioned on "
          + spec.nodes(AdversarialSpec.Role.LABEL).stream().map(AdversarialSpec.Node::name).toList()
          + "; pass their values to generate(Dataset)");
    }
    return generate(n, Dataset.of(spec.generated().name(), new float[1][spec.generated().width()]), new String[0]);
  }

  /**
   * InfoGAN's variational lower bound on the mutual information between each information code
   * and the generated node, {@code E log Q(c | G(z, c)) + H(c)} in nats, estimated on {@code n}
   * fresh examples in evaluation mode (it approaches I(c; x), at most H(c), as Q fits).
   *
   * @throws IllegalStateException for a model without information codes, or a conditional one
   */
  public Map<String, Double> informationBounds(int n) {
    requireOpen();
    if (spec.informationCodes().isEmpty()) {
      throw new IllegalStateException(spec.modelName() + " declares no information code (@MutualInformation)");
    }
    requireUnconditional();
    if (n < 1) {
      throw new IllegalArgumentException("n must be at least 1, was " + n);
    }
    Map<String, Double> out = new LinkedHashMap<>();
    try (TInt32 count = TInt32.scalarOf(n)) {
      BatchRuns.run(session(), null, new String[0], data, runner -> {
        runner.feed(sampleCount, count);
        informationBounds.values().forEach(runner::fetch);
        return runner;
      }, result -> {
        int i = 0;
        for (String code : informationBounds.keySet()) {
          out.put(code, (double) ((TFloat32) result.get(i++)).getFloat());
        }
        return out;
      });
    }
    return out;
  }

  /**
   * Draws one example per row of the given latents' values ({@code [rows][width]} each, the same
   * number of rows), drawing the other latents as {@link #generate(int)} does: for InfoGAN, digits
   * of a chosen code. Returns every latent (the given ones as given) and the generated node.
   *
   * @throws IllegalStateException for a conditional model, which needs labels
   * @throws IllegalArgumentException for an unknown latent, a wrong width or unequal row counts
   */
  public Map<String, float[][]> generateFrom(Map<String, float[][]> latents) {
    requireOpen();
    requireUnconditional();
    int rows = -1;
    for (Map.Entry<String, float[][]> e : latents.entrySet()) {
      AdversarialSpec.Node node = spec.require(e.getKey());
      if (node.role() != AdversarialSpec.Role.LATENT) {
        throw new IllegalArgumentException("'" + e.getKey() + "' is no latent of " + spec.modelName());
      }
      if (rows >= 0 && e.getValue().length != rows) {
        throw new IllegalArgumentException("the latents' values have different row counts: " + rows + " and "
            + e.getValue().length + " ('" + e.getKey() + "')");
      }
      rows = e.getValue().length;
      for (float[] row : e.getValue()) {
        if (row.length != node.width()) {
          throw new IllegalArgumentException("latent '" + e.getKey() + "' has width " + node.width() + ", got a row of "
              + row.length);
        }
      }
    }
    if (rows < 1) {
      throw new IllegalArgumentException("give at least one latent's values, with at least one row");
    }
    Map<String, float[][]> out = new LinkedHashMap<>();
    samples.keySet().forEach(name -> out.put(name, new float[latents.values().iterator().next().length][]));
    int n = rows;
    for (int from = 0; from < n; from += BatchRuns.EVALUATION_BATCH) {
      int size = Math.min(BatchRuns.EVALUATION_BATCH, n - from);
      int offset = from;
      List<TFloat32> fed = new ArrayList<>();
      try (TInt32 count = TInt32.scalarOf(size)) {
        for (Map.Entry<String, float[][]> e : latents.entrySet()) {
          fed.add(TFloat32.tensorOf(org.tensorflow.ndarray.StdArrays.ndCopyOf(
              java.util.Arrays.copyOfRange(e.getValue(), from, from + size))));
        }
        // The drawn values, all but the given latents (TensorFlow fetches no tensor it is fed).
        Map<String, float[][]> drawn = new LinkedHashMap<>();
        samples.keySet().stream().filter(name -> !latents.containsKey(name))
            .forEach(name -> drawn.put(name, out.get(name)));
        BatchRuns.run(session(), null, new String[0], data, runner -> {
          runner.feed(sampleCount, count);
          int i = 0;
          // Feeding a drawn latent's tensor replaces the draw: the generator sees the given values.
          for (String name : latents.keySet()) {
            runner.feed(samples.get(name), fed.get(i++));
          }
          drawn.keySet().forEach(name -> runner.fetch(samples.get(name)));
          return runner;
        }, result -> {
          BatchRuns.copyRows(result, 0, drawn, name -> spec.require(name).width(), size, offset);
          return drawn;
        });
        for (Map.Entry<String, float[][]> e : latents.entrySet()) {
          for (int r = 0; r < size; r++) {
            out.get(e.getKey())[offset + r] = e.getValue()[offset + r].clone();
          }
        }
      } finally {
        fed.forEach(TFloat32::close);
      }
    }
    return out;
  }

  private void requireUnconditional() {
    if (!spec.nodes(AdversarialSpec.Role.LABEL).isEmpty()) {
      throw new IllegalStateException(spec.modelName() + " is conditioned on "
          + spec.nodes(AdversarialSpec.Role.LABEL).stream().map(AdversarialSpec.Node::name).toList()
          + "; pass their values to generate(Dataset)");
    }
  }

  /** Draws one example per row of {@code labels} (a column per label node), as {@link #generate(int)}. */
  public Map<String, float[][]> generate(Dataset labels) {
    requireOpen();
    String[] columns = checkColumns(labels, spec.nodes(AdversarialSpec.Role.LABEL));
    return generate(labels.size(), labels, columns);
  }

  private Map<String, float[][]> generate(int n, Dataset labels, String[] columns) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be at least 1, was " + n);
    }
    Map<String, float[][]> out = new LinkedHashMap<>();
    samples.keySet().forEach(name -> out.put(name, new float[n][]));
    for (int from = 0; from < n; from += BatchRuns.EVALUATION_BATCH) {
      int size = Math.min(BatchRuns.EVALUATION_BATCH, n - from);
      int offset = from;
      Batch batch = columns.length == 0 ? null : labels.slice(from, from + size).batches(size, false, 0, columns).next();
      try (TInt32 count = TInt32.scalarOf(size)) {
        BatchRuns.run(session(), batch, columns, data, runner -> {
          runner.feed(sampleCount, count);
          samples.values().forEach(runner::fetch);
          return runner;
        }, result -> {
          BatchRuns.copyRows(result, 0, out, name -> spec.require(name).width(), size, offset);
          return out;
        });
      }
    }
    return out;
  }


  @Override
  protected final String nodesDescription() {
    return String.join(",", spec.nodes().stream()
        .map(n -> n.name() + ":" + n.role().name().toLowerCase(java.util.Locale.ROOT) + ":" + n.width()).toList());
  }

  /**
   * Exports the generator as a TensorFlow SavedModel (tag {@code serve}) into the new directory
   * {@code directory}, atomically, as {@link VariationalModel#exportSavedModel} does: one signature,
   * {@code generate} (also {@code serving_default}, method {@code tensorflow/serving/predict}),
   * with input {@code n} (int32 scalar) and, for a conditional model, each label node {@code [n,
   * width]} named like it; outputs {@code [n, width]} for every latent (its draws) and the
   * generated node. The export holds every variable, the random streams' positions included: a
   * process that loads it draws on its first call what this model draws on its next one. The
   * discriminator's weights are in it too but no signature reads them.
   *
   * @throws java.nio.file.FileAlreadyExistsException if {@code directory} exists (nothing is
   *     overwritten)
   * @throws IOException naming the path if it cannot be written
   */
  public void exportSavedModel(Path directory) throws IOException {
    requireOpen();
    Map<String, Operand<?>> inputs = new LinkedHashMap<>();
    inputs.put("n", sampleCount);
    spec.nodes(AdversarialSpec.Role.LABEL).forEach(node -> inputs.put(node.name(), data.get(node.name())));
    SavedModelExporter.export(session(), directory, inputs, new LinkedHashMap<>(samples), null, null, null, null);
  }

  /**
   * The encoder's features of each example of {@code data}: E(x) for a deterministic encoder, the
   * mean of q(z | x) for a distribution, {@code [rows][width of the encoded latent]}.
   *
   * @throws IllegalStateException for a model without an encoder (ALI/BiGAN, adversarial autoencoder)
   */
  public float[][] encode(Dataset data) {
    requireOpen();
    requireEncoder("encode");
    return rows(data, encoded, spec.require(spec.encodedLatent()).width());
  }

  /**
   * One draw of q(z | x) for each example of {@code data} ({@link #encode} for a deterministic
   * encoder), {@code [rows][width]}: over a data set, draws of the aggregate posterior q(z), which
   * an adversarial autoencoder's game matches to the prior.
   *
   * @throws IllegalStateException for a model without an encoder
   */
  public float[][] encodeSample(Dataset data) {
    requireOpen();
    requireEncoder("encodeSample");
    return rows(data, encodedDraws, spec.require(spec.encodedLatent()).width());
  }

  /**
   * The generator on the encoder's features of each example of {@code data}, G(E(x)) (the
   * decoder's mean for the adversarial autoencoder), {@code [rows][width]}: reconstructions.
   *
   * @throws IllegalStateException for a model without an encoder
   */
  public float[][] reconstruct(Dataset data) {
    requireOpen();
    requireEncoder("reconstruct");
    return rows(data, reconstructed, spec.generated().width());
  }

  private void requireEncoder(String method) {
    if (spec.encoderGame().isEmpty()) {
      throw new IllegalStateException(spec.modelName() + " has no encoder; " + method
          + " needs ALI/BiGAN's or an adversarial autoencoder's");
    }
  }

  private float[][] rows(Dataset data, Operand<TFloat32> fetch, int width) {
    String[] columns = checkColumns(data, spec.observed());
    float[][] out = new float[data.size()][];
    int offset = 0;
    Batches batches = data.batches(BatchRuns.EVALUATION_BATCH, false, 0, columns);
    while (batches.hasNext()) {
      Batch batch = batches.next();
      float[] values = evaluate(batch, columns, fetch);
      for (int r = 0; r < batch.size(); r++) {
        out[offset + r] = java.util.Arrays.copyOfRange(values, r * width, (r + 1) * width);
      }
      offset += batch.size();
    }
    return out;
  }

  /**
   * The discriminator's logit for each example of {@code data} (a column per observed node): for
   * ALI/BiGAN, of the pair (x, z) with z drawn by the encoder; for the adversarial autoencoder, that
   * the encoder's draw for x is a prior draw.
   */
  public float[] discriminate(Dataset data) {
    requireOpen();
    requireDiscriminator("discriminate");
    String[] columns = checkColumns(data, spec.observed());
    float[] out = new float[data.size()];
    int offset = 0;
    Batches batches = data.batches(BatchRuns.EVALUATION_BATCH, false, 0, columns);
    while (batches.hasNext()) {
      Batch batch = batches.next();
      float[] values = evaluate(batch, columns, realScores);
      System.arraycopy(values, 0, out, offset, batch.size());
      offset += batch.size();
    }
    return out;
  }

  /**
   * The value of the minimax game, {@code E log D(x) + E log(1 - D(G(z)))}, over {@code data} with
   * one generated example per real one (and its labels): {@code -log 4} at the game's equilibrium.
   */
  public double gameValue(Dataset data) {
    requireOpen();
    requireDiscriminator("gameValue");
    String[] columns = checkColumns(data, spec.observed());
    double sum = 0;
    Batches batches = data.batches(BatchRuns.EVALUATION_BATCH, false, 0, columns);
    while (batches.hasNext()) {
      Batch batch = batches.next();
      sum += evaluate(batch, columns, gameValue)[0] * batch.size();
    }
    return sum / data.size();
  }

  /**
   * A moment-matching model's unbiased squared maximum mean discrepancy between {@code data} and
   * generated examples, one generated example per real one (and its labels), averaged over
   * evaluation batches of up to {@value BatchRuns#EVALUATION_BATCH} rows (weighted by their size):
   * near 0 when the generator matches the data.
   *
   * @throws IllegalStateException for a model with a discriminator: see {@link #gameValue}
   */
  public double discrepancy(Dataset data) {
    requireOpen();
    if (spec.hasDiscriminator()) {
      throw new IllegalStateException(spec.modelName() + " is trained against a discriminator, not by moment"
          + " matching; its game's value is gameValue(data)");
    }
    String[] columns = checkColumns(data, spec.observed());
    if (data.size() < 2) {
      throw new IllegalArgumentException("the discrepancy needs at least 2 examples, got " + data.size());
    }
    double sum = 0;
    // The last batch joins the one before if it would have a single row, whose MMD is undefined.
    int size = BatchRuns.EVALUATION_BATCH;
    Batches batches = data.batches(data.size() % size == 1 ? size + 1 : size, false, 0, columns);
    while (batches.hasNext()) {
      Batch batch = batches.next();
      sum += evaluate(batch, columns, discrepancy)[0] * batch.size();
    }
    return sum / data.size();
  }

  private void requireDiscriminator(String method) {
    if (!spec.hasDiscriminator()) {
      throw new IllegalStateException(spec.modelName() + " has no discriminator: it is trained by moment matching;"
          + " " + method + " needs one, and discrepancy(data) measures this model's fit");
    }
  }

  private float[] evaluate(Batch batch, String[] columns, Operand<TFloat32> fetch) {
    return BatchRuns.run(session(), batch, columns, data, runner -> runner.fetch(fetch),
        result -> BatchRuns.values((TFloat32) result.get(0)));
  }


  private String[] checkColumns(Dataset dataset, List<AdversarialSpec.Node> nodes) {
    Map<String, List<Integer>> shapes = new java.util.LinkedHashMap<>();
    nodes.forEach(node -> shapes.put(node.name(), node.shape()));
    return DataColumns.requireShapes(spec.modelName(), dataset, shapes);
  }
}
