package dev.helmholtz.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.processor.validation.ObjectiveTraits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The objective table has one row per objective, and its sample ranges read as documented. */
class ObjectiveTraitsTest {
  @ParameterizedTest
  @EnumSource(ObjectiveKind.class)
  void everyObjectiveHasItsRow(ObjectiveKind kind) {
    assertEquals(kind, ObjectiveTraits.of(kind).kind());
    assertEquals(kind.name(), ObjectiveTraits.of(kind).name());
  }

  @Test
  void sampleCountsFollowTheObjectivesDocumentation() {
    assertNull(ObjectiveTraits.of(ObjectiveKind.IWAE).samples().problem(50));
    assertNull(ObjectiveTraits.of(ObjectiveKind.VIMCO).samples().problem(2));
    assertEquals("needs at least 1 sample per example", ObjectiveTraits.of(ObjectiveKind.ELBO).samples().problem(0));
    assertEquals(ObjectiveTraits.of(ObjectiveKind.VIMCO).samples().why(),
        ObjectiveTraits.of(ObjectiveKind.VIMCO).samples().problem(1));
    assertEquals(ObjectiveTraits.of(ObjectiveKind.NVIL).samples().why(),
        ObjectiveTraits.of(ObjectiveKind.NVIL).samples().problem(2));
  }
}
