package dev.helmholtz.processor.model;

import dev.helmholtz.annotations.ObjectiveKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;

/**
 * Phase one: reads a {@code @Model} class into a {@link ModelDescriptor}, exactly as written.
 * It never reports: whatever is odd is recorded (an unknown family as an empty Optional, a
 * parameter of an unsupported type as such) for validation to judge.
 */
public final class ModelReader {
  public static final String MODEL = "dev.helmholtz.annotations.Model";
  public static final String LATENT = "dev.helmholtz.annotations.Latent";
  public static final String OBSERVED = "dev.helmholtz.annotations.Observed";
  public static final String ENCODER = "dev.helmholtz.annotations.Encoder";
  public static final String GENERATOR = "dev.helmholtz.annotations.Generator";
  public static final String DISCRIMINATOR = "dev.helmholtz.annotations.Discriminator";
  public static final String ENERGY = "dev.helmholtz.annotations.Energy";
  public static final String MOMENT_MATCHING = "dev.helmholtz.annotations.MomentMatching";
  public static final String MUTUAL_INFORMATION = "dev.helmholtz.annotations.MutualInformation";
  public static final String LAYER_HELPER = "dev.helmholtz.nn.Nn";
  private static final String OPERAND = "org.tensorflow.Operand";
  private static final String FLOAT32 = "org.tensorflow.types.TFloat32";
  /** The runtime's distribution of a base pushed through bijectors: a flow-based posterior or prior. */
  public static final String TRANSFORMED_DISTRIBUTION = "dev.helmholtz.dist.TransformedDistribution";

  /** The declared defaults of {@code @Objective}: mirrors give only explicit values. */
  public static final ObjectiveKind DEFAULT_OBJECTIVE = ObjectiveKind.ELBO;
  public static final int DEFAULT_SAMPLES = 1;
  /** The declared defaults of {@code @Energy}. */
  public static final int DEFAULT_GIBBS_STEPS = 1;
  public static final int DEFAULT_PERSISTENT_CHAINS = 0;

  private final Elements elements;
  private final NetworkBodyReader bodies;

  /** A reader that sees declarations only, not method bodies. */
  public ModelReader(Elements elements) {
    this.elements = elements;
    this.bodies = null;
  }

  /**
   * A reader that also reads network bodies through javac's source trees, when the compiler
   * offers them ({@link SourceTrees#of}); without them, what only bodies show is not recorded.
   */
  public ModelReader(Elements elements, Optional<SourceTrees> trees) {
    this.elements = elements;
    this.bodies = trees.map(t -> new NetworkBodyReader(t.trees(), elements)).orElse(null);
  }

  public ModelDescriptor read(TypeElement type) {
    AnnotationMirror model = AnnotationMirrors.find(type, MODEL).orElseThrow();
    String packageName = packageOf(type);
    var nameValue = AnnotationMirrors.explicitValue(model, "name").orElse(null);
    String explicitName = AnnotationMirrors.stringValue(model, "name", "");
    String generatedName = explicitName.isEmpty() ? defaultGeneratedName(type, packageName) : explicitName;

    ObjectiveKind objective = DEFAULT_OBJECTIVE;
    int samples = DEFAULT_SAMPLES;
    javax.lang.model.element.AnnotationValue samplesValue = null;
    Optional<AnnotationMirror> objectiveMirror = AnnotationMirrors.annotationValue(model, "objective");
    if (objectiveMirror.isPresent()) {
      AnnotationMirror o = objectiveMirror.get();
      objective = AnnotationMirrors.enumValue(o, "kind")
          .flatMap(ModelReader::objectiveKind)
          .orElse(DEFAULT_OBJECTIVE);
      samples = AnnotationMirrors.intValue(o, "samples", DEFAULT_SAMPLES);
      samplesValue = AnnotationMirrors.explicitValue(o, "samples").orElse(null);
    }

    List<NodeDescriptor> nodes = new ArrayList<>();
    List<NetworkDescriptor> networks = new ArrayList<>();
    List<ConflictingOverride> conflicts = new ArrayList<>();
    List<AnnotatedMethod> momentMatching = new ArrayList<>();
    List<AnnotatedMethod> mutualInformation = new ArrayList<>();
    // Superclasses first: their members come before the subclass's, as in the flat class.
    for (TypeElement declaring : hierarchy(type)) {
      for (Element member : declaring.getEnclosedElements()) {
        if (member.getKind() == ElementKind.FIELD) {
          VariableElement field = (VariableElement) member;
          AnnotationMirrors.find(field, LATENT).ifPresent(a -> nodes.add(node(field, a, NodeKind.LATENT)));
          AnnotationMirrors.find(field, OBSERVED).ifPresent(a -> nodes.add(node(field, a, NodeKind.OBSERVED)));
        } else if (member.getKind() == ElementKind.METHOD) {
          ExecutableElement method = (ExecutableElement) member;
          readMethod(type, method, networks, conflicts);
          AnnotationMirrors.find(method, MOMENT_MATCHING)
              .ifPresent(a -> momentMatching.add(new AnnotatedMethod(method, a)));
          AnnotationMirrors.find(method, MUTUAL_INFORMATION)
              .ifPresent(a -> mutualInformation.add(new AnnotatedMethod(method, a)));
        }
      }
    }
    return new ModelDescriptor(type, model, packageName, generatedName, nameValue, objective,
        samples, samplesValue, nodes, networks, conflicts, momentMatching, mutualInformation);
  }

