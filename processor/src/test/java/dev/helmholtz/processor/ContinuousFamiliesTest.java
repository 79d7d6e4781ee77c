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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each continuous elementwise family is a node type: a latent of it (with the family's standard
 * prior, no generator) and an observed node of it compile without warnings under -Xlint:all, the
 * latent's estimator is the reparameterized gradient, and its KL is analytic exactly where the
 * runtime has a closed form.
 */
class ContinuousFamiliesTest {

  @ParameterizedTest
  @EnumSource(value = Family.class, names = {"LAPLACE", "LOGISTIC", "CAUCHY", "HALF_NORMAL",
      "HALF_CAUCHY", "LOG_NORMAL", "EXPONENTIAL", "UNIFORM"})
  void latentAndObservedNodesOfTheFamilyCompile(Family family) throws IOException {
    String name = family.simpleName();
    String latent = call(family, "x", 2);
    String observed = call(family, "z", 4);
    Compilation c = compile(model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) " + name + " z;",
        "  @Observed(shape = 4) " + name + " x;",
        "  @Encoder(\"z\") " + name + " infer(Nn nn, Operand<TFloat32> x) { return " + latent + "; }",
        "  @Generator(\"x\") " + name + " generate(Nn nn, Operand<TFloat32> z) { return " + observed + "; }",
        "}"));
    assertThat(c).succeededWithoutWarnings();
    String source = c.generatedSourceFile("test.MModel").orElseThrow().getCharContent(false).toString();
    boolean analytic = family.hasAnalyticKlTo(family);
    String kl = analytic ? "analytic" : "Monte Carlo";
    for (String line : List.of(
        "// q(z | x) by infer(): " + name + ", reparameterized gradient, " + kl + " KL",
        name + " pZ = " + name + ".standard(pass.tf(), pass.shape(z));",
        "pass." + (analytic ? "latentAnalyticKl" : "latentMonteCarloKl") + "(\"z\", z, qZ, pZ);",
        name + " pZ = " + name + ".standard(pass.tf(), pass.shape(\"z\"));",
        "pass.observe(\"x\", x, pX);")) {
      assertTrue(source.lines().map(String::strip).anyMatch(line::equals),
          () -> "no line \"" + line + "\" in:\n" + source);
    }
  }

  /** The family's first factory with a dense layer of {@code input} for every parameter. */
  private static String call(Family family, String input, int width) {
    Family.Factory factory = family.factories().get(0);
    return family.simpleName() + "." + factory.method() + "(" + factory.parameters().stream()
        .map(p -> "nn.dense(" + input + ", " + width + ")").collect(Collectors.joining(", ")) + ")";
  }
}
