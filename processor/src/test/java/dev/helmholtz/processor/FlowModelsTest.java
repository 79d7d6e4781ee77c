package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.helmholtz.processor.Compilations.compile;
import static dev.helmholtz.processor.Compilations.model;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Flow-based posteriors and priors: an @Encoder or @Generator of a latent may return a
 * TransformedDistribution; its KL is then Monte Carlo and the generated code types it so. What
 * cannot work is a compile error: a flow as a node's type, over a family without reparameterized
 * draws or a relaxation, for a node that is not a per-example latent, or under wake-sleep.
 */
class FlowModelsTest {
  private static final String IMPORTS = "import dev.helmholtz.dist.flow.*;\n";
  private static final String DECODER = """
        @Generator("x")
        Bernoulli decode(Nn nn, Operand<TFloat32> z) {
          return Bernoulli.logits(nn.dense(z, 4));
        }
      """;
  private static final String FLOW_ENCODER = """
        @Encoder("z")
        TransformedDistribution encode(Nn nn, Operand<TFloat32> x) {
          var h = nn.dense(x, 8, RELU);
          Normal base = Normal.meanLogStd(nn.dense(h, 2), nn.dense(h, 2));
          return TransformedDistribution.of(base, InverseAutoregressiveFlow.stack(nn, 2, 2, h, 6));
        }
      """;

  private static JavaFileObject source(String... parts) {
    return model("M", (IMPORTS + String.join("", parts)).split("\n"));
  }

