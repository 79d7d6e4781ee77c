package dev.helmholtz.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor runs under a newer JDK's javac (25), as users' builds run it: an external
 * {@code javac} with the processor on {@code -processorpath}, compiling the sample VAE with
 * {@code --release 17 -Xlint:all,-processing -Werror} (the build's lint settings). It must compile
 * without a warning and generate the very bytes that JDK 17 generates (the golden copy
 * {@link GoldenSourceTest} checks).
 *
 * <p>{@code -Xlint:processing} stays off, as in the build: javac would warn that no processor
 * claims {@code javax.annotation.processing.Generated}, which every generated class carries (and
 * the Helmholtz annotations, which the processor leaves unclaimed for other processors).
 *
 * <p>The JDK is {@code /usr/lib/jvm/temurin-25-jdk-amd64}, or the one named by
 * {@code -Dhelmholtz.jdk25=<home>} or the environment variable {@code HELMHOLTZ_JDK25}. Where
 * there is none, the test is skipped, not failed.
 */
class NewerJdkTest {
  private static final Path DEFAULT_HOME = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
  private static final Path SAMPLE = Path.of("../samples/src/main/java/dev/helmholtz/samples/vae/Vae.java");
  private static final Path GOLDEN = Path.of("src/test/resources/golden/dev/helmholtz/samples/vae/VaeModel.java");

  @Test
  void jdk25CompilesTheSampleVaeWithTheProcessorToTheGoldenSource(@TempDir Path work) throws Exception {
    Path home = jdkHome();
    Path javac = home.resolve("bin/javac");
    Assumptions.assumeTrue(Files.isExecutable(javac),
        "no JDK 25 at " + home + " (set -Dhelmholtz.jdk25=<home> or HELMHOLTZ_JDK25): JDK 25 check skipped");

    Path generated = Files.createDirectories(work.resolve("generated"));
    Path classes = Files.createDirectories(work.resolve("classes"));
    List<String> command = new ArrayList<>(List.of(
        javac.toString(),
        "--release", "17",
        // All lints but "processing", as the build compiles (the parent pom): it warns about
        // annotations no processor claims, and generated code carries @Generated, which none does.
        "-Xlint:all,-processing", "-Werror",
        "-encoding", "UTF-8",
        "-processor", HelmholtzProcessor.class.getName(),
        "-processorpath", join(processorPath()),
        "-classpath", join(compileClassPath()),
        "-s", generated.toString(),
        "-d", classes.toString(),
        SAMPLE.toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    // Read all output before waiting, so a chatty javac cannot block on a full pipe.
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(5, TimeUnit.MINUTES), "javac did not finish");
    assertEquals(0, process.exitValue(),
        () -> "JDK 25 javac failed:\n" + String.join(" ", command) + "\n" + output);
    assertEquals("", output.strip(), "javac printed diagnostics");

    Path vaeModel = generated.resolve("dev/helmholtz/samples/vae/VaeModel.java");
    assertTrue(Files.isRegularFile(vaeModel), "no generated " + vaeModel);
    assertTrue(Files.isRegularFile(classes.resolve("dev/helmholtz/samples/vae/VaeModel.class")),
        "the generated source was not compiled");
    byte[] expected = Files.readAllBytes(GOLDEN);
    byte[] actual = Files.readAllBytes(vaeModel);
    assertArrayEquals(expected, actual, () -> "JDK 25 generated a different VaeModel.java than JDK 17 (golden "
        + GOLDEN + "):\n" + new String(actual, StandardCharsets.UTF_8));
  }

  private static Path jdkHome() {
    String configured = System.getProperty("helmholtz.jdk25", System.getenv("HELMHOLTZ_JDK25"));
    return configured == null || configured.isBlank() ? DEFAULT_HOME : Path.of(configured);
  }

  /**
   * The processor as a build puts it on the processor path: its classes (this module's output
   * folder, since the jar is packaged after tests run) and its runtime dependencies.
   */
  private static List<Path> processorPath() throws URISyntaxException {
    return List.of(
        location(HelmholtzProcessor.class),
        location(com.palantir.javapoet.JavaFile.class),
        location(dev.helmholtz.annotations.Model.class));
  }

  /**
   * What the sample compiles against: this test's own class path (annotations, runtime,
   * TensorFlow and their dependencies), without this module's classes, so that the processor
   * comes only from the processor path.
   */
  private static List<Path> compileClassPath() throws URISyntaxException, IOException {
    Path processorClasses = location(HelmholtzProcessor.class).toRealPath();
    Path testClasses = location(NewerJdkTest.class).toRealPath();
    Set<Path> entries = new LinkedHashSet<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      Path path = Path.of(entry);
      if (!Files.exists(path)) {
        continue; // -Xlint:path would warn, and -Werror fail, on an entry that does not exist
      }
      Path real = path.toRealPath();
      if (!real.equals(processorClasses) && !real.equals(testClasses)) {
        entries.add(real);
      }
    }
    assertTrue(entries.stream().anyMatch(p -> p.toString().contains("tensorflow")),
        () -> "the test class path has no TensorFlow jar: " + entries);
    return List.copyOf(entries);
  }

  private static Path location(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  private static String join(List<Path> paths) {
    return String.join(File.pathSeparator, paths.stream().map(Path::toString).toList());
  }
}
