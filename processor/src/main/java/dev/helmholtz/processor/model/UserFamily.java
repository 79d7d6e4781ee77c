package dev.helmholtz.processor.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;

/**
 * A distribution family of the user's own: a class marked {@code @Family} or extending the
 * runtime's {@code Distribution}, read as written. Whatever it lacks (the annotation, the
 * superclass, a usable factory or standard prior) is recorded here for validation to judge:
 * {@link #hasProblems()} says so, and such a family never reaches code generation.
 *
 * @param type the class
 * @param annotation its {@code @Family}, or empty when it is not marked
 * @param distribution whether it extends {@code dev.helmholtz.dist.Distribution}
 * @param reparameterization {@code @Family(reparameterization)}: EXPLICIT, IMPLICIT or NONE
 * @param classProblems what keeps generated code from naming the class (abstract, not public,
 *     generic, an inner class), each as a clause: "is abstract"
 * @param factoryNames {@code @Family(factories)} as written
 * @param factories the usable ones, with their parameters' names
 * @param factoryProblems what is wrong with each unusable one, as a clause
 * @param standardPrior {@code @Family(standardPrior)}: a method name, or empty for none
 * @param standardPriorProblem what is wrong with the standard prior method, or null
 * @param kl {@code @Family(kl)}: the analytic KL method's name, or empty for none
 * @param klProblem what is wrong with the KL method, or null
 */
