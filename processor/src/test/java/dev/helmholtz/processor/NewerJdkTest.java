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
 * <p>The JDK is the one named by {@code -Dhelmholtz.jdk25=<home>} or the environment variable
 * {@code HELMHOLTZ_JDK25}; else the first JDK 25 found (its {@code release} file says
 * {@code JAVA_VERSION="25}) among the {@code javac}s on {@code PATH} and the JDKs installed in
 * {@code /usr/lib/jvm} or {@code /Library/Java/JavaVirtualMachines}. Where there is none, the test
 * is skipped with that reason, not failed.
 */
class NewerJdkTest {
  private static final Path SAMPLE = Path.of("../samples/src/main/java/dev/helmholtz/samples/vae/Vae.java");
  private static final Path GOLDEN = Path.of("src/test/resources/golden/dev/helmholtz/samples/vae/VaeModel.java");

  @Test
  void jdk25CompilesTheSampleVaeWithTheProcessorToTheGoldenSource(@TempDir Path work) throws Exception {
    java.util.Optional<Path> found = jdkHome();
    Assumptions.assumeTrue(found.isPresent(), "no JDK 25 named by -Dhelmholtz.jdk25 or HELMHOLTZ_JDK25, on PATH,"
        + " or in /usr/lib/jvm: JDK 25 check skipped");
    Path home = found.get();
    Path javac = home.resolve("bin/javac");
    Assumptions.assumeTrue(Files.isExecutable(javac),
        "no javac in the JDK 25 named at " + home + ": JDK 25 check skipped");

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

  /** The JDK 25 to run: the one configured, else the first found (see the class comment). */
  static java.util.Optional<Path> jdkHome() throws IOException {
    String configured = System.getProperty("helmholtz.jdk25", System.getenv("HELMHOLTZ_JDK25"));
    if (configured != null && !configured.isBlank()) {
      return java.util.Optional.of(Path.of(configured));
    }
    List<Path> candidates = new java.util.ArrayList<>();
    String pathVariable = System.getenv("PATH");
    if (pathVariable != null) {
      for (String entry : pathVariable.split(java.io.File.pathSeparator)) {
        Path javac = Path.of(entry, "javac");
        if (!entry.isEmpty() && Files.isExecutable(javac)) {
          Path home = javac.toRealPath().getParent().getParent();
          candidates.add(home);
        }
      }
    }
    for (Path root : List.of(Path.of("/usr/lib/jvm"), Path.of("/Library/Java/JavaVirtualMachines"))) {
      if (Files.isDirectory(root)) {
        try (java.util.stream.Stream<Path> homes = Files.list(root)) {
          homes.sorted().forEach(h -> {
            candidates.add(h);
            candidates.add(h.resolve("Contents/Home"));
          });
        }
      }
    }
    for (Path home : candidates) {
      Path release = home.resolve("release");
      if (Files.isRegularFile(release) && Files.isExecutable(home.resolve("bin/javac"))
          && Files.readString(release).lines().anyMatch(l -> l.startsWith("JAVA_VERSION=\"25"))) {
        return java.util.Optional.of(home);
      }
    }
    return java.util.Optional.empty();
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
