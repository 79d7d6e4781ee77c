package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.helmholtz.processor.Compilations.compile;
import static dev.helmholtz.processor.Compilations.model;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** {@code @Observed(given = true)}: nodes a model conditions on without modelling them. */
class GivenNodesTest {
  private static JavaFileObject conditionalVae(String extra) {
    return model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Observed(shape = 3, given = true) Categorical y;",
        "  @Encoder(\"z\") Normal encode(Nn nn, Operand<TFloat32> x, Operand<TFloat32> y) {",
        "    return Normal.meanLogStd(nn.dense(x, 2), nn.dense(y, 2));",
        "  }",
        "  @Generator(\"x\") Bernoulli decode(Nn nn, Operand<TFloat32> z, Operand<TFloat32> y) {",
        "    return Bernoulli.logits(nn.dense(nn.tf().concat(java.util.List.of(z, y), nn.tf().constant(-1)), 4));",
        "  }",
        extra,
        "}");
  }

  @Test
  void aConditionalVaeCompilesAndItsLabelHasNoDensity() throws Exception {
    Compilation c = compile(conditionalVae(""));
    assertThat(c).succeededWithoutWarnings();
    String generated = c.generatedSourceFile("test.MModel").orElseThrow().getCharContent(false).toString();
    assertThat(c).generatedSourceFile("test.MModel").contentsAsUtf8String().contains(".given(\"y\", 3)");
    assertThat(c).generatedSourceFile("test.MModel").contentsAsUtf8String()
        .contains("Operand<TFloat32> y = pass.given(\"y\");");
    assertThat(c).generatedSourceFile("test.MModel").contentsAsUtf8String()
        .contains("{@code y}: observed Categorical, event shape [3]; given: conditioned on, not modelled");
    // No likelihood term and no prior for the given node.
    assertFalse(generated.contains("pass.observe(\"y\"") || generated.contains("Categorical pY"), generated);
  }

  @Test
  void aGeneratorForAGivenNodeIsAnError() {
    JavaFileObject source = conditionalVae(
        "  @Generator(\"y\") Categorical labels(Nn nn, Operand<TFloat32> z) { return null; }");
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining(
            "[HelmholtzGivenGenerated] @Generator(\"y\") targets a given node; node 'y' is declared "
                + "@Observed(given = true), which the model conditions on without modelling it: remove "
                + "labels() or given = true")
        .inFile(source).onLineContaining("@Generator(\"y\")");
    assertThat(c).hadErrorCount(1);
  }
}
