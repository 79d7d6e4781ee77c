package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.testing.compile.Compilation;
import dev.helmholtz.processor.FuzzModels.Case;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The processor never crashes, whatever it is given: {@value #DEFAULT_CASES} seeded random model
 * classes (see {@link FuzzModels}), well-formed, malformed and wild, each compiled with the
 * processor and judged by {@link FuzzRun} (which says what passing means).
 *
 * <p>The long run is a command: {@code processor/fuzz --cases 20000 --seed 42}. This test takes
 * the same settings from {@code -Dhelmholtz.fuzz.cases=5000 -Dhelmholtz.fuzz.seed=42} (or the
 * environment variables {@code HELMHOLTZ_FUZZ_CASES} and {@code HELMHOLTZ_FUZZ_SEED}). A failure
 * names each failing case's index and seed, and {@code -Dhelmholtz.fuzz.only=<index>} reruns just
 * that case; {@code -Dhelmholtz.fuzz.dump=<dir>} writes the failing sources.
 */
class ProcessorFuzzTest {
  static final int DEFAULT_CASES = 300;
  static final long DEFAULT_SEED = 20_250_601L;

  @Test
  void processorNeverCrashes() throws Exception {
    long seed = setting("helmholtz.fuzz.seed", "HELMHOLTZ_FUZZ_SEED", DEFAULT_SEED);
    String dump = System.getProperty("helmholtz.fuzz.dump", System.getenv("HELMHOLTZ_FUZZ_DUMP"));
    FuzzRun.Settings settings = new FuzzRun.Settings(
        (int) setting("helmholtz.fuzz.cases", "HELMHOLTZ_FUZZ_CASES", DEFAULT_CASES),
        seed,
        setting("helmholtz.fuzz.only", "HELMHOLTZ_FUZZ_ONLY", -1),
        (int) setting("helmholtz.fuzz.threads", "HELMHOLTZ_FUZZ_THREADS",
            Math.min(2, Runtime.getRuntime().availableProcessors())),
        dump == null || dump.isBlank() ? null : java.nio.file.Path.of(dump),
        0);
    FuzzRun.Report report = FuzzRun.run(settings, System.out);
    if (!report.passed()) {
      fail(report.failureDetails(seed, 8));
    }
  }

  static long setting(String property, String variable, long fallback) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(variable);
    }
    return value == null || value.isBlank() ? fallback : Long.parseLong(value.strip());
  }

  // --- Regressions: what the fuzzer found, minimized --------------------------------------

  /**
   * Found by the fuzzer (seed 20250601, case 28): a network declaring a checked exception was
   * accepted, and the generated class, whose overrides declare none, did not compile.
   */
  @ParameterizedTest
  @ValueSource(strings = {"throws Exception", "throws java.io.IOException, RuntimeException", "throws Throwable"})
  void networkThatThrowsACheckedException(String throwsClause) {
    JavaFileObject source = Compilations.model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\")",
        "  Normal encode(Nn nn, Operand<TFloat32> x) " + throwsClause + " {",
        "    return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2));",
        "  }",
        "  @Generator(\"x\")",
        "  Bernoulli decode(Nn nn, Operand<TFloat32> z) { return Bernoulli.logits(nn.dense(z, 4)); }",
        "}");
    Compilation c = Compilations.compile(source);
    assertThat(c).hadErrorContaining("[HelmholtzNetworkAccess] @Encoder method encode() throws checked ")
        .inFile(source).onLineContaining("@Encoder(\"z\")");
    assertThat(c).hadErrorCount(1);
  }

  /** Unchecked exceptions are fine: generated code need not handle them. */
  @Test
  void networkThatThrowsOnlyUncheckedExceptions() {
    JavaFileObject source = Compilations.model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\")",
        "  Normal encode(Nn nn, Operand<TFloat32> x) throws IllegalStateException, Error {",
        "    return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2));",
        "  }",
        "  @Generator(\"x\")",
        "  Bernoulli decode(Nn nn, Operand<TFloat32> z) { return Bernoulli.logits(nn.dense(z, 4)); }",
        "}");
    assertThat(Compilations.compile(source)).succeededWithoutWarnings();
  }

  /**
   * Found by the long fuzz run (seed 7, case 18535): a generated class named Override shadowed
   * java.lang.Override in its package, and the @Override annotations of the package's other
   * generated classes no longer compiled. The name is now reserved, like the types generated code
   * imports.
   */
  @Test
  void generatedClassNamedOverride() {
    JavaFileObject source = Compilations.model("M",
        "@Model(name = \"Override\")",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\")",
        "  Normal encode(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2)); }",
        "  @Generator(\"x\")",
        "  Bernoulli decode(Nn nn, Operand<TFloat32> z) { return Bernoulli.logits(nn.dense(z, 4)); }",
        "  @Model static class Second {",
        "    @Latent(shape = 2) Normal z;",
        "    @Observed(shape = 3) Bernoulli x;",
        "    @Encoder(\"z\") Normal e(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2)); }",
        "    @Generator(\"x\") Bernoulli g(Nn nn, Operand<TFloat32> z) { return Bernoulli.logits(nn.dense(z, 3)); }",
        "  }",
        "}");
    Compilation c = Compilations.compile(source);
    assertThat(c).hadErrorContaining("[HelmholtzGeneratedNameReserved] cannot generate class test.Override: "
            + "Override is the simple name of java.lang.Override, which generated code uses")
        .inFile(source).onLineContaining("@Model(name = \"Override\")");
    assertThat(c).hadErrorCount(1); // so M_SecondModel, generated alongside, compiled
  }

  @Test
  void seedsAreStable() {
    // A reported seed must keep meaning the same case.
    Case a = FuzzModels.generate(7, FuzzRun.caseSeed(DEFAULT_SEED, 7));
    Case b = FuzzModels.generate(7, FuzzRun.caseSeed(DEFAULT_SEED, 7));
    assertTrue(a.source().equals(b.source()) && a.expect() == b.expect());
  }
}
