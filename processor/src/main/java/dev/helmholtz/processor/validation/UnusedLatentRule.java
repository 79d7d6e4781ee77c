package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NetworkDescriptor;
import dev.helmholtz.processor.model.NetworkRole;
import dev.helmholtz.processor.model.NodeDescriptor;
import dev.helmholtz.processor.model.ParameterDescriptor;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.SourceVersion;

/**
 * A latent that no {@code @Generator} takes as a parameter: the generative model never uses it, so
 * it explains nothing and the objective only drives its posterior to the prior. A warning, not an
 * error: the model is well defined, and code is generated for it.
 *
 * <p>Runs only on models that passed every error rule, so a misspelt parameter is reported once,
 * as an unbound parameter, and not a second time as the latent it failed to name.
 */
final class UnusedLatentRule implements ValidationRule {
  @Override
  public void check(ModelDescriptor model, ModelKind kind, Reporter reporter) {
    if (kind == ModelKind.ENERGY) {
      return; // no generators: an energy's node left out of it is an error (EnergyRule)
    }
    Set<String> parents = new HashSet<>();
    for (NetworkDescriptor generator : model.networks(NetworkRole.GENERATOR)) {
      generator.nodeParameters().forEach(p -> parents.add(p.name()));
    }
    for (NodeDescriptor node : model.nodes()) {
      if (node.isLatent() && !parents.contains(node.name())) {
        reporter.report(Diagnostic.UNUSED_LATENT, node.field(), node.annotation(),
            node.name(), generators(model), node.name(), fix(node));
      }
    }
  }

  /** "decode() generates x from z; generateZ() generates z from nothing", for the message. */
  private static String generators(ModelDescriptor model) {
    List<NetworkDescriptor> generators = model.networks(NetworkRole.GENERATOR);
    if (generators.isEmpty()) {
      return "the model declares no @Generator";
    }
    List<String> each = generators.stream().map(g -> {
      List<String> from = g.nodeParameters().stream().map(ParameterDescriptor::name).toList();
      return g.methodName() + "() generates " + g.target() + " from "
          + (from.isEmpty() ? "no node" : String.join(", ", from));
    }).toList();
    return String.join("; ", each);
  }

  private static String fix(NodeDescriptor node) {
    // Parameters bind nodes by name: a latent whose name is no Java identifier cannot be one.
    if (!SourceVersion.isIdentifier(node.name()) || SourceVersion.isKeyword(node.name())) {
      return "its name is not a Java identifier, so no network parameter can name it: rename it with "
          + "@Latent(name = \"...\") and add it as a parameter Operand<TFloat32> of the @Generator "
          + "of a node it should explain";
    }
    return "add a parameter Operand<TFloat32> " + node.name()
        + " to the @Generator of a node it should explain";
  }
}
