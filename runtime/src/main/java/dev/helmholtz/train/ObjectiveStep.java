package dev.helmholtz.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A step that ascends an objective's gradient: the objective's mean over the batch, its named
 * terms' means and each parameter's squared gradient norm, all before the update.
 */
public final class ObjectiveStep implements StepOutcome {
  private final String objectiveName;
  private final double objective;
  private final List<String> termNames;
  private final float[] terms;
  private final List<String> parameterNames;
  private final float[] gradientSquaredNorms;

  /**
   * @param objectiveName the objective in messages, such as {@code ELBO}
   * @param terms the terms' means, in the order of {@code termNames}
   * @param gradientSquaredNorms in the order of {@code parameterNames}
   */
  public ObjectiveStep(String objectiveName, double objective, List<String> termNames, float[] terms,
      List<String> parameterNames, float[] gradientSquaredNorms) {
    this.objectiveName = objectiveName;
    this.objective = objective;
    this.termNames = termNames;
    this.terms = terms;
    this.parameterNames = parameterNames;
    this.gradientSquaredNorms = gradientSquaredNorms;
  }

  @Override
  public double objective() {
    return objective;
  }

  /** The objective or a term first (naming the first term not finite), else a gradient. */
  @Override
  public Divergence divergence() {
    if (allFinite()) {
      return null;
    }
    StringBuilder values = new StringBuilder();
    List<String> badTerms = new ArrayList<>();
    for (int i = 0; i < termNames.size(); i++) {
      values.append(i == 0 ? "" : ", ").append(termNames.get(i)).append(" = ").append(terms[i]);
      if (!Float.isFinite(terms[i])) {
        badTerms.add(termNames.get(i));
      }
    }
    String advice = "; lower the learning rate, clip the gradient norm, or check the data for NaN or extreme values";
    if (!Double.isFinite(objective) || !badTerms.isEmpty()) {
      return new Divergence(badTerms.isEmpty() ? "objective" : badTerms.get(0), "the " + objectiveName
          + " objective is " + objective + (badTerms.isEmpty() ? "" : "; not finite: " + String.join(", ", badTerms))
          + " (" + values + ")" + advice);
    }
    List<String> badGradients = new ArrayList<>();
    for (int i = 0; i < gradientSquaredNorms.length; i++) {
      if (!Float.isFinite(gradientSquaredNorms[i])) {
        badGradients.add(parameterNames.get(i));
      }
    }
    float first = gradientSquaredNorms[parameterNames.indexOf(badGradients.get(0))];
    return new Divergence("gradient/" + badGradients.get(0), "the gradient of " + badGradients.get(0) + " is "
        + (Float.isNaN(first) ? "NaN" : "infinite (or its squared norm overflows float32)")
        + (badGradients.size() > 1 ? " (also not finite: the gradients of "
            + String.join(", ", badGradients.subList(1, badGradients.size())) + ")" : "")
        + ", while the objective is finite (" + objective + ": " + values + ")" + advice);
  }

  /** The common case, checked without building any message. */
  private boolean allFinite() {
    if (!Double.isFinite(objective)) {
      return false;
    }
    for (float t : terms) {
      if (!Float.isFinite(t)) {
        return false;
      }
    }
    for (float n : gradientSquaredNorms) {
      if (!Float.isFinite(n)) {
        return false;
      }
    }
    return true;
  }

  /** {@code train/objective}, {@code train/<term>} for each term, and {@code train/gradient_norm}. */
  @Override
  public Map<String, Double> scalars() {
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("train/objective", objective);
    for (int i = 0; i < termNames.size(); i++) {
      values.put("train/" + termNames.get(i), (double) terms[i]);
    }
    double squared = 0;
    for (float n : gradientSquaredNorms) {
      squared += n;
    }
    values.put("train/gradient_norm", Math.sqrt(squared));
    return values;
  }
}
