package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.AnnotatedMethod;
import dev.helmholtz.processor.model.AnnotationMirrors;
import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NetworkDescriptor;
import dev.helmholtz.processor.model.NetworkRole;
import dev.helmholtz.processor.model.NodeDescriptor;
import dev.helmholtz.processor.model.ParameterDescriptor;
import java.util.Optional;

/**
 * The games with an encoder ({@link EncoderGame}): ALI/BiGAN and the adversarial autoencoder. The
 * encoder infers the generator's one latent from the generated node's data alone, deterministically
 * or by a reparameterized family; ALI/BiGAN's discriminator takes the generated node and the encoded
 * latent, the autoencoder's the latent alone; the autoencoder's generator is a decoder returning a
 * distribution; what the runtime's games do not support (labels, InfoGAN codes, a second encoder,
 * a learned prior, WGAN-GP's penalty) is refused. The rest of the game (the discriminator's return
 * type and settings, its judged node's generator for ALI/BiGAN) is {@link AdversarialRule}'s.
 */
final class EncoderGameRule implements ValidationRule {
  @Override
  public void check(ModelDescriptor model, ModelKind kind, Reporter reporter) {
    Optional<EncoderGame> found = EncoderGame.of(model);
    if (found.isEmpty()) {
      return;
    }
    EncoderGame game = found.get();
    String name = game == EncoderGame.BIDIRECTIONAL ? "ALI/BiGAN (a discriminator of (x, z) pairs)"
        : "an adversarial autoencoder";
    NetworkDescriptor encoder = EncoderGame.encoder(model).orElseThrow();
    NetworkDescriptor discriminator = model.networks(NetworkRole.DISCRIMINATOR).get(0);
    String z = encoder.target();
    checkUnsupported(model, encoder, discriminator, name, reporter);
    Optional<NodeDescriptor> x = EncoderGame.generatedNode(model);
    if (x.isEmpty()) {
      reporter.report(Diagnostic.AUTOENCODER_DECODER, encoder.method(), encoder.annotation(),
          "no @Generator of an observed node decodes latent '" + z + "' of " + model.type().getSimpleName(), z, z);
      return;
    }
    String xName = x.get().name();
    Optional<NetworkDescriptor> generator = model.network(NetworkRole.GENERATOR, xName);
    // ALI/BiGAN's discriminator takes x and z: any other node it could take is refused below (a
    // second latent, a label) or by AdversarialRule (missing x).
    if (game == EncoderGame.AUTOENCODER) {
      checkAutoencoderNetworks(model, discriminator, generator.orElseThrow(), z, xName, name, reporter);
    }
    generator.ifPresent(g -> checkLatents(model, g, encoder, z, name, reporter));
    checkEncoder(model, encoder, xName, name, reporter);
  }

  private static void checkUnsupported(ModelDescriptor model, NetworkDescriptor encoder,
      NetworkDescriptor discriminator, String name, Reporter reporter) {
    for (NetworkDescriptor other : EncoderGame.players(model)) {
      if (!other.method().equals(encoder.method())) {
        reporter.report(Diagnostic.ENCODER_GAME_UNSUPPORTED, other.method(), other.annotation(),
            "a second @Encoder, " + other.methodName() + "() of '" + other.target() + "',", name,
            "the game encodes one latent, '" + encoder.target() + "' by " + encoder.methodName() + "(); remove it");
      }
    }
    for (AnnotatedMethod head : model.mutualInformation()) {
      reporter.report(Diagnostic.ENCODER_GAME_UNSUPPORTED, head.method(), head.annotation(),
          "@MutualInformation on " + head.methodName() + "()", name,
          "InfoGAN's codes are not trained beside an encoder game yet; remove it");
    }
    String loss = AnnotationMirrors.enumValue(discriminator.annotation(), "loss").orElse("NON_SATURATING");
    if (loss.equals("WASSERSTEIN_GP")) {
      reporter.report(Diagnostic.ENCODER_GAME_UNSUPPORTED, discriminator.method(), discriminator.annotation(),
          AnnotationMirrors.explicitValue(discriminator.annotation(), "loss").orElse(null),
          "@Discriminator(loss = WASSERSTEIN_GP)", name,
          "its gradient penalty is taken on one node's examples, not on the game's pairs or encodings;"
              + " use NON_SATURATING, MINIMAX, LEAST_SQUARES or HINGE");
    }
    model.network(NetworkRole.GENERATOR, encoder.target()).ifPresent(prior -> reporter.report(
        Diagnostic.ENCODER_GAME_UNSUPPORTED, prior.method(), prior.annotation(),
        "@Generator(\"" + encoder.target() + "\") " + prior.methodName() + "(), a learned prior of the encoded latent,",
        name, "no player's loss would train it (the encoder matches the fixed prior); remove it and keep the"
            + " standard prior"));
  }

