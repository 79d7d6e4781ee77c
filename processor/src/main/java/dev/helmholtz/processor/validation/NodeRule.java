package dev.helmholtz.processor.validation;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.processor.model.Family;
import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NetworkRole;
import dev.helmholtz.processor.model.NodeDescriptor;
import dev.helmholtz.processor.model.NodeKind;
import java.util.HashMap;
import java.util.Map;
import javax.lang.model.element.VariableElement;

/**
 * Each node on its own: a unique name (a subclass redeclaring an inherited node included), one
 * kind, a known family, a usable event shape, a prior where its family has no standard one.
 */
final class NodeRule implements ValidationRule {
  @Override
  public void check(ModelDescriptor model, ModelKind kind, Reporter reporter) {
    Map<String, NodeDescriptor> firstByName = new HashMap<>();
    Map<VariableElement, NodeDescriptor> firstByField = new HashMap<>();
    for (NodeDescriptor node : model.nodes()) {
      NodeDescriptor sameField = firstByField.putIfAbsent(node.field(), node);
      if (sameField != null) {
        reporter.report(Diagnostic.LATENT_AND_OBSERVED, node.field(), node.annotation(),
            node.field().getSimpleName());
        continue;
      }
      NodeDescriptor first = firstByName.putIfAbsent(node.name(), node);
      if (first != null && !first.declaringType().equals(node.declaringType())) {
        // Superclasses' nodes come first: the later one is the subclass's.
        reporter.report(Diagnostic.NODE_REDECLARED, node.field(), node.annotation(), node.nameValue(),
            node.name(), first.field().getSimpleName(), first.declaringType().getQualifiedName(),
            node.field().getSimpleName());
      } else if (first != null) {
        reporter.report(Diagnostic.DUPLICATE_NODE, node.field(), node.annotation(), node.nameValue(),
            node.name(), first.field().getSimpleName());
      }
      if (node.family().isEmpty()) {
        reporter.report(Diagnostic.UNKNOWN_FAMILY, node.field(), node.name(), node.declaredType(),
            FamilyNames.known(node.declaredType()));
      }
      if (node.shape().isEmpty() || node.shape().stream().anyMatch(d -> d < 1)) {
        reporter.report(Diagnostic.EVENT_SHAPE_INVALID, node.field(), node.annotation(), node.shapeValue(),
            node.name(), node.shape());
      } else if (node.shape().size() > 1) {
        reporter.report(Diagnostic.EVENT_RANK_UNSUPPORTED, node.field(), node.annotation(), node.shapeValue(),
            node.name(), node.shape(), node.shape().size(), node.width());
      }
      if (node.kind() == NodeKind.LATENT && node.family().isPresent()) {
        // No objective differentiates through a global latent (GlobalLatentRule), and contrastive
        // divergence through no latent at all (EnergyRule checks an energy model's units).
        if (node.isLocalLatent() && kind != ModelKind.ENERGY) {
          checkEstimator(model, node, node.family().get(), reporter);
        }
        checkClasses(node, node.family().get(), reporter);
        checkStandardPrior(model, node, node.family().get(), reporter);
      }
    }
  }

  /** Whether the objective can train a latent of this family: see {@link ObjectiveTraits}. */
  private static void checkEstimator(ModelDescriptor model, NodeDescriptor node, Family family,
      Reporter reporter) {
    ObjectiveKind objective = model.objective();
    ObjectiveTraits traits = ObjectiveTraits.of(objective);
    // An enumerated latent is summed out, not sampled: EnumerationRule checks it.
    if (traits.needsReparameterizedLatents() && !family.reparameterized() && !node.enumerate()) {
      String relaxation = family.relaxation()
          .map(r -> ", or declare it " + r.simpleName() + " (a Concrete relaxation, under ELBO)")
          .orElse("");
      reporter.report(Diagnostic.NOT_REPARAMETERIZED, node.field(), node.annotation(),
          node.name(), family.simpleName(), objective,
          "use a score-function objective (NVIL, or VIMCO with samples >= 2) or wake-sleep "
              + "(WAKE_SLEEP, REWEIGHTED_WAKE_SLEEP)" + relaxation);
    }
    if (family.relaxationOf().isPresent() && !traits.trainsRelaxations()) {
      String discrete = family.relaxationOf().get().simpleName();
      reporter.report(Diagnostic.RELAXED_OBJECTIVE, node.field(), node.annotation(),
          node.name(), family.simpleName(), discrete,
          "the " + objective + " objective weighs samples by their densities, which a relaxed sample does not have",
          "use the ELBO objective, or declare it " + discrete + " to train it with "
              + traits.discreteCounterpart() + " score-function gradients");
    }
  }

  /** A latent without a {@code @Generator} takes its family's standard prior: it needs one. */
  private static void checkStandardPrior(ModelDescriptor model, NodeDescriptor node, Family family,
      Reporter reporter) {
    // A global latent's family is GlobalLatentRule's to judge.
    if (!node.isLocalLatent() || model.network(NetworkRole.GENERATOR, node.name()).isPresent()) {
      return;
    }
    family.noStandardPrior().ifPresent(why -> reporter.report(Diagnostic.NO_STANDARD_PRIOR, node.field(),
        node.annotation(), node.name(), family.simpleName(), why, node.name(), node.name()));
  }

  /** {@code @Latent(classes)}: only for categorical families, at least 2, dividing the event. */
  private static void checkClasses(NodeDescriptor node, Family family, Reporter reporter) {
    if (node.classesValue() == null) {
      return;
    }
    String problem = null;
    if (!family.categorical()) {
      problem = family.simpleName() + " has no classes (only Categorical and RelaxedOneHotCategorical "
          + "do); remove classes";
    } else if (node.classes() < 2) {
      problem = "a categorical variable needs at least 2 classes";
    } else if (node.shape().size() == 1 && node.width() % node.classes() != 0) {
      problem = "event shape " + node.width() + " is not a whole number of one-hot groups of "
          + node.classes() + "; declare a shape that is a multiple of classes";
    }
    if (problem != null) {
      reporter.report(Diagnostic.CLASSES_INVALID, node.field(), node.annotation(), node.classesValue(),
          node.classes(), node.name(), problem);
    }
  }
}
