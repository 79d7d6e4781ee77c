package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.SourceLocation;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic.Kind;

/**
 * Sends catalog diagnostics to the compiler, attached as narrowly as the caller can: to an
 * annotation value, else an annotation, else an element. Warnings honour
 * {@code @SuppressWarnings("helmholtz:<tag>")} on the element or any enclosing element.
 */
public final class Reporter {
  private final Messager messager;
  private int errors;

  public Reporter(Messager messager) {
    this.messager = messager;
  }

  public void report(Diagnostic diagnostic, Element element, Object... arguments) {
    report(diagnostic, element, null, null, arguments);
  }

  public void report(Diagnostic diagnostic, Element element, AnnotationMirror annotation, Object... arguments) {
    report(diagnostic, element, annotation, null, arguments);
  }

  public void report(
      Diagnostic diagnostic,
      Element element,
      AnnotationMirror annotation,
      AnnotationValue value,
      Object... arguments) {
    if (diagnostic.kind() != Kind.ERROR && isSuppressed(diagnostic, element)) {
      return;
    }
    if (diagnostic.kind() == Kind.ERROR) {
      errors++;
    }
    String message = diagnostic.format(arguments);
    if (annotation == null) {
      messager.printMessage(diagnostic.kind(), message, element);
    } else if (value == null) {
      messager.printMessage(diagnostic.kind(), message, element, annotation);
    } else {
      messager.printMessage(diagnostic.kind(), message, element, annotation, value);
    }
  }

  /**
   * Reports at a place inside a method body, through javac's source trees. Errors only: a
   * warning there could not be suppressed by {@code @SuppressWarnings} on an element.
   */
  public void report(Diagnostic diagnostic, SourceLocation location, Object... arguments) {
    if (diagnostic.kind() != Kind.ERROR) {
      throw new IllegalArgumentException(diagnostic + " is not an error");
    }
    errors++;
    location.trees().printMessage(diagnostic.kind(), diagnostic.format(arguments), location.tree(),
        location.unit());
  }

  /** A note that is not in the catalog because it is not a problem (the verbose model report). */
  public void note(String message, Element element) {
    messager.printMessage(Kind.NOTE, message, element);
  }

  public int errorCount() {
    return errors;
  }

  private static boolean isSuppressed(Diagnostic diagnostic, Element element) {
    for (Element e = element; e != null; e = e.getEnclosingElement()) {
      SuppressWarnings suppress = e.getAnnotation(SuppressWarnings.class);
      if (suppress != null) {
        for (String key : suppress.value()) {
          if (key.equals(diagnostic.suppressionKey()) || key.equals("helmholtz:all")) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
