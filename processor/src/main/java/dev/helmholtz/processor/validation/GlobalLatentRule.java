package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.AnnotationMirrors;
import dev.helmholtz.processor.model.Family;
import dev.helmholtz.processor.model.NodeFamily;
import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NetworkDescriptor;
import dev.helmholtz.processor.model.NetworkRole;
import dev.helmholtz.processor.model.NodeDescriptor;
import dev.helmholtz.processor.model.ParameterDescriptor;
import java.util.List;
import java.util.Optional;

/**
 * Global latents ({@code @Latent(global = true)}): model parameters with a prior, one value for
 * the whole data set, whose posterior the generated class samples by HMC or fits by mean-field
 * VI over the flat vector of all of them.
 *
 * <ul>
 *   <li>They are Normal: HMC and the Gaussian VI work on the whole real line.
 *   <li>They have no encoder: nothing per example infers them.
 *   <li>Their prior's generator takes only global latents (hierarchical priors) or nothing.
 *   <li>Every latent of the model is global, and it is not adversarial. Mixing per-example
 *       latents (under the ELBO) with global ones (a variational posterior, Bayes by backprop,
 *       its KL scaled by batch / N) is not implemented: rejecting it says so, where silently
 *       treating a global latent as local would infer the wrong thing.
 *   <li>Observed nodes' generators take global latents and given nodes: the likelihood then
 *       factorizes over examples, and the posterior predictive of each node is defined per row.
 *   <li>The model names no {@code @Objective}, which nothing would use.
 * </ul>
 */
final class GlobalLatentRule implements ValidationRule {
  @Override
  public void check(ModelDescriptor model, ModelKind kind, Reporter reporter) {
    List<NodeDescriptor> globals = model.globalLatents();
    if (globals.isEmpty()) {
      return;
    }
    String globalNames = String.join(", ", globals.stream().map(NodeDescriptor::name).distinct().toList());
    for (NodeDescriptor z : globals) {
      Optional<NodeFamily> family = z.family();
      if (family.isPresent() && family.get() != Family.NORMAL) {
        reporter.report(Diagnostic.GLOBAL_FAMILY, z.field(), z.annotation(), z.name(), family.get().simpleName());
      }
      model.network(NetworkRole.ENCODER, z.name()).ifPresent(q -> reporter.report(Diagnostic.GLOBAL_ENCODER,
          q.method(), q.annotation(), q.targetValue(), z.name(), q.methodName(), z.name(), q.methodName(), z.name()));
      model.network(NetworkRole.GENERATOR, z.name()).ifPresent(p -> checkPriorParents(model, z, p, reporter));
    }
    boolean allGlobal = model.nodes().stream().noneMatch(NodeDescriptor::isLocalLatent);
    AnnotationMirrors.explicitValue(model.annotation(), "objective")
        .filter(objective -> allGlobal && kind != ModelKind.ADVERSARIAL)
        .ifPresent(objective -> reporter.report(Diagnostic.GLOBAL_OBJECTIVE, model.type(), model.annotation(),
            objective, model.type().getQualifiedName(), globalNames));
    for (NodeDescriptor node : model.nodes()) {
      if (node.isLocalLatent()) {
        reporter.report(Diagnostic.GLOBAL_MODEL_UNSUPPORTED, node.field(), node.annotation(),
            model.type().getQualifiedName(), globalNames, "per-example latent '" + node.name() + "'",
            "this version infers global latents (by HMC or VI) only in a model whose latents are all "
                + "global; a mix needs the ELBO over the per-example latents with a variational posterior "
                + "of the global ones, which is not implemented: declare '" + node.name()
                + "' global, or remove global = true from " + globalNames);
      }
    }
    for (NetworkDescriptor d : model.networks(NetworkRole.DISCRIMINATOR)) {
      reporter.report(Diagnostic.GLOBAL_MODEL_UNSUPPORTED, d.method(), d.annotation(),
          model.type().getQualifiedName(), globalNames, "@Discriminator " + d.methodName() + "()",
          "an adversarial model's generator is trained by the two-player game, which has no prior and no "
              + "posterior over global latents: remove global = true or the discriminator");
    }
    for (NetworkDescriptor g : model.networks(NetworkRole.GENERATOR)) {
      Optional<NodeDescriptor> target = model.node(g.target());
      if (target.isEmpty() || target.get().isLatent() || kind == ModelKind.ADVERSARIAL || !allGlobal) {
        continue;
      }
      for (ParameterDescriptor p : g.nodeParameters()) {
        model.node(p.name()).filter(NodeDescriptor::isModelledObservation)
            .filter(parent -> !parent.name().equals(g.target()))
            .ifPresent(parent -> reporter.report(Diagnostic.GLOBAL_OBSERVED_PARENT, p.element(),
                p.name(), g.methodName(), parent.name(), parent.name()));
      }
    }
  }

  private static void checkPriorParents(ModelDescriptor model, NodeDescriptor z, NetworkDescriptor prior,
      Reporter reporter) {
    for (ParameterDescriptor p : prior.nodeParameters()) {
      Optional<NodeDescriptor> parent = model.node(p.name());
      if (parent.isEmpty() || parent.get().isGlobalLatent() || p.name().equals(z.name())) {
        continue; // unbound and self parameters are NetworkRule's
      }
      NodeDescriptor node = parent.get();
      String what = node.isLatent() ? "per-example latent '" + node.name() + "'"
          : node.given() ? "given node '" + node.name() + "'" : "observed node '" + node.name() + "'";
      String fix = node.isLatent() ? "remove the parameter, or declare '" + node.name() + "' global"
          : "remove the parameter; a node that varies by example belongs in the @Generator of an observed node";
      reporter.report(Diagnostic.GLOBAL_PRIOR_PARENT, p.element(), p.name(), prior.methodName(), what,
          prior.methodName(), z.name(), fix);
    }
  }
}
