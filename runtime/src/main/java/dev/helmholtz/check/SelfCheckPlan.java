package dev.helmholtz.check;

import java.util.ArrayList;
import java.util.List;

/**
 * What the processor knows of a model when it compiles it, handed to the runtime's self-check by
 * the generated {@code selfCheck()}: which latents' KL terms it decided are analytic, which latents
 * get score-function gradients, and which of those are small discrete families the check may sum
 * out exactly (Bernoulli, Categorical). The self-check compares what the graph does with this (a
 * {@code structure} row) and picks its checks from it.
 *
 * @param analyticKl the latents whose KL term is analytic
 * @param scoreFunction the latents trained by a score-function estimator
 * @param enumerable the latents of a discrete family that enumeration can sum out
 */
public record SelfCheckPlan(List<String> analyticKl, List<String> scoreFunction, List<String> enumerable) {
  public SelfCheckPlan {
    analyticKl = List.copyOf(analyticKl);
    scoreFunction = List.copyOf(scoreFunction);
    enumerable = List.copyOf(enumerable);
  }

  /** A plan with nothing declared: what a hand-written model without generated code gets. */
  public static SelfCheckPlan none() {
    return new SelfCheckPlan(List.of(), List.of(), List.of());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Collects a plan, one node at a time, as generated code states it. */
  public static final class Builder {
    private final List<String> analyticKl = new ArrayList<>();
    private final List<String> scoreFunction = new ArrayList<>();
    private final List<String> enumerable = new ArrayList<>();

    private Builder() {}

    /** Latent {@code name}'s KL term is analytic. */
    public Builder analyticKl(String name) {
      analyticKl.add(name);
      return this;
    }

    /** Latent {@code name} is trained by a score-function estimator. */
    public Builder scoreFunction(String name) {
      scoreFunction.add(name);
      return this;
    }

    /** Latent {@code name} is of a discrete family that enumeration can sum out. */
    public Builder enumerable(String name) {
      enumerable.add(name);
      return this;
    }

    public SelfCheckPlan build() {
      return new SelfCheckPlan(analyticKl, scoreFunction, enumerable);
    }
  }
}
