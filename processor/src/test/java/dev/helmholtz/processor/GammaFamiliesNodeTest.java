package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.helmholtz.processor.Compilations.compile;
import static dev.helmholtz.processor.Compilations.model;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import dev.helmholtz.processor.model.Family;
import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The gamma-based families (Gamma, InverseGamma, Beta, Dirichlet, Student's t) as node types:
 * latents and observed nodes compile without warnings under -Xlint:all, the estimator is decided
 * at compile time as the implicitly reparameterized gradient and the report says so, the KL is
 * analytic exactly where the runtime has a closed form, and a Student's t latent, which has no
 * standard prior, must have its prior written.
 */
class GammaFamiliesNodeTest {

  @ParameterizedTest
  @EnumSource(value = Family.class, names = {"GAMMA", "INVERSE_GAMMA", "BETA", "DIRICHLET"})
  void latentAndObservedNodesOfTheFamilyCompileWithTheImplicitEstimator(Family family) throws IOException {
    String name = family.simpleName();
    Compilation c = compile(model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) " + name + " z;",
        "  @Observed(shape = 4) " + name + " x;",
        "  @Encoder(\"z\") " + name + " infer(Nn nn, Operand<TFloat32> x) { return " + call(family, "x", 2) + "; }",
        "  @Generator(\"x\") " + name + " generate(Nn nn, Operand<TFloat32> z) { return "
            + call(family, "z", 4) + "; }",
        "}"));
    assertThat(c).succeededWithoutWarnings();
    String source = c.generatedSourceFile("test.MModel").orElseThrow().getCharContent(false).toString();
    for (String line : List.of(
        "// q(z | x) by infer(): " + name + ", implicitly reparameterized gradient, analytic KL",
        name + " pZ = " + name + ".standard(pass.tf(), pass.shape(z));",
        "pass.latentAnalyticKl(\"z\", z, qZ, pZ);",
        "pass.observe(\"x\", x, pX);")) {
      assertTrue(source.lines().map(String::strip).anyMatch(line::equals),
          () -> "no line \"" + line + "\" in:\n" + source);
    }
    assertTrue(source.contains("gradient: implicit reparameterization; KL: analytic"),
        source);
  }

  @Test
  void aStudentTLatentWithAWrittenPriorHasAMonteCarloKl() throws IOException {
    Compilation c = compile(model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) StudentT z;",
        "  @Observed(shape = 4) StudentT x;",
        "  @Encoder(\"z\") StudentT infer(Nn nn, Operand<TFloat32> x) {",
        "    return StudentT.dfLocLogScale(nn.dense(x, 2, SOFTPLUS), nn.dense(x, 2), nn.dense(x, 2));",
        "  }",
        "  @Generator(\"z\") StudentT prior(Nn nn) {",
        "    return StudentT.dfLocLogScale(nn.variable(\"df\", 2), nn.variable(\"loc\", 2), nn.variable(\"logScale\", 2));",
        "  }",
        "  @Generator(\"x\") StudentT generate(Nn nn, Operand<TFloat32> z) {",
        "    return StudentT.dfLocScale(nn.dense(z, 4, SOFTPLUS), nn.dense(z, 4), nn.dense(z, 4, SOFTPLUS));",
        "  }",
        "}"));
    assertThat(c).succeededWithoutWarnings();
    String source = c.generatedSourceFile("test.MModel").orElseThrow().getCharContent(false).toString();
    assertTrue(source.contains("// q(z | x) by infer(): StudentT, implicitly reparameterized gradient, Monte Carlo KL"),
        source);
  }

  @Test
  void aStudentTLatentWithoutAPriorIsAnError() {
    JavaFileObject source = model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 3)",
        "  StudentT z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\") StudentT encode(Nn nn, Operand<TFloat32> x) {",
        "    return StudentT.dfLocLogScale(nn.dense(x, 3, SOFTPLUS), nn.dense(x, 3), nn.dense(x, 3));",
        "  }",
        "  @Generator(\"x\") Bernoulli decode(Nn nn, Operand<TFloat32> z) {",
        "    return Bernoulli.logits(nn.dense(z, 4));",
        "  }",
        "}");
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining("[HelmholtzNoStandardPrior] latent 'z' is StudentT, which has no standard "
        + "prior (no degrees of freedom are a natural default), so its prior must be written: add a method "
        + "annotated @Generator(\"z\") that returns p(z | ...)").inFile(source).onLineContaining("@Latent(shape = 3)");
    assertThat(c).hadErrorCount(1);
  }

  /** The family's first factory with a dense layer of {@code input} for every parameter. */
  private static String call(Family family, String input, int width) {
    Family.Factory factory = family.factories().get(0);
    return family.simpleName() + "." + factory.method() + "(" + factory.parameters().stream()
        .map(p -> "nn.dense(" + input + ", " + width + ")").collect(Collectors.joining(", ")) + ")";
  }
}
