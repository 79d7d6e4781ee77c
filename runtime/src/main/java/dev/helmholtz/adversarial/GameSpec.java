package dev.helmholtz.adversarial;

import dev.helmholtz.annotations.GanLoss;
import dev.helmholtz.core.EventAxes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the runtime needs to know about a game of more than two networks ({@link GameModel}) that
 * generated code declares once: its nodes (observed data columns and noise latents), its
 * generators (translations of one observed node into another, or pushed forward from noise and
 * labels), one discriminator per judged node, an optional classifier player, the auxiliary losses
 * between them (cycle consistency, identity, classification) and the discriminator steps per
 * generator step.
 */
public final class GameSpec {
  /** A node: its name, whether it is observed (a data column) or a noise latent, and its event shape. */
  public record Node(String name, boolean observed, int width, List<Integer> shape) {
    public Node {
      shape = List.copyOf(shape);
    }
  }

  /**
   * The generator of observed node {@code target}: a translation when {@code source} is present
   * (it maps that observed node's data to {@code target}; CycleGAN's G), otherwise pushed forward
   * from noise latents and label nodes. {@code cycleWeight} weighs {@code E|F(G(source)) - source|},
   * F the generator of {@code source}; {@code identityWeight} weighs {@code E|G(target) - target|}.
   */
  public record Generator(String target, Optional<String> source, double cycleWeight, double identityWeight) {}

  /**
   * The discriminator of observed node {@code target}, also taking the observed nodes
   * {@code conditions} (a discriminator of pairs), with its loss.
   */
  public record Discriminator(String target, List<String> conditions, GanLoss loss) {
    public Discriminator {
      conditions = List.copyOf(conditions);
    }
  }

  /**
   * The classifier player p_c(target | source) of Triple-GAN: {@code target} a one-hot observed
   * label, {@code source} the observed node its discriminator judges.
   */
  public record Classifier(String target, String source, double alpha, double supervisedWeight,
      double pseudoWeight) {}

  private final String modelName;
  private final List<Node> nodes;
  private final List<Generator> generators;
  private final List<Discriminator> discriminators;
  private final Optional<Classifier> classifier;
  private final int discriminatorSteps;

  private GameSpec(Builder b) {
    this.modelName = b.modelName;
    this.nodes = List.copyOf(b.nodes);
    this.generators = List.copyOf(b.generators);
    this.discriminators = List.copyOf(b.discriminators);
    this.classifier = Optional.ofNullable(b.classifier);
    this.discriminatorSteps = b.discriminatorSteps;
  }

  public static Builder builder(String modelName) {
    return new Builder(modelName);
  }

  public String modelName() {
    return modelName;
  }

  public List<Node> nodes() {
    return nodes;
  }

  /** The data columns, in declaration order. */
  public List<Node> observed() {
    return nodes.stream().filter(Node::observed).toList();
  }

  public List<Node> latents() {
    return nodes.stream().filter(n -> !n.observed()).toList();
  }

  public List<Generator> generators() {
    return generators;
  }

  public List<Discriminator> discriminators() {
    return discriminators;
  }

  public Optional<Classifier> classifier() {
    return classifier;
  }

  /** Discriminator updates per generator (and classifier) update. */
  public int discriminatorSteps() {
    return discriminatorSteps;
  }

  public Optional<Generator> generator(String target) {
    return generators.stream().filter(g -> g.target().equals(target)).findFirst();
  }

  public Optional<Discriminator> discriminator(String target) {
    return discriminators.stream().filter(d -> d.target().equals(target)).findFirst();
  }

