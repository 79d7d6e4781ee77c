package dev.helmholtz.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Objective;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.processor.model.ModelReader;
import org.junit.jupiter.api.Test;

/** The reader's fallbacks are the annotations' declared defaults (it reads only explicit values). */
class AnnotationDefaultsTest {
  @Test
  void readerFallbacksMatchDeclaredDefaults() throws NoSuchMethodException {
    assertEquals(ModelReader.DEFAULT_OBJECTIVE, Objective.class.getMethod("kind").getDefaultValue());
    assertEquals(ModelReader.DEFAULT_SAMPLES, Objective.class.getMethod("samples").getDefaultValue());
    Objective objective = (Objective) Model.class.getMethod("objective").getDefaultValue();
    assertEquals(ModelReader.DEFAULT_OBJECTIVE, objective.kind());
    assertEquals(ModelReader.DEFAULT_SAMPLES, objective.samples());
    assertEquals("", Model.class.getMethod("name").getDefaultValue());
    assertEquals("", Latent.class.getMethod("name").getDefaultValue());
    assertEquals("", Observed.class.getMethod("name").getDefaultValue());
    assertEquals(false, Latent.class.getMethod("global").getDefaultValue());
    assertEquals(false, Observed.class.getMethod("given").getDefaultValue());
    assertEquals(ModelReader.DEFAULT_GIBBS_STEPS,
        dev.helmholtz.annotations.Energy.class.getMethod("gibbsSteps").getDefaultValue());
    assertEquals(ModelReader.DEFAULT_PERSISTENT_CHAINS,
        dev.helmholtz.annotations.Energy.class.getMethod("persistentChains").getDefaultValue());
  }
}
