package dev.helmholtz.model;

import dev.helmholtz.annotations.ObjectiveKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the runtime needs to know about a model that generated code declares once: its name,
 * objective, and nodes with their event widths. The graph itself is defined by the generated
 * {@code defineInference} and {@code defineGeneration} methods.
 */
public final class ModelSpec {
  /**
   * A node: its name, whether it is latent, the number of scalars in one event, and whether it
   * is a given node (observed and conditioned on, with no density of its own).
   */
  public record Node(String name, boolean latent, int width, boolean given) {
    public Node(String name, boolean latent, int width) {
      this(name, latent, width, false);
    }
  }

  private final String modelName;
  private final ObjectiveKind objective;
  private final int samples;
  private final List<Node> nodes;

  private ModelSpec(String modelName, ObjectiveKind objective, int samples, List<Node> nodes) {
    this.modelName = modelName;
    this.objective = objective;
    this.samples = samples;
    this.nodes = List.copyOf(nodes);
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

    public Builder observed(String name, int width) {
      nodes.add(new Node(name, false, width));
      return this;
    }

    /** An observed node that is conditioned on, not modelled: {@code @Observed(given = true)}. */
    public Builder given(String name, int width) {
      nodes.add(new Node(name, false, width, true));
      return this;
    }

    public Builder latent(String name, int width) {
      nodes.add(new Node(name, true, width));
      return this;
    }

    public ModelSpec build() {
      return new ModelSpec(modelName, objective, samples, nodes);
    }
  }
}
