package dev.helmholtz.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.processor.model.Family;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;

/**
 * The factories the processor reads in network bodies ({@link Family#factories()}) are the
 * runtime's: public static methods of the family's class, taking exactly the listed tensor
 * parameters, in order. The shape check relies on it.
 */
class FamilyFactoriesTest {
  @Test
  void everyFactoryIsTheRuntimes() throws ReflectiveOperationException {
    for (Family family : Family.values()) {
      Class<?> type = Class.forName(family.qualifiedName());
      for (Family.Factory factory : family.factories()) {
        Class<?>[] operands = new Class<?>[factory.parameters().size()];
        Arrays.fill(operands, Operand.class);
        Method method = type.getMethod(factory.method(), operands);
        assertTrue(Modifier.isStatic(method.getModifiers()), method + " is not static");
        assertEquals(type, method.getReturnType(), method + " does not return " + type);
        List<String> names = Arrays.stream(method.getParameters()).map(Parameter::getName).toList();
        // The runtime is compiled with -parameters: the names are the declared ones.
        assertTrue(Arrays.stream(method.getParameters()).allMatch(Parameter::isNamePresent),
            "compile the runtime with -parameters");
        assertEquals(factory.parameters(), names, "parameters of " + method);
      }
    }
  }

  /** Only one overload per name and arity may exist, since the reader matches calls by both. */
  @Test
  void factoriesAreNotOverloadedByArity() throws ReflectiveOperationException {
    for (Family family : Family.values()) {
      Class<?> type = Class.forName(family.qualifiedName());
      for (Family.Factory factory : family.factories()) {
        long overloads = Arrays.stream(type.getMethods())
            .filter(m -> m.getName().equals(factory.method())
                && m.getParameterCount() == factory.parameters().size())
            .count();
        assertEquals(1, overloads, family + "." + factory.method());
      }
    }
  }
}
