package dev.helmholtz.processor.model;

import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;

/** A method of the model class with one annotation the reader records beside its role, such as {@code @MomentMatching}. */
public record AnnotatedMethod(ExecutableElement method, AnnotationMirror annotation) {
  public String methodName() {
    return method.getSimpleName().toString();
  }
}
