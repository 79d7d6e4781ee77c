package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NetworkRole;
import dev.helmholtz.processor.model.NodeDescriptor;
import java.util.List;
import java.util.Optional;

/**
 * Phase two: runs every rule over a model. Element-level rules run first; the graph is ordered
 * only when they found nothing, so one mistake is not reported again as a cascade of others.
 * Advice (warnings) comes last, for models without errors.
 */
public final class ModelValidator {
  private static final List<ValidationRule> RULES =
      List.of(new ModelClassRule(), new NodeRule(), new NetworkRule(), new ShapeRule(), new CoverageRule());
  /** Warnings: they run on models free of errors only, and never stop code generation. */
  private static final List<ValidationRule> ADVICE = List.of(new UnusedLatentRule());

  private final Reporter reporter;

  public ModelValidator(Reporter reporter) {
    this.reporter = reporter;
  }

  /** The validated model, or empty when an error was reported. */
  public Optional<ValidatedModel> validate(ModelDescriptor model) {
    int before = reporter.errorCount();
    for (ValidationRule rule : RULES) {
      rule.check(model, reporter);
    }
    if (reporter.errorCount() > before) {
      return Optional.empty();
    }
    Optional<List<NodeDescriptor>> generative = GraphOrder.of(model, NetworkRole.GENERATOR, reporter);
    Optional<List<NodeDescriptor>> inference = GraphOrder.of(model, NetworkRole.ENCODER, reporter);
    if (generative.isEmpty() || inference.isEmpty()) {
      return Optional.empty();
    }
    for (ValidationRule rule : ADVICE) {
      rule.check(model, reporter);
    }
    return Optional.of(new ValidatedModel(model, generative.get(), inference.get()));
  }
}
