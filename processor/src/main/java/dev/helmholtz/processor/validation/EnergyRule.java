package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.AnnotationMirrors;
import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.ModelReader;
import dev.helmholtz.processor.model.NetworkDescriptor;
import dev.helmholtz.processor.model.NetworkRole;
import dev.helmholtz.processor.model.NodeDescriptor;
import dev.helmholtz.processor.model.NodeFamily;
import dev.helmholtz.processor.model.ParameterDescriptor;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An energy-based model: one {@code @Energy} method and nothing directed; the energy takes every
 * node by name (so each node has a conditional) and at most one layer helper; each node's family
 * has a block-Gibbs conditional the runtime reads off the energy (Bernoulli; Normal for observed
 * nodes, whose real units sit in the energy's quadratic term; latents are Bernoulli, so that they
 * sum out of the free energy); the directed models' node options and objective do not apply.
 */
final class EnergyRule implements ValidationRule {
  /** The families with a Gibbs conditional, by runtime class name. */
  private static final Set<String> OBSERVED_UNITS = Set.of("Bernoulli", "Normal");
  private static final Set<String> LATENT_UNITS = Set.of("Bernoulli");

  @Override
  public void check(ModelDescriptor model, ModelKind kind, Reporter reporter) {
    List<NetworkDescriptor> energies = model.networks(NetworkRole.ENERGY);
    NetworkDescriptor energy = energies.get(0);
    for (NetworkDescriptor second : energies.subList(1, energies.size())) {
      reporter.report(Diagnostic.SECOND_ENERGY, second.method(), second.annotation(), second.methodName(),
          energy.methodName());
    }
    for (NetworkDescriptor network : model.networks()) {
      if (network.role() != NetworkRole.ENERGY) {
        reporter.report(Diagnostic.ENERGY_WITH_NETWORK, network.method(), network.annotation(),
            network.role().annotation(), network.target(), network.methodName(), energy.methodName());
      }
    }
    AnnotationMirrors.explicitValue(model.annotation(), "objective").ifPresent(objective ->
        reporter.report(Diagnostic.ENERGY_OBJECTIVE, model.type(), model.annotation(), objective,
            model.objective(), energy.methodName()));
    NetworkRule.checkCallable(model, energy, reporter);
    NetworkRule.checkOverrides(model, reporter);
    checkSettings(energy, reporter);
    if (!energy.returnsTensor()) {
      reporter.report(Diagnostic.ENERGY_RETURN_TYPE, energy.method(), energy.annotation(), energy.methodName(),
          energy.method().getReturnType());
    }
    checkParameters(model, energy, reporter);
    if (model.nodes().stream().noneMatch(NodeDescriptor::isLatent)) {
      reporter.report(Diagnostic.ENERGY_NO_LATENT, model.type(), model.annotation(),
          model.type().getQualifiedName());
    }
    for (NodeDescriptor node : model.nodes()) {
      checkNode(node, energy, reporter);
    }
  }

  private static void checkSettings(NetworkDescriptor energy, Reporter reporter) {
    int steps = AnnotationMirrors.intValue(energy.annotation(), "gibbsSteps", ModelReader.DEFAULT_GIBBS_STEPS);
    if (steps < 1) {
      reporter.report(Diagnostic.ENERGY_SETTINGS, energy.method(), energy.annotation(),
          AnnotationMirrors.explicitValue(energy.annotation(), "gibbsSteps").orElse(null), "gibbsSteps", steps,
          "each update runs at least one Gibbs sweep");
    }
    int chains = AnnotationMirrors.intValue(energy.annotation(), "persistentChains", ModelReader.DEFAULT_PERSISTENT_CHAINS);
    if (chains < 0) {
      reporter.report(Diagnostic.ENERGY_SETTINGS, energy.method(), energy.annotation(),
          AnnotationMirrors.explicitValue(energy.annotation(), "persistentChains").orElse(null), "persistentChains",
          chains, "give 0 for chains that start at the data (CD-k) or a positive count of persistent chains");
    }
  }

  private static void checkParameters(ModelDescriptor model, NetworkDescriptor energy, Reporter reporter) {
    boolean helper = false;
    Set<String> nodes = new HashSet<>();
    model.nodes().forEach(n -> nodes.add(n.name()));
    for (ParameterDescriptor p : energy.parameters()) {
      switch (p.kind()) {
        case LAYER_HELPER -> {
          if (helper) {
            reporter.report(Diagnostic.ENERGY_PARAMETER, p.element(), p.name(), energy.methodName(),
                "is a second Nn layer helper");
          }
          helper = true;
        }
        case NODE -> {
          if (!nodes.contains(p.name())) {
            reporter.report(Diagnostic.ENERGY_UNKNOWN_NODE, p.element(), p.name(), energy.methodName(),
                String.join(", ", model.nodes().stream().map(NodeDescriptor::name).toList()));
          }
        }
        case UNSUPPORTED -> reporter.report(Diagnostic.ENERGY_PARAMETER, p.element(), p.name(),
            energy.methodName(), "has type " + p.element().asType() + ", which generated code cannot supply");
      }
    }
  }

  private static void checkNode(NodeDescriptor node, NetworkDescriptor energy, Reporter reporter) {
    if (energy.nodeParameters().stream().noneMatch(p -> p.name().equals(node.name()))) {
      reporter.report(Diagnostic.ENERGY_NODE_MISSING, node.field(), node.annotation(), node.name(),
          energy.methodName(), node.name());
    }
    if (node.family().isPresent()) {
      NodeFamily family = node.family().get();
      Set<String> units = node.isLatent() ? LATENT_UNITS : OBSERVED_UNITS;
      if (family.userDefined() || !units.contains(family.simpleName())) {
        reporter.report(Diagnostic.ENERGY_UNITS, node.field(), node.annotation(),
            node.isLatent() ? "latent" : "observed", node.name(), family.simpleName(), node.isLatent()
                ? "declare it Bernoulli: latent units sum out of the free energy as binary units"
                : "declare it Bernoulli (binary units) or Normal (real units with a quadratic energy)");
      }
    }
    if (node.given()) {
      reporter.report(Diagnostic.ENERGY_NODE_OPTION, node.field(), node.annotation(),
          AnnotationMirrors.explicitValue(node.annotation(), "given").orElse(null), "given = true", node.name(),
          "every observed node is modelled by the energy");
    }
    if (node.isGlobalLatent()) {
      reporter.report(Diagnostic.ENERGY_NODE_OPTION, node.field(), node.annotation(), node.globalValue(),
          "global = true", node.name(), "an energy's latents are per example; its parameters are its variables");
    }
    if (node.enumerate()) {
      reporter.report(Diagnostic.ENERGY_NODE_OPTION, node.field(), node.annotation(), node.enumerateValue(),
          "enumerate = true", node.name(), "the free energy sums every latent out already");
    }
  }
}