  /** Labels and other latents: the game has the generated node, the encoded latent and nothing else. */
  private static void checkLatents(ModelDescriptor model, NetworkDescriptor generator, NetworkDescriptor encoder,
      String z, String name, Reporter reporter) {
    boolean takesZ = generator.nodeParameters().stream().anyMatch(p -> p.name().equals(z));
    if (!takesZ) {
      reporter.report(Diagnostic.ENCODER_GAME_LATENT, encoder.method(), encoder.annotation(),
          "latent '" + z + "' of @Encoder(\"" + z + "\") " + encoder.methodName() + "()", name,
          "the generator " + generator.methodName() + "() does not take it, so G(E(x)) would not depend on the"
              + " encoder; add a parameter `Operand<TFloat32> " + z + "` to " + generator.methodName() + "()");
    }
    for (NodeDescriptor node : model.nodes()) {
      if (node.isLatent() && !node.name().equals(z)) {
        reporter.report(Diagnostic.ENCODER_GAME_LATENT, node.field(), node.annotation(),
            "latent '" + node.name() + "'", name, "no encoder infers it, and the game's encoder infers the"
                + " generator's one latent, '" + z + "'; remove it, or widen '" + z + "'");
      } else if (!node.isLatent() && !node.name().equals(generator.target())) {
        reporter.report(Diagnostic.ENCODER_GAME_UNSUPPORTED, node.field(), node.annotation(),
            "observed node '" + node.name() + "'", name, "labels are not supported in a game with an encoder yet;"
                + " remove it");
      }
    }
  }

  private static void checkEncoder(ModelDescriptor model, NetworkDescriptor encoder, String x, String name,
      Reporter reporter) {
    // Another node it takes (a second latent, a label) is refused where that node is declared.
    boolean seesX = encoder.nodeParameters().stream().anyMatch(p -> p.name().equals(x));
    if (!seesX) {
      reporter.report(Diagnostic.ENCODER_GAME_INPUT, encoder.method(), encoder.annotation(), encoder.target(),
          encoder.methodName(), "has no parameter '" + x + "'", name, x);
    }
    if (!encoder.returnsTensor() && encoder.returnFamily().map(f -> !f.reparameterized()).orElse(false)) {
      reporter.report(Diagnostic.ENCODER_GAME_RETURN, encoder.method(), encoder.target(), encoder.methodName(),
          encoder.method().getReturnType(), "the discriminator");
    }
  }

  /** The autoencoder's discriminator takes the latent alone; its decoder returns a distribution. */
  private static void checkAutoencoderNetworks(ModelDescriptor model, NetworkDescriptor discriminator,
      NetworkDescriptor decoder, String z, String x, String name, Reporter reporter) {
    for (ParameterDescriptor p : discriminator.nodeParameters()) {
      if (!p.name().equals(z) && model.node(p.name()).isPresent()) {
        reporter.report(Diagnostic.ENCODER_GAME_DISCRIMINATOR, p.element(), discriminator.target(),
            discriminator.methodName(), "takes node '" + p.name() + "'", name,
            "the latent '" + z + "' alone: prior draws (real) against the encoder's draws (generated)");
      }
    }
    if (decoder.returnsTensor()) {
      reporter.report(Diagnostic.AUTOENCODER_DECODER, decoder.method(), decoder.annotation(),
          "@Generator(\"" + x + "\") " + decoder.methodName() + "() returns Operand<TFloat32>, examples with no"
              + " density, so the reconstruction phase has no likelihood to train on", z, z);
    }
  }
}
