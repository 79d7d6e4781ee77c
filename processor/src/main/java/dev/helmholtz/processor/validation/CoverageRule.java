package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NetworkRole;
import dev.helmholtz.processor.model.NodeDescriptor;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.VariableElement;

/**
 * Every node is defined: each latent can be inferred (it has an encoder) and each observed node
 * has a likelihood (it has a generator), except given nodes, which are conditioned on and must
 * have none. A latent without a generator takes its family's standard prior. Not a rule of
 * adversarial models, which have no encoders and whose labels need no generator:
 * {@link AdversarialRule} checks those.
 *
 * <p>Nodes that {@link NodeRule} already rejected for what they are (a field annotated both
 * {@code @Latent} and {@code @Observed}, a second node of one name) are skipped: which networks
 * they need depends on how the user resolves that error, so reporting it here would only repeat it.
 */
final class CoverageRule implements ValidationRule {
  @Override
  public void check(ModelDescriptor model, ModelKind kind, Reporter reporter) {
    Map<VariableElement, Integer> nodesPerField = new HashMap<>();
    model.nodes().forEach(n -> nodesPerField.merge(n.field(), 1, Integer::sum));
    Set<String> names = new HashSet<>();
    for (NodeDescriptor node : model.nodes()) {
      if (nodesPerField.get(node.field()) > 1 || !names.add(node.name())) {
        continue;
      }
      if (node.isLatent()) {
        // A global latent is inferred from the whole data set, not by an encoder: GlobalLatentRule.
        if (node.isLocalLatent() && model.network(NetworkRole.ENCODER, node.name()).isEmpty()) {
          reporter.report(Diagnostic.NO_ENCODER, node.field(), node.annotation(),
              node.name(), model.objective(), node.name(), node.name());
        }
      } else if (node.given()) {
        model.network(NetworkRole.GENERATOR, node.name()).ifPresent(g ->
            reporter.report(Diagnostic.GIVEN_NODE_GENERATED, g.method(), g.annotation(), g.targetValue(),
                node.name(), node.name(), g.methodName()));
      } else if (model.network(NetworkRole.GENERATOR, node.name()).isEmpty()) {
        reporter.report(Diagnostic.OBSERVED_NOT_GENERATED, node.field(), node.annotation(),
            node.name(), node.name(), node.name());
      }
    }
  }
}
