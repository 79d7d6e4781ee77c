package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.helmholtz.processor.Compilations.compile;
import static dev.helmholtz.processor.Compilations.model;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The multivariate Normal and the mixture as node types: what compiles (without warnings under
 * -Xlint:all), the estimator and KL each gets, and the diagnostics for what cannot work.
 */
class MultivariateFamiliesTest {

  private static String generated(Compilation c) throws IOException {
    return c.generatedSourceFile("test.MModel").orElseThrow().getCharContent(false).toString();
  }

  private static void assertLines(String source, String... lines) {
    for (String line : lines) {
      assertTrue(source.lines().map(String::strip).anyMatch(line::equals),
          () -> "no line \"" + line + "\" in:\n" + source);
    }
  }

  @Test
  void aFullCovariancePosteriorFromAPackedScaleTrainsByTheElboWithAnAnalyticKl() throws IOException {
    Compilation c = compile(model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 3) MultivariateNormal z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\") MultivariateNormal infer(Nn nn, Operand<TFloat32> x) {",
        "    return MultivariateNormal.locPackedTril(nn.dense(x, 3), nn.dense(x, 6));",
        "  }",
        "  @Generator(\"x\") Bernoulli generate(Nn nn, Operand<TFloat32> z) { return Bernoulli.logits(nn.dense(z, 4)); }",
        "}"));
    assertThat(c).succeededWithoutWarnings();
    assertLines(generated(c),
        "// q(z | x) by infer(): MultivariateNormal, reparameterized gradient, analytic KL",
        "MultivariateNormal pZ = MultivariateNormal.standard(pass.tf(), pass.shape(z));",
        "pass.latentAnalyticKl(\"z\", z, qZ, pZ);");
  }

  @Test
  void aLowRankLikelihoodCompiles() {
    Compilation c = compile(model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = 4) MultivariateNormal x;",
        "  @Encoder(\"z\") Normal infer(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2)); }",
        "  @Generator(\"x\") MultivariateNormal generate(Nn nn, Operand<TFloat32> z) {",
        "    return MultivariateNormal.lowRankPacked(nn.dense(z, 4), nn.dense(z, 8), nn.dense(z, 4));",
        "  }",
        "}"));
    assertThat(c).succeededWithoutWarnings();
  }

  @Test
  void aPackedScaleOfTheWrongWidthIsReportedWithTheTrianglesSize() {
    JavaFileObject source = model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 10) MultivariateNormal z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\") MultivariateNormal infer(Nn nn, Operand<TFloat32> x) {",
        "    return MultivariateNormal.locPackedTril(nn.dense(x, 10),",
        "        nn.dense(x, 50)); // packed",
        "  }",
        "  @Generator(\"x\") Bernoulli generate(Nn nn, Operand<TFloat32> z) { return Bernoulli.logits(nn.dense(z, 4)); }",
        "}");
    Compilation c = compile(source);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[HelmholtzShapeMismatch] @Encoder(\"z\") infer() returns "
        + "MultivariateNormal.locPackedTril whose packed comes from a dense layer of 50 units, but latent 'z' "
        + "declares shape 10; use nn.dense(x, 55) (a 10 x 10 lower triangle has 55 entries)")
        .inFile(source).onLineContaining("// packed");
  }

  @Test
  void aLowRankFactorThatIsNoMultipleOfTheEventIsReported() {
    JavaFileObject source = model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = 4) MultivariateNormal x;",
        "  @Encoder(\"z\") Normal infer(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2)); }",
        "  @Generator(\"x\") MultivariateNormal generate(Nn nn, Operand<TFloat32> z) {",
        "    return MultivariateNormal.lowRankPacked(nn.dense(z, 4),",
        "        nn.dense(z, 6), // factor",
        "        nn.dense(z, 4));",
        "  }",
        "}");
    Compilation c = compile(source);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[HelmholtzShapeMismatch] @Generator(\"x\") generate() returns "
        + "MultivariateNormal.lowRankPacked whose packedFactor comes from a dense layer of 6 units, but observed "
        + "node 'x' declares shape 4; use nn.dense(z, 8) (any multiple of 4: the factor's 4 rows times its rank, here 2)")
        .inFile(source).onLineContaining("// factor");
  }

  @Test
  void anImageShapedMultivariateNormalIsReported() {
    JavaFileObject source = model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = {28, 28}) MultivariateNormal x; // image",
        "  @Encoder(\"z\") Normal infer(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2)); }",
        "  @Generator(\"x\") MultivariateNormal generate(Nn nn, Operand<TFloat32> z) {",
        "    return MultivariateNormal.lowRankPacked(nn.dense(z, 784), nn.dense(z, 784), nn.dense(z, 784));",
        "  }",
        "}");
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining("[HelmholtzEventRank] node 'x' has event shape [28, 28] of rank 2, but "
        + "MultivariateNormal is not elementwise: its last axis is one variable's correlated coordinates, which an "
        + "image-shaped event would mix with the other axes; declare shape = 784, or use an elementwise family")
        .inFile(source).onLineContaining("// image");
  }

  /** The sample's shape: a Normal posterior and a learned mixture-of-Gaussians prior of no node. */
  private static final String MIXTURE_PRIOR = String.join("\n",
      "  @Generator(\"z\") MixtureSameFamily<Normal> prior(Nn nn) {",
      "    return MixtureSameFamily.of(nn.variable(\"logits\", 5),",
      "        Normal.meanLogStd(nn.variable(\"locs\", 5, 2), nn.variable(\"logScales\", 5, 2)));",
      "  }");

  @Test
  void aLearnedMixturePriorOfAReparameterizedLatentTakesAMonteCarloKl() throws IOException {
    Compilation c = compile(model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\") Normal infer(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2)); }",
        MIXTURE_PRIOR,
        "  @Generator(\"x\") Bernoulli generate(Nn nn, Operand<TFloat32> z) { return Bernoulli.logits(nn.dense(z, 4)); }",
        "}"));
    assertThat(c).succeededWithoutWarnings();
    assertLines(generated(c),
        "// q(z | x) by infer(): Normal, reparameterized gradient, Monte Carlo KL",
        "MixtureSameFamily<Normal> pZ = model.prior(pass.network(\"prior\"));",
        "pass.latentMonteCarloKl(\"z\", z, qZ, pZ);");
  }

  @Test
  void aMixtureLatentIsTrainedByAScoreFunctionObjective() throws IOException {
    Compilation c = compile(model("M",
        "@Model(objective = @Objective(kind = ObjectiveKind.NVIL))",
        "class M {",
        "  @Latent(shape = 2) MixtureSameFamily<Normal> z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\") MixtureSameFamily<Normal> infer(Nn nn, Operand<TFloat32> x) {",
        "    return MixtureSameFamily.of(nn.dense(x, 3), Normal.meanLogStd(",
        "        nn.variable(\"locs\", 3, 2), nn.variable(\"logScales\", 3, 2)));",
        "  }",
        MIXTURE_PRIOR,
        "  @Generator(\"x\") Bernoulli generate(Nn nn, Operand<TFloat32> z) { return Bernoulli.logits(nn.dense(z, 4)); }",
        "}"));
    assertThat(c).succeededWithoutWarnings();
    assertLines(generated(c),
        "// q(z | x) by infer(): MixtureSameFamily, score-function gradient, Monte Carlo KL",
        "MixtureSameFamily<Normal> qZ = model.infer(pass.network(\"infer\"), x);");
  }

  @Test
  void aMixtureLatentUnderTheElboIsNotReparameterized() {
    JavaFileObject source = model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) MixtureSameFamily<Normal> z; // mixture",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\") MixtureSameFamily<Normal> infer(Nn nn, Operand<TFloat32> x) { return null; }",
        MIXTURE_PRIOR,
        "  @Generator(\"x\") Bernoulli generate(Nn nn, Operand<TFloat32> z) { return Bernoulli.logits(nn.dense(z, 4)); }",
        "}");
    Compilation c = compile(source);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[HelmholtzNotReparameterized] latent 'z' is MixtureSameFamily, which has no "
        + "reparameterized sampler, so the ELBO objective cannot differentiate through its samples")
        .inFile(source).onLineContaining("// mixture");
  }

  @Test
  void aMixtureLatentWithoutAPriorIsReported() {
    JavaFileObject source = model("M",
        "@Model(objective = @Objective(kind = ObjectiveKind.NVIL))",
        "class M {",
        "  @Latent(shape = 2) MixtureSameFamily<Normal> z; // mixture",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\") MixtureSameFamily<Normal> infer(Nn nn, Operand<TFloat32> x) { return null; }",
        "  @Generator(\"x\") Bernoulli generate(Nn nn, Operand<TFloat32> z) { return Bernoulli.logits(nn.dense(z, 4)); }",
        "}");
    Compilation c = compile(source);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[HelmholtzNoStandardPrior] latent 'z' is MixtureSameFamily, which has no "
        + "standard prior (a mixture's components and weights are what its prior says)")
        .inFile(source).onLineContaining("// mixture");
  }

  @Test
  void aRawOrNestedMixtureIsReported() {
    for (String type : List.of("MixtureSameFamily", "MixtureSameFamily<MixtureSameFamily<Normal>>")) {
      JavaFileObject source = model("M",
          "@Model",
          "class M {",
          "  @Latent(shape = 2) Normal z;",
          "  @SuppressWarnings(\"rawtypes\") @Observed(shape = 4) " + type + " x; // mixture",
          "  @Encoder(\"z\") Normal infer(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2)); }",
          "  @SuppressWarnings(\"rawtypes\") @Generator(\"x\") " + type + " generate(Nn nn, Operand<TFloat32> z) { return null; }",
          "}");
      Compilation c = compile(source);
      assertThat(c).hadErrorCount(1);
      assertThat(c).hadErrorContaining("[HelmholtzMixtureComponents] node 'x' is declared "
          + type.replace("MixtureSameFamily", "dev.helmholtz.dist.MixtureSameFamily").replace("<Normal>", "<dev.helmholtz.dist.Normal>")
          + "; a mixture names its components' family as its type argument, one of the other families: declare it "
          + "MixtureSameFamily<Normal>, for example").inFile(source).onLineContaining("// mixture");
    }
  }

  @Test
  void aMixtureOfAnotherFamilyThanTheNodesIsReported() {
    JavaFileObject source = model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\") Normal infer(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2)); }",
        "  @Generator(\"z\") MixtureSameFamily<Laplace> prior(Nn nn) { return null; }",
        "  @Generator(\"x\") Bernoulli generate(Nn nn, Operand<TFloat32> z) { return Bernoulli.logits(nn.dense(z, 4)); }",
        "}");
    Compilation c = compile(source);
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining("[HelmholtzReturnType] @Generator(\"z\") method prior() returns "
        + "dev.helmholtz.dist.MixtureSameFamily<dev.helmholtz.dist.Laplace>, but node 'z' is declared Normal; return "
        + "Normal, or MixtureSameFamily<Normal> (a mixture of it)").inFile(source).onLineContaining("prior(Nn nn)");
  }
}
