package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NetworkRole;
import dev.helmholtz.processor.model.NodeDescriptor;
import java.util.List;
import java.util.Optional;

/**
 * Phase two: decides the model's {@link ModelKind} and runs that kind's rules over it. Element-level
 * rules run first; the graph is ordered
 * only when they found nothing, so one mistake is not reported again as a cascade of others.
 * Advice (warnings) comes last, for models without errors.
 */
public final class ModelValidator {
  /** Warnings: they run on models free of errors only, and never stop code generation. */
  private static final List<ValidationRule> ADVICE = List.of(new UnusedLatentRule());

  private final Reporter reporter;

  public ModelValidator(Reporter reporter) {
    this.reporter = reporter;
  }

  /** The validated model, or empty when an error was reported. */
  public Optional<ValidatedModel> validate(ModelDescriptor model) {
    int before = reporter.errorCount();
    ModelKind kind = ModelKind.of(model);
    for (ValidationRule rule : kind.rules()) {
      rule.check(model, kind, reporter);
    }
    if (reporter.errorCount() > before) {
      return Optional.empty();
    }
    Optional<List<NodeDescriptor>> generative = GraphOrder.of(model, NetworkRole.GENERATOR, reporter);
    Optional<List<NodeDescriptor>> inference = GraphOrder.of(model, NetworkRole.ENCODER, reporter);
    if (generative.isEmpty() || inference.isEmpty()) {
      return Optional.empty();
    }
    // Global latents have no encoder: a variational posterior of their own, drawn before the encoders run.
    List<NodeDescriptor> encoded = inference.get().stream().filter(n -> !n.isGlobalLatent()).toList();
    ValidatedModel validated = new ValidatedModel(model, kind, generative.get(), encoded);
    checkRelaxedKl(validated);
    if (reporter.errorCount() > before) {
      return Optional.empty();
    }
    for (ValidationRule rule : ADVICE) {
      rule.check(model, kind, reporter);
    }
    return Optional.of(validated);
  }

  /**
   * A relaxed latent's ELBO term is the analytic KL of its discrete distribution: it needs a
   * prior for which that KL is the ELBO's term (see {@link ValidatedModel#analyticKl}).
   */
  private void checkRelaxedKl(ValidatedModel validated) {
    for (NodeDescriptor z : validated.latents()) {
      var family = validated.family(z);
      if (family.relaxationOf().isPresent() && !validated.analyticKl(z)) {
        reporter.report(Diagnostic.RELAXED_OBJECTIVE, z.field(), z.annotation(), z.name(),
            family.simpleName(), family.relaxationOf().get().simpleName(),
            "its prior is conditioned on a latent that is inferred from it, so that KL is not the "
                + "ELBO's term",
            "infer its prior's parents before it (top-down encoders), or declare it "
                + family.relaxationOf().get().simpleName() + " and train it with NVIL or VIMCO");
      }
    }
  }
}
