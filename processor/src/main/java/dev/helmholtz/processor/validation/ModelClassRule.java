package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NodeKind;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;

/** The model class itself: generated code must be able to name and instantiate it. */
final class ModelClassRule implements ValidationRule {
  @Override
  public void check(ModelDescriptor model, Reporter reporter) {
    TypeElement type = model.type();
    String name = type.getQualifiedName().toString();
    String problem = instantiationProblem(type);
    if (problem != null) {
      reporter.report(Diagnostic.MODEL_CLASS_NOT_INSTANTIABLE, type, model.annotation(),
          type.getSimpleName(), problem, type.getSimpleName());
    }
    if (!type.getTypeParameters().isEmpty()) {
      reporter.report(Diagnostic.MODEL_CLASS_GENERIC, type, model.annotation(),
          type.getSimpleName(), type.getTypeParameters());
    }
    if (!SourceVersion.isIdentifier(model.generatedName()) || SourceVersion.isKeyword(model.generatedName())) {
      reporter.report(Diagnostic.GENERATED_NAME_INVALID, type, model.annotation(), model.nameValue(),
          model.generatedName());
    }
    if (model.nodes().stream().noneMatch(n -> n.kind() == NodeKind.OBSERVED)) {
      reporter.report(Diagnostic.NO_OBSERVED_NODE, type, model.annotation(), name);
    }
    if (model.samples() < 1) {
      reporter.report(Diagnostic.SAMPLES_INVALID, type, model.annotation(), model.samplesValue(),
          model.samples(), model.objective());
    }
  }

  /** Why generated code cannot call {@code new T()}, or null when it can. */
  private static String instantiationProblem(TypeElement type) {
    if (type.getKind() != ElementKind.CLASS) {
      return "is " + article(type.getKind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
    }
    if (type.getModifiers().contains(Modifier.ABSTRACT)) {
      return "is abstract";
    }
    if (type.getModifiers().contains(Modifier.PRIVATE)) {
      return "is private";
    }
    if (type.getNestingKind() == NestingKind.MEMBER && !type.getModifiers().contains(Modifier.STATIC)) {
      return "is an inner (non-static) class";
    }
    if (type.getNestingKind() == NestingKind.LOCAL || type.getNestingKind() == NestingKind.ANONYMOUS) {
      return "is a local class";
    }
    for (var enclosing = type.getEnclosingElement(); enclosing instanceof TypeElement t;
        enclosing = t.getEnclosingElement()) {
      if (t.getModifiers().contains(Modifier.PRIVATE)) {
        return "is nested in private class " + t.getSimpleName();
      }
    }
    boolean callable = ElementFilter.constructorsIn(type.getEnclosedElements()).stream()
        .anyMatch(c -> c.getParameters().isEmpty() && !c.getModifiers().contains(Modifier.PRIVATE));
    if (!callable) {
      return "has no non-private constructor without parameters";
    }
    return null;
  }

  private static String article(String noun) {
    return ("aeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
  }
}
