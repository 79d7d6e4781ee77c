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
  public void check(ModelDescriptor model, ModelKind kind, Reporter reporter) {
    TypeElement type = model.type();
    String name = type.getQualifiedName().toString();
    // As generated code (in the model's package) names it: Outer.Inner for a nested class.
    String relative = model.packageName().isEmpty() ? name : name.substring(model.packageName().length() + 1);
    Problem problem = instantiationProblem(type);
    if (problem != null) {
      reporter.report(Diagnostic.MODEL_CLASS_NOT_INSTANTIABLE, type, model.annotation(),
          relative, problem.what(), relative, problem.fix());
    }
    if (!type.getTypeParameters().isEmpty()) {
      reporter.report(Diagnostic.MODEL_CLASS_GENERIC, type, model.annotation(),
          relative, typeParameters(type.getTypeParameters()));
    }
    String invalid = invalidClassName(model.generatedName());
    if (invalid != null) {
      reporter.report(Diagnostic.GENERATED_NAME_INVALID, type, model.annotation(), model.nameValue(),
          model.generatedName(), invalid);
    }
    String clash = generatedNameClash(model);
    if (clash != null) {
      reporter.report(Diagnostic.GENERATED_NAME_TAKEN, type, model.annotation(), model.nameValue(),
          qualified(model.packageName(), model.generatedName()), clash);
    }
    String reserved = GeneratedCodeTypes.named(model.generatedName());
    if (reserved != null) {
      reporter.report(Diagnostic.GENERATED_NAME_RESERVED, type, model.annotation(), model.nameValue(),
          qualified(model.packageName(), model.generatedName()), model.generatedName(), reserved,
          model.packageName().isEmpty() ? "the unnamed package" : "package " + model.packageName(),
          reserved.substring(0, reserved.lastIndexOf('.')));
    }
    if (model.nodes().stream().noneMatch(n -> n.kind() == NodeKind.OBSERVED)) {
      reporter.report(Diagnostic.NO_OBSERVED_NODE, type, model.annotation(), name);
    }
    String samplesProblem = ObjectiveTraits.of(model.objective()).samples().problem(model.samples());
    if (samplesProblem != null) {
      reporter.report(Diagnostic.SAMPLES_INVALID, type, model.annotation(), model.samplesValue(),
          model.samples(), model.objective(), samplesProblem);
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

  /**
   * Why a string cannot be the simple name of a class, or null when it can. Restricted
   * identifiers (JLS 3.9) are identifiers, but no type may have them as its name.
   */
  private static String invalidClassName(String name) {
    if (RESTRICTED_TYPE_NAMES.contains(name)) {
      return "is a restricted identifier, which cannot name a class";
    }
    if (LITERALS.contains(name)) {
      return "is a Java literal";
    }
    if (SourceVersion.isKeyword(name)) {
      return "is a Java keyword";
    }
    if (!SourceVersion.isIdentifier(name)) {
      return "is not a Java identifier";
    }
    return null;
  }

  private static final java.util.Set<String> RESTRICTED_TYPE_NAMES =
      java.util.Set.of("var", "yield", "record", "sealed", "permits");
  private static final java.util.Set<String> LITERALS = java.util.Set.of("true", "false", "null");

  static String qualified(String packageName, String simpleName) {
    return packageName.isEmpty() ? simpleName : packageName + "." + simpleName;
  }

  /** What keeps generated code from calling {@code new T()}, and what the user should do about it. */
  private record Problem(String what, String fix) {}

  /** Why generated code cannot call {@code new T()}, or null when it can. */
  private static Problem instantiationProblem(TypeElement type) {
    if (type.getKind() != ElementKind.CLASS) {
      return new Problem(
          "is " + article(type.getKind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')),
          "use a class");
    }
    if (type.getModifiers().contains(Modifier.ABSTRACT)) {
      return new Problem("is abstract", "make it a concrete class");
    }
    if (type.getModifiers().contains(Modifier.PRIVATE)) {
      return new Problem("is private", "make it package-private or public");
    }
    if (type.getNestingKind() == NestingKind.MEMBER && !type.getModifiers().contains(Modifier.STATIC)) {
      return new Problem("is an inner (non-static) class", "declare it static");
    }
    if (type.getNestingKind() == NestingKind.LOCAL || type.getNestingKind() == NestingKind.ANONYMOUS) {
      return new Problem("is a local class", "declare it as a top-level or a static nested class");
    }
    for (var enclosing = type.getEnclosingElement(); enclosing instanceof TypeElement t;
        enclosing = t.getEnclosingElement()) {
      if (t.getModifiers().contains(Modifier.PRIVATE)) {
        return new Problem("is nested in private class " + t.getSimpleName(),
            "make " + t.getSimpleName() + " package-private or public");
      }
    }
    var constructor = ElementFilter.constructorsIn(type.getEnclosedElements()).stream()
        .filter(c -> c.getParameters().isEmpty() && !c.getModifiers().contains(Modifier.PRIVATE))
        .findFirst();
    if (constructor.isEmpty()) {
      return new Problem("has no non-private constructor without parameters",
          "add a non-private constructor without parameters");
    }
    List<String> checked = constructor.get().getThrownTypes().stream()
        .filter(ModelClassRule::isChecked)
        .map(TypeMirror::toString)
        .toList();
    if (!checked.isEmpty()) {
      return new Problem(
          "has a constructor without parameters that throws checked " + String.join(", ", checked),
          "give it a constructor without parameters that throws no checked exception");
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
