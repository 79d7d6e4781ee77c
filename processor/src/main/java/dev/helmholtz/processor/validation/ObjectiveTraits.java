package dev.helmholtz.processor.validation;

import dev.helmholtz.annotations.ObjectiveKind;
import java.util.Set;

/**
 * What each training objective allows, in one table: every rule and the model report read an
 * objective's capabilities here instead of branching on {@link ObjectiveKind}. A new objective
 * is one row (a test checks that every kind has one).
 *
 * <p>Columns: the samples per example it accepts, how it differentiates through latent samples
 * (and so which discrete latents it trains), the objective that trains the discrete counterpart
 * of a relaxed latent with the same bound, and what else it allows: Concrete relaxations, a
 * latent summed out by enumeration, training through the ELBO's KL term (the others use log
 * importance weights).
 */
public enum ObjectiveTraits {
  // kind, samples per example, gradients through samples, discrete counterpart, what else it allows
  ELBO(ObjectiveKind.ELBO, SampleCount.any(), SampleGradients.PATHWISE, ObjectiveKind.NVIL,
      Allows.RELAXATIONS, Allows.ENUMERATION, Allows.KL_TERM),
  IWAE(ObjectiveKind.IWAE, SampleCount.any(), SampleGradients.PATHWISE, ObjectiveKind.VIMCO),
  NVIL(ObjectiveKind.NVIL,
      SampleCount.exactlyOne("is a single-sample estimator; use VIMCO for a multi-sample score-function objective"),
      SampleGradients.PATHWISE_OR_SCORE_FUNCTION, ObjectiveKind.NVIL),
  VIMCO(ObjectiveKind.VIMCO,
      SampleCount.atLeastTwo("needs at least 2 samples per example: each sample's baseline is the bound of the others"),
      SampleGradients.PATHWISE_OR_SCORE_FUNCTION, ObjectiveKind.VIMCO),
  WAKE_SLEEP(ObjectiveKind.WAKE_SLEEP,
      SampleCount.exactlyOne("draws one sample per example; use REWEIGHTED_WAKE_SLEEP to weight several"),
      SampleGradients.NONE, ObjectiveKind.WAKE_SLEEP, Allows.RELAXATIONS, Allows.DREAMS),
  REWEIGHTED_WAKE_SLEEP(ObjectiveKind.REWEIGHTED_WAKE_SLEEP, SampleCount.any(), SampleGradients.NONE,
      ObjectiveKind.REWEIGHTED_WAKE_SLEEP, Allows.RELAXATIONS, Allows.DREAMS),
  ADAPTIVE_IMPORTANCE_SAMPLING(ObjectiveKind.ADAPTIVE_IMPORTANCE_SAMPLING,
      SampleCount.atLeastTwo("needs at least 2 samples per example: one sample's self-normalized weight is 1,"
          + " and its proposal gradient is noise"),
      SampleGradients.NONE, ObjectiveKind.ADAPTIVE_IMPORTANCE_SAMPLING, Allows.RELAXATIONS, Allows.CLAMPED_LABELS);

  /** What an objective may allow beyond its samples and gradients. */
  private enum Allows {
    /** Concrete relaxations (RelaxedBernoulli, RelaxedOneHotCategorical). */
    RELAXATIONS,
    /** A latent summed out by enumeration of its classes (with one sample). */
    ENUMERATION,
    /** Training through each latent's KL term, rather than through log importance weights. */
    KL_TERM,
    /** A sleep phase: values dreamed from p, scored under q. */
    DREAMS,
    /**
     * An enumerate = true latent drawn from q where unlabelled and clamped to the label where
     * labelled, with any number of samples (adaptive importance sampling).
     */
    CLAMPED_LABELS
  }

  /** How an objective's gradient reaches the encoders through a latent's samples. */
  public enum SampleGradients {
    /** Pathwise only: every sampled latent must be reparameterized (ELBO, IWAE). */
    PATHWISE,
    /** Pathwise where the family reparameterizes, score function (with baselines) elsewhere. */
    PATHWISE_OR_SCORE_FUNCTION,
    /** No gradient through any sample: wake-sleep fits q to samples of p instead. */
    NONE
  }

