package dev.helmholtz.processor.model;

import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * A method annotated {@code @Encoder}, {@code @Generator} or {@code @Discriminator}, or an
 * override of one inherited by the model class (then {@code method} is the override, and
 * {@code annotation} the inherited one unless the override repeats it).
 *
 * @param target the node named by the annotation's value
 * @param returnFamily empty when the return type is not a known distribution family
 * @param returned the distribution factory calls its return statements make, as far as the
 *     source shows them (empty when the compiler offers no source trees)
 */
public record NetworkDescriptor(
    NetworkRole role,
    String target,
    ExecutableElement method,
    AnnotationMirror annotation,
    AnnotationValue targetValue,
    List<ParameterDescriptor> parameters,
    Optional<NodeFamily> returnFamily,
    List<ReturnedDistribution> returned) {

  public NetworkDescriptor {
    parameters = List.copyOf(parameters);
    returned = List.copyOf(returned);
  }

  /** The class that declares the method generated code calls: the model class or a superclass. */
  public TypeElement declaringType() {
    return (TypeElement) method.getEnclosingElement();
  }

  public String methodName() {
    return method.getSimpleName().toString();
  }

  /**
   * Whether the method returns {@code Operand<TFloat32>}: a discriminator's logits, or a
   * deterministic generator's value (an implicit distribution).
   */
  public boolean returnsTensor() {
    return ModelReader.isFloatOperand(method.getReturnType());
  }

  /** The components' family of a returned mixture ({@code MixtureSameFamily<Normal>}: Normal). */
  public Optional<Family> returnComponents() {
    return ModelReader.componentFamilyOf(method.getReturnType());
  }

  /**
   * Whether the method returns {@code TransformedDistribution}: a flow-based posterior (an
   * encoder's) or prior (a generator's) for a latent declared with its prior's family.
   */
  public boolean returnsFlow() {
    return ModelReader.isTransformedDistribution(method.getReturnType());
  }

  /**
   * {@code @Generator(drawAxis = true)}: the network takes global latents as {@code [R, width]} and
   * its other arguments as {@code [n, event...]}, and returns {@code [R, n, event...]}.
   */
  public boolean drawAxis() {
    return role == NetworkRole.GENERATOR && AnnotationMirrors.booleanValue(annotation, "drawAxis", false);
  }

  /** The explicit {@code drawAxis} value, where a diagnostic about it belongs. */
  public java.util.Optional<javax.lang.model.element.AnnotationValue> drawAxisValue() {
    return AnnotationMirrors.explicitValue(annotation, "drawAxis");
  }

  /** The parameters bound to nodes, in declaration order. */
  public List<ParameterDescriptor> nodeParameters() {
    return parameters.stream().filter(p -> p.kind() == ParameterDescriptor.Kind.NODE).toList();
  }
}
