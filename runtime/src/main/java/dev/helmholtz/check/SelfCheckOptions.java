package dev.helmholtz.check;

/**
 * How much work a self-check does: the examples it checks on, the gradient entries it compares
 * with finite differences, and the draws behind its Monte Carlo figures. {@link #defaults()} takes
 * a few seconds on a small model; {@link #quick()} is sized for a unit test.
 *
 * @param examples rows of the data the checks run on (the first ones of the data given)
 * @param entriesPerVariable single entries of each trainable variable compared with finite
 *     differences, besides one random direction over the whole variable
 * @param klDraws Monte Carlo draws per example behind each analytic KL's estimate
 * @param boundSamples the importance samples per example behind the bound ordering: the ELBO, the
 *     IWAE bounds at k and k' (groups of the draws) and the log-likelihood estimate at this many
 * @param scoreFunctionRuns independent runs of the score-function estimator averaged for its mean
 *     gradient, each over {@code scoreFunctionCopies} copies of every example
 * @param scoreFunctionCopies copies of each example per run
 * @param seed the seed of the check's own draws
 */
public record SelfCheckOptions(int examples, int entriesPerVariable, int klDraws, int boundSamples,
    int scoreFunctionRuns, int scoreFunctionCopies, long seed) {
  public SelfCheckOptions {
    if (examples < 1 || entriesPerVariable < 0 || klDraws < 2 || boundSamples < 100
        || scoreFunctionRuns < 2 || scoreFunctionCopies < 1) {
      throw new IllegalArgumentException("self-check options out of range: " + examples + " examples, "
          + entriesPerVariable + " entries per variable, " + klDraws + " KL draws (at least 2), "
          + boundSamples + " bound samples (at least 100), " + scoreFunctionRuns + " score-function runs "
          + "(at least 2) of " + scoreFunctionCopies + " copies");
    }
  }

  /** 8 examples, 2 entries per variable, 2000 KL draws, 1000 bound samples, 100 runs of 100 copies. */
  public static SelfCheckOptions defaults() {
    return new SelfCheckOptions(8, 2, 2000, 1000, 100, 100, 1);
  }

  /** 2 examples, 1 entry per variable, 2000 KL draws, 500 bound samples, 60 runs of 50 copies. */
  public static SelfCheckOptions quick() {
    return new SelfCheckOptions(2, 1, 2000, 500, 60, 50, 1);
  }

  /**
   * The least that still runs every check: 2 examples, the random direction alone per variable,
   * 200 KL draws, 100 bound samples, 30 runs of 10 copies. For a suite that checks many models.
   */
  public static SelfCheckOptions smoke() {
    return new SelfCheckOptions(2, 0, 200, 100, 30, 10, 1);
  }

  /** These options with {@code examples} rows. */
  public SelfCheckOptions withExamples(int examples) {
    return new SelfCheckOptions(examples, entriesPerVariable, klDraws, boundSamples, scoreFunctionRuns,
        scoreFunctionCopies, seed);
  }

  /** These options with another seed for the check's draws. */
  public SelfCheckOptions withSeed(long seed) {
    return new SelfCheckOptions(examples, entriesPerVariable, klDraws, boundSamples, scoreFunctionRuns,
        scoreFunctionCopies, seed);
  }
}
