package dev.helmholtz.processor.model;

/** What a network method defines: q(latent | ...), p(node | parents), D(node | labels), or E(nodes). */
public enum NetworkRole {
  ENCODER("@Encoder", "q"),
  GENERATOR("@Generator", "p"),
  /** An adversarial model's discriminator D(node | labels): a logit, not a density. */
  DISCRIMINATOR("@Discriminator", "D"),
  /** An energy-based model's energy E(nodes): a value per configuration, not a density. */
  ENERGY("@Energy", "E");

  private final String annotation;
  private final String density;

  NetworkRole(String annotation, String density) {
    this.annotation = annotation;
    this.density = density;
  }

  public String annotation() {
    return annotation;
  }

  /** "q" or "p", for messages and reports. */
  public String density() {
    return density;
  }
}