  /**
   * The samples per example an objective accepts, and why when it accepts fewer than all k &ge; 1.
   *
   * @param min the fewest samples per example
   * @param max the most samples per example
   * @param why the message's end when k is at least 1 but outside [min, max]
   */
  public record SampleCount(int min, int max, String why) {
    static SampleCount any() {
      return new SampleCount(1, Integer.MAX_VALUE, null);
    }

    static SampleCount exactlyOne(String why) {
      return new SampleCount(1, 1, why);
    }

    static SampleCount atLeastTwo(String why) {
      return new SampleCount(2, Integer.MAX_VALUE, why);
    }

    /** What is wrong with k samples per example, or null when nothing is. */
    public String problem(int samples) {
      if (samples < 1) {
        return "needs at least 1 sample per example";
      }
      return samples < min || samples > max ? why : null;
    }
  }

  private final ObjectiveKind kind;
  private final SampleCount samples;
  private final SampleGradients sampleGradients;
  private final ObjectiveKind discreteCounterpart;
  private final Set<Allows> allows;

  ObjectiveTraits(ObjectiveKind kind, SampleCount samples, SampleGradients sampleGradients,
      ObjectiveKind discreteCounterpart, Allows... allows) {
    this.kind = kind;
    this.samples = samples;
    this.sampleGradients = sampleGradients;
    this.discreteCounterpart = discreteCounterpart;
    this.allows = Set.of(allows);
  }

  /** The row of an objective. */
  public static ObjectiveTraits of(ObjectiveKind kind) {
    for (ObjectiveTraits row : values()) {
      if (row.kind == kind) {
        return row;
      }
    }
    throw new IllegalArgumentException("no traits for objective " + kind);
  }

  public ObjectiveKind kind() {
    return kind;
  }

  /** The samples per example it accepts. */
  public SampleCount samples() {
    return samples;
  }

  public SampleGradients sampleGradients() {
    return sampleGradients;
  }

  /** Whether every sampled latent must have a reparameterized sampler. */
  public boolean needsReparameterizedLatents() {
    return sampleGradients == SampleGradients.PATHWISE;
  }

  /** Whether training differentiates through latent samples at all (wake-sleep does not). */
  public boolean differentiatesSamples() {
    return sampleGradients != SampleGradients.NONE;
  }

  /**
   * Whether it trains a Concrete relaxation (RelaxedBernoulli, RelaxedOneHotCategorical): the
   * objectives that weigh samples by their densities cannot, since a relaxed sample has none
   * of its discrete latent.
   */
  public boolean trainsRelaxations() {
    return allows.contains(Allows.RELAXATIONS);
  }

  /** Whether a latent may be summed out by enumeration of its classes (with one sample). */
  public boolean enumerates() {
    return allows.contains(Allows.ENUMERATION);
  }

  /**
   * Whether an {@code enumerate = true} latent is drawn from q where the data leaves it unlabelled
   * and clamped to the label where labelled, instead of summed out, at any sample count.
   */
  public boolean clampsLabels() {
    return allows.contains(Allows.CLAMPED_LABELS);
  }

  /** Whether training goes through each latent's KL term; the others use log importance weights. */
  public boolean trainsThroughKl() {
    return allows.contains(Allows.KL_TERM);
  }

  /** Whether it has a sleep phase, scoring values dreamed from p under q (the wake-sleep pair). */
  public boolean dreams() {
    return allows.contains(Allows.DREAMS);
  }

  /**
   * The objective that trains the discrete latent a relaxed latent relaxes with score-function
   * gradients of the same bound: VIMCO for IWAE, NVIL for the ELBO.
   */
  public ObjectiveKind discreteCounterpart() {
    return discreteCounterpart;
  }
}