public record UserFamily(
    TypeElement type,
    Optional<AnnotationMirror> annotation,
    boolean distribution,
    String reparameterization,
    List<String> classProblems,
    List<String> factoryNames,
    List<Family.Factory> factories,
    List<String> factoryProblems,
    String standardPrior,
    String standardPriorProblem,
    String kl,
    String klProblem) implements NodeFamily {

  /** The qualified name of the annotation that marks a family. */
  public static final String ANNOTATION = "dev.helmholtz.annotations.Family";
  /** The runtime's distribution contract, which a family extends. */
  public static final String DISTRIBUTION = "dev.helmholtz.dist.Distribution";
  private static final String RUNTIME_PACKAGE = "dev.helmholtz.dist.";
  private static final String OPS = "org.tensorflow.op.Ops";
  private static final String OPERAND = "org.tensorflow.Operand";
  private static final String FLOAT32 = "org.tensorflow.types.TFloat32";
  private static final String INT64 = "org.tensorflow.types.TInt64";

  public UserFamily {
    classProblems = List.copyOf(classProblems);
    factoryNames = List.copyOf(factoryNames);
    factories = List.copyOf(factories);
    factoryProblems = List.copyOf(factoryProblems);
  }

  /**
   * The user family a node or network type names, or empty when the type is neither marked
   * {@code @Family} nor a {@code Distribution} (then it is no family at all).
   */
  static Optional<UserFamily> read(TypeMirror typeMirror) {
    if (typeMirror.getKind() != TypeKind.DECLARED) {
      return Optional.empty();
    }
    TypeElement type = (TypeElement) ((DeclaredType) typeMirror).asElement();
    if (type.getQualifiedName().toString().startsWith(RUNTIME_PACKAGE)) {
      return Optional.empty(); // the runtime's own classes that are not families (Distribution's helpers)
    }
    Optional<AnnotationMirror> annotation = AnnotationMirrors.find(type, ANNOTATION);
    boolean distribution = extendsDistribution(type);
    if (annotation.isEmpty() && !distribution) {
      return Optional.empty();
    }
    String reparameterization = annotation.flatMap(a -> AnnotationMirrors.enumValue(a, "reparameterization"))
        .orElse("NONE");
    List<String> factoryNames = annotation.map(a -> AnnotationMirrors.stringArrayValue(a, "factories"))
        .orElse(List.of());
    List<Family.Factory> factories = new ArrayList<>();
    List<String> factoryProblems = new ArrayList<>();
    for (String name : factoryNames) {
      List<ExecutableElement> methods = methods(type, name);
      Optional<ExecutableElement> usable = methods.stream().filter(m -> factoryProblem(type, m) == null).findFirst();
      if (usable.isPresent()) {
        factories.add(new Family.Factory(name,
            usable.get().getParameters().stream().map(p -> p.getSimpleName().toString()).toList()));
      } else {
        factoryProblems.add("names \"" + name + "\", " + (methods.isEmpty()
            ? "which is not a method of " + type.getSimpleName()
            : "whose method " + factoryProblem(type, methods.get(0))));
      }
    }
    String standardPrior = annotation.map(a -> AnnotationMirrors.stringValue(a, "standardPrior", "")).orElse("");
    String priorProblem = null;
    if (!standardPrior.isEmpty()) {
      List<ExecutableElement> methods = methods(type, standardPrior);
      if (methods.isEmpty()) {
        priorProblem = "is not a method of " + type.getSimpleName();
      } else if (methods.stream().allMatch(m -> priorProblem(type, m) != null)) {
        priorProblem = "names a method that " + priorProblem(type, methods.get(0));
      }
    }
    String kl = annotation.map(a -> AnnotationMirrors.stringValue(a, "kl", "")).orElse("");
    String klProblem = null;
    if (!kl.isEmpty()) {
      List<ExecutableElement> methods = methods(type, kl);
      if (methods.isEmpty()) {
        klProblem = "is not a method of " + type.getSimpleName();
      } else if (methods.stream().allMatch(m -> klProblem(type, m) != null)) {
        klProblem = "names a method that " + klProblem(type, methods.get(0));
      }
    }
    return Optional.of(new UserFamily(type, annotation, distribution, reparameterization, classProblems(type),
        factoryNames, factories, factoryProblems, standardPrior, priorProblem, kl, klProblem));
  }

  /** The explicit {@code @Family} member, for diagnostics, or null. */
  public AnnotationValue annotationValue(String member) {
    return annotation.flatMap(a -> AnnotationMirrors.explicitValue(a, member)).orElse(null);
  }

  @Override
  public String simpleName() {
    return type.getSimpleName().toString();
  }

  @Override
  public String qualifiedName() {
    return type.getQualifiedName().toString();
  }

  @Override
  public boolean reparameterized() {
    return !reparameterization.equals("NONE");
  }

  @Override
  public boolean implicitlyReparameterized() {
    return reparameterization.equals("IMPLICIT");
  }

  /** A user family is not categorical: {@code @Latent(classes)} belongs to the runtime's. */
  @Override
  public boolean categorical() {
    return false;
  }

  /**
   * A user family's parameters and values reach it flat ({@code [n, width]}) whatever the event's
   * rank, and its {@code logProb} sums over that axis: an image-shaped event is its flat vector.
   */
  @Override
  public boolean elementwise() {
    return true;
  }

  @Override
  public Optional<Family> relaxationOf() {
    return Optional.empty();
  }

  @Override
  public Optional<Family> relaxation() {
    return Optional.empty();
  }

  /**
   * A user family's KL to a prior of the same family is analytic when its {@code @Family(kl)}
   * names a usable method; every other pair is Monte Carlo.
   */
  @Override
  public boolean analyticKlTo(NodeFamily prior) {
    return !kl.isEmpty() && klProblem == null && equals(prior);
  }

  @Override
  public Optional<String> noStandardPrior() {
    return standardPrior.isEmpty()
        ? Optional.of("its @Family names no standardPrior")
        : Optional.empty();
  }

  /** Whether anything keeps the family from being a node type: validation reports each. */
  public boolean hasProblems() {
    return annotation.isEmpty() || !distribution || !classProblems.isEmpty() || factories.isEmpty()
        || !factoryProblems.isEmpty() || standardPriorProblem != null || klProblem != null;
  }

  // Two readings of one class are one family: equality is by class, not by what was read.
  @Override
  public boolean equals(Object o) {
    return o instanceof UserFamily other && other.qualifiedName().equals(qualifiedName());
  }

  @Override
  public int hashCode() {
    return qualifiedName().hashCode();
  }

  @Override
  public String toString() {
    return qualifiedName();
  }

  private static boolean extendsDistribution(TypeElement type) {
    for (TypeMirror s = type.getSuperclass(); s.getKind() == TypeKind.DECLARED;
        s = ((TypeElement) ((DeclaredType) s).asElement()).getSuperclass()) {
      if (((TypeElement) ((DeclaredType) s).asElement()).getQualifiedName().contentEquals(DISTRIBUTION)) {
        return true;
      }
    }
    return false;
  }

  private static List<String> classProblems(TypeElement type) {
    List<String> problems = new ArrayList<>();
    if (type.getKind() != ElementKind.CLASS) {
      problems.add("is not a class");
    }
    if (type.getModifiers().contains(Modifier.ABSTRACT)) {
      problems.add("is abstract");
    }
    if (!type.getModifiers().contains(Modifier.PUBLIC)) {
      problems.add("is not public");
    }
    if (!type.getTypeParameters().isEmpty()) {
      problems.add("declares type parameters <" + String.join(", ",
          type.getTypeParameters().stream().map(p -> p.getSimpleName().toString()).toList()) + ">");
    }
    if (type.getNestingKind() == NestingKind.MEMBER && !type.getModifiers().contains(Modifier.STATIC)) {
      problems.add("is an inner class (not static)");
    }
    return problems;
  }

  private static List<ExecutableElement> methods(TypeElement type, String name) {
    return ElementFilter.methodsIn(type.getEnclosedElements()).stream()
        .filter(m -> m.getSimpleName().contentEquals(name))
        .toList();
  }

  /** Why a method cannot be a factory, as a clause, or null when it can. */
  private static String factoryProblem(TypeElement type, ExecutableElement m) {
    String common = staticPublicReturning(type, m);
    if (common != null) {
      return common;
    }
    if (m.getParameters().isEmpty()) {
      return "takes no parameter";
    }
    for (VariableElement p : m.getParameters()) {
      if (!isOperandOf(p.asType(), FLOAT32)) {
        return "has parameter '" + p.getSimpleName() + "' of type " + p.asType() + ", not Operand<TFloat32>";
      }
    }
    return null;
  }

  /** Why a method cannot be the standard prior, as a clause, or null when it can. */
  private static String priorProblem(TypeElement type, ExecutableElement m) {
    String common = staticPublicReturning(type, m);
    if (common != null) {
      return common;
    }
    List<? extends VariableElement> p = m.getParameters();
    if (p.size() != 2 || !isNamed(p.get(0).asType(), OPS) || !isOperandOf(p.get(1).asType(), INT64)) {
      return "takes (" + String.join(", ", p.stream().map(x -> x.asType().toString()).toList())
          + "), not (Ops tf, Operand<TInt64> shape)";
    }
    return null;
  }

  /** Why a method cannot be the analytic KL, as a clause, or null when it can. */
  private static String klProblem(TypeElement type, ExecutableElement m) {
    if (!m.getModifiers().contains(Modifier.STATIC)) {
      return "is not static";
    }
    if (!m.getModifiers().contains(Modifier.PUBLIC)) {
      return "is not public";
    }
    List<? extends VariableElement> p = m.getParameters();
    boolean takesTwo = p.size() == 2 && p.stream().allMatch(x -> x.asType().getKind() == TypeKind.DECLARED
        && ((DeclaredType) x.asType()).asElement().equals(type));
    if (!takesTwo) {
      return "takes (" + String.join(", ", p.stream().map(x -> x.asType().toString()).toList()) + "), not ("
          + type.getSimpleName() + " q, " + type.getSimpleName() + " p)";
    }
    if (!isOperandOf(m.getReturnType(), FLOAT32)) {
      return "returns " + m.getReturnType() + ", not Operand<TFloat32>";
    }
    return null;
  }

  private static String staticPublicReturning(TypeElement type, ExecutableElement m) {
    if (!m.getModifiers().contains(Modifier.STATIC)) {
      return "is not static";
    }
    if (!m.getModifiers().contains(Modifier.PUBLIC)) {
      return "is not public";
    }
    TypeMirror r = m.getReturnType();
    if (r.getKind() != TypeKind.DECLARED || !((DeclaredType) r).asElement().equals(type)) {
      return "returns " + r + ", not " + type.getSimpleName();
    }
    return null;
  }

  private static boolean isNamed(TypeMirror t, String name) {
    return t.getKind() == TypeKind.DECLARED
        && ((TypeElement) ((DeclaredType) t).asElement()).getQualifiedName().contentEquals(name);
  }

  private static boolean isOperandOf(TypeMirror t, String argument) {
    if (!isNamed(t, OPERAND)) {
      return false;
    }
    List<? extends TypeMirror> args = ((DeclaredType) t).getTypeArguments();
    return args.size() == 1 && isNamed(args.get(0), argument);
  }
}
