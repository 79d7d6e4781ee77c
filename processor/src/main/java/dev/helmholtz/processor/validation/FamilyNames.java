package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.Family;
import dev.helmholtz.processor.model.NodeFamily;
import java.util.Arrays;
import java.util.stream.Collectors;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Families as messages should name them: by simple name, unless the user's type has that simple
 * name too (their own {@code Normal}), where "declare it Normal" would only repeat the mistake.
 */
final class FamilyNames {
  private FamilyNames() {}

  /** Whether the type is not the family but has its simple name. */
  static boolean impersonates(TypeMirror type, NodeFamily family) {
    if (type.getKind() != TypeKind.DECLARED) {
      return false;
    }
    TypeElement element = (TypeElement) ((DeclaredType) type).asElement();
    return element.getSimpleName().contentEquals(family.simpleName())
        && !element.getQualifiedName().contentEquals(family.qualifiedName());
  }

  /** The family's name for a message about a type written as {@code written}. */
  static String name(NodeFamily family, TypeMirror written) {
    return impersonates(written, family) ? family.qualifiedName() : family.simpleName();
  }

  /** Every family, for a message about a type written as {@code written}. */
  static String known(TypeMirror written) {
    boolean qualify = Arrays.stream(Family.values()).anyMatch(f -> impersonates(written, f));
    return Arrays.stream(Family.values())
        .map(f -> qualify ? f.qualifiedName() : f.simpleName())
        .collect(Collectors.joining(", "));
  }
}
