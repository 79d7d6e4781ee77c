package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.helmholtz.processor.Compilations.compile;
import static dev.helmholtz.processor.Compilations.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import dev.helmholtz.processor.validation.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code [HelmholtzUnusedLatent]}: a latent that no generator takes is a warning, never an error;
 * code is still generated, and {@code @SuppressWarnings("helmholtz:UnusedLatent")} on the field or
 * the class silences it.
 */
class UnusedLatentTest {
  private static final String UNUSED_W =
      "[HelmholtzUnusedLatent] latent 'w' is a parameter of no @Generator (decode() generates x "
          + "from z), so nothing in the generative model depends on it and training only pulls "
          + "q(w | ...) toward its prior; add a parameter Operand<TFloat32> w to the @Generator of a "
          + "node it should explain, or remove the latent. If it is unused on purpose, annotate it "
          + "@SuppressWarnings(\"helmholtz:UnusedLatent\")";

  /** A VAE with a second latent w that has an encoder but feeds no generator. */
  private static JavaFileObject withUnusedW(String classAnnotation, String fieldAnnotation) {
    return model("M",
        classAnnotation,
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  " + fieldAnnotation,
        "  @Latent(shape = 3) Normal w; // unused",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\") Normal encode(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2)); }",
        "  @Encoder(\"w\") Normal encodeW(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 3), nn.dense(x, 3)); }",
        "  @Generator(\"x\") Bernoulli decode(Nn nn, Operand<TFloat32> z) { return Bernoulli.logits(nn.dense(z, 4)); }",
        "}");
  }

  @Test
  void isAWarningAndTheModelIsStillGenerated() {
    JavaFileObject source = withUnusedW("", "");
    Compilation c = compile(source);
    assertThat(c).succeeded();
    assertThat(c).hadWarningContaining(UNUSED_W).inFile(source).onLineContaining("Normal w; // unused");
    assertThat(c).hadWarningCount(1);
    assertThat(c).hadErrorCount(0);
    assertTrue(c.generatedSourceFile("test.MModel").isPresent(), "a warning must not stop generation");
    assertEquals(javax.tools.Diagnostic.Kind.WARNING, Diagnostic.UNUSED_LATENT.kind());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"helmholtz:UnusedLatent", "helmholtz:all"})
  void suppressedOnTheField(String key) {
    Compilation c = compile(withUnusedW("", "@SuppressWarnings(\"" + key + "\")"));
    assertThat(c).succeededWithoutWarnings();
    assertTrue(c.generatedSourceFile("test.MModel").isPresent());
  }

  @Test
  void suppressedOnTheClass() {
    Compilation c = compile(withUnusedW("@SuppressWarnings({\"unused\", \"helmholtz:UnusedLatent\"})", ""));
    assertThat(c).succeededWithoutWarnings();
    assertTrue(c.generatedSourceFile("test.MModel").isPresent());
  }

  @Test
  void anotherKeyDoesNotSuppressIt() {
    JavaFileObject source = withUnusedW("", "@SuppressWarnings(\"helmholtz:Unused\")");
    Compilation c = compile(source);
    assertThat(c).hadWarningContaining("[HelmholtzUnusedLatent] latent 'w'").inFile(source)
        .onLineContaining("Normal w; // unused");
  }

  /** A latent that only the generator of another latent takes is used: it explains that latent. */
  @Test
  void latentThatOnlyAnotherLatentDependsOnIsUsed() {
    Compilation c = compile(model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z2;",
        "  @Latent(shape = 3) Normal z1;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z1\") Normal q1(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 3), nn.dense(x, 3)); }",
        "  @Encoder(\"z2\") Normal q2(Nn nn, Operand<TFloat32> z1) { return Normal.meanLogStd(nn.dense(z1, 2), nn.dense(z1, 2)); }",
        "  @Generator(\"z1\") Normal p1(Nn nn, Operand<TFloat32> z2) { return Normal.meanLogStd(nn.dense(z2, 3), nn.dense(z2, 3)); }",
        "  @Generator(\"x\") Bernoulli px(Nn nn, Operand<TFloat32> z1) { return Bernoulli.logits(nn.dense(z1, 4)); }",
        "}"));
    assertThat(c).succeededWithoutWarnings();
  }

  /** A latent with a prior of its own that nothing takes is still unused. */
  @Test
  void latentWithAGeneratorButNoChild() {
    JavaFileObject source = model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Latent(shape = 3) Normal w;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\") Normal qz(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2)); }",
        "  @Encoder(\"w\") Normal qw(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 3), nn.dense(x, 3)); }",
        "  @Generator(\"w\") Normal pw(Nn nn, Operand<TFloat32> z) { return Normal.meanLogStd(nn.dense(z, 3), nn.dense(z, 3)); }",
        "  @Generator(\"x\") Bernoulli px(Nn nn, Operand<TFloat32> z) { return Bernoulli.logits(nn.dense(z, 4)); }",
        "}");
    Compilation c = compile(source);
    assertThat(c).succeeded();
    assertThat(c).hadWarningContaining(
            "[HelmholtzUnusedLatent] latent 'w' is a parameter of no @Generator (pw() generates w from z; "
                + "px() generates x from z)")
        .inFile(source).onLineContaining("Normal w;");
    assertThat(c).hadWarningCount(1);
  }

  /** Parameters bind nodes by name: a latent named "z-code" can never be one, and the advice says so. */
  @Test
  void latentWhoseNameNoParameterCanHave() {
    JavaFileObject source = model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Latent(shape = 3, name = \"z-code\") Normal code;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\") Normal qz(Nn nn, Operand<TFloat32> x) { return null; }",
        "  @Encoder(\"z-code\") Normal qc(Nn nn, Operand<TFloat32> x) { return null; }",
        "  @Generator(\"x\") Bernoulli px(Nn nn, Operand<TFloat32> z) { return null; }",
        "}");
    Compilation c = compile(source);
    assertThat(c).hadWarningContaining(
            "[HelmholtzUnusedLatent] latent 'z-code' is a parameter of no @Generator (px() generates x "
                + "from z), so nothing in the generative model depends on it and training only pulls "
                + "q(z-code | ...) toward its prior; its name is not a Java identifier, so no network "
                + "parameter can name it: rename it")
        .inFile(source).onLineContaining("Normal code;");
  }

  /** A mistake is reported once, as the error it is: not again as a latent left unused. */
  @Test
  void notReportedNextToAnError() {
    JavaFileObject source = model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\") Normal encode(Nn nn, Operand<TFloat32> x) { return null; }",
        "  @Generator(\"x\") Bernoulli decode(Nn nn, Operand<TFloat32> zz) { return null; }",
        "}");
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining("[HelmholtzUnboundParameter] parameter 'zz' of decode()");
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadWarningCount(0);
  }
}
