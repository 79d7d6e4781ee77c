package dev.helmholtz.processor.model;

import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;

/**
 * A network annotation on a method that overrides an inherited network method but names another
 * role or target. The override stays the network it overrides (generated code calls it in that
 * network's place), so this annotation cannot take effect: validation reports it.
 *
 * @param method the overriding method
 * @param annotation the conflicting annotation on it
 * @param targetValue its explicit {@code value}, or null
 * @param overridden the inherited network as declared in the superclass, before the override
 */
public record ConflictingOverride(
    ExecutableElement method,
    AnnotationMirror annotation,
    AnnotationValue targetValue,
    NetworkRole role,
    String target,
    NetworkDescriptor overridden) {}
