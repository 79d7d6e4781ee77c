package dev.helmholtz.processor.model;

import java.util.List;
import java.util.Optional;

/**
 * A node's distribution family as the processor sees it: one of the runtime's ({@link Family})
 * or a class of the user's own marked {@code @Family} ({@link UserFamily}). What rules and writers
 * decide from a family (the latent's estimator, its KL, its prior, the widths of what networks
 * build it from) they ask of this type.
 */
public sealed interface NodeFamily permits Family, UserFamily {
  /** The class's simple name, for messages and the model report. */
  String simpleName();

  /** The class's canonical name. */
  String qualifiedName();

  /** Whether latents of the family take the pathwise gradient (explicit or implicit). */
  boolean reparameterized();

  /**
   * Whether the pathwise gradient comes from implicit differentiation of the CDF (Figurnov et al.
   * 2018) rather than from a differentiable transform of parameter-free noise.
   */
  boolean implicitlyReparameterized();

  /** Whether events are one-hot groups of {@code @Latent(classes)} entries. */
  boolean categorical();

  /**
   * Whether the log-density sums over the event's entries, so that an event of any rank can be
   * scored as its flat row-major vector (see {@link Family#elementwise()}).
   */
  boolean elementwise();

  /** The discrete family this one is a Concrete relaxation of, if it is one. */
  Optional<Family> relaxationOf();

  /** The Concrete relaxation of this discrete family, if the runtime has one. */
  Optional<Family> relaxation();

  /** The factories that build the family from elementwise parameters (not the priors). */
  List<Family.Factory> factories();

  /** The factory of this name taking this many arguments. */
  default Optional<Family.Factory> factory(String method, int arity) {
    return factories().stream()
        .filter(f -> f.method().equals(method) && f.parameters().size() == arity)
        .findFirst();
  }

  /** Whether the runtime computes KL(this || prior) in closed form. */
  boolean analyticKlTo(NodeFamily prior);

  /**
   * Why a latent of this family cannot go without a {@code @Generator}, when the family has no
   * standard prior; empty when it has one (the generated code then uses it).
   */
  Optional<String> noStandardPrior();

  /** Whether this is a class of the user's own, not one of the runtime's. */
  default boolean userDefined() {
    return this instanceof UserFamily;
  }
}
