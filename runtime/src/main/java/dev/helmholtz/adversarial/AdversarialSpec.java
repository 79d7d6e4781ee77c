package dev.helmholtz.adversarial;

import dev.helmholtz.annotations.GanLoss;
import dev.helmholtz.objective.MaximumMeanDiscrepancy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the runtime needs to know about an adversarial model that generated code declares once:
 * its noise latents, the generated (discriminated) observed node, the observed label nodes both
 * networks take, and the game's settings: a discriminator's loss and steps, or, for a
 * moment-matching model, the kernel that takes the discriminator's place.
 */
public final class AdversarialSpec {
  /**
   * A node: its name, its role, the number of scalars in one event, and its event shape, of any
   * rank ({@code [28, 28, 1]} for an image, channels last), whose sizes multiply to the width.
   * Values are kept flat, {@code [n, width]}; networks see {@code [n, shape...]}.
   */
  public record Node(String name, Role role, int width, List<Integer> shape) {
    public Node {
      shape = List.copyOf(shape);
    }

    public Node(String name, Role role, int width) {
      this(name, role, width, List.of(width));
    }
  }

  /** What a node is to the game. */
  public enum Role {
    /** Noise drawn from its prior. */
    LATENT,
    /** The observed node the generator produces and the discriminator judges. */
    GENERATED,
    /** An observed node both networks are conditioned on (a conditional GAN's label). */
    LABEL
  }

  /**
   * How an encoder plays in the game, for a model with one ({@link #encoderGame()}): it infers the
   * encoded latent ({@link #encodedLatent()}) from the generated node's data.
   */
  public enum EncoderGame {
    /**
     * ALI / BiGAN (Dumoulin et al. 2016; Donahue et al. 2016): the discriminator judges (x, z)
     * pairs, real (x, E(x)) against generated (G(z), z); the encoder trains with the generator,
     * one optimizer over both, against it.
     */
    BIDIRECTIONAL,
    /**
     * The adversarial autoencoder (Makhzani et al. 2015): the generator is a decoder p(x | z)
     * trained with the encoder on reconstruction; the discriminator judges the latent, prior
     * draws (real) against the encoder's draws (fake), and the encoder alone is its adversary.
     */
    AUTOENCODER
  }

  private final String modelName;
  private final GanLoss loss;
  private final int discriminatorSteps;
  private final double gradientPenalty;
  private final List<Node> nodes;
  private final double[] kernelBandwidths;
  private final Map<String, Double> informationCodes;
  private final EncoderGame encoderGame;
  private final String encodedLatent;

