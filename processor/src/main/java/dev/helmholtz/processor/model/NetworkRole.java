package dev.helmholtz.processor.model;

/** What a network method defines: q(latent | ...), p(node | parents), or D(node | labels). */
public enum NetworkRole {
  ENCODER("@Encoder", "q"),
  GENERATOR("@Generator", "p"),
  /** An adversarial model's discriminator D(node | labels): a logit, not a density. */
  DISCRIMINATOR("@Discriminator", "D");

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
