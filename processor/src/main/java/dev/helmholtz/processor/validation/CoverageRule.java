package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NetworkRole;
import dev.helmholtz.processor.model.NodeDescriptor;

/**
 * Every node is defined: each latent can be inferred (it has an encoder) and each observed node
 * has a likelihood (it has a generator). A latent without a generator takes its family's
 * standard prior.
 */
final class CoverageRule implements ValidationRule {
  @Override
  public void check(ModelDescriptor model, Reporter reporter) {
    for (NodeDescriptor node : model.nodes()) {
      if (node.isLatent()) {
        if (model.network(NetworkRole.ENCODER, node.name()).isEmpty()) {
          reporter.report(Diagnostic.NO_ENCODER, node.field(), node.annotation(),
              node.name(), model.objective(), node.name(), node.name());
        }
      } else if (model.network(NetworkRole.GENERATOR, node.name()).isEmpty()) {
        reporter.report(Diagnostic.OBSERVED_NOT_GENERATED, node.field(), node.annotation(),
            node.name(), node.name(), node.name());
      }
    }
  }
}