  Node require(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("model " + modelName + " has no node '" + name
            + "'; its nodes are " + nodes.stream().map(Node::name).toList()));
  }

  @Override
  public String toString() {
    return modelName + " " + nodes + " generators " + generators + " discriminators " + discriminators
        + classifier.map(c -> " classifier " + c).orElse("") + " (k=" + discriminatorSteps + ")";
  }

  /** Builds a spec; generated code is its only intended caller. */
  public static final class Builder {
    private final String modelName;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Generator> generators = new ArrayList<>();
    private final List<Discriminator> discriminators = new ArrayList<>();
    private Classifier classifier;
    private int discriminatorSteps = 1;

    private Builder(String modelName) {
      this.modelName = Objects.requireNonNull(modelName, "modelName");
    }

    /** An observed node (a data column) of event shape {@code shape}. */
    public Builder observed(String name, int... shape) {
      return add(name, true, shape);
    }

    /** A noise latent of event shape {@code shape}, drawn from its prior. */
    public Builder latent(String name, int... shape) {
      return add(name, false, shape);
    }

    /** The generator of {@code target} from noise and labels. */
    public Builder generator(String target) {
      generators.add(new Generator(target, Optional.empty(), 0, 0));
      return this;
    }

    /** The translation of {@code source}'s data into {@code target}, with its cycle and identity weights (each at least 0). */
    public Builder translation(String target, String source, double cycleWeight, double identityWeight) {
      requireWeight("cycle weight of the generator of '" + target + "'", cycleWeight);
      requireWeight("identity weight of the generator of '" + target + "'", identityWeight);
      generators.add(new Generator(target, Optional.of(source), cycleWeight, identityWeight));
      return this;
    }

    /** The discriminator of {@code target}, also taking {@code conditions}. */
    public Builder discriminator(String target, GanLoss loss, String... conditions) {
      if (loss == GanLoss.WASSERSTEIN_GP) {
        throw new IllegalArgumentException("a game's discriminator of '" + target + "' takes no gradient penalty;"
            + " use MINIMAX, NON_SATURATING, LEAST_SQUARES or HINGE");
      }
      discriminators.add(new Discriminator(target, Arrays.asList(conditions), Objects.requireNonNull(loss, "loss")));
      return this;
    }

    /** The classifier p_c(target | source) and its weights. */
    public Builder classifier(String target, String source, double alpha, double supervisedWeight,
        double pseudoWeight) {
      if (!(alpha >= 0 && alpha <= 1)) {
        throw new IllegalArgumentException("alpha lies in [0, 1], was " + alpha);
      }
      requireWeight("supervised weight", supervisedWeight);
      requireWeight("pseudo-discriminative weight", pseudoWeight);
      if (classifier != null) {
        throw new IllegalArgumentException("a game has one classifier; '" + classifier.target() + "' is declared");
      }
      classifier = new Classifier(target, source, alpha, supervisedWeight, pseudoWeight);
      return this;
    }

    /** Discriminator updates per generator update (at least 1). */
    public Builder steps(int discriminatorSteps) {
      if (discriminatorSteps < 1) {
        throw new IllegalArgumentException("discriminatorSteps must be at least 1, was " + discriminatorSteps);
      }
      this.discriminatorSteps = discriminatorSteps;
      return this;
    }

    private static void requireWeight(String what, double weight) {
      if (!(weight >= 0) || Double.isInfinite(weight)) {
        throw new IllegalArgumentException("the " + what + " must be finite and at least 0, was " + weight);
      }
    }

    private Builder add(String name, boolean observed, int... shape) {
      List<Integer> sizes = Arrays.stream(shape).boxed().toList();
      if (sizes.isEmpty() || sizes.stream().anyMatch(size -> size < 1)) {
        throw new IllegalArgumentException("node '" + name + "' needs a width of at least 1, was " + sizes);
      }
      if (nodes.stream().anyMatch(n -> n.name().equals(name))) {
        throw new IllegalArgumentException("node '" + name + "' is declared twice");
      }
      nodes.add(new Node(name, observed, EventAxes.width(sizes), sizes));
      return this;
    }

    /** The spec, with its names bound: every player's nodes exist, each translation's source is judged. */
    public GameSpec build() {
      GameSpec spec = new GameSpec(this);
      for (Generator g : generators) {
        requireObserved(spec, g.target());
        g.source().ifPresent(s -> requireObserved(spec, s));
        if (g.cycleWeight() > 0) {
          String source = g.source().orElseThrow(() -> new IllegalStateException(
              "the generator of '" + g.target() + "' has a cycle weight but translates no node"));
          Generator back = spec.generator(source).orElseThrow(() -> new IllegalStateException(
              "the cycle from '" + source + "' needs a generator of '" + source + "' from '" + g.target() + "'"));
          if (!back.source().equals(Optional.of(g.target()))) {
            throw new IllegalStateException("the cycle from '" + source + "' needs the generator of '" + source
                + "' to translate '" + g.target() + "'");
          }
        }
        if (g.identityWeight() > 0 && spec.require(g.target()).width() != spec.require(g.source().orElseThrow()).width()) {
          throw new IllegalStateException("the identity loss of the generator of '" + g.target()
              + "' needs '" + g.source().get() + "' and '" + g.target() + "' of one width");
        }
      }
      if (discriminators.isEmpty()) {
        throw new IllegalStateException("game " + modelName + " declares no discriminator");
      }
      for (Discriminator d : discriminators) {
        requireObserved(spec, d.target());
        d.conditions().forEach(c -> requireObserved(spec, c));
        if (spec.generator(d.target()).isEmpty()) {
          throw new IllegalStateException("the discriminator of '" + d.target() + "' judges a node no generator makes");
        }
      }
      if (classifier != null) {
        requireObserved(spec, classifier.target());
        requireObserved(spec, classifier.source());
        Discriminator pairs = spec.discriminator(classifier.source()).orElseThrow(() -> new IllegalStateException(
            "the classifier of '" + classifier.target() + "' needs a discriminator of '" + classifier.source() + "'"));
        if (!pairs.conditions().contains(classifier.target())) {
          throw new IllegalStateException("the discriminator of '" + classifier.source() + "' must take '"
              + classifier.target() + "' to judge the classifier's pairs");
        }
      }
      return spec;
    }

    private static void requireObserved(GameSpec spec, String name) {
      if (!spec.require(name).observed()) {
        throw new IllegalStateException("'" + name + "' of " + spec.modelName() + " is a latent, not an observed node");
      }
    }
  }
}
