package dev.helmholtz.processor.model;

import com.sun.source.util.Trees;
import java.util.Optional;
import javax.annotation.processing.ProcessingEnvironment;

/**
 * javac's source trees, where the compiler offers them. Another compiler (Eclipse's, or javac
 * behind a wrapped {@link ProcessingEnvironment}) offers none: then the checks that need method
 * bodies are skipped, silently, and everything else works as before.
 */
public record SourceTrees(Trees trees) {

  public static Optional<SourceTrees> of(ProcessingEnvironment environment) {
    try {
      return Optional.of(new SourceTrees(Trees.instance(environment)));
    } catch (IllegalArgumentException | LinkageError e) {
      return Optional.empty();
    }
  }
}
