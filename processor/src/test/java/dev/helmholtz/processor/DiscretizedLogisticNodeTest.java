package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.helmholtz.processor.Compilations.compile;
import static dev.helmholtz.processor.Compilations.model;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The discretized logistic of 8-bit pixels is a node type: a likelihood whose factories' widths
 * are checked; as a latent it is discrete (a score-function objective) and has no standard prior.
 */
class DiscretizedLogisticNodeTest {

  private static JavaFileObject vae(String pixelsWidth) {
    return model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = 4) DiscretizedLogistic x;",
        "  @Encoder(\"z\") Normal infer(Nn nn, Operand<TFloat32> x) {",
        "    return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2));",
        "  }",
        "  @Generator(\"x\") DiscretizedLogistic generate(Nn nn, Operand<TFloat32> z) {",
        "    return DiscretizedLogistic.locLogScale(nn.dense(z, 4), nn.dense(z, " + pixelsWidth + "));",
        "  }",
        "}");
  }

  @Test
  void aDiscretizedLogisticLikelihoodCompiles() throws IOException {
    Compilation c = compile(vae("4"));
    assertThat(c).succeededWithoutWarnings();
    String source = c.generatedSourceFile("test.MModel").orElseThrow().getCharContent(false).toString();
    assertTrue(source.contains("DiscretizedLogistic pX = model.generate(pass.network(\"generate\"), z);"), source);
    assertTrue(source.contains("{@code x}: observed DiscretizedLogistic, event shape [4]; p(x | z) by generate()"),
        source);
  }

  @Test
  void aMixtureLikelihoodCompiles() throws IOException {
    Compilation c = compile(model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = 4) DiscretizedLogisticMixture x;",
        "  @Encoder(\"z\") Normal infer(Nn nn, Operand<TFloat32> x) {",
        "    return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2));",
        "  }",
        "  @Generator(\"x\") DiscretizedLogisticMixture generate(Nn nn, Operand<TFloat32> z) {",
        "    return DiscretizedLogisticMixture.logits(5, nn.dense(z, 20), nn.dense(z, 20), nn.dense(z, 20));",
        "  }",
        "}"));
    assertThat(c).succeededWithoutWarnings();
    String source = c.generatedSourceFile("test.MModel").orElseThrow().getCharContent(false).toString();
    assertTrue(source.contains("pass.observe(\"x\", x, pX);"), source);
  }

  @Test
  void itsFactoriesWidthsAreChecked() {
    JavaFileObject source = vae("3");
    assertThat(compile(source)).hadErrorContaining("[HelmholtzShapeMismatch] @Generator(\"x\") generate() returns "
        + "DiscretizedLogistic.locLogScale whose logScale").inFile(source).onLineContaining("nn.dense(z, 3)");
  }

  @Test
  void asALatentItHasNoStandardPrior() {
    JavaFileObject source = model("M",
        "@Model(objective = @Objective(kind = ObjectiveKind.NVIL))",
        "class M {",
        "  @Latent(shape = 2) DiscretizedLogistic z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\") DiscretizedLogistic infer(Nn nn, Operand<TFloat32> x) {",
        "    return DiscretizedLogistic.locLogScale(nn.dense(x, 2), nn.dense(x, 2));",
        "  }",
        "  @Generator(\"x\") Bernoulli generate(Nn nn, Operand<TFloat32> z) {",
        "    return Bernoulli.logits(nn.dense(z, 4));",
        "  }",
        "}");
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining("[HelmholtzNoStandardPrior] latent 'z' is DiscretizedLogistic, which has no "
        + "standard prior (it is a likelihood of 8-bit intensities, with no natural location and scale)")
        .inFile(source).onLineContaining("DiscretizedLogistic z;");
    assertThat(c).hadErrorCount(1);
  }
}
