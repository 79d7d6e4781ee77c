package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.Family;
import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NetworkRole;
import dev.helmholtz.processor.model.NodeDescriptor;
import dev.helmholtz.processor.model.ParameterDescriptor;
import java.util.Locale;

/**
 * {@code @Latent(enumerate = true)}: a latent summed out over its classes (the semi-supervised
 * VAE's label). Its classes take the sample axis, so it must be one Categorical variable over
 * its whole event, under the ELBO with one sample (or under adaptive importance sampling, which
 * draws it from q where unlabelled and clamps it to the label elsewhere), with an encoder q(y |
 * observed nodes); a model sums out at most one latent. {@code classificationWeight} belongs to such a latent and is a
 * finite weight of at least 0. A missing encoder is {@link CoverageRule}'s.
 */
final class EnumerationRule implements ValidationRule {
  @Override
  public void check(ModelDescriptor model, ModelKind kind, Reporter reporter) {
    NodeDescriptor first = null;
    for (NodeDescriptor node : model.nodes()) {
      checkWeight(node, reporter);
      if (!node.enumerate()) {
        continue;
      }
      String problem = problem(model, kind, node, first);
      if (problem != null) {
        reporter.report(Diagnostic.ENUMERATE_INVALID, node.field(), node.annotation(), node.enumerateValue(),
            "enumerate = true", node.name(), problem);
      } else {
        checkEncoder(model, node, reporter);
      }
      if (first == null) {
        first = node;
      }
    }
  }

  private static String problem(ModelDescriptor model, ModelKind kind, NodeDescriptor node,
      NodeDescriptor first) {
    if (node.family().isPresent() && node.family().get() != Family.CATEGORICAL) {
      return "enumeration sums over the classes of a Categorical, and " + node.family().get().simpleName()
          + " has none to sum over; declare the node Categorical, or remove enumerate";
    }
    if (node.family().isEmpty() || node.shape().size() != 1) {
      return null; // NodeRule reports the family or the shape
    }
    if (node.classesPerVariable() != node.width()) {
      return "classes = " + node.classes() + " makes " + node.width() / node.classesPerVariable()
          + " categorical variables of event shape " + node.width() + ", but enumeration sums out one variable "
          + "over the whole event; remove classes (or declare shape = classes)";
    }
    if (kind == ModelKind.ADVERSARIAL) {
      return "an adversarial model has no inference to sum the latent out in; remove enumerate";
    }
    ObjectiveTraits traits = ObjectiveTraits.of(model.objective());
    if (!traits.clampsLabels() && (!traits.enumerates() || model.samples() != 1)) {
      return "the " + model.objective() + " objective with samples = " + model.samples()
          + ", but enumeration puts the classes on the sample axis and supports the ELBO with samples = 1; "
          + "use @Objective(kind = ELBO), or ADAPTIVE_IMPORTANCE_SAMPLING, which draws the latent from its "
          + "encoder where unlabelled";
    }
    if (first != null) {
      return "latent '" + first.name() + "' is already summed out by enumeration, and a model sums out at "
          + "most one; remove one of them";
    }
    return null;
  }

  /** q(y | ...) runs once per example, before the classes are laid out: it takes observed nodes only. */
  private static void checkEncoder(ModelDescriptor model, NodeDescriptor node, Reporter reporter) {
    model.network(NetworkRole.ENCODER, node.name()).ifPresent(encoder -> {
      for (ParameterDescriptor p : encoder.nodeParameters()) {
        if (model.node(p.name()).map(NodeDescriptor::isLatent).orElse(false)) {
          reporter.report(Diagnostic.ENUMERATED_ENCODER_INPUT, p.element(), p.name(), encoder.methodName(),
              node.name(), node.name());
        }
      }
    });
  }

  private static void checkWeight(NodeDescriptor node, Reporter reporter) {
    if (node.classificationWeightValue() == null) {
      return;
    }
    double weight = node.classificationWeight();
    String problem = null;
    if (!node.enumerate()) {
      problem = "only an enumerated latent (enumerate = true) has a classification term; add enumerate = true "
          + "or remove classificationWeight";
    } else if (!(weight >= 0) || Double.isInfinite(weight)) {
      problem = "the weight of log q(" + node.name() + " | ...) on labelled examples must be finite and at "
          + "least 0 (Kingma et al. 2014 use 0.1 times the number of examples)";
    }
    if (problem != null) {
      reporter.report(Diagnostic.ENUMERATE_INVALID, node.field(), node.annotation(), node.classificationWeightValue(),
          String.format(Locale.ROOT, "classificationWeight = %s", weight), node.name(), problem);
    }
  }
}