  private AdversarialSpec(Builder b) {
    this.encoderGame = b.encoderGame;
    this.encodedLatent = b.encodedLatent;
    this.modelName = b.modelName;
    this.informationCodes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(b.informationCodes));
    this.kernelBandwidths = b.kernelBandwidths;
    this.loss = b.loss;
    this.discriminatorSteps = b.discriminatorSteps;
    this.gradientPenalty = b.gradientPenalty;
    this.nodes = List.copyOf(b.nodes);
  }

  public static Builder builder(String modelName) {
    return new Builder(modelName);
  }

  public String modelName() {
    return modelName;
  }

  public GanLoss loss() {
    return loss;
  }

  /**
   * Whether a discriminator judges the generated node; false for a moment-matching model, whose
   * generator minimizes a kernel two-sample statistic instead ({@link #momentMatching()}).
   */
  public boolean hasDiscriminator() {
    return kernelBandwidths == null;
  }

  /**
   * The kernel two-sample loss of a moment-matching model (a mixture of Gaussian kernels of the
   * declared bandwidths); empty for a model with a discriminator.
   */
  public Optional<MaximumMeanDiscrepancy> momentMatching() {
    return kernelBandwidths == null ? Optional.empty()
        : Optional.of(MaximumMeanDiscrepancy.gaussianMixture(kernelBandwidths));
  }

  /**
   * InfoGAN's codes (Chen et al. 2016): each latent whose mutual information with the generated
   * node both players maximize through a Q head, with the bound's weight lambda; empty for a
   * plain GAN. Ordered as declared.
   */
  public Map<String, Double> informationCodes() {
    return informationCodes;
  }

  /** How the encoder plays, for ALI/BiGAN and the adversarial autoencoder; empty for a model without one. */
  public Optional<EncoderGame> encoderGame() {
    return Optional.ofNullable(encoderGame);
  }

  /** The latent the encoder infers from the generated node's data; null without an encoder game. */
  public String encodedLatent() {
    return encodedLatent;
  }

  /** Discriminator updates per generator update by default. */
  public int discriminatorSteps() {
    return discriminatorSteps;
  }

  /** The gradient penalty's weight; used by {@link GanLoss#WASSERSTEIN_GP} only. */
  public double gradientPenalty() {
    return gradientPenalty;
  }

  public List<Node> nodes() {
    return nodes;
  }

  public List<Node> nodes(Role role) {
    return nodes.stream().filter(n -> n.role() == role).toList();
  }

  /** The generated node. */
  public Node generated() {
    return nodes(Role.GENERATED).get(0);
  }

  /** The data columns: the generated node, then the labels. */
  public List<Node> observed() {
    List<Node> out = new ArrayList<>(nodes(Role.GENERATED));
    out.addAll(nodes(Role.LABEL));
    return out;
  }

  public Optional<Node> node(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
  }

  Node require(String name) {
    return node(name).orElseThrow(() -> new IllegalArgumentException("model " + modelName
        + " has no node '" + name + "'; its nodes are " + nodes.stream().map(Node::name).toList()));
  }

  @Override
  public String toString() {
    return modelName + " " + nodes + " trained by " + (hasDiscriminator()
        ? loss + " (k=" + discriminatorSteps + ")" : "MMD with bandwidths " + java.util.Arrays.toString(kernelBandwidths));
  }

  /** Builds a spec; generated code is its only intended caller. */
  public static final class Builder {
    private final String modelName;
    private GanLoss loss = GanLoss.NON_SATURATING;
    private int discriminatorSteps = 1;
    private double gradientPenalty = 10.0;
    private final List<Node> nodes = new ArrayList<>();
    private double[] kernelBandwidths;
    private final Map<String, Double> informationCodes = new java.util.LinkedHashMap<>();
    private EncoderGame encoderGame;
    private String encodedLatent;

    private Builder(String modelName) {
      this.modelName = Objects.requireNonNull(modelName, "modelName");
    }

    /** The loss, discriminator steps per generator step (at least 1) and penalty weight (at least 0). */
    public Builder game(GanLoss loss, int discriminatorSteps, double gradientPenalty) {
      if (discriminatorSteps < 1) {
        throw new IllegalArgumentException("discriminatorSteps must be at least 1, was " + discriminatorSteps);
      }
      if (!(gradientPenalty >= 0) || Double.isInfinite(gradientPenalty)) {
        throw new IllegalArgumentException("gradientPenalty must be finite and at least 0, was " + gradientPenalty);
      }
      this.loss = Objects.requireNonNull(loss, "loss");
      this.discriminatorSteps = discriminatorSteps;
      this.gradientPenalty = gradientPenalty;
      return this;
    }

    /**
     * No discriminator: the generator minimizes the squared maximum mean discrepancy between
     * data and generated batches under a mixture of Gaussian kernels of these bandwidths (each
     * finite and positive).
     */
    public Builder momentMatching(double... bandwidths) {
      this.kernelBandwidths = MaximumMeanDiscrepancy.gaussianMixture(bandwidths).bandwidths();
      return this;
    }

    /**
     * Latent {@code code} is an InfoGAN code: the generator and the discriminator's side (which
     * trains the Q head) both add {@code weight} times the variational bound on I(code; x) to
     * their objectives. {@code weight} is finite and positive.
     */
    public Builder mutualInformation(String code, double weight) {
      if (!(weight > 0) || Double.isInfinite(weight)) {
        throw new IllegalArgumentException("the weight of the information bound on '" + code
            + "' must be finite and positive, was " + weight);
      }
      if (informationCodes.put(Objects.requireNonNull(code, "code"), weight) != null) {
        throw new IllegalArgumentException("code '" + code + "' is declared twice");
      }
      return this;
    }

    /**
     * ALI / BiGAN: an encoder infers latent {@code latent} from the generated node, and the
     * discriminator judges (x, {@code latent}) pairs.
     */
    public Builder bidirectional(String latent) {
      return encoderGame(EncoderGame.BIDIRECTIONAL, latent);
    }

    /**
     * The adversarial autoencoder: an encoder infers latent {@code latent} from the generated
     * node, the generator is the decoder p(x | latent), and the discriminator judges {@code latent}.
     */
    public Builder adversarialAutoencoder(String latent) {
      return encoderGame(EncoderGame.AUTOENCODER, latent);
    }

    private Builder encoderGame(EncoderGame game, String latent) {
      if (encoderGame != null) {
        throw new IllegalArgumentException("the encoder game is already " + encoderGame + " of '" + encodedLatent
            + "'; a model has one");
      }
      this.encoderGame = game;
      this.encodedLatent = Objects.requireNonNull(latent, "latent");
      return this;
    }

    /** A noise latent of event shape {@code shape}. */
    public Builder latent(String name, int... shape) {
      return add(name, Role.LATENT, shape);
    }

    /** The generated node, of event shape {@code shape}: {@code 784}, or {@code 28, 28, 1}. */
    public Builder generated(String name, int... shape) {
      if (!nodes(Role.GENERATED).isEmpty()) {
        throw new IllegalArgumentException("an adversarial model generates one observed node; "
            + nodes(Role.GENERATED).get(0).name() + " is already declared, " + name + " is a second");
      }
      return add(name, Role.GENERATED, shape);
    }

    /** An observed label node of event shape {@code shape}, which both networks take. */
    public Builder label(String name, int... shape) {
      return add(name, Role.LABEL, shape);
    }

    private List<Node> nodes(Role role) {
      return nodes.stream().filter(n -> n.role() == role).toList();
    }

    private Builder add(String name, Role role, int... shape) {
      List<Integer> sizes = java.util.Arrays.stream(shape).boxed().toList();
      if (sizes.isEmpty() || sizes.stream().anyMatch(size -> size < 1)) {
        throw new IllegalArgumentException("node '" + name + "' needs a width of at least 1, was "
            + (sizes.size() == 1 ? sizes.get(0) : sizes));
      }
      int width = dev.helmholtz.core.EventAxes.width(sizes);
      if (nodes.stream().anyMatch(n -> n.name().equals(name))) {
        throw new IllegalArgumentException("node '" + name + "' is declared twice");
      }
      nodes.add(new Node(name, role, width, sizes));
      return this;
    }

    public AdversarialSpec build() {
      if (nodes(Role.GENERATED).isEmpty()) {
        throw new IllegalStateException("adversarial model " + modelName + " declares no generated node");
      }
      for (String code : informationCodes.keySet()) {
        if (nodes(Role.LATENT).stream().noneMatch(n -> n.name().equals(code))) {
          throw new IllegalStateException("the information code '" + code + "' of " + modelName
              + " is no latent of it");
        }
      }
      if (kernelBandwidths != null && !informationCodes.isEmpty()) {
        throw new IllegalStateException(modelName + ": an information code needs a discriminator for its Q head");
      }
      if (nodes(Role.LATENT).isEmpty()) {
        throw new IllegalStateException("adversarial model " + modelName + " declares no noise latent");
      }
      if (encoderGame != null) {
        checkEncoderGame();
      }
      return new AdversarialSpec(this);
    }

    /** What the runtime's encoder games support: one latent, no labels, codes or kernel, no WGAN-GP. */
    private void checkEncoderGame() {
      String game = encoderGame + " model " + modelName;
      if (nodes(Role.LATENT).stream().noneMatch(n -> n.name().equals(encodedLatent))) {
        throw new IllegalStateException("the encoded node '" + encodedLatent + "' of " + game + " is no latent of it");
      }
      if (nodes(Role.LATENT).size() != 1) {
        throw new IllegalStateException(game + " has latents " + nodes(Role.LATENT).stream().map(Node::name).toList()
            + "; an encoder game encodes the generator's one latent");
      }
      if (!nodes(Role.LABEL).isEmpty() || !informationCodes.isEmpty() || kernelBandwidths != null) {
        throw new IllegalStateException(game + " takes no labels, information codes or kernel");
      }
      if (loss == GanLoss.WASSERSTEIN_GP) {
        throw new IllegalStateException(game + ": WASSERSTEIN_GP's penalty is on one node's examples;"
            + " use another loss");
      }
    }
  }
}
