package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.NodeFamily;
import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NetworkDescriptor;
import dev.helmholtz.processor.model.NetworkRole;
import dev.helmholtz.processor.model.NodeDescriptor;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A model that passed every rule, with what validation worked out: its kind (which writer
 * generates it), the order in which the generative graph evaluates nodes and the order in which
 * the inference graph draws latents. Code generation only ever sees this type.
 */
public record ValidatedModel(ModelDescriptor model, ModelKind kind, List<NodeDescriptor> generativeOrder,
    List<NodeDescriptor> inferenceOrder) {

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

  public NodeFamily family(NodeDescriptor node) {
    return node.family().orElseThrow();
  }

  /**
   * Whether the ELBO uses an analytic KL(q || p) for this latent rather than a Monte Carlo one.
   *
   * <p>The closed form replaces E_q[log q(z | ...) - log p(z | parents)] only when, given the
   * values its prior is conditioned on, z is still distributed as q(z | ...): that holds when no
   * parent of z in the generative graph is inferred from z (directly or through other latents).
   * In a bottom-up posterior such as q(z1 | x) q(z2 | z1) with prior p(z1 | z2), z2 is drawn from
   * z1, so KL(q(z1 | x) || p(z1 | z2)) is not the ELBO's term and z1 takes the Monte Carlo
   * estimate.
   */
  public boolean analyticKl(NodeDescriptor latent) {
    if (flowPosterior(latent) || flowPrior(latent) || !family(latent).analyticKlTo(family(latent))) {
      return false;
    }
    if (generator(latent).flatMap(NetworkDescriptor::returnFamily).filter(f -> !f.equals(family(latent))).isPresent()) {
      return false; // a mixture of the latent's family as its prior
    }
    Set<String> inferredFromLatent = inferredFrom(latent);
    return generator(latent)
        .map(g -> g.nodeParameters().stream().noneMatch(p -> inferredFromLatent.contains(p.name())))
        .orElse(true);
  }

  /**
   * Whether q(latent | ...) is a normalizing flow: its encoder returns {@code
   * TransformedDistribution}, whose log density (log q0(z0) minus the flow's log-determinants)
   * enters the objective and whose KL is Monte Carlo.
   */
  public boolean flowPosterior(NodeDescriptor latent) {
    return encoder(latent).map(NetworkDescriptor::returnsFlow).orElse(false);
  }

  /** Whether p(node | ...) is a normalizing flow: its generator returns {@code TransformedDistribution}. */
  public boolean flowPrior(NodeDescriptor node) {
    return generator(node).map(NetworkDescriptor::returnsFlow).orElse(false);
  }

  /** The latents whose encoders condition on {@code latent}, directly or through other latents. */
  private Set<String> inferredFrom(NodeDescriptor latent) {
    Set<String> downstream = new HashSet<>();
    downstream.add(latent.name());
    for (NodeDescriptor z : inferenceOrder) { // parents before children: one pass suffices
      encoder(z).ifPresent(q -> {
        if (q.nodeParameters().stream().anyMatch(p -> downstream.contains(p.name()))) {
          downstream.add(z.name());
        }
      });
    }
    downstream.remove(latent.name());
    return downstream;
  }

  /** How the objective differentiates through this latent's samples. */
  public GradientEstimator gradient(NodeDescriptor latent) {
    if (latent.enumerate()) {
      return GradientEstimator.ENUMERATED;
    }
    if (!objectiveTraits().differentiatesSamples()) {
      return GradientEstimator.NONE;
    }
    NodeFamily family = family(latent);
    if (!family.reparameterized()) {
      return GradientEstimator.SCORE_FUNCTION;
    }
    return family.implicitlyReparameterized() ? GradientEstimator.IMPLICIT : GradientEstimator.REPARAMETERIZED;
  }

  /** What the model's objective allows and how it trains: see {@link ObjectiveTraits}. */
  public ObjectiveTraits objectiveTraits() {
    return ObjectiveTraits.of(model.objective());
  }

  /** The latent summed out by enumeration ({@code @Latent(enumerate = true)}), if any. */
  public Optional<NodeDescriptor> enumerated() {
    return model.nodes().stream().filter(NodeDescriptor::enumerate).findFirst();
  }

  public List<NodeDescriptor> observed() {
    return model.nodes().stream().filter(n -> !n.isLatent()).toList();
  }

  public List<NodeDescriptor> latents() {
    return model.nodes().stream().filter(NodeDescriptor::isLatent).toList();
  }
}
