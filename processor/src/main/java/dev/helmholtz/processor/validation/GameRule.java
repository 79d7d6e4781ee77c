package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.AnnotatedMethod;
import dev.helmholtz.processor.model.AnnotationMirrors;
import dev.helmholtz.processor.model.Family;
import dev.helmholtz.processor.model.GameAnnotations;
import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NetworkDescriptor;
import dev.helmholtz.processor.model.NetworkRole;
import dev.helmholtz.processor.model.NodeDescriptor;
import dev.helmholtz.processor.model.ParameterDescriptor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A game of more than two networks ({@link GameAnnotations#isGame}): several discriminators, each
 * judging a node a generator makes; generators that translate one judged node into another
 * (CycleGAN, with {@code @CycleConsistency}) or push noise forward; a classifier player
 * ({@code @Classifier} on an encoder of an observed label: Triple-GAN). Checked here: every
 * player has a loss that reaches its variables (each generator's node is judged, the classifier's
 * pairs are judged), every discriminator judges something a generator makes, the cycles and
 * pairs bind to the right nodes, the weights are sane, and the discriminators agree on their
 * steps. Targets and parameter bindings are {@link NetworkRule}'s.
 */
final class GameRule implements ValidationRule {
  @Override
  public void check(ModelDescriptor model, ModelKind kind, Reporter reporter) {
    if (!GameAnnotations.isGame(model) || !model.momentMatching().isEmpty()) {
      return; // a two-player GAN is AdversarialRule's; a moment-matching model MomentMatchingRule's
    }
    checkDiscriminators(model, reporter);
    checkGenerators(model, reporter);
    checkCycles(model, reporter);
    checkClassifiers(model, reporter);
    checkOtherNetworks(model, reporter);
  }

  /**
   * Why a second discriminator is refused, for {@link Diagnostic#SECOND_DISCRIMINATOR}: it judges
   * a node no generator makes, or the model has an InfoGAN Q head, which trains with one
   * discriminator's side.
   */
  static String secondDiscriminatorProblem(ModelDescriptor model, NetworkDescriptor second) {
    if (!model.mutualInformation().isEmpty()) {
      return "the model has an InfoGAN Q head (@MutualInformation on " + model.mutualInformation().get(0).methodName()
          + "()), which trains with the one discriminator's side; a game of several discriminators takes no Q head";
    }
    return "node '" + second.target() + "' has no @Generator, and each discriminator of a game judges a node that a "
        + "generator makes (from noise, or translated from another judged node): add `@Generator(\"" + second.target()
        + "\")` or remove this discriminator";
  }

  private static void checkDiscriminators(ModelDescriptor model, Reporter reporter) {
    List<NetworkDescriptor> discriminators = unique(model.networks(NetworkRole.DISCRIMINATOR));
    NetworkDescriptor first = discriminators.get(0);
    int steps = AnnotationMirrors.intValue(first.annotation(), "steps", 1);
    AnnotationMirrors.explicitValue(model.annotation(), "objective").ifPresent(objective ->
        reporter.report(Diagnostic.ADVERSARIAL_OBJECTIVE, model.type(), model.annotation(), objective,
            model.objective(), first.target(), first.methodName(),
            AnnotationMirrors.enumValue(first.annotation(), "loss").orElse("NON_SATURATING")));
    for (NetworkDescriptor d : discriminators) {
      AdversarialRule.checkSettings(d, reporter);
      String loss = AnnotationMirrors.enumValue(d.annotation(), "loss").orElse("NON_SATURATING");
      if (loss.equals("WASSERSTEIN_GP")) {
        reporter.report(Diagnostic.GAME_LOSS, d.method(), d.annotation(),
            AnnotationMirrors.explicitValue(d.annotation(), "loss").orElse(null), d.target(), loss, d.methodName(),
            "a game's discriminators take no gradient penalty; use LEAST_SQUARES (CycleGAN's), NON_SATURATING, "
                + "MINIMAX or HINGE");
      }
      int own = AnnotationMirrors.intValue(d.annotation(), "steps", 1);
      if (d != first && own != steps && own >= 1 && steps >= 1) {
        reporter.report(Diagnostic.GAME_STEPS, d.method(), d.annotation(),
            AnnotationMirrors.explicitValue(d.annotation(), "steps").orElse(null), d.target(), own, d.methodName(),
            first.methodName(), steps, steps);
      }
      if (!d.returnsTensor()) {
        reporter.report(Diagnostic.DISCRIMINATOR_RETURN_TYPE, d.method(), d.target(), d.methodName(),
            d.method().getReturnType());
      }
      Optional<NodeDescriptor> judged = model.node(d.target());
      if (judged.isEmpty()) {
        continue; // UnknownNode, from NetworkRule
      }
      AdversarialRule.checkInputs(model, d, reporter);
      boolean generated = !judged.get().isLatent()
          && model.network(NetworkRole.GENERATOR, judged.get().name()).isPresent();
      if (generated) {
        continue;
      }
      if (d == first) {
        NodeDescriptor x = judged.get();
        reporter.report(Diagnostic.DISCRIMINATOR_NOT_GENERATED, d.method(), d.annotation(), d.targetValue(),
            x.name(), x.name(), x.isLatent() ? "is a @Latent" : "no @Generator generates",
            x.isLatent() ? "judge an @Observed node" : "add `@Generator(\"" + x.name()
                + "\") Operand<TFloat32> generate(Nn nn, Operand<TFloat32> z)`");
      } else {
        reporter.report(Diagnostic.SECOND_DISCRIMINATOR, d.method(), d.target(), d.methodName(), first.methodName(),
            secondDiscriminatorProblem(model, d));
      }
    }
    if (!model.mutualInformation().isEmpty()) {
      for (NetworkDescriptor d : discriminators.subList(1, discriminators.size())) {
        if (model.node(d.target()).map(n -> !n.isLatent()).orElse(false)
            && model.network(NetworkRole.GENERATOR, d.target()).isPresent()) {
          reporter.report(Diagnostic.SECOND_DISCRIMINATOR, d.method(), d.target(), d.methodName(), first.methodName(),
              secondDiscriminatorProblem(model, d));
        }
      }
      if (discriminators.size() == 1) {
        AnnotatedMethod head = model.mutualInformation().get(0);
        reporter.report(Diagnostic.MUTUAL_INFORMATION_TARGET, head.method(), head.annotation(), head.methodName(),
            "the model is a game with a cycle or a classifier player, whose players take no InfoGAN Q head; remove it");
      }
    }
  }

  private static void checkGenerators(ModelDescriptor model, Reporter reporter) {
    for (NetworkDescriptor g : model.networks(NetworkRole.GENERATOR)) {
      Optional<NodeDescriptor> target = model.node(g.target());
      if (target.isEmpty()) {
        continue; // UnknownNode, from NetworkRule
      }
      if (target.get().isLatent()) {
        reporter.report(Diagnostic.GAME_GENERATOR, g.method(), g.annotation(), g.targetValue(), g.target(),
            g.methodName(), "'" + g.target() + "' is noise, drawn from its standard prior in a game; a learned prior"
                + " is not trained by any player's loss here: remove the generator");
        continue;
      }
      String x = target.get().name();
      if (model.network(NetworkRole.DISCRIMINATOR, x).isEmpty()) {
        reporter.report(Diagnostic.GAME_GENERATOR, g.method(), g.annotation(), g.targetValue(), x, g.methodName(),
            "no @Discriminator judges '" + x + "', so no loss reaches this generator's variables (an observed node"
                + " without a generator is a label the networks take): add `@Discriminator(\"" + x
                + "\")` or remove the generator");
        continue;
      }
      if (!g.returnsTensor()) {
        reporter.report(Diagnostic.GENERATOR_NOT_DETERMINISTIC, g.method(), x, g.methodName(),
            g.method().getReturnType(), x, target.get().width());
      }
      List<String> sources = translationSources(model, g);
      boolean noise = g.nodeParameters().stream()
          .anyMatch(p -> model.node(p.name()).map(NodeDescriptor::isLatent).orElse(false));
      if (sources.size() > 1 || (sources.size() == 1 && noise)) {
        reporter.report(Diagnostic.GAME_GENERATOR, g.method(), g.annotation(), g.targetValue(), x, g.methodName(),
            "it takes " + (sources.size() > 1 ? "the judged nodes " + sources : "judged node '" + sources.get(0)
                + "' and noise") + "; a translation maps one judged node's data to '" + x
                + "' and takes no noise (CycleGAN's generators are deterministic): keep one source");
      } else if (sources.isEmpty() && !noise) {
        reporter.report(Diagnostic.NO_NOISE_LATENT, g.method(), g.annotation(), x, g.methodName());
      }
    }
  }

  private static List<String> translationSources(ModelDescriptor model, NetworkDescriptor g) {
    return g.nodeParameters().stream().map(ParameterDescriptor::name)
        .filter(p -> GameAnnotations.translatesFrom(model, g, p)).toList();
  }

  private static void checkCycles(ModelDescriptor model, Reporter reporter) {
    for (AnnotatedMethod mark : GameAnnotations.marked(model, GameAnnotations.CYCLE_CONSISTENCY)) {
      for (String member : List.of("weight", "identityWeight")) {
        double weight = AnnotationMirrors.doubleValue(mark.annotation(), member, member.equals("weight") ? 10 : 0);
        if (!(weight >= 0) || Double.isInfinite(weight)) {
          reporter.report(Diagnostic.CYCLE_CONSISTENCY_WEIGHT, mark.method(), mark.annotation(),
              AnnotationMirrors.explicitValue(mark.annotation(), member).orElse(null), member, weight, mark.methodName());
        }
      }
      Optional<NetworkDescriptor> generator = model.networks(NetworkRole.GENERATOR).stream()
          .filter(g -> g.method().equals(mark.method())).findFirst();
      if (generator.isEmpty()) {
        cycle(mark, reporter, "it is not a @Generator; put it on a generator that translates one judged node into"
            + " another");
        continue;
      }
      NetworkDescriptor g = generator.get();
      List<String> sources = translationSources(model, g);
      if (sources.size() != 1) {
        if (sources.isEmpty()) {
          cycle(mark, reporter, "@Generator(\"" + g.target() + "\") " + g.methodName() + "() translates no judged node"
              + " (it takes no observed node that a @Discriminator judges), so there is no cycle to close: take the"
              + " source domain's node, such as `Operand<TFloat32> x`, judged by its own @Discriminator");
        }
        continue; // several sources: GameGenerator
      }
      String source = sources.get(0);
      Optional<NetworkDescriptor> back = model.network(NetworkRole.GENERATOR, source);
      if (back.isEmpty() || !translationSources(model, back.get()).equals(List.of(g.target()))) {
        cycle(mark, reporter, "the cycle " + source + " -> " + g.target() + " -> " + source + " needs a generator of '"
            + source + "' that translates '" + g.target() + "', and " + back.map(b -> b.methodName() + "() does not")
                .orElse("there is none") + ": add `@Generator(\"" + source + "\") Operand<TFloat32> to"
            + Character.toUpperCase(source.charAt(0)) + source.substring(1) + "(Nn nn, Operand<TFloat32> " + g.target() + ")`");
        continue;
      }
      double identity = AnnotationMirrors.doubleValue(mark.annotation(), "identityWeight", 0);
      NodeDescriptor from = model.node(source).orElseThrow();
      NodeDescriptor to = model.node(g.target()).orElseThrow();
      if (identity > 0 && !from.shape().equals(to.shape())) {
        cycle(mark, reporter, "its identity loss feeds '" + g.target() + "' (shape " + to.shape() + ") to the generator"
            + " in place of '" + source + "' (shape " + from.shape() + "), so the two need one shape; set"
            + " identityWeight = 0");
      }
    }
  }

  private static void cycle(AnnotatedMethod mark, Reporter reporter, String problem) {
    reporter.report(Diagnostic.CYCLE_CONSISTENCY_TARGET, mark.method(), mark.annotation(), mark.methodName(), problem);
  }

  private static void checkClassifiers(ModelDescriptor model, Reporter reporter) {
    List<AnnotatedMethod> marks = GameAnnotations.marked(model, GameAnnotations.CLASSIFIER);
    for (int i = 0; i < marks.size(); i++) {
      AnnotatedMethod mark = marks.get(i);
      checkClassifierWeights(mark, reporter);
      if (i > 0) {
        classifier(mark, reporter, "a game has one classifier player, and " + marks.get(0).methodName()
            + "() is already one; remove this @Classifier");
        continue;
      }
      Optional<NetworkDescriptor> encoder = model.networks(NetworkRole.ENCODER).stream()
          .filter(e -> e.method().equals(mark.method())).findFirst();
      if (encoder.isEmpty()) {
        classifier(mark, reporter, "it is not an @Encoder; put it on the encoder of the observed label, a network"
            + " that returns p_c(y | x) as a Categorical");
        continue;
      }
      NetworkDescriptor c = encoder.get();
      Optional<NodeDescriptor> label = model.node(c.target());
      if (label.isEmpty()) {
        continue; // UnknownNode, from NetworkRule
      }
      NodeDescriptor y = label.get();
      if (y.isLatent() || y.family().orElse(null) != Family.CATEGORICAL) {
        classifier(mark, reporter, "its node '" + y.name() + "' is " + (y.isLatent() ? "a @Latent" : "not Categorical")
            + "; a classifier player infers an observed one-hot label, `@Observed(shape = K) Categorical "
            + y.name() + "`");
        continue;
      }
      List<String> inputs = c.nodeParameters().stream().map(ParameterDescriptor::name).toList();
      Optional<NetworkDescriptor> pairs = inputs.size() != 1 ? Optional.empty()
          : model.network(NetworkRole.DISCRIMINATOR, inputs.get(0));
      if (pairs.isEmpty()) {
        classifier(mark, reporter, "it takes " + inputs + "; the classifier takes exactly one node, the observed x"
            + " a @Discriminator of (x, " + y.name() + ") pairs judges");
        continue;
      }
      String x = inputs.get(0);
      boolean judgesPairs = pairs.get().nodeParameters().stream().anyMatch(p -> p.name().equals(y.name()));
      if (!judgesPairs) {
        classifier(mark, reporter, "the @Discriminator of '" + x + "', " + pairs.get().methodName() + "(), does not take '"
            + y.name() + "', so it cannot judge the classifier's (" + x + ", " + y.name() + ") pairs and no loss but"
            + " the supervised one reaches the classifier: add a parameter `Operand<TFloat32> " + y.name() + "` to it");
        continue;
      }
      Optional<NetworkDescriptor> generator = model.network(NetworkRole.GENERATOR, x);
      if (generator.isPresent() && generator.get().nodeParameters().stream().noneMatch(p -> p.name().equals(y.name()))) {
        classifier(mark, reporter, "the generator of '" + x + "', " + generator.get().methodName() + "(), does not take '"
            + y.name() + "', so its pairs (G(z), " + y.name() + ") carry no label: add a parameter `Operand<TFloat32> "
            + y.name() + "` to it (Triple-GAN's generator is conditional)");
      }
    }
  }

  private static void checkClassifierWeights(AnnotatedMethod mark, Reporter reporter) {
    double alpha = AnnotationMirrors.doubleValue(mark.annotation(), "alpha", 0.5);
    if (!(alpha >= 0 && alpha <= 1)) {
      reporter.report(Diagnostic.CLASSIFIER_WEIGHT, mark.method(), mark.annotation(),
          AnnotationMirrors.explicitValue(mark.annotation(), "alpha").orElse(null), "alpha", alpha, mark.methodName(),
          "alpha weighs the classifier's pairs against the generator's in the discriminator's loss and lies in [0, 1]"
              + " (Triple-GAN uses 0.5)");
    }
    for (String member : List.of("supervisedWeight", "pseudoWeight")) {
      double weight = AnnotationMirrors.doubleValue(mark.annotation(), member, member.equals("pseudoWeight") ? 0.1 : 1);
      if (!(weight >= 0) || Double.isInfinite(weight)) {
        reporter.report(Diagnostic.CLASSIFIER_WEIGHT, mark.method(), mark.annotation(),
            AnnotationMirrors.explicitValue(mark.annotation(), member).orElse(null), member, weight,
            mark.methodName(), "a loss weight is finite and at least 0");
      }
    }
  }

  private static void classifier(AnnotatedMethod mark, Reporter reporter, String problem) {
    reporter.report(Diagnostic.CLASSIFIER_TARGET, mark.method(), mark.annotation(), mark.methodName(), problem);
  }

  /** Encoders that are neither the classifier nor an InfoGAN head (already refused above) have no place in a game. */
  private static void checkOtherNetworks(ModelDescriptor model, Reporter reporter) {
    Set<Object> marked = new HashSet<>();
    GameAnnotations.marked(model, GameAnnotations.CLASSIFIER).forEach(m -> marked.add(m.method()));
    model.mutualInformation().forEach(m -> marked.add(m.method()));
    for (NetworkDescriptor encoder : model.networks(NetworkRole.ENCODER)) {
      if (!marked.contains(encoder.method())) {
        reporter.report(Diagnostic.ADVERSARIAL_ENCODER, encoder.method(), encoder.annotation(), encoder.target(),
            encoder.methodName());
      }
    }
  }

  private static List<NetworkDescriptor> unique(List<NetworkDescriptor> networks) {
    Set<String> seen = new HashSet<>();
    List<NetworkDescriptor> out = new ArrayList<>();
    for (NetworkDescriptor n : networks) {
      if (seen.add(n.target())) {
        out.add(n);
      }
    }
    return out;
  }
}
