package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.AnnotatedMethod;
import dev.helmholtz.processor.model.AnnotationMirrors;
import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NetworkDescriptor;
import dev.helmholtz.processor.model.NetworkRole;
import dev.helmholtz.processor.model.NodeDescriptor;
import dev.helmholtz.processor.model.ParameterDescriptor;
import java.util.List;
import java.util.Optional;

/**
 * InfoGAN's Q heads ({@code @MutualInformation} on an encoder), in every kind of model: the
 * annotation sits on an {@code @Encoder} of an adversarial model with a discriminator (whose side
 * trains the head); the code it infers is a latent the generator of the judged node takes, so the
 * bound reaches both players' variables; the head sees the judged node (and labels), not the
 * noise; its weight is a positive number. Targets and parameter bindings are {@link NetworkRule}'s.
 */
final class MutualInformationRule implements ValidationRule {
  @Override
  public void check(ModelDescriptor model, ModelKind kind, Reporter reporter) {
    for (AnnotatedMethod head : model.mutualInformation()) {
      checkWeight(head, reporter);
      Optional<NetworkDescriptor> encoder = model.networks(NetworkRole.ENCODER).stream()
          .filter(e -> e.method().equals(head.method())).findFirst();
      if (encoder.isEmpty()) {
        report(head, reporter, "it is not an @Encoder; put it on the encoder of the code, a network that"
            + " returns Q(code | x) for the generated node x");
        continue;
      }
      List<NetworkDescriptor> discriminators = model.networks(NetworkRole.DISCRIMINATOR);
      if (kind != ModelKind.ADVERSARIAL || discriminators.isEmpty()) {
        report(head, reporter, "the model has no @Discriminator, whose side would train this Q head; InfoGAN's"
            + " bound belongs to an adversarial model: add a @Discriminator of the generated node");
        continue;
      }
      checkHead(model, head, encoder.get(), discriminators.get(0).target(), reporter);
    }
  }

  private static void checkHead(ModelDescriptor model, AnnotatedMethod head, NetworkDescriptor q, String judged,
      Reporter reporter) {
    Optional<NodeDescriptor> code = model.node(q.target());
    if (code.isEmpty() || !code.get().isLatent()) {
      return; // UnknownNode or EncoderTarget, from NetworkRule
    }
    Optional<NetworkDescriptor> generator = model.network(NetworkRole.GENERATOR, judged);
    boolean taken = generator.isPresent() && generator.get().nodeParameters().stream()
        .anyMatch(p -> p.name().equals(code.get().name()));
    if (generator.isPresent() && !taken) {
      report(head, reporter, "the generator " + generator.get().methodName() + "() does not take latent '"
          + code.get().name() + "', so nothing in '" + judged + "' carries the code and the bound reaches no"
          + " generator variable: add a parameter `Operand<TFloat32> " + code.get().name() + "` to it");
    }
    boolean seesJudged = false;
    for (ParameterDescriptor p : q.nodeParameters()) {
      Optional<NodeDescriptor> node = model.node(p.name());
      if (node.isPresent() && node.get().isLatent()) {
        report(head, reporter, "it takes latent '" + p.name() + "', but Q(" + code.get().name() + " | "
            + judged + ") sees the generated examples only: remove the parameter");
      }
      seesJudged |= p.name().equals(judged);
    }
    if (!seesJudged) {
      report(head, reporter, "it has no parameter '" + judged + "', the generated node Q infers the code from:"
          + " add `Operand<TFloat32> " + judged + "`");
    }
  }

  private static void checkWeight(AnnotatedMethod head, Reporter reporter) {
    double weight = AnnotationMirrors.doubleValue(head.annotation(), "weight", 1.0);
    if (!(weight > 0) || Double.isInfinite(weight)) {
      reporter.report(Diagnostic.MUTUAL_INFORMATION_WEIGHT, head.method(), head.annotation(),
          AnnotationMirrors.explicitValue(head.annotation(), "weight").orElse(null), weight, head.methodName());
    }
  }

  private static void report(AnnotatedMethod head, Reporter reporter, String problem) {
    reporter.report(Diagnostic.MUTUAL_INFORMATION_TARGET, head.method(), head.annotation(), head.methodName(), problem);
  }
}