  /**
   * The model class and its superclasses up to {@code Object}, most general first: the classes
   * whose members make up the model.
   */
  public static List<TypeElement> hierarchy(TypeElement type) {
    List<TypeElement> classes = new ArrayList<>();
    for (TypeElement t = type; t != null; t = superclass(t)) {
      if (t.getQualifiedName().contentEquals("java.lang.Object")) {
        break;
      }
      classes.add(0, t);
    }
    return classes;
  }

  private static TypeElement superclass(TypeElement type) {
    TypeMirror superclass = type.getSuperclass();
    return superclass.getKind() == TypeKind.DECLARED
        ? (TypeElement) ((DeclaredType) superclass).asElement()
        : null;
  }

  /**
   * A method of the model class or a superclass. An override of an inherited network method is
   * that network: generated code calls the override, so the network takes its parameters, return
   * type and body; an annotation on it that names another role or target is recorded as a
   * conflict, for validation to report.
   */
  private void readMethod(TypeElement model, ExecutableElement method, List<NetworkDescriptor> networks,
      List<ConflictingOverride> conflicts) {
    List<Annotated> annotations = new ArrayList<>();
    AnnotationMirrors.find(method, ENCODER).ifPresent(a -> annotations.add(new Annotated(a, NetworkRole.ENCODER)));
    AnnotationMirrors.find(method, GENERATOR).ifPresent(a -> annotations.add(new Annotated(a, NetworkRole.GENERATOR)));
    AnnotationMirrors.find(method, DISCRIMINATOR)
        .ifPresent(a -> annotations.add(new Annotated(a, NetworkRole.DISCRIMINATOR)));
    AnnotationMirrors.find(method, ENERGY).ifPresent(a -> annotations.add(new Annotated(a, NetworkRole.ENERGY)));
    List<NetworkDescriptor> overridden = new ArrayList<>();
    for (int i = 0; i < networks.size(); i++) {
      NetworkDescriptor inherited = networks.get(i);
      if (!elements.overrides(method, inherited.method(), model)) {
        continue;
      }
      overridden.add(inherited);
      // Re-annotating an override with its own role and target is allowed: messages then point at it.
      AnnotationMirror annotation = annotations.stream()
          .filter(a -> a.role() == inherited.role() && a.target().equals(inherited.target()))
          .map(Annotated::mirror)
          .findFirst()
          .orElse(inherited.annotation());
      networks.set(i, network(method, annotation, inherited.role()));
    }
    for (Annotated a : annotations) {
      if (overridden.isEmpty()) {
        networks.add(network(method, a.mirror(), a.role()));
      } else if (overridden.stream().noneMatch(n -> n.role() == a.role() && n.target().equals(a.target()))) {
        conflicts.add(new ConflictingOverride(method, a.mirror(),
            AnnotationMirrors.explicitValue(a.mirror(), "value").orElse(null), a.role(), a.target(),
            overridden.get(0)));
      }
    }
  }

  /** A network annotation on a method, with the role it gives. */
  private record Annotated(AnnotationMirror mirror, NetworkRole role) {
    String target() {
      return AnnotationMirrors.stringValue(mirror, "value", "");
    }
  }

