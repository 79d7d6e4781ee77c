package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.Family;
import java.util.ArrayList;
import java.util.List;

/**
 * The types generated code names by their simple names, which the generated class must not take:
 * in the model's package it would shadow them wherever that package imports them on demand
 * (java.lang included, which every file imports on demand). {@code GeneratedNameTest} compiles
 * models and checks that every import of their generated code, and every java.lang type it
 * names, is listed here.
 */
final class GeneratedCodeTypes {
  private static final List<String> QUALIFIED_NAMES;

  static {
    List<String> names = new ArrayList<>(List.of(
        "dev.helmholtz.annotations.ObjectiveKind",
        "dev.helmholtz.check.SelfCheckOptions",
        "dev.helmholtz.check.SelfCheckPlan",
        "dev.helmholtz.check.SelfCheckReport",
        "dev.helmholtz.data.Dataset",
        "dev.helmholtz.graph.Seed",
        "dev.helmholtz.variational.VariationalModel",
        "dev.helmholtz.variational.GenerativePass",
        "dev.helmholtz.variational.InferencePass",
        "dev.helmholtz.variational.ModelSpec",
        "dev.helmholtz.train.ThreadSettings",
        // java.lang is imported on demand too: a class of the package named Override would break
        // every @Override of generated code there (found by the long fuzz run, seed 7, case 18535).
        "java.lang.Override",
        "java.util.Objects",
        "javax.annotation.processing.Generated",
        "org.tensorflow.Operand",
        "org.tensorflow.types.TFloat32"));
    for (Family family : Family.values()) {
      names.add(family.qualifiedName());
    }
    QUALIFIED_NAMES = List.copyOf(names);
  }

  private GeneratedCodeTypes() {}

  /** The qualified name of the type generated code uses under this simple name, or null. */
  static String named(String simpleName) {
    for (String name : QUALIFIED_NAMES) {
      if (name.substring(name.lastIndexOf('.') + 1).equals(simpleName)) {
        return name;
      }
    }
    return null;
  }
}
