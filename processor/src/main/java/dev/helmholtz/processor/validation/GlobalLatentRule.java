package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.AnnotationMirrors;
import dev.helmholtz.processor.model.Family;
import dev.helmholtz.processor.model.NodeFamily;
import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NetworkDescriptor;
import dev.helmholtz.processor.model.NetworkRole;
import dev.helmholtz.processor.model.NodeDescriptor;
import dev.helmholtz.processor.model.ParameterDescriptor;
import dev.helmholtz.annotations.ObjectiveKind;
import java.util.List;
import java.util.Optional;

/**
 * Global latents ({@code @Latent(global = true)}): model parameters with a prior, one value for
 * the whole data set. In a model whose latents are all global the generated class samples their
 * posterior by HMC or fits it by mean-field VI over the flat vector of all of them; beside
 * per-example latents, each gets a mean-field Normal posterior trained with the encoders in one
 * objective, its KL shared 1 / N per example (Blundell et al. 2015, Bayes by backprop).
 *
 * <ul>
 *   <li>They are Normal: HMC and the Gaussian VI work on the whole real line.
 *   <li>They have no encoder: nothing per example infers them.
 *   <li>Their prior's generator takes only global latents (hierarchical priors) or nothing.
 *   <li>Beside per-example latents, the objective is the ELBO or IWAE: the globals' posterior
 *       trains through its reparameterized draw, one per step shared by the k samples, which
 *       keeps both bounds bounds; no latent is summed out by enumeration, and no encoder takes a
 *       global latent (q(z | x) sees the data only). The model is not adversarial.
 *   <li>In a model of global latents only, observed nodes' generators take global latents and
 *       given nodes: the likelihood then factorizes over examples, and the posterior predictive
 *       of each node is defined per row; the model names no {@code @Objective}, which nothing
 *       would use.
 *   <li>{@code @Generator(drawAxis = true)} is for a generator that takes a global latent: the
 *       draw axis is that of the globals' draws.
 * </ul>
 */
final class GlobalLatentRule implements ValidationRule {
  @Override
  public void check(ModelDescriptor model, ModelKind kind, Reporter reporter) {
    List<NodeDescriptor> globals = model.globalLatents();
    checkDrawAxes(model, reporter);
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
    if (!allGlobal && kind == ModelKind.VARIATIONAL) {
      checkMix(model, globalNames, reporter);
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

  /**
   * What a model of global and per-example latents cannot have: an objective other than the ELBO
   * or IWAE, an enumerated latent, an encoder conditioned on a global latent.
   */
  private static void checkMix(ModelDescriptor model, String globalNames, Reporter reporter) {
    ObjectiveKind objective = model.objective();
    if (objective != ObjectiveKind.ELBO && objective != ObjectiveKind.IWAE) {
      var value = AnnotationMirrors.explicitValue(model.annotation(), "objective");
      String reason = "the global latents' posterior trains through its reparameterized draw, one per step "
          + "shared by the k samples, which keeps the ELBO and IWAE bounds; " + objective
          + (ObjectiveTraits.of(objective).differentiatesSamples()
              ? " scores the per-example latents by a score function, whose learning signal the global KL's "
                  + "share would enter unscaled"
              : " trains no gradient through samples")
          + ": use ELBO or IWAE";
      if (value.isPresent()) {
        reporter.report(Diagnostic.GLOBAL_MODEL_UNSUPPORTED, model.type(), model.annotation(), value.get(),
            model.type().getQualifiedName(), globalNames, "objective " + objective, reason);
      } else {
        reporter.report(Diagnostic.GLOBAL_MODEL_UNSUPPORTED, model.type(), model.annotation(),
            model.type().getQualifiedName(), globalNames, "objective " + objective, reason);
      }
    }
    for (NodeDescriptor node : model.nodes()) {
      if (node.isLocalLatent() && node.enumerate()) {
        reporter.report(Diagnostic.GLOBAL_MODEL_UNSUPPORTED, node.field(), node.annotation(),
            model.type().getQualifiedName(), globalNames, "enumerated latent '" + node.name() + "'",
            "summing a latent out beside global latents is not implemented: remove enumerate = true "
                + "(and train '" + node.name() + "' by its encoder), or remove global = true from " + globalNames);
      }
    }
    for (NetworkDescriptor q : model.networks(NetworkRole.ENCODER)) {
      for (ParameterDescriptor p : q.nodeParameters()) {
        model.node(p.name()).filter(NodeDescriptor::isGlobalLatent).ifPresent(global -> reporter.report(
            Diagnostic.GLOBAL_MODEL_UNSUPPORTED, p.element(), model.type().getQualifiedName(), globalNames,
            "@Encoder " + q.methodName() + "() taking global latent '" + global.name() + "'",
            "an encoder conditioned on a draw of the global latents is not implemented; q(" + q.target()
                + " | ...) sees the data and per-example latents: remove the parameter"));
      }
    }
  }

  /** {@code @Generator(drawAxis = true)} on a generator that takes no global latent: there is no draw axis. */
  private static void checkDrawAxes(ModelDescriptor model, Reporter reporter) {
    for (NetworkDescriptor g : model.networks(NetworkRole.GENERATOR)) {
      if (!g.drawAxis()) {
        continue;
      }
      boolean takesGlobal = g.nodeParameters().stream()
          .anyMatch(p -> model.node(p.name()).filter(NodeDescriptor::isGlobalLatent).isPresent());
      if (!takesGlobal) {
        reporter.report(Diagnostic.DRAW_AXIS_WITHOUT_GLOBAL, g.method(), g.annotation(), g.drawAxisValue().orElseThrow(),
            g.methodName(), g.target());
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
