package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NodeKind;
import java.util.List;
import java.util.StringJoiner;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.TypeParameterElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;

/** The model class itself: generated code must be able to name and instantiate it. */
final class ModelClassRule implements ValidationRule {
  @Override
  public void check(ModelDescriptor model, Reporter reporter) {
    TypeElement type = model.type();
    String name = type.getQualifiedName().toString();
    // As generated code (in the model's package) names it: Outer.Inner for a nested class.
    String relative = model.packageName().isEmpty() ? name : name.substring(model.packageName().length() + 1);
    String problem = instantiationProblem(type);
    if (problem != null) {
      reporter.report(Diagnostic.MODEL_CLASS_NOT_INSTANTIABLE, type, model.annotation(),
          relative, problem, relative);
    }
    if (!type.getTypeParameters().isEmpty()) {
      reporter.report(Diagnostic.MODEL_CLASS_GENERIC, type, model.annotation(),
          relative, typeParameters(type.getTypeParameters()));
    }
    if (!SourceVersion.isIdentifier(model.generatedName()) || SourceVersion.isKeyword(model.generatedName())) {
      reporter.report(Diagnostic.GENERATED_NAME_INVALID, type, model.annotation(), model.nameValue(),
          model.generatedName());
    }
    String clash = generatedNameClash(model);
    if (clash != null) {
      reporter.report(Diagnostic.GENERATED_NAME_TAKEN, type, model.annotation(), model.nameValue(),
          qualified(model.packageName(), model.generatedName()), clash);
    }
    if (model.nodes().stream().noneMatch(n -> n.kind() == NodeKind.OBSERVED)) {
      reporter.report(Diagnostic.NO_OBSERVED_NODE, type, model.annotation(), name);
    }
    if (model.samples() < 1) {
      reporter.report(Diagnostic.SAMPLES_INVALID, type, model.annotation(), model.samplesValue(),
          model.samples(), model.objective());
    }
  }

  /**
   * Why the generated top-level class cannot have its name, or null when it can as far as this
   * model shows: a class cannot be generated under the name of the class that declares the model.
   * (Clashes with other classes of the build surface when the class is written.)
   */
  private static String generatedNameClash(ModelDescriptor model) {
    TypeElement outermost = model.type();
    while (outermost.getEnclosingElement() instanceof TypeElement enclosing) {
      outermost = enclosing;
    }
    if (!outermost.getQualifiedName().contentEquals(qualified(model.packageName(), model.generatedName()))) {
      return null;
    }
    return outermost.equals(model.type())
        ? "that is the name of the model class itself"
        : "that is the name of class " + outermost.getSimpleName() + ", which encloses the model class";
  }

  static String qualified(String packageName, String simpleName) {
    return packageName.isEmpty() ? simpleName : packageName + "." + simpleName;
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
    var constructor = ElementFilter.constructorsIn(type.getEnclosedElements()).stream()
        .filter(c -> c.getParameters().isEmpty() && !c.getModifiers().contains(Modifier.PRIVATE))
        .findFirst();
    if (constructor.isEmpty()) {
      return "has no non-private constructor without parameters";
    }
    List<String> checked = constructor.get().getThrownTypes().stream()
        .filter(ModelClassRule::isChecked)
        .map(TypeMirror::toString)
        .toList();
    if (!checked.isEmpty()) {
      return "has a constructor without parameters that throws checked " + String.join(", ", checked);
    }
    return null;
  }

  /** Whether a thrown type is a checked exception: not a RuntimeException or an Error. */
  static boolean isChecked(TypeMirror thrown) {
    if (thrown.getKind() != TypeKind.DECLARED) {
      return false; // a type variable or an unresolved type: javac judges it
    }
    TypeMirror t = thrown;
    while (t.getKind() == TypeKind.DECLARED) {
      TypeElement e = (TypeElement) ((DeclaredType) t).asElement();
      String name = e.getQualifiedName().toString();
      if (name.equals("java.lang.RuntimeException") || name.equals("java.lang.Error")) {
        return false;
      }
      t = e.getSuperclass();
    }
    return true;
  }

  /** Type parameters as declared, for messages: {@code <T, N extends java.lang.Number>}. */
  static String typeParameters(List<? extends TypeParameterElement> parameters) {
    StringJoiner joined = new StringJoiner(", ", "<", ">");
    for (TypeParameterElement parameter : parameters) {
      List<String> bounds = parameter.getBounds().stream()
          .map(TypeMirror::toString)
          .filter(b -> !b.equals("java.lang.Object"))
          .toList();
      joined.add(parameter.getSimpleName() + (bounds.isEmpty() ? "" : " extends " + String.join(" & ", bounds)));
    }
    return joined.toString();
  }

  private static String article(String noun) {
    return ("aeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
  }
}