  private static void assertOnlyError(JavaFileObject source, String message, String line) {
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining(message).inFile(source).onLineContaining(line);
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void aFlowPosteriorHasAMonteCarloKlAndIsTypedAsAFlow() {
    JavaFileObject source = source("@Model\nclass M {\n",
        "  @Latent(shape = 2) Normal z;\n  @Observed(shape = 4) Bernoulli x;\n", FLOW_ENCODER, DECODER, "}\n");
    Compilation c = compile(source);
    assertThat(c).succeededWithoutWarnings();
    var generated = assertThat(c).generatedSourceFile("test.MModel").contentsAsUtf8String();
    generated.contains("TransformedDistribution qZ = model.encode(pass.network(\"encode\"), x);");
    generated.contains("pass.latentMonteCarloKl(\"z\", z, qZ, pZ);");
    generated.contains("// q(z | x) by encode(): a normalizing flow (TransformedDistribution) for Normal, "
        + "reparameterized gradient, Monte Carlo KL");
    generated.contains("q(z | x) by encode(), a normalizing flow; gradient: reparameterized; KL: Monte Carlo");
  }

  @Test
  void aFlowPriorOfNoNodeUnderIwae() {
    JavaFileObject source = source("@Model(objective = @Objective(kind = ObjectiveKind.IWAE, samples = 3))\nclass M {\n",
        "  @Latent(shape = 2) Normal z;\n  @Observed(shape = 4) Bernoulli x;\n", """
          @Encoder("z")
          Normal encode(Nn nn, Operand<TFloat32> x) {
            return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2));
          }
          @Generator("z")
          TransformedDistribution prior(Nn nn) {
            return TransformedDistribution.of(Normal.standard(nn.tf(), nn.tf().constant(new long[] {2})),
                MaskedAutoregressiveFlow.stack(nn, 2, 2, null, 6));
          }
        """, DECODER, "}\n");
    Compilation c = compile(source);
    assertThat(c).succeededWithoutWarnings();
    var generated = assertThat(c).generatedSourceFile("test.MModel").contentsAsUtf8String();
    generated.contains("TransformedDistribution pZ = model.prior(pass.network(\"prior\"));");
    generated.contains("pass.latentMonteCarloKl(\"z\", z, qZ, pZ);");
  }

  @Test
  void aFlowIsNotANodeType() {
    assertOnlyError(source("@Model\nclass M {\n",
            "  @Latent(shape = 2) TransformedDistribution z;\n  @Observed(shape = 4) Bernoulli x;\n",
            FLOW_ENCODER, DECODER, "}\n"),
        "[HelmholtzFlowNodeType] node 'z' is declared TransformedDistribution, but a flow is a latent's "
            + "posterior or prior, not its family: declare 'z' with its prior's family",
        "TransformedDistribution z;");
  }

  @Test
  void aFlowOverAScoreFunctionFamily() {
    assertOnlyError(source("@Model(objective = @Objective(kind = ObjectiveKind.NVIL))\nclass M {\n",
            "  @Latent(shape = 2) Bernoulli z;\n  @Observed(shape = 4) Bernoulli x;\n",
            FLOW_ENCODER, DECODER, "}\n"),
        "[HelmholtzFlowBase] @Encoder(\"z\") encode() returns a TransformedDistribution for latent 'z', which is "
            + "Bernoulli: a family without reparameterized draws, and a flow pushes a reparameterized continuous "
            + "draw through differentiable maps; declare 'z' Normal",
        "TransformedDistribution encode(");
  }

  @Test
  void aFlowOverARelaxation() {
    assertOnlyError(source("@Model\nclass M {\n",
            "  @Latent(shape = 2) RelaxedBernoulli z;\n  @Observed(shape = 4) Bernoulli x;\n",
            FLOW_ENCODER, DECODER, "}\n"),
        "[HelmholtzFlowBase] @Encoder(\"z\") encode() returns a TransformedDistribution for latent 'z', which is "
            + "RelaxedBernoulli: a Concrete relaxation, trained with the analytic KL of Bernoulli",
        "TransformedDistribution encode(");
  }

  @Test
  void aFlowLikelihood() {
    assertOnlyError(source("@Model\nclass M {\n",
            "  @Latent(shape = 2) Normal z;\n  @Observed(shape = 4) Bernoulli x;\n", FLOW_ENCODER, """
              @Generator("x")
              TransformedDistribution decode(Nn nn, Operand<TFloat32> z) {
                return TransformedDistribution.of(Normal.meanLogStd(nn.dense(z, 4), nn.dense(z, 4)), Bijector.sigmoid());
              }
            """, "}\n"),
        "[HelmholtzFlowTarget] @Generator(\"x\") decode() returns a TransformedDistribution for observed node 'x'; "
            + "flows serve as the posteriors and priors of per-example latents: return Bernoulli",
        "TransformedDistribution decode(");
  }

  @Test
  void aFlowForAnEnumeratedLatent() {
    assertOnlyError(source("@Model\nclass M {\n",
            "  @Latent(shape = 2, enumerate = true) Categorical z;\n  @Observed(shape = 4) Bernoulli x;\n",
            FLOW_ENCODER, DECODER, "}\n"),
        "[HelmholtzFlowTarget] @Encoder(\"z\") encode() returns a TransformedDistribution for latent 'z', which is "
            + "summed out by enumeration over its classes: return Categorical",
        "TransformedDistribution encode(");
  }

  @Test
  void aFlowPosteriorUnderWakeSleep() {
    assertOnlyError(source("@Model(objective = @Objective(kind = ObjectiveKind.WAKE_SLEEP))\nclass M {\n",
            "  @Latent(shape = 2) Normal z;\n  @Observed(shape = 4) Bernoulli x;\n", FLOW_ENCODER, DECODER, "}\n"),
        "[HelmholtzFlowObjective] @Encoder(\"z\") encode() returns a flow posterior, but the WAKE_SLEEP objective "
            + "scores values dreamed from p under q(z | ...)",
        "TransformedDistribution encode(");
  }

  @Test
  void aFlowPosteriorUnderAdaptiveImportanceSampling() {
    assertOnlyError(source("@Model(objective = @Objective(kind = ObjectiveKind.ADAPTIVE_IMPORTANCE_SAMPLING,"
                + " samples = 2))\nclass M {\n",
            "  @Latent(shape = 2) Normal z;\n  @Observed(shape = 4) Bernoulli x;\n", FLOW_ENCODER, DECODER, "}\n"),
        "[HelmholtzFlowObjective] @Encoder(\"z\") encode() returns a flow posterior, but the"
            + " ADAPTIVE_IMPORTANCE_SAMPLING objective scores values drawn from q and held fixed (no gradient through"
            + " the draw) under q(z | ...)",
        "TransformedDistribution encode(");
  }
}
