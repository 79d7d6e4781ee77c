package dev.helmholtz.processor.codegen;

import com.palantir.javapoet.JavaFile;
import dev.helmholtz.processor.validation.ValidatedModel;

/** Picks the writer of a validated model from its kind. */
public final class ModelWriters {
  private ModelWriters() {}

  /** The generated class of {@code model}, by the writer of its kind. */
  public static JavaFile write(ValidatedModel model, boolean generatedAnnotationAvailable) {
    return switch (model.kind()) {
      case VARIATIONAL -> new VariationalModelWriter(model, generatedAnnotationAvailable).write();
      case ADVERSARIAL -> GameModelWriter.writes(model) ? new GameModelWriter(model, generatedAnnotationAvailable).write()
          : new AdversarialModelWriter(model, generatedAnnotationAvailable).write();
      case BAYESIAN -> new BayesianModelWriter(model, generatedAnnotationAvailable).write();
      case ENERGY -> new EnergyModelWriter(model, generatedAnnotationAvailable).write();
    };
  }
}
