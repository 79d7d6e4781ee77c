package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The generated source of every sample model, compared with a reviewed copy. After an
 * intended change to generated code, rewrite the copies with
 * {@code HELMHOLTZ_UPDATE_GOLDEN=true mvn -pl processor test} and review the diff.
 */
class GoldenSourceTest {
  private static final Path SAMPLES = Path.of("../samples/src/main/java");
  private static final Path GOLDEN = Path.of("src/test/resources/golden");

  @Test
  void sampleVae() throws IOException {
    check("dev/helmholtz/samples/vae/Vae.java", "dev.helmholtz.samples.vae.VaeModel");
  }

  private static void check(String modelSource, String generatedClass) throws IOException {
    JavaFileObject source = JavaFileObjects.forResource(SAMPLES.resolve(modelSource).toUri().toURL());
    Compilation compilation = Compilations.compile(source);
    assertThat(compilation).succeededWithoutWarnings();
    JavaFileObject generated = compilation.generatedSourceFile(generatedClass).orElseThrow();
    String actual = generated.getCharContent(false).toString();
    Path golden = GOLDEN.resolve(generatedClass.replace('.', '/') + ".java");
    if (Boolean.parseBoolean(System.getenv("HELMHOLTZ_UPDATE_GOLDEN"))) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, actual, StandardCharsets.UTF_8);
    }
    assertEquals(Files.readString(golden, StandardCharsets.UTF_8), actual,
        "generated source differs from " + golden + "; if intended, rerun with HELMHOLTZ_UPDATE_GOLDEN=true and review the diff");
  }
}
