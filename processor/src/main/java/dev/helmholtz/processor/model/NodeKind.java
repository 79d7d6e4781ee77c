package dev.helmholtz.processor.model;

/** Whether a node is inferred or fed as data. */
public enum NodeKind {
  LATENT("@Latent"),
  OBSERVED("@Observed");

  private final String annotation;

  NodeKind(String annotation) {
    this.annotation = annotation;
  }

  public String annotation() {
    return annotation;
  }
}
