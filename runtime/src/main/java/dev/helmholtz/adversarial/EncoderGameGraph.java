package dev.helmholtz.adversarial;

import dev.helmholtz.dist.Distribution;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.nn.VariableStore;
import dev.helmholtz.objective.AdversarialLosses;
import dev.helmholtz.objective.EncoderGameLosses;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The training losses of a game with an encoder ({@link AdversarialSpec.EncoderGame}) on one batch
 * of data, and each player's variables, as {@link AdversarialModel} trains them and its self-check
 * differentiates them. Each network's variables are told apart by the order the networks are first
 * called in: the generator's (or the encoder's) first, then the next player's, the
 * discriminator's last.
 *
 * <p>ALI / BiGAN: the generator draws z from its prior and makes G(z); the encoder makes E(x) of
 * the data (drawn from q(z | x) by reparameterization for a distribution); the discriminator
 * scores (x, E(x)) as real and (G(z), z) as generated. Players: the discriminator; the generator
 * with the encoder ({@link EncoderGameLosses#jointGenerator}), one optimizer over both, as in both
 * papers.
 *
 * <p>The adversarial autoencoder: the encoder draws z ~ q(z | x); the decoder (the generator,
 * returning p(x | z)) scores x at it: the reconstruction loss, over the encoder's and the
 * decoder's variables. The discriminator scores prior draws of z as real and the encoder's draws
 * as generated; the encoder alone is its adversary ({@link AdversarialLosses#generator}).
 */
final class EncoderGameGraph {
  final AdversarialSpec.EncoderGame game;
  final List<Variable<TFloat32>> generatorVariables;
  final List<Variable<TFloat32>> encoderVariables;
  final List<Variable<TFloat32>> discriminatorVariables;
  final Operand<TFloat32> discriminatorLoss;
  /** BiGAN: the generator's and encoder's joint loss; the autoencoder: the encoder's adversarial loss. */
  final Operand<TFloat32> generatorLoss;
  /** The autoencoder's reconstruction loss, {@code -E log p(x | z)}; null for ALI/BiGAN. */
  final Operand<TFloat32> reconstructionLoss;
  /** The discriminator's scores on the real side (pairs, or prior draws) and the generated side, {@code [n]}. */
  final Operand<TFloat32> realScores;
  final Operand<TFloat32> fakeScores;
  /** The encoder's value of the latent for the data, flat {@code [n, width]}. */
  final Operand<TFloat32> encoded;
  /** The generator's output on prior draws, flat {@code [n, width]}. */
  final Operand<TFloat32> generated;
  /** Batch-normalization updates of the generator's and encoder's networks (not the discriminator's). */
  final List<Op> playerUpdates;

  private EncoderGameGraph(AdversarialModel model, Ops tf, AdversarialSpec spec, VariableStore store,
      RandomSource random, Operand<TFloat32> x, Operand<TInt32> n, boolean training) {
    this.game = spec.encoderGame().orElseThrow();
    String xName = spec.generated().name();
    String zName = spec.encodedLatent();
    if (game == AdversarialSpec.EncoderGame.BIDIRECTIONAL) {
      AdversarialPass generation = new AdversarialPass(tf, spec, store, random, n, Map.of());
      model.defineGeneration(training ? generation.training() : generation);
      generated = require(generation.values(), xName, spec, "defineGeneration did not generate");
      Operand<TFloat32> prior = generation.values().get(zName);
      generatorVariables = List.copyOf(store.trainableVariables());
      encoded = encode(model, tf, spec, store, random, x, training);
      encoderVariables = newSince(store, generatorVariables);
      playerUpdates = List.copyOf(store.updates());
      realScores = discriminate(model, tf, spec, store, Map.of(xName, x, zName, encoded), training);
      fakeScores = discriminate(model, tf, spec, store, Map.of(xName, generated, zName, prior), training);
      discriminatorVariables = newSince(store, union(generatorVariables, encoderVariables));
      generatorLoss = EncoderGameLosses.jointGenerator(tf, spec.loss(), realScores, fakeScores);
      reconstructionLoss = null;
    } else {
      encoded = encode(model, tf, spec, store, random, x, training);
      encoderVariables = List.copyOf(store.trainableVariables());
      AdversarialPass reconstruction = new AdversarialPass(tf, spec, store, random, n, Map.of())
          .withLatents(Map.of(zName, encoded));
      model.defineGeneration(training ? reconstruction.training() : reconstruction);
      Distribution decoder = reconstruction.likelihoods().get(xName);
      if (decoder == null) {
        throw new IllegalStateException("the generator of '" + xName + "' in " + spec.modelName()
            + " returns no distribution; an adversarial autoencoder's decoder returns p(" + xName + " | "
            + zName + ")");
      }
      generatorVariables = newSince(store, encoderVariables);
      playerUpdates = List.copyOf(store.updates());
      reconstructionLoss = EncoderGameLosses.reconstruction(tf, decoder, x);
      // Prior draws, in evaluation mode: the decoder's call here feeds no loss and moves no statistics.
      AdversarialPass prior = new AdversarialPass(tf, spec, store, random, n, Map.of());
      model.defineGeneration(prior);
      generated = prior.values().get(xName);
      realScores = discriminate(model, tf, spec, store, Map.of(zName, prior.values().get(zName)), training);
      fakeScores = discriminate(model, tf, spec, store, Map.of(zName, encoded), training);
      discriminatorVariables = newSince(store, union(encoderVariables, generatorVariables));
      generatorLoss = AdversarialLosses.generator(tf, spec.loss(), fakeScores);
    }
    if (discriminatorVariables.isEmpty()) {
      throw new IllegalStateException("the discriminator of " + spec.modelName() + " has no variables to train");
    }
    if (encoderVariables.isEmpty()) {
      throw new IllegalStateException("the encoder of " + spec.modelName() + " has no variables to train");
    }
    discriminatorLoss = AdversarialLosses.discriminator(tf, spec.loss(), realScores, fakeScores);
  }

  /** The game's losses on the data {@code x} ({@code [n, width]}, n = {@code n}); networks in training mode when {@code training}. */
  static EncoderGameGraph build(AdversarialModel model, Ops tf, AdversarialSpec spec, VariableStore store,
      RandomSource random, Operand<TFloat32> x, Operand<TInt32> n, boolean training) {
    return new EncoderGameGraph(model, tf, spec, store, random, x, n, training);
  }

  /** What the game's generator-side optimizer trains: BiGAN's generator and encoder; the autoencoder's encoder. */
  List<Variable<TFloat32>> generatorSide() {
    return game == AdversarialSpec.EncoderGame.BIDIRECTIONAL ? union(generatorVariables, encoderVariables)
        : encoderVariables;
  }

  /** What the autoencoder's reconstruction phase trains: the encoder and the decoder. */
  List<Variable<TFloat32>> reconstructionSide() {
    return union(encoderVariables, generatorVariables);
  }

  /** The encoder's value of the latent for data {@code x}, flat: drawn from q when {@code draws}, else q's mean. */
  static Operand<TFloat32> encode(AdversarialModel model, Ops tf, AdversarialSpec spec, VariableStore store,
      RandomSource random, Operand<TFloat32> x, boolean training, boolean draws) {
    EncoderPass pass = new EncoderPass(tf, spec, store, random, Map.of(spec.generated().name(), x), draws);
    model.defineEncoding(training ? pass.training() : pass);
    return require(pass.values(), spec.encodedLatent(), spec, "defineEncoding did not encode");
  }

  private static Operand<TFloat32> encode(AdversarialModel model, Ops tf, AdversarialSpec spec, VariableStore store,
      RandomSource random, Operand<TFloat32> x, boolean training) {
    return encode(model, tf, spec, store, random, x, training, true);
  }

  /** The discriminator on {@code inputs} (flat values by node), one score per example, {@code [n]}. */
  static Operand<TFloat32> discriminate(AdversarialModel model, Ops tf, AdversarialSpec spec, VariableStore store,
      Map<String, Operand<TFloat32>> inputs, boolean training) {
    DiscriminatorPass pass = new DiscriminatorPass(tf, spec, store, new LinkedHashMap<>(inputs));
    Operand<TFloat32> logits = model.defineDiscriminator(training ? pass.training() : pass);
    Shape shape = logits.shape();
    boolean column = shape.numDimensions() == 2 && shape.get(1) == 1;
    if (!column && shape.numDimensions() != 1) {
      throw new IllegalArgumentException("the discriminator of " + spec.modelName() + " returns shape " + shape
          + "; return one logit per example, [n, 1] or [n]");
    }
    return column ? tf.reshape(logits, tf.constant(new long[] {-1})) : logits;
  }

  private static Operand<TFloat32> require(Map<String, Operand<TFloat32>> values, String name, AdversarialSpec spec,
      String problem) {
    Operand<TFloat32> value = values.get(name);
    if (value == null) {
      throw new IllegalStateException(problem + " '" + name + "' in " + spec.modelName());
    }
    return value;
  }

  private static List<Variable<TFloat32>> newSince(VariableStore store, List<Variable<TFloat32>> before) {
    List<Variable<TFloat32>> out = new ArrayList<>(store.trainableVariables());
    out.removeAll(before);
    return List.copyOf(out);
  }

  private static List<Variable<TFloat32>> union(List<Variable<TFloat32>> a, List<Variable<TFloat32>> b) {
    List<Variable<TFloat32>> out = new ArrayList<>(a);
    b.stream().filter(v -> !out.contains(v)).forEach(out::add);
    return List.copyOf(out);
  }
}
