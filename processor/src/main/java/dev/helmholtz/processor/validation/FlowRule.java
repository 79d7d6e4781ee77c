package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.Family;
import dev.helmholtz.processor.model.NodeFamily;
import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NetworkDescriptor;
import dev.helmholtz.processor.model.NetworkRole;
import dev.helmholtz.processor.model.NodeDescriptor;
import java.util.Optional;

/**
 * Networks that return a {@code TransformedDistribution}: a flow is the posterior ({@code
 * @Encoder}) or prior ({@code @Generator}) of a per-example latent of a variational model, whose
 * declared family is continuous and reparameterized (the flow pushes its reparameterized draws
 * through differentiable maps, and its KL is Monte Carlo), under an objective that scores only
 * values q drew itself.
 */
final class FlowRule implements ValidationRule {
  @Override
  public void check(ModelDescriptor model, ModelKind kind, Reporter reporter) {
    for (NetworkDescriptor network : model.networks()) {
      Optional<NodeDescriptor> target = model.node(network.target());
      if (!network.returnsFlow() || target.isEmpty() || network.role() == NetworkRole.DISCRIMINATOR) {
        continue;
      }
      NodeDescriptor node = target.get();
      String annotation = network.role().annotation();
      String declared = node.family().map(NodeFamily::simpleName).orElse(String.valueOf(node.declaredType()));
      String problem = null;
      if (kind == ModelKind.ADVERSARIAL) {
        problem = "node '" + node.name() + "' of an adversarial model, whose generator is deterministic and whose "
            + "noise takes its family's standard prior: return " + (node.isLatent() ? declared : "Operand<TFloat32>");
      } else if (!node.isLatent()) {
        problem = "observed node '" + node.name() + "'; flows serve as the posteriors and priors of per-example "
            + "latents: return " + declared;
      } else if (node.isGlobalLatent()) {
        problem = "global latent '" + node.name() + "', whose prior HMC and VI evaluate at values they propose, as "
            + "a flow without an inverse cannot: return " + declared;
      } else if (node.enumerate()) {
        problem = "latent '" + node.name() + "', which is summed out by enumeration over its classes: return "
            + declared;
      }
      if (problem != null) {
        reporter.report(Diagnostic.FLOW_TARGET, network.method(), annotation, node.name(),
            network.methodName(), problem);
        continue;
      }
      if (node.family().isEmpty()) {
        continue; // NodeRule reports the node's type
      }
      NodeFamily family = node.family().get();
      String why = null;
      if (family.relaxationOf().isPresent()) {
        why = "a Concrete relaxation, trained with the analytic KL of " + family.relaxationOf().get().simpleName()
            + ", which a flow's density does not have";
      } else if (!family.reparameterized()) {
        why = "a family without reparameterized draws, and a flow pushes a reparameterized continuous draw "
            + "through differentiable maps";
      }
      if (why != null) {
        reporter.report(Diagnostic.FLOW_BASE, network.method(), annotation, node.name(),
            network.methodName(), node.name(), family.simpleName(), why, node.name());
        continue;
      }
      ObjectiveTraits traits = ObjectiveTraits.of(model.objective());
      if (network.role() == NetworkRole.ENCODER && !traits.differentiatesSamples()) {
        reporter.report(Diagnostic.FLOW_OBJECTIVE, network.method(), node.name(),
            network.methodName(), model.objective(),
            traits.dreams() ? "dreamed from p" : "drawn from q and held fixed (no gradient through the draw)",
            node.name(), family.simpleName());
      }
    }
  }
}
