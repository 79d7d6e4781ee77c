package dev.helmholtz.processor.validation;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.processor.model.Family;
import dev.helmholtz.processor.model.NodeFamily;
import dev.helmholtz.processor.model.UserFamily;
import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.ModelReader;
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
      if (node.family().isEmpty() && ModelReader.isTransformedDistribution(node.declaredType())) {
        reporter.report(Diagnostic.FLOW_NODE_TYPE, node.field(), node.name(), node.name());
      } else if (node.family().isEmpty()) {
        reporter.report(Diagnostic.UNKNOWN_FAMILY, node.field(), node.name(), node.declaredType(),
            FamilyNames.known(node.declaredType()));
      } else if (node.family().get() == Family.MIXTURE_SAME_FAMILY
          && node.components().filter(c -> c != Family.MIXTURE_SAME_FAMILY).isEmpty()) {
        reporter.report(Diagnostic.MIXTURE_COMPONENTS, node.field(), node.name(), node.declaredType());
      } else if (node.family().get() instanceof UserFamily user && user.hasProblems()) {
        checkUserFamily(node, user, reporter);
        continue; // what a broken family would decide (its estimator, its prior) is moot
      }
      if (!node.hasValidShape()) {
        reporter.report(Diagnostic.EVENT_SHAPE_INVALID, node.field(), node.annotation(), node.shapeValue(),
            node.name(), node.shape());
      } else if (node.shape().size() > 1) {
        checkEventRank(node, kind, reporter);
      }
      if (node.kind() == NodeKind.LATENT && node.family().isPresent()) {
        // No objective differentiates through a global latent (GlobalLatentRule), contrastive
        // divergence through no latent at all (EnergyRule checks an energy model's units), and a
        // game through no draw of its noise (a categorical InfoGAN code is drawn, not relaxed).
        if (node.isLocalLatent() && kind != ModelKind.ENERGY && kind != ModelKind.ADVERSARIAL) {
          checkEstimator(model, node, node.family().get(), reporter);
        }
        checkClasses(node, node.family().get(), reporter);
        checkStandardPrior(model, node, node.family().get(), reporter);
      }
    }
  }

  /**
   * An event of rank above 1 ({@code {28, 28, 1}}, channels last) reaches networks as {@code [n,
   * 28, 28, 1]} and is scored as its flat row-major vector, so the family must be elementwise
   * along it: a Multinomial's categories or a summed-out latent's classes are one axis that
   * flattening would mix with the others, and a model of global latents keeps vectors.
   */
  private static void checkEventRank(NodeDescriptor node, ModelKind kind, Reporter reporter) {
    eventRankProblem(node, kind).ifPresent(problem -> reporter.report(Diagnostic.EVENT_RANK_UNSUPPORTED,
        node.field(), node.annotation(), node.shapeValue(), node.name(), node.shape(), node.shape().size(),
        problem[0], problem[1]));
  }

  /** Why an event of rank above 1 cannot be this node's, and the fix; empty when it can. */
  static java.util.Optional<String[]> eventRankProblem(NodeDescriptor node, ModelKind kind) {
    if (node.shape().size() < 2) {
      return java.util.Optional.empty();
    }
    String problem = null;
    String fix = null;
    int last = node.shape().get(node.shape().size() - 1);
    if (kind == ModelKind.BAYESIAN) {
      problem = "a model of global latents takes vector events";
      fix = "declare shape = " + node.width() + " and reshape inside the networks";
    } else if (node.isGlobalLatent()) {
      problem = "a global latent is one vector, the loc and scale of its mean-field posterior";
      fix = "declare shape = " + node.width() + " and reshape inside the networks";
    } else if (kind == ModelKind.ENERGY) {
      problem = "an energy-based model's units are vectors";
      fix = "declare shape = " + node.width() + ", the units as one vector";
    } else if (node.enumerate()) {
      problem = "a latent summed out by enumeration is one categorical variable over a vector of classes";
      fix = "declare shape = " + node.width();
    } else if (node.family().filter(f -> !f.elementwise()).isPresent()) {
      // What one variable's last axis holds: a Multinomial's categories, a multivariate Normal's
      // correlated coordinates, a mixture's vector whose components are mixed as a whole.
      String axis = node.family().get() == Family.MULTIVARIATE_NORMAL ? "correlated coordinates"
          : node.family().get() == Family.MIXTURE_SAME_FAMILY ? "vector, mixed as a whole" : "categories";
      problem = node.family().get().simpleName() + " is not elementwise: its last axis is one "
          + "variable's " + axis + ", which an image-shaped event would mix with the other axes";
      fix = "declare shape = " + node.width() + ", or use an elementwise family";
    } else if (node.family().filter(NodeFamily::categorical).isPresent() && last % node.classesPerVariable() != 0) {
      problem = node.family().get().simpleName() + " groups " + node.classesPerVariable()
          + " classes along the last axis, which has size " + last;
      fix = "declare classes = " + last + " for one categorical variable per position, channels last";
    }
    return problem == null ? java.util.Optional.empty() : java.util.Optional.of(new String[] {problem, fix});
  }

  /** What a family of the user's own must provide, reported on the node that uses it. */
  private static void checkUserFamily(NodeDescriptor node, UserFamily family, Reporter reporter) {
    String name = family.simpleName();
    if (family.annotation().isEmpty()) {
      reporter.report(Diagnostic.FAMILY_NOT_MARKED, node.field(), node.name(), name, name);
      return; // nothing else is declared to check
    }
    if (!family.distribution()) {
      reporter.report(Diagnostic.FAMILY_NOT_DISTRIBUTION, node.field(), node.name(), name, name);
    }
    if (!family.classProblems().isEmpty()) {
      reporter.report(Diagnostic.FAMILY_CLASS, node.field(), node.name(), name,
          String.join(" and ", family.classProblems()));
    }
    if (family.factoryNames().isEmpty()) {
      reporter.report(Diagnostic.FAMILY_FACTORY, node.field(), node.name(), name, "names no factory");
    }
    for (String problem : family.factoryProblems()) {
      reporter.report(Diagnostic.FAMILY_FACTORY, node.field(), node.name(), name, problem);
    }
    if (family.standardPriorProblem() != null) {
      reporter.report(Diagnostic.FAMILY_STANDARD_PRIOR, node.field(), node.name(), name,
          family.standardPrior(), family.standardPriorProblem(), name);
    }
    if (family.klProblem() != null) {
      reporter.report(Diagnostic.FAMILY_KL, node.field(), node.name(), name, family.kl(), family.klProblem(),
          name, name);
    }
  }

  /** Whether the objective can train a latent of this family: see {@link ObjectiveTraits}. */
  private static void checkEstimator(ModelDescriptor model, NodeDescriptor node, NodeFamily family,
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
  private static void checkStandardPrior(ModelDescriptor model, NodeDescriptor node, NodeFamily family,
      Reporter reporter) {
    // A global latent's family is GlobalLatentRule's to judge.
    if (!node.isLocalLatent() || model.network(NetworkRole.GENERATOR, node.name()).isPresent()) {
      return;
    }
    family.noStandardPrior().ifPresent(why -> reporter.report(Diagnostic.NO_STANDARD_PRIOR, node.field(),
        node.annotation(), node.name(), family.simpleName(), why, node.name(), node.name()));
  }

  /** {@code @Latent(classes)}: only for categorical families, at least 2, dividing the event. */
  private static void checkClasses(NodeDescriptor node, NodeFamily family, Reporter reporter) {
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
