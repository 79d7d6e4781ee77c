package dev.helmholtz.variational;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.objective.TrainingObjective;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the runtime needs to know about a model that generated code declares once: its name,
 * objective, and nodes with their event widths. The graph itself is defined by the generated
 * {@code defineInference} and {@code defineGeneration} methods.
 */
public final class ModelSpec {
  /**
   * A node: its name, whether it is latent, the number of scalars in one event, whether it is a
   * given node (observed and conditioned on, with no density of its own), whether it is an
   * enumerated latent (a Categorical summed out over its classes, which the data may observe),
   * and its event shape, of any rank ({@code [28, 28, 1]} for an image, channels last), whose
   * sizes multiply to the width. The passes keep values flat, {@code [..., width]}, and hand
   * networks {@code [n, shape...]} (see {@link dev.helmholtz.core.EventAxes}).
   */
  public record Node(String name, boolean latent, int width, boolean given, boolean enumerated, List<Integer> shape) {
    public Node {
      shape = List.copyOf(shape);
      if (shape.isEmpty() || shape.stream().anyMatch(size -> size < 1)
          || dev.helmholtz.core.EventAxes.width(shape) != width) {
        throw new IllegalArgumentException("node '" + name + "' has event shape " + shape
            + "; it needs one or more sizes, each at least 1, multiplying to its width " + width);
      }
    }

    public Node(String name, boolean latent, int width, boolean given, boolean enumerated) {
      this(name, latent, width, given, enumerated, List.of(width));
    }

    public Node(String name, boolean latent, int width) {
      this(name, latent, width, false, false);
    }

    public Node(String name, boolean latent, int width, boolean given) {
      this(name, latent, width, given, false);
    }
  }

  /**
   * A global latent ({@code @Latent(global = true)}) of a model that also has per-example
   * latents: one value for the whole data set, of {@code width} scalars, with a mean-field Normal
   * variational posterior trained with the encoders (see {@link VariationalModel#globalMeans()}).
   */
  public record Global(String name, int width) {
    public Global {
      if (width < 1) {
        throw new IllegalArgumentException("global latent '" + name + "' needs a width of at least 1, was " + width);
      }
    }
  }

  private final String modelName;
  private final ObjectiveKind objective;
  private final int samples;
  private final List<Node> nodes;
  private final double classificationWeight;
  private final List<Global> globals;

  private ModelSpec(String modelName, ObjectiveKind objective, int samples, List<Node> nodes,
      double classificationWeight, List<Global> globals) {
    this.globals = List.copyOf(globals);
    this.modelName = modelName;
    this.objective = objective;
    this.samples = samples;
    this.nodes = List.copyOf(nodes);
    this.classificationWeight = classificationWeight;
  }

  public static Builder builder(String modelName) {
    return new Builder(modelName);
  }

  public String modelName() {
    return modelName;
  }

  public ObjectiveKind objective() {
    return objective;
  }

  /** Importance samples per example in training. */
  public int samples() {
    return samples;
  }

  public List<Node> nodes() {
    return nodes;
  }

  public List<Node> observed() {
    return nodes.stream().filter(n -> !n.latent()).toList();
  }

  /** The observed nodes the model conditions on without modelling them. */
  public List<Node> given() {
    return nodes.stream().filter(Node::given).toList();
  }

  public List<Node> latents() {
    return nodes.stream().filter(Node::latent).toList();
  }

  /** The global latents, in declaration order: not among {@link #nodes()}, which are per example. */
  public List<Global> globals() {
    return globals;
  }

  /** Global latent {@code name}. */
  Global requireGlobal(String name) {
    return globals.stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow(() ->
        new IllegalArgumentException("model " + modelName + " has no global latent '" + name + "'; its global latents are "
            + globals.stream().map(Global::name).toList()));
  }

  /**
   * The enumerated latent, if the model has one: a Categorical summed out over its classes
   * where the data leaves it unobserved, and scored at its observed value where it does not.
   */
  public Optional<Node> enumerated() {
    return nodes.stream().filter(Node::enumerated).findFirst();
  }

  /**
   * The weight alpha of the classification term alpha log q(y | x) that training adds for each
   * example whose enumerated latent is observed (Kingma et al. 2014, eq. 9); 0 without one.
   */
  public double classificationWeight() {
    return classificationWeight;
  }

  /**
   * The objective that trains this model: its kind at its samples, or the ELBO summing out the
   * enumerated latent when the model has one.
   *
   * @throws IllegalArgumentException for an enumerated latent under an objective other than the
   *     single-sample ELBO
   */
  public TrainingObjective trainingObjective() {
    OptionalInt classes = enumerated().map(node -> OptionalInt.of(node.width())).orElse(OptionalInt.empty());
    return TrainingObjective.of(objective, samples, classes, classificationWeight);
  }