  private static Optional<ObjectiveKind> objectiveKind(String name) {
    for (ObjectiveKind kind : ObjectiveKind.values()) {
      if (kind.name().equals(name)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }

  private NodeDescriptor node(VariableElement field, AnnotationMirror annotation, NodeKind kind) {
    String explicitName = AnnotationMirrors.stringValue(annotation, "name", "");
    String name = explicitName.isEmpty() ? field.getSimpleName().toString() : explicitName;
    return new NodeDescriptor(
        name,
        kind,
        field,
        annotation,
        AnnotationMirrors.explicitValue(annotation, "name").orElse(null),
        field.asType(),
        familyOf(field.asType()),
        AnnotationMirrors.intArrayValue(annotation, "shape"),
        AnnotationMirrors.explicitValue(annotation, "shape").orElse(null),
        // @Observed has no classes member: it reads as the default, 0.
        AnnotationMirrors.intValue(annotation, "classes", 0),
        AnnotationMirrors.explicitValue(annotation, "classes").orElse(null),
        // @Latent has no given member: it reads as false.
        AnnotationMirrors.booleanValue(annotation, "given", false),
        // @Observed has neither enumerate nor classificationWeight: they read as the defaults.
        AnnotationMirrors.booleanValue(annotation, "enumerate", false),
        AnnotationMirrors.explicitValue(annotation, "enumerate").orElse(null),
        AnnotationMirrors.doubleValue(annotation, "classificationWeight", 0),
        AnnotationMirrors.explicitValue(annotation, "classificationWeight").orElse(null),
        // @Observed has no global member: it reads as false.
        AnnotationMirrors.booleanValue(annotation, "global", false),
        AnnotationMirrors.explicitValue(annotation, "global").orElse(null));
  }

  private NetworkDescriptor network(ExecutableElement method, AnnotationMirror annotation, NetworkRole role) {
    List<ParameterDescriptor> parameters = new ArrayList<>();
    for (VariableElement p : method.getParameters()) {
      parameters.add(new ParameterDescriptor(p, p.getSimpleName().toString(), parameterKind(p.asType())));
    }
    return new NetworkDescriptor(
        role,
        AnnotationMirrors.stringValue(annotation, "value", ""),
        method,
        annotation,
        AnnotationMirrors.explicitValue(annotation, "value").orElse(null),
        parameters,
        familyOf(method.getReturnType()),
        // A discriminator returns logits and an energy a value, not a distribution: there is no
        // factory call to read.
        bodies == null || role == NetworkRole.DISCRIMINATOR || role == NetworkRole.ENERGY ? List.of()
            : bodies.read(method, parameters));
  }

  /** One of the runtime's families, else a class of the user's own that is or claims to be one. */
  static Optional<NodeFamily> familyOf(TypeMirror type) {
    if (type.getKind() != TypeKind.DECLARED) {
      return Optional.empty();
    }
    TypeElement element = (TypeElement) ((DeclaredType) type).asElement();
    Optional<Family> family = Family.forQualifiedName(element.getQualifiedName().toString());
    return family.isPresent() ? Optional.of(family.get()) : UserFamily.read(type).map(NodeFamily.class::cast);
  }

  /**
   * The components' family of a mixture type, {@code Normal} for {@code MixtureSameFamily<Normal>};
   * empty for a raw mixture, a type argument that is no family, or a type that is no mixture.
   */
  public static Optional<Family> componentFamilyOf(TypeMirror type) {
    if (familyOf(type).orElse(null) != Family.MIXTURE_SAME_FAMILY) {
      return Optional.empty();
    }
    List<? extends TypeMirror> arguments = ((DeclaredType) type).getTypeArguments();
    return arguments.size() == 1
        ? familyOf(arguments.get(0)).filter(Family.class::isInstance).map(Family.class::cast)
        : Optional.empty();
  }

  private static ParameterDescriptor.Kind parameterKind(TypeMirror type) {
    if (type.getKind() != TypeKind.DECLARED) {
      return ParameterDescriptor.Kind.UNSUPPORTED;
    }
    DeclaredType declared = (DeclaredType) type;
    String name = ((TypeElement) declared.asElement()).getQualifiedName().toString();
    if (name.equals(LAYER_HELPER)) {
      return ParameterDescriptor.Kind.LAYER_HELPER;
    }
    return isFloatOperand(type) ? ParameterDescriptor.Kind.NODE : ParameterDescriptor.Kind.UNSUPPORTED;
  }

  /** Whether {@code type} is the runtime's {@code TransformedDistribution} (a normalizing flow). */
  public static boolean isTransformedDistribution(TypeMirror type) {
    return type.getKind() == TypeKind.DECLARED
        && ((TypeElement) ((DeclaredType) type).asElement()).getQualifiedName().contentEquals(TRANSFORMED_DISTRIBUTION);
  }

  /** Whether {@code type} is {@code Operand<TFloat32>}: a node's value, or a tensor a network returns. */
  static boolean isFloatOperand(TypeMirror type) {
    if (type.getKind() != TypeKind.DECLARED) {
      return false;
    }
    DeclaredType declared = (DeclaredType) type;
    if (!((TypeElement) declared.asElement()).getQualifiedName().contentEquals(OPERAND)
        || declared.getTypeArguments().size() != 1) {
      return false;
    }
    TypeMirror argument = declared.getTypeArguments().get(0);
    return argument.getKind() == TypeKind.DECLARED
        && ((TypeElement) ((DeclaredType) argument).asElement()).getQualifiedName().contentEquals(FLOAT32);
  }

  private String packageOf(TypeElement type) {
    PackageElement p = elements.getPackageOf(type);
    return p.isUnnamed() ? "" : p.getQualifiedName().toString();
  }

  /** {@code a.b.Outer.Inner} in package {@code a.b} gives {@code Outer_InnerModel}. */
  private static String defaultGeneratedName(TypeElement type, String packageName) {
    String qualified = type.getQualifiedName().toString();
    String relative = packageName.isEmpty() ? qualified : qualified.substring(packageName.length() + 1);
    return relative.replace('.', '_') + "Model";
  }
}
