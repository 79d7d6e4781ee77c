package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NodeDescriptor;
import dev.helmholtz.processor.model.NetworkRole;
import java.util.List;

/**
 * What kind of model a {@code @Model} class is, decided once from what it declares: the kind
 * selects the rules that validate it and the writer that generates it.
 */
public enum ModelKind {
  /**
   * Per-example latents inferred by encoders and trained by the model's {@code @Objective}; global
   * latents beside them get a mean-field Normal posterior trained in the same objective, their KL
   * shared 1 / N per example (Bayes by backprop).
   */
  VARIATIONAL(List.of(new ModelClassRule(), new NodeRule(), new NetworkRule(), new FlowRule(), new ShapeRule(),
      new CoverageRule(), new EnumerationRule(), new MutualInformationRule(), new GlobalLatentRule())),
  /**
   * A {@code @Discriminator} makes it a two-player game, in place of its {@code @Objective}; a
   * {@code @MomentMatching} generator, its one-player case, where a kernel two-sample loss takes
   * the discriminator's place. Global latents and enumeration have no place in it: their rules
   * run to say so.
   */
  ADVERSARIAL(List.of(new ModelClassRule(), new NodeRule(), new NetworkRule(), new FlowRule(), new ShapeRule(),
      new AdversarialRule(), new MomentMatchingRule(), new MutualInformationRule(), new EnumerationRule(),
      new GlobalLatentRule(), new EncoderGameRule(), new GameRule())),
  /**
   * Global latents ({@code @Latent(global = true)}) and no per-example latent: a posterior over
   * model parameters given the whole data set, sampled by HMC or fitted by VI.
   */
  BAYESIAN(List.of(new ModelClassRule(), new NodeRule(), new NetworkRule(), new FlowRule(), new ShapeRule(),
      new CoverageRule(), new EnumerationRule(), new GlobalLatentRule(), new MutualInformationRule())),
  /**
   * An {@code @Energy} method: an undirected model p(x) = exp(-E(x)) / Z over its nodes, trained by
   * contrastive divergence. Its own rule checks the nodes' units and the energy's parameters; the
   * directed models' networks and objective have no place in it.
   */
  ENERGY(List.of(new ModelClassRule(), new NodeRule(), new EnergyRule(), new MutualInformationRule()));

  private final List<ValidationRule> rules;

  ModelKind(List<ValidationRule> rules) {
    this.rules = rules;
  }

  /**
   * The kind of a model as read: an energy makes it energy-based, else a discriminator or a
   * moment-matching generator adversarial, else global latents without per-example ones Bayesian.
   */
  public static ModelKind of(ModelDescriptor model) {
    if (!model.networks(NetworkRole.ENERGY).isEmpty()) {
      return ENERGY;
    }
    if (!model.networks(NetworkRole.DISCRIMINATOR).isEmpty() || !model.momentMatching().isEmpty()) {
      return ADVERSARIAL;
    }
    boolean perExample = model.nodes().stream().anyMatch(NodeDescriptor::isLocalLatent);
    return model.globalLatents().isEmpty() || perExample ? VARIATIONAL : BAYESIAN;
  }

  /** The error rules of this kind, in the order they run. */
  List<ValidationRule> rules() {
    return rules;
  }

  /** Whether encoders infer per-example latents: only then is there an inference order to report. */
  public boolean infersPerExample() {
    return this == VARIATIONAL;
  }
}
