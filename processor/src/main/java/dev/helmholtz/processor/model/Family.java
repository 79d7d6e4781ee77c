package dev.helmholtz.processor.model;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The distribution families the processor knows, by the runtime class that implements each.
 * What is decided at compile time from a family (reparameterizable or not, which KL divergences
 * are analytic) must agree with the runtime; {@code FamilyCatalogConsistencyTest} checks it.
 */
public enum Family {
  NORMAL("dev.helmholtz.dist", "Normal", true,
      new Factory("meanLogStd", "mean", "logStd"), new Factory("meanScale", "mean", "scale")),
  BERNOULLI("dev.helmholtz.dist", "Bernoulli", false,
      new Factory("logits", "logits"), new Factory("probs", "probs"));

  /**
   * A static factory of the runtime class whose parameters are all elementwise tensors: the
   * distribution's event shape is theirs, broadcast against each other.
   */
  public record Factory(String method, List<String> parameters) {
    Factory(String method, String... parameters) {
      this(method, List.of(parameters));
    }
  }

  private final String packageName;
  private final String simpleName;
  private final boolean reparameterized;
  private final List<Factory> factories;

  Family(String packageName, String simpleName, boolean reparameterized, Factory... factories) {
    this.packageName = packageName;
    this.simpleName = simpleName;
    this.reparameterized = reparameterized;
    this.factories = List.of(factories);
  }

  /** The factories that build the family from elementwise parameters (not the priors). */
  public List<Factory> factories() {
    return factories;
  }

  /** The factory of this name taking this many arguments. */
  public Optional<Factory> factory(String method, int arity) {
    return factories.stream()
        .filter(f -> f.method().equals(method) && f.parameters().size() == arity)
        .findFirst();
  }

  public String packageName() {
    return packageName;
  }

  public String simpleName() {
    return simpleName;
  }

  public String qualifiedName() {
    return packageName + "." + simpleName;
  }

  /** Whether the runtime family draws reparameterized samples (gradients pass through them). */
  public boolean reparameterized() {
    return reparameterized;
  }

  /** Whether the runtime registers an analytic KL(this || prior). */
  public boolean hasAnalyticKlTo(Family prior) {
    return this == prior;
  }

  public static Optional<Family> forQualifiedName(String name) {
    return Arrays.stream(values()).filter(f -> f.qualifiedName().equals(name)).findFirst();
  }

  /** The family names, for messages: "Normal, Bernoulli". */
  public static String knownNames() {
    return String.join(", ", Arrays.stream(values()).map(Family::simpleName).toList());
  }
}
