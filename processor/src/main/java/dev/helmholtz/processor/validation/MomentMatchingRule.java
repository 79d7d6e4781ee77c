package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.AnnotatedMethod;
import dev.helmholtz.processor.model.AnnotationMirrors;
import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NetworkDescriptor;
import dev.helmholtz.processor.model.NetworkRole;
import dev.helmholtz.processor.model.NodeDescriptor;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A moment-matching model ({@code @MomentMatching} on a generator) is the adversarial kind's
 * one-player case: a deterministic generator of one observed node, pushed forward from noise
 * latents, trained by a kernel two-sample loss in the discriminator's place. Here: the annotation
 * sits on such a generator, once; its bandwidths are scales; no discriminator, encoder, other
 * generated observed node or label comes with it, and no {@code @Model(objective)}, which
 * nothing would use. Targets and parameter bindings are
 * {@link NetworkRule}'s.
 */
final class MomentMatchingRule implements ValidationRule {
  @Override
  public void check(ModelDescriptor model, ModelKind kind, Reporter reporter) {
    List<AnnotatedMethod> declared = model.momentMatching();
    if (declared.isEmpty()) {
      return;
    }
    AnnotatedMethod first = declared.get(0);
    for (AnnotatedMethod second : declared.subList(1, declared.size())) {
      reporter.report(Diagnostic.MOMENT_MATCHING_TARGET, second.method(), second.annotation(), second.methodName(),
          "a model fits one generator by moment matching, and " + first.methodName() + "() is already it");
    }
    checkBandwidths(first, reporter);
    AnnotationMirrors.explicitValue(model.annotation(), "objective").ifPresent(objective ->
        reporter.report(Diagnostic.MOMENT_MATCHING_OBJECTIVE, model.type(), model.annotation(), objective,
            model.objective(), first.methodName()));
    Optional<NetworkDescriptor> generator = model.networks(NetworkRole.GENERATOR).stream()
        .filter(g -> g.method().equals(first.method())).findFirst();
    if (generator.isEmpty()) {
      reporter.report(Diagnostic.MOMENT_MATCHING_TARGET, first.method(), first.annotation(), first.methodName(),
          "it is not a @Generator; put it on the deterministic @Generator of the observed node to fit");
      return;
    }
    NetworkDescriptor g = generator.get();
    Optional<NodeDescriptor> fitted = model.node(g.target());
    if (fitted.isEmpty()) {
      return; // UnknownNode, from NetworkRule
    }
    NodeDescriptor x = fitted.get();
    if (x.isLatent()) {
      reporter.report(Diagnostic.MOMENT_MATCHING_TARGET, first.method(), first.annotation(), first.methodName(),
          "it generates latent '" + x.name() + "', but moment matching fits a generator to data: put it on the"
              + " @Generator of an @Observed node");
      return;
    }
    if (!g.returnsTensor()) {
      reporter.report(Diagnostic.MOMENT_MATCHING_TARGET, first.method(), first.annotation(), first.methodName(),
          "it returns " + g.method().getReturnType() + ", but a moment-matched generator is deterministic (an"
              + " implicit distribution): return Operand<TFloat32>, the generated examples [n, " + x.width() + "]");
    }
    boolean noise = g.nodeParameters().stream()
        .anyMatch(p -> model.node(p.name()).map(NodeDescriptor::isLatent).orElse(false));
    if (!noise) {
      reporter.report(Diagnostic.MOMENT_MATCHING_TARGET, first.method(), first.annotation(), first.methodName(),
          "it takes no @Latent, so it has no noise to push forward and generates one example; add a latent"
              + " such as `@Latent(shape = 10) Normal z;` and a parameter `Operand<TFloat32> z`");
    }
    checkOtherPlayers(model, g, x, reporter);
  }

  private static void checkOtherPlayers(ModelDescriptor model, NetworkDescriptor g, NodeDescriptor x,
      Reporter reporter) {
    for (NetworkDescriptor d : model.networks(NetworkRole.DISCRIMINATOR)) {
      reporter.report(Diagnostic.MOMENT_MATCHING_NETWORK, d.method(), d.annotation(), "Discriminator", d.target(),
          d.methodName(), g.methodName(), "the kernel two-sample loss takes a discriminator's place");
    }
    for (NetworkDescriptor e : model.networks(NetworkRole.ENCODER)) {
      reporter.report(Diagnostic.MOMENT_MATCHING_NETWORK, e.method(), e.annotation(), "Encoder", e.target(),
          e.methodName(), g.methodName(), "an implicit model has no posterior to infer, and moment matching"
              + " trains the generator alone");
    }
    for (NetworkDescriptor other : model.networks(NetworkRole.GENERATOR)) {
      Optional<NodeDescriptor> target = model.node(other.target());
      if (other != g && target.isPresent() && !target.get().isLatent() && !target.get().name().equals(x.name())) {
        reporter.report(Diagnostic.MOMENT_MATCHING_NETWORK, other.method(), other.annotation(), "Generator",
            other.target(), other.methodName(), g.methodName(), "the kernel compares the data of '" + x.name()
                + "' only, so nothing would train it");
      }
    }
    for (NodeDescriptor node : model.nodes()) {
      boolean generated = model.network(NetworkRole.GENERATOR, node.name()).isPresent();
      if (!node.isLatent() && !node.name().equals(x.name()) && !generated) {
        reporter.report(Diagnostic.MOMENT_MATCHING_NODE, node.field(), node.annotation(), node.name(), x.name(),
            x.name(), node.name());
      }
    }
  }

  private static void checkBandwidths(AnnotatedMethod declared, Reporter reporter) {
    List<Double> bandwidths = AnnotationMirrors.doubleArrayValue(declared.annotation(), "bandwidths");
    String problem = bandwidths.isEmpty() ? "a kernel mixture needs at least one bandwidth"
        : bandwidths.stream().anyMatch(s -> !(s > 0) || s.isInfinite())
            ? "every bandwidth is a finite, positive scale" : null;
    if (problem != null) {
      String written = bandwidths.stream().map(s -> String.format(Locale.ROOT, "%s", s))
          .collect(java.util.stream.Collectors.joining(", ", "{", "}"));
      reporter.report(Diagnostic.MOMENT_MATCHING_BANDWIDTHS, declared.method(), declared.annotation(),
          AnnotationMirrors.explicitValue(declared.annotation(), "bandwidths").orElse(null), written,
          declared.methodName(), problem);
    }
  }
}
