package dev.helmholtz.processor.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * The distribution families the processor knows, by the runtime class that implements each.
 * What is decided at compile time from a family (reparameterizable or not, which KL divergences
 * are analytic) must agree with the runtime; {@code FamilyCatalogConsistencyTest} checks it.
 */
public enum Family {
  NORMAL("dev.helmholtz.dist", "Normal", true),
  BERNOULLI("dev.helmholtz.dist", "Bernoulli", false);

  private final String packageName;
  private final String simpleName;
  private final boolean reparameterized;

  Family(String packageName, String simpleName, boolean reparameterized) {
    this.packageName = packageName;
    this.simpleName = simpleName;
    this.reparameterized = reparameterized;
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
