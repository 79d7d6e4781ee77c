package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.helmholtz.processor.Compilations.compile;
import static dev.helmholtz.processor.Compilations.model;

import com.google.testing.compile.Compilation;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The compile errors of a malformed model: each names the problem in the model's terms and is
 * reported on the line that causes it.
 */
class ModelErrorsTest {
  private static final String[] ENCODER = {
    "  @Encoder(\"z\")",
    "  Normal encode(Nn nn, Operand<TFloat32> x) {",
    "    return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2));",
    "  }"
  };
  private static final String[] DECODER = {
    "  @Generator(\"x\")",
    "  Bernoulli decode(Nn nn, Operand<TFloat32> z) {",
    "    return Bernoulli.logits(nn.dense(z, 4));",
    "  }"
  };

  private static String[] lines(String[]... parts) {
    return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
  }

  private static final String[] NODES = {
    "  @Latent(shape = 2) Normal z;",
    "  @Observed(shape = 4) Bernoulli x;"
  };

  @Test
  void networkTargetThatNamesNoNode() {
    JavaFileObject source = model("M", lines(
        new String[] {"@Model", "class M {"}, NODES, ENCODER,
        new String[] {
          "  @Generator(\"w\")",
          "  Bernoulli decode(Nn nn, Operand<TFloat32> z) { return Bernoulli.logits(nn.dense(z, 4)); }",
          "}"
        }));
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining("[HelmholtzUnknownNode] @Generator(\"w\") names no node; the model declares: z (@Latent), x (@Observed)")
        .inFile(source).onLineContaining("@Generator(\"w\")");
  }

  @Test
  void encoderTargetThatNamesNoNode() {
    JavaFileObject source = model("M", lines(
        new String[] {"@Model", "class M {"}, NODES, DECODER,
        new String[] {
          "  @Encoder(\"zz\")",
          "  Normal encode(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2)); }",
          "}"
        }));
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining("[HelmholtzUnknownNode] @Encoder(\"zz\") names no node")
        .inFile(source).onLineContaining("@Encoder(\"zz\")");
  }

  @Test
  void networkParameterThatNamesNoNode() {
    JavaFileObject source = model("M", lines(
        new String[] {"@Model", "class M {"}, NODES, ENCODER,
        new String[] {
          "  @Generator(\"x\")",
          "  Bernoulli decode(Nn nn, Operand<TFloat32> code) { return Bernoulli.logits(nn.dense(code, 4)); }",
          "}"
        }));
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining("[HelmholtzUnboundParameter] parameter 'code' of decode() names no node")
        .inFile(source).onLineContaining("Operand<TFloat32> code)");
  }

  @Test
  void latentWithoutEncoderUnderElbo() {
    JavaFileObject source = model("M", lines(
        new String[] {"@Model", "class M {"}, NODES, DECODER, new String[] {"}"}));
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining("[HelmholtzNoEncoder] latent 'z' has no @Encoder, so the ELBO objective cannot infer it; add a method annotated @Encoder(\"z\")")
        .inFile(source).onLineContaining("@Latent(shape = 2) Normal z;");
  }

  @Test
  void returnTypeThatDoesNotMatchTheFamily() {
    JavaFileObject source = model("M", lines(
        new String[] {"@Model", "class M {"}, NODES, ENCODER,
        new String[] {
          "  @Generator(\"x\")",
          "  Normal decode(Nn nn, Operand<TFloat32> z) { return Normal.meanLogStd(nn.dense(z, 4), nn.dense(z, 4)); }",
          "}"
        }));
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining("[HelmholtzReturnType] @Generator(\"x\") method decode() returns dev.helmholtz.dist.Normal, but node 'x' is declared Bernoulli; return Bernoulli")
        .inFile(source).onLineContaining("Normal decode(");
  }

  @Test
  void cycleAmongGenerators() {
    JavaFileObject source = model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal a;",
        "  @Latent(shape = 2) Normal b;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"a\") Normal qa(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2)); }",
        "  @Encoder(\"b\") Normal qb(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2)); }",
        "  @Generator(\"a\") Normal pa(Nn nn, Operand<TFloat32> b) { return Normal.meanLogStd(nn.dense(b, 2), nn.dense(b, 2)); }",
        "  @Generator(\"b\") Normal pb(Nn nn, Operand<TFloat32> a) { return Normal.meanLogStd(nn.dense(a, 2), nn.dense(a, 2)); }",
        "  @Generator(\"x\") Bernoulli px(Nn nn, Operand<TFloat32> a) { return Bernoulli.logits(nn.dense(a, 4)); }",
        "}");
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining("[HelmholtzCycle] the generative graph has a cycle: a -> b -> a")
        .inFile(source).onLineContaining("@Generator(\"b\")");
  }

  @Test
  void twoNodesWithOneName() {
    JavaFileObject source = model("M", lines(
        new String[] {"@Model", "class M {"}, NODES,
        new String[] {"  @Latent(shape = 3, name = \"z\") Normal other;"}, ENCODER, DECODER,
        new String[] {"}"}));
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining("[HelmholtzDuplicateNode] node 'z' is declared twice (first by field 'z')")
        .inFile(source).onLineContaining("Normal other;");
  }

  @Test
  void unexpectedExceptionBecomesAnErrorOnTheModel() {
    JavaFileObject source = model("M", lines(
        new String[] {"@Model", "class M {"}, NODES, ENCODER, DECODER, new String[] {"}"}));
    HelmholtzProcessor failing = new HelmholtzProcessor(m -> {
      throw new IllegalStateException("boom");
    });
    Compilation c = compile(failing, List.of(), source);
    assertThat(c).hadErrorContaining("[HelmholtzInternalError] Helmholtz failed on test.M: IllegalStateException: boom")
        .inFile(source).onLineContaining("class M {");
    assertThat(c).hadErrorCount(1);
  }
}
