package dev.helmholtz.adversarial;

import dev.helmholtz.annotations.GanLoss;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the runtime needs to know about an adversarial model that generated code declares once:
 * its noise latents, the generated (discriminated) observed node, the observed label nodes both
 * networks take, and the game's settings.
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

  private final String modelName;
  private final GanLoss loss;
  private final int discriminatorSteps;
  private final double gradientPenalty;
  private final List<Node> nodes;

  private AdversarialSpec(Builder b) {
    this.modelName = b.modelName;
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
    return modelName + " " + nodes + " trained by " + loss + " (k=" + discriminatorSteps + ")";
  }

  /** Builds a spec; generated code is its only intended caller. */
  public static final class Builder {
    private final String modelName;
    private GanLoss loss = GanLoss.NON_SATURATING;
    private int discriminatorSteps = 1;
    private double gradientPenalty = 10.0;
    private final List<Node> nodes = new ArrayList<>();

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
      if (nodes(Role.LATENT).isEmpty()) {
        throw new IllegalStateException("adversarial model " + modelName + " declares no noise latent");
      }
      return new AdversarialSpec(this);
    }
  }
}
