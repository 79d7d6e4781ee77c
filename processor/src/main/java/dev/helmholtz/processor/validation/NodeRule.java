package dev.helmholtz.processor.validation;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NodeDescriptor;
import dev.helmholtz.processor.model.NodeKind;
import java.util.HashMap;
import java.util.Map;
import javax.lang.model.element.VariableElement;

/** Each node on its own: a unique name, one kind, a known family, a usable event shape. */
final class NodeRule implements ValidationRule {
  @Override
  public void check(ModelDescriptor model, Reporter reporter) {
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
      if (first != null) {
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
      boolean reparameterizedObjective =
          model.objective() == ObjectiveKind.ELBO || model.objective() == ObjectiveKind.IWAE;
      if (node.kind() == NodeKind.LATENT && reparameterizedObjective
          && node.family().filter(f -> !f.reparameterized()).isPresent()) {
        reporter.report(Diagnostic.NOT_REPARAMETERIZED, node.field(), node.annotation(),
            node.name(), node.family().get().simpleName(), model.objective());
      }
    }
  }
}
