package dev.helmholtz.energy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the runtime needs to know about an energy-based model that generated code declares once:
 * its nodes (observed or latent, their units and widths), and how contrastive divergence trains
 * it: the Gibbs sweeps per update and the number of persistent chains (0: each update's chains
 * start at the data, CD-k; more: persistent CD).
 */
public final class EnergySpec {
  /** A node: its name, whether it is observed, its units and the number of scalars in one event. */
  public record Node(String name, boolean observed, Units units, int width) {}

  private final String modelName;
  private final int gibbsSteps;
  private final int persistentChains;
  private final boolean meanReconstruction;
  private final List<Node> nodes;

  private EnergySpec(Builder b) {
    this.modelName = b.modelName;
    this.gibbsSteps = b.gibbsSteps;
    this.persistentChains = b.persistentChains;
    this.meanReconstruction = b.meanReconstruction;
    this.nodes = List.copyOf(b.nodes);
  }

  /** A builder for the model {@code modelName}; generated code is its only intended caller. */
  public static Builder builder(String modelName) {
    return new Builder(modelName);
  }

  /** The model's name: its class's qualified name. */
  public String modelName() {
    return modelName;
  }

  /** Block-Gibbs sweeps of the negative phase per update: the k of CD-k. */
  public int gibbsSteps() {
    return gibbsSteps;
  }

  /** Persistent chains (Tieleman 2008); 0 when each update's chains start at the data. */
  public int persistentChains() {
    return persistentChains;
  }

  /**
   * Whether the negative statistics take the last sweep's Bernoulli observed units at their
   * conditional means instead of their draws (Hinton's practical guide, 2010); the chains run on draws.
   */
  public boolean meanReconstruction() {
    return meanReconstruction;
  }

  /** Whether the negative phase runs persistent chains. */
  public boolean persistent() {
    return persistentChains > 0;
  }

  /** Every node, in declaration order. */
  public List<Node> nodes() {
    return nodes;
  }

  /** The observed nodes: the data columns. */
  public List<Node> observed() {
    return nodes.stream().filter(Node::observed).toList();
  }

  /** The latent nodes, summed out of the free energy. */
  public List<Node> latents() {
    return nodes.stream().filter(n -> !n.observed()).toList();
  }

  /** The node named {@code name}, if there is one. */
  public Optional<Node> node(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
  }

  Node require(String name) {
    return node(name).orElseThrow(() -> new IllegalArgumentException("model " + modelName
        + " has no node '" + name + "'; its nodes are " + nodes.stream().map(Node::name).toList()));
  }

  @Override
  public String toString() {
    return modelName + " " + nodes + (persistent() ? " trained by PCD-" + gibbsSteps + " with "
        + persistentChains + " chains" : " trained by CD-" + gibbsSteps)
        + (meanReconstruction ? ", mean reconstruction" : "");
  }

  /** Builds a spec; generated code is its only intended caller. */
  public static final class Builder {
    private final String modelName;
    private int gibbsSteps = 1;
    private int persistentChains;
    private boolean meanReconstruction;
    private final List<Node> nodes = new ArrayList<>();

    private Builder(String modelName) {
      this.modelName = Objects.requireNonNull(modelName, "modelName");
    }

    /** Gibbs sweeps per update (at least 1) and persistent chains (0 for CD-k, else PCD). */
    public Builder contrastiveDivergence(int gibbsSteps, int persistentChains) {
      if (gibbsSteps < 1) {
        throw new IllegalArgumentException("gibbsSteps must be at least 1, was " + gibbsSteps);
      }
      if (persistentChains < 0) {
        throw new IllegalArgumentException("persistentChains must be at least 0, was " + persistentChains);
      }
      this.gibbsSteps = gibbsSteps;
      this.persistentChains = persistentChains;
      return this;
    }

    /** The negative statistics take the last sweep's Bernoulli observed units at their means, not their draws. */
    public Builder meanReconstruction() {
      this.meanReconstruction = true;
      return this;
    }

    /** An observed node: a data column. */
    public Builder observed(String name, Units units, int width) {
      return add(new Node(name, true, units, width));
    }

    /** A latent node; it must have {@link Units#BERNOULLI} units, so that it sums out of the free energy. */
    public Builder latent(String name, Units units, int width) {
      if (units != Units.BERNOULLI) {
        throw new IllegalArgumentException("latent node '" + name + "' has " + units + " units; the free energy"
            + " sums out Bernoulli latents only");
      }
      return add(new Node(name, false, units, width));
    }

    private Builder add(Node node) {
      Objects.requireNonNull(node.units(), "units");
      if (node.width() < 1) {
        throw new IllegalArgumentException("node '" + node.name() + "' needs a width of at least 1, was "
            + node.width());
      }
      if (nodes.stream().anyMatch(n -> n.name().equals(node.name()))) {
        throw new IllegalArgumentException("node '" + node.name() + "' is declared twice");
      }
      nodes.add(node);
      return this;
    }

    /** The spec. @throws IllegalStateException without an observed or without a latent node */
    public EnergySpec build() {
      if (nodes.stream().noneMatch(Node::observed)) {
        throw new IllegalStateException("energy model " + modelName + " declares no observed node");
      }
      if (nodes.stream().allMatch(Node::observed)) {
        throw new IllegalStateException("energy model " + modelName + " declares no latent node");
      }
      return new EnergySpec(this);
    }
  }
}
