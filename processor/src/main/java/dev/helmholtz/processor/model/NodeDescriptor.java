package dev.helmholtz.processor.model;

import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeMirror;

/**
 * A random variable declared by a {@code @Latent} or {@code @Observed} field.
 *
 * @param name the node's name (the annotation's {@code name}, else the field's)
 * @param family empty when the field's type is neither a runtime family nor a class of the user's
 *     own marked {@code @Family} or extending {@code Distribution}
 * @param shape the declared event shape, as written
 * @param nameValue the explicit {@code name} value, or null when the field name is used
 * @param classes {@code @Latent(classes)} as written: 0 when not given
 * @param classesValue the explicit {@code classes} value, or null when defaulted
 * @param given {@code @Observed(given = true)}: conditioned on, not modelled
 * @param enumerate {@code @Latent(enumerate = true)}: summed out by enumeration of its classes
 * @param enumerateValue the explicit {@code enumerate} value, or null when defaulted
 * @param classificationWeight {@code @Latent(classificationWeight)} as written: 0 when not given
 * @param classificationWeightValue the explicit {@code classificationWeight} value, or null
 * @param global {@code @Latent(global = true)}: one value for the whole data set
 * @param globalValue the explicit {@code global} value, or null when defaulted
 */
public record NodeDescriptor(
    String name,
    NodeKind kind,
    VariableElement field,
    AnnotationMirror annotation,
    AnnotationValue nameValue,
    TypeMirror declaredType,
    Optional<NodeFamily> family,
    List<Integer> shape,
    AnnotationValue shapeValue,
    int classes,
    AnnotationValue classesValue,
    boolean given,
    boolean enumerate,
    AnnotationValue enumerateValue,
    double classificationWeight,
    AnnotationValue classificationWeightValue,
    boolean global,
    AnnotationValue globalValue) {

  public NodeDescriptor {
    shape = List.copyOf(shape);
  }

  /** The class that declares the node's field: the model class or one of its superclasses. */
  public TypeElement declaringType() {
    return (TypeElement) field.getEnclosingElement();
  }

  /** The components' family of a node declared a mixture ({@code MixtureSameFamily<Normal>}: Normal). */
  public Optional<Family> components() {
    return ModelReader.componentFamilyOf(declaredType);
  }

  public boolean isLatent() {
    return kind == NodeKind.LATENT;
  }

  /** A latent with one value for the whole data set (a model parameter with a prior). */
  public boolean isGlobalLatent() {
    return kind == NodeKind.LATENT && global;
  }

  /** A latent with one value per example. */
  public boolean isLocalLatent() {
    return kind == NodeKind.LATENT && !global;
  }

  /** An observed node that is modelled: it has a generator and a likelihood term. */
  public boolean isModelledObservation() {
    return kind == NodeKind.OBSERVED && !given;
  }

  /**
   * Classes per categorical variable for a categorical family: {@code classes}, or the whole
   * event when it is 0.
   */
  public int classesPerVariable() {
    return classes == 0 ? width() : classes;
  }

  /**
   * Whether the event shape is one the runtime can hold: one or more sizes, each at least 1,
   * whose product (the event's scalars, {@link #width()}) fits in an {@code int}.
   */
  public boolean hasValidShape() {
    if (shape.isEmpty()) {
      return false;
    }
    long product = 1;
    for (int d : shape) {
      if (d < 1) {
        return false;
      }
      product *= d;
      if (product > Integer.MAX_VALUE) {
        return false; // the width would overflow: {100000, 100000} once compiled as 1410065408
      }
    }
    return true;
  }

  /** The number of scalars in one event: the product of the shape (see {@link #hasValidShape()}). */
  public int width() {
    int width = 1;
    for (int d : shape) {
      width *= d;
    }
    return width;
  }
}