  public Optional<Node> node(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
  }

  Node require(String name) {
    return node(name).orElseThrow(() -> new IllegalArgumentException(
        "model " + modelName + " has no node '" + name + "'; its nodes are " + names()));
  }

  String names() {
    return String.join(", ", nodes.stream().map(Node::name).toList());
  }

  @Override
  public String toString() {
    return modelName + " " + nodes + " trained by " + objective + " (k=" + samples + ")";
  }

  /** Builds a spec; generated code is its only intended caller. */
  public static final class Builder {
    private final String modelName;
    private ObjectiveKind objective = ObjectiveKind.ELBO;
    private int samples = 1;
    private final List<Node> nodes = new ArrayList<>();
    private double classificationWeight;
    private final List<Global> globals = new ArrayList<>();

    private Builder(String modelName) {
      this.modelName = modelName;
    }

    public Builder objective(ObjectiveKind kind, int samples) {
      if (samples < 1) {
        throw new IllegalArgumentException("samples must be at least 1, was " + samples);
      }
      this.objective = kind;
      this.samples = samples;
      return this;
    }

    /** An observed node of event shape {@code shape}: {@code 784}, or {@code 28, 28, 1} for an image. */
    public Builder observed(String name, int... shape) {
      nodes.add(node(name, false, false, shape));
      return this;
    }

    /** An observed node that is conditioned on, not modelled: {@code @Observed(given = true)}. */
    public Builder given(String name, int... shape) {
      nodes.add(node(name, false, true, shape));
      return this;
    }

    /** A latent node of event shape {@code shape}. */
    public Builder latent(String name, int... shape) {
      nodes.add(node(name, true, false, shape));
      return this;
    }

    private static Node node(String name, boolean latent, boolean given, int[] shape) {
      List<Integer> sizes = java.util.Arrays.stream(shape).boxed().toList();
      if (sizes.isEmpty() || sizes.stream().anyMatch(size -> size < 1)) {
        throw new IllegalArgumentException("node '" + name + "' needs an event shape of one or more sizes, "
            + "each at least 1, was " + sizes);
      }
      return new Node(name, latent, dev.helmholtz.core.EventAxes.width(sizes), given, false, sizes);
    }

    /**
     * A Categorical latent of {@code classes} classes summed out by enumeration where the data
     * does not observe it: {@code @Latent(enumerate = true)}. {@code classificationWeight} is
     * alpha, the weight of log q(y | x) for each labelled example in training.
     *
     * @throws IllegalArgumentException for a second enumerated latent, fewer than 2 classes, or
     *     a weight that is negative or not finite
     */
    public Builder enumerated(String name, int classes, double classificationWeight) {
      if (nodes.stream().anyMatch(Node::enumerated)) {
        throw new IllegalArgumentException("model " + modelName + " already has an enumerated latent;"
            + " it can sum out only one, not also '" + name + "'");
      }
      if (classes < 2) {
        throw new IllegalArgumentException("enumerated latent '" + name + "' needs at least 2 classes, has "
            + classes);
      }
      if (!(classificationWeight >= 0) || Double.isInfinite(classificationWeight)) {
        throw new IllegalArgumentException("the classification weight of '" + name
            + "' must be finite and at least 0, was " + classificationWeight);
      }
      nodes.add(new Node(name, true, classes, false, true));
      this.classificationWeight = classificationWeight;
      return this;
    }

    /**
     * A global latent of {@code width} scalars: one value for the whole data set, inferred by a
     * mean-field Normal posterior trained with the per-example latents' encoders.
     *
     * @throws IllegalArgumentException for a name another node or global latent has
     */
    public Builder global(String name, int width) {
      if (nodes.stream().anyMatch(n -> n.name().equals(name)) || globals.stream().anyMatch(g -> g.name().equals(name))) {
        throw new IllegalArgumentException("model " + modelName + " already has a node '" + name + "'");
      }
      globals.add(new Global(name, width));
      return this;
    }

    public ModelSpec build() {
      if (!globals.isEmpty() && objective != ObjectiveKind.ELBO && objective != ObjectiveKind.IWAE) {
        throw new IllegalArgumentException("model " + modelName + " has global latents " + globals.stream()
            .map(Global::name).toList() + ", which the ELBO and IWAE train with the encoders; not " + objective);
      }
      return new ModelSpec(modelName, objective, samples, nodes, classificationWeight, globals);
    }
  }
}
