package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.GameAnnotations;
import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NetworkDescriptor;
import dev.helmholtz.processor.model.NetworkRole;
import dev.helmholtz.processor.model.NodeDescriptor;
import java.util.List;
import java.util.Optional;

/**
 * How an {@code @Encoder} plays in an adversarial model, decided from the declarations alone (the
 * runtime's {@code AdversarialSpec.EncoderGame}). An InfoGAN Q head ({@code @MutualInformation})
 * is no player of these games.
 */
public enum EncoderGame {
  /**
   * ALI / BiGAN: the {@code @Discriminator} of an observed node also takes, as a parameter, a
   * latent that an {@code @Encoder} infers: it judges (x, z) pairs.
   */
  BIDIRECTIONAL,
  /** The adversarial autoencoder: the {@code @Discriminator} judges a latent that an {@code @Encoder} infers. */
  AUTOENCODER;

  /** The model's encoder game, if its first discriminator and an encoder (not a Q head) declare one. */
  public static Optional<EncoderGame> of(ModelDescriptor model) {
    return encoder(model).map(e -> model.node(model.networks(NetworkRole.DISCRIMINATOR).get(0).target())
        .map(NodeDescriptor::isLatent).orElse(false) ? AUTOENCODER : BIDIRECTIONAL);
  }

  /**
   * The encoder that plays: for the autoencoder, the encoder of the judged latent; for ALI/BiGAN,
   * the first encoder whose latent the discriminator takes. Empty when no encoder plays, and in a
   * game of several players (its encoders are {@code GameRule}'s: a classifier or nothing).
   */
  public static Optional<NetworkDescriptor> encoder(ModelDescriptor model) {
    List<NetworkDescriptor> discriminators = model.networks(NetworkRole.DISCRIMINATOR);
    if (discriminators.isEmpty() || GameAnnotations.isGame(model)) {
      return Optional.empty();
    }
    NetworkDescriptor d = discriminators.get(0);
    Optional<NodeDescriptor> judged = model.node(d.target());
    if (judged.isEmpty()) {
      return Optional.empty();
    }
    List<NetworkDescriptor> players = players(model);
    if (judged.get().isLatent()) {
      return players.stream().filter(e -> e.target().equals(d.target())).findFirst();
    }
    return players.stream()
        .filter(e -> model.node(e.target()).map(NodeDescriptor::isLatent).orElse(false))
        .filter(e -> d.nodeParameters().stream().anyMatch(p -> p.name().equals(e.target())))
        .findFirst();
  }

  /** The encoders that are not InfoGAN Q heads. */
  static List<NetworkDescriptor> players(ModelDescriptor model) {
    return model.networks(NetworkRole.ENCODER).stream()
        .filter(e -> model.mutualInformation(e.method()).isEmpty()).toList();
  }

  /**
   * The observed node the game's generator makes: the judged node for ALI/BiGAN; for the
   * autoencoder the first observed node with a {@code @Generator} (its decoder's), if any.
   */
  public static Optional<NodeDescriptor> generatedNode(ModelDescriptor model) {
    Optional<EncoderGame> game = of(model);
    if (game.isEmpty()) {
      return Optional.empty();
    }
    if (game.get() == BIDIRECTIONAL) {
      return model.node(model.networks(NetworkRole.DISCRIMINATOR).get(0).target());
    }
    return model.networks(NetworkRole.GENERATOR).stream()
        .map(g -> model.node(g.target()))
        .flatMap(Optional::stream)
        .filter(n -> !n.isLatent())
        .findFirst();
  }
}
