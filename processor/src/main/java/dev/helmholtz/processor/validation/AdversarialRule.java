package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.AnnotationMirrors;
import dev.helmholtz.processor.model.GameAnnotations;
import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NetworkDescriptor;
import dev.helmholtz.processor.model.NetworkRole;
import dev.helmholtz.processor.model.NodeDescriptor;
import dev.helmholtz.processor.model.ParameterDescriptor;
import java.util.List;
import java.util.Optional;

/**
 * An adversarial model (one with a {@code @Discriminator}) is a game between a deterministic
 * generator of one observed node, pushed forward from noise latents, and a discriminator of that
 * node; other observed nodes are labels both networks take (a conditional GAN). Here, for a
 * model that is no game of several players ({@link GameRule}'s): one discriminator, returning
 * logits, judging a node a deterministic generator makes of noise; no encoders but InfoGAN's Q
 * heads ({@link MutualInformationRule}'s) and the players of a game with an encoder, ALI/BiGAN and
 * the adversarial autoencoder ({@link EncoderGameRule}'s); sane game settings. Targets and
 * parameter bindings are {@link NetworkRule}'s.
 */
final class AdversarialRule implements ValidationRule {
  @Override
  public void check(ModelDescriptor model, ModelKind kind, Reporter reporter) {
    if (!model.momentMatching().isEmpty()) {
      return; // a kernel in the discriminator's place: MomentMatchingRule's
    }
    if (GameAnnotations.isGame(model)) {
      return; // several discriminators, a cycle or a classifier: GameRule's
    }
    Optional<EncoderGame> encoderGame = EncoderGame.of(model);
    List<NetworkDescriptor> discriminators = model.networks(NetworkRole.DISCRIMINATOR);
    NetworkDescriptor discriminator = discriminators.get(0); // a second one makes the model a game
    for (NetworkDescriptor encoder : model.networks(NetworkRole.ENCODER)) {
      if (model.mutualInformation(encoder.method()).isPresent() || encoderGame.isPresent()) {
        continue; // an InfoGAN Q head: MutualInformationRule's; ALI/BiGAN's or an AAE's: EncoderGameRule's
      }
      reporter.report(Diagnostic.ADVERSARIAL_ENCODER, encoder.method(), encoder.annotation(),
          encoder.target(), encoder.methodName());
    }
    AnnotationMirrors.explicitValue(model.annotation(), "objective").ifPresent(objective ->
        reporter.report(Diagnostic.ADVERSARIAL_OBJECTIVE, model.type(), model.annotation(), objective,
            model.objective(), discriminator.target(), discriminator.methodName(),
            AnnotationMirrors.enumValue(discriminator.annotation(), "loss").orElse("NON_SATURATING")));
    checkSettings(discriminator, reporter);
    if (!discriminator.returnsTensor()) {
      reporter.report(Diagnostic.DISCRIMINATOR_RETURN_TYPE, discriminator.method(), discriminator.target(),
          discriminator.methodName(), discriminator.method().getReturnType());
    }
    Optional<NodeDescriptor> judged = model.node(discriminator.target());
    if (judged.isEmpty()) {
      return; // UnknownNode, from NetworkRule
    }
    checkInputs(model, discriminator, reporter);
    NodeDescriptor x = judged.get();
    if (encoderGame.orElse(null) == EncoderGame.AUTOENCODER) {
      return; // a discriminator of an encoded latent: EncoderGameRule checks the decoder and the rest
    }
    Optional<NetworkDescriptor> generator = model.network(NetworkRole.GENERATOR, x.name());
    if (x.isLatent() || generator.isEmpty()) {
      reporter.report(Diagnostic.DISCRIMINATOR_NOT_GENERATED, discriminator.method(), discriminator.annotation(),
          discriminator.targetValue(), x.name(), x.name(),
          x.isLatent() ? "is a @Latent" : "no @Generator generates",
          x.isLatent() ? "judge an @Observed node" : "add `@Generator(\"" + x.name()
              + "\") Operand<TFloat32> generate(Nn nn, Operand<TFloat32> z)`");
      if (x.isLatent()) {
        return; // which node it should judge, and so which generators belong, is the user's call
      }
    } else {
      NetworkDescriptor g = generator.get();
      if (!g.returnsTensor()) {
        reporter.report(Diagnostic.GENERATOR_NOT_DETERMINISTIC, g.method(), x.name(), g.methodName(),
            g.method().getReturnType(), x.name(), x.width());
      }
      boolean noise = g.nodeParameters().stream()
          .anyMatch(p -> model.node(p.name()).map(NodeDescriptor::isLatent).orElse(false));
      if (!noise) {
        reporter.report(Diagnostic.NO_NOISE_LATENT, g.method(), g.annotation(), x.name(), g.methodName());
      }
    }
    for (NetworkDescriptor other : model.networks(NetworkRole.GENERATOR)) {
      Optional<NodeDescriptor> target = model.node(other.target());
      if (target.isPresent() && !target.get().isLatent() && !target.get().name().equals(x.name())) {
        reporter.report(Diagnostic.GENERATED_NOT_DISCRIMINATED, other.method(), other.annotation(),
            other.targetValue(), other.target(), x.name(), other.target());
      }
    }
  }

  /** The discriminator takes the node it judges, and a latent only as ALI/BiGAN's joint discriminator. */
  static void checkInputs(ModelDescriptor model, NetworkDescriptor discriminator, Reporter reporter) {
    EncoderGame encoderGame = EncoderGame.of(model).orElse(null);
    boolean seesTarget = false;
    for (ParameterDescriptor p : discriminator.nodeParameters()) {
      Optional<NodeDescriptor> node = model.node(p.name());
      // ALI/BiGAN's discriminator takes latents: EncoderGameRule checks which.
      if (node.isPresent() && node.get().isLatent() && !p.name().equals(discriminator.target())
          && encoderGame != EncoderGame.BIDIRECTIONAL) {
        reporter.report(Diagnostic.DISCRIMINATOR_INPUT, p.element(), discriminator.methodName(),
            "takes latent '" + p.name() + "', which exists for generated examples only");
      }
      seesTarget |= p.name().equals(discriminator.target());
    }
    if (!seesTarget) {
      reporter.report(Diagnostic.DISCRIMINATOR_INPUT, discriminator.method(), discriminator.annotation(),
          discriminator.methodName(), "has no parameter '" + discriminator.target()
              + "', the node it judges: add `Operand<TFloat32> " + discriminator.target() + "`");
    }
  }

  static void checkSettings(NetworkDescriptor discriminator, Reporter reporter) {
    var annotation = discriminator.annotation();
    int steps = AnnotationMirrors.intValue(annotation, "steps", 1);
    if (steps < 1) {
      reporter.report(Diagnostic.DISCRIMINATOR_SETTINGS, discriminator.method(), annotation,
          AnnotationMirrors.explicitValue(annotation, "steps").orElse(null), "steps", steps,
          "the discriminator takes at least 1 update per generator update");
    }
    double penalty = AnnotationMirrors.doubleValue(annotation, "gradientPenalty", 10.0);
    if (!(penalty >= 0) || Double.isInfinite(penalty)) {
      reporter.report(Diagnostic.DISCRIMINATOR_SETTINGS, discriminator.method(), annotation,
          AnnotationMirrors.explicitValue(annotation, "gradientPenalty").orElse(null), "gradientPenalty",
          penalty, "the gradient penalty's weight is finite and at least 0 (Gulrajani et al. use 10)");
    }
  }
}
