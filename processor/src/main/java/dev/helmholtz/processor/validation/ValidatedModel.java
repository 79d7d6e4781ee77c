package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.Family;
import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NetworkDescriptor;
import dev.helmholtz.processor.model.NetworkRole;
import dev.helmholtz.processor.model.NodeDescriptor;
import java.util.List;
import java.util.Optional;

/**
 * A model that passed every rule, with what validation worked out: the order in which the
 * generative graph evaluates nodes and the order in which the inference graph draws latents.
 * Code generation only ever sees this type.
 */
public record ValidatedModel(
    ModelDescriptor model, List<NodeDescriptor> generativeOrder, List<NodeDescriptor> inferenceOrder) {

  public ValidatedModel {
    generativeOrder = List.copyOf(generativeOrder);
    inferenceOrder = List.copyOf(inferenceOrder);
  }

  public Optional<NetworkDescriptor> encoder(NodeDescriptor node) {
    return model.network(NetworkRole.ENCODER, node.name());
  }

  public Optional<NetworkDescriptor> generator(NodeDescriptor node) {
    return model.network(NetworkRole.GENERATOR, node.name());
  }

  public NodeDescriptor node(String name) {
    return model.node(name).orElseThrow();
  }

  public Family family(NodeDescriptor node) {
    return node.family().orElseThrow();
  }

  /** Whether the ELBO uses an analytic KL(q || p) for this latent rather than a Monte Carlo one. */
  public boolean analyticKl(NodeDescriptor latent) {
    return family(latent).hasAnalyticKlTo(family(latent));
  }

  public List<NodeDescriptor> observed() {
    return model.nodes().stream().filter(n -> !n.isLatent()).toList();
  }

  public List<NodeDescriptor> latents() {
    return model.nodes().stream().filter(NodeDescriptor::isLatent).toList();
  }
}
