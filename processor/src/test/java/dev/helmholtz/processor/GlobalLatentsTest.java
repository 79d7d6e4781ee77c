package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.helmholtz.processor.Compilations.compile;
import static dev.helmholtz.processor.Compilations.model;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** {@code @Latent(global = true)}: model parameters with priors, inferred by HMC or VI over the data set. */
class GlobalLatentsTest {
  private static final String REGRESSION = """
        @Latent(shape = 1, global = true) Normal logScale;
        @Latent(shape = 3, global = true) Normal w;
        @Observed(shape = 3, given = true) Normal x;
        @Observed(shape = 1) Normal y;
        @Generator("w")
        Normal prior(Nn nn, Operand<TFloat32> logScale) {
          return Normal.meanLogStd(nn.tf().zerosLike(logScale), logScale);
        }
        @Generator("y")
        Normal likelihood(Nn nn, Operand<TFloat32> w, Operand<TFloat32> x) {
          var tf = nn.tf();
          return Normal.meanLogStd(tf.reduceSum(tf.math.mul(w, x), tf.constant(-1),
              org.tensorflow.op.core.ReduceSum.keepDims(true)), tf.zerosLike(x));
        }
      """;

  private static JavaFileObject source(String... parts) {
    return model("M", ("@Model\nclass M {\n" + String.join("", parts) + "}\n").split("\n"));
  }

  private static void assertOnlyError(JavaFileObject source, String message, String line) {
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining(message).inFile(source).onLineContaining(line);
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void aHierarchicalRegressionGeneratesABayesianModel() {
    Compilation c = compile(source(REGRESSION));
    assertThat(c).succeededWithoutWarnings();
    var generated = assertThat(c).generatedSourceFile("test.MModel").contentsAsUtf8String();
    generated.contains("public final class MModel extends BayesianModel {");
    generated.contains(".global(\"logScale\", 1)\n      .global(\"w\", 3)\n      .given(\"x\", 3)\n      .observed(\"y\", 1)");
    // The prior's parent is one row per draw; the likelihood's global parent is repeated per example.
    generated.contains("Normal pW = model.prior(pass.network(\"prior\"), logScale);");
    generated.contains("pass.prior(\"w\", w, pW);");
    generated.contains("Normal pY = model.likelihood(pass.network(\"likelihood\"), pass.perExample(w), x);");
    generated.contains("pass.observe(\"y\", pY);");
    generated.contains("{@code w}: latent Normal, event shape [3]; p(w | logScale) by prior(); global: one value "
        + "for the whole data set, theta[1, 4)");
    generated.contains("public static Dataset dataset(float[][] x, float[][] y) {");
  }

  @Test
  void aGlobalLatentMustBeNormal() {
    assertOnlyError(source(REGRESSION.replace("Normal logScale;", "Bernoulli logScale; // here")
            .replace("Normal prior(Nn nn, Operand<TFloat32> logScale) {\n          return Normal.meanLogStd(nn.tf().zerosLike(logScale), logScale);",
                "Normal prior(Nn nn, Operand<TFloat32> logScale) {\n          return Normal.meanLogStd(logScale, logScale);")),
        "[HelmholtzGlobalFamily] global latent 'logScale' is Bernoulli; HMC and variational inference over "
            + "global latents need a continuous latent on the whole real line: declare it Normal",
        "// here");
  }

  @Test
  void aGlobalLatentHasNoEncoder() {
    assertOnlyError(source(REGRESSION,
            "  @Encoder(\"w\") Normal infer(Nn nn, Operand<TFloat32> x) { return null; }\n"),
        "[HelmholtzGlobalEncoder] @Encoder(\"w\") infer() would infer global latent 'w' per example, but a "
            + "global latent has one value for the whole data set, inferred from all of it by HMC or VI (the "
            + "generated hmc(data) and variational(data)): remove infer(), or remove global = true to make 'w' "
            + "a per-example latent",
        "@Encoder(\"w\")");
  }

  @Test
  void aGlobalPriorCannotDependOnAGivenNode() {
    assertOnlyError(source(REGRESSION.replace("Normal prior(Nn nn, Operand<TFloat32> logScale) {",
            "Normal prior(Nn nn, Operand<TFloat32> logScale,\n          Operand<TFloat32> x) { // here")),
        "[HelmholtzGlobalPriorParent] parameter 'x' of prior() is given node 'x', but prior() is the prior of "
            + "global latent 'w', which may depend only on other global latents: one value for the whole data "
            + "set cannot depend on a per-example node; remove the parameter; a node that varies by example "
            + "belongs in the @Generator of an observed node",
        "// here");
  }

  @Test
  void anObservedNodeOfAGlobalModelCannotBeGeneratedFromAnother() {
    assertOnlyError(source(REGRESSION,
            "  @Observed(shape = 1) Normal y2;\n",
            "  @Generator(\"y2\") Normal second(Nn nn, Operand<TFloat32> w,\n",
            "      Operand<TFloat32> y) { return null; } // here\n"),
        "[HelmholtzGlobalObservedParent] parameter 'y' of second() is observed node 'y', which the model "
            + "generates; in a model of global latents an observed node's @Generator takes global latents and "
            + "given nodes, so that the likelihood factorizes over examples given the global latents: declare "
            + "'y' @Observed(given = true) to condition on it",
        "// here");
  }

  @Test
  void globalAndPerExampleLatentsDoNotMixYet() {
    assertOnlyError(source(REGRESSION,
            "  @Latent(shape = 2) Normal z; // here\n",
            "  @Encoder(\"z\") Normal encode(Nn nn, Operand<TFloat32> y) { return null; }\n",
            "  @Observed(shape = 1) Normal y3;\n",
            "  @Generator(\"y3\") Normal third(Nn nn, Operand<TFloat32> z) { return null; }\n"),
        "[HelmholtzGlobalModel] model test.M has global latents (logScale, w) and per-example latent 'z'; this "
            + "version infers global latents (by HMC or VI) only in a model whose latents are all global; a mix "
            + "needs the ELBO over the per-example latents with a variational posterior of the global ones, "
            + "which is not implemented: declare 'z' global, or remove global = true from logScale, w",
        "// here");
  }

  @Test
  void anObjectiveOnAModelOfGlobalLatentsWouldBeIgnored() {
    JavaFileObject source = model("M", ("@Model(\n    objective = @Objective(kind = ObjectiveKind.IWAE))\nclass M {\n"
        + REGRESSION + "}\n").split("\n"));
    assertOnlyError(source,
        "[HelmholtzGlobalObjective] @Model(objective) on model test.M, whose latents are all global (logScale, w): "
            + "no per-example objective trains it, since its posterior given the data set is sampled by HMC or "
            + "fitted by VI (the generated hmc(data) and variational(data)), so the objective would be ignored: "
            + "remove it",
        "objective = @Objective");
  }

  @Test
  void aGlobalLatentInAnAdversarialModel() {
    JavaFileObject gan = source(
        "  @Latent(shape = 2, global = true) Normal z;\n",
        "  @Observed(shape = 4) Normal x;\n",
        "  @Generator(\"x\") Operand<TFloat32> make(Nn nn, Operand<TFloat32> z) { return nn.dense(z, 4); }\n",
        "  @Discriminator(\"x\") // here\n",
        "  Operand<TFloat32> judge(Nn nn, Operand<TFloat32> x) { return nn.dense(x, 1); }\n");
    assertOnlyError(gan,
        "[HelmholtzGlobalModel] model test.M has global latents (z) and @Discriminator judge(); an adversarial "
            + "model's generator is trained by the two-player game, which has no prior and no posterior over "
            + "global latents: remove global = true or the discriminator",
        "// here");
  }
}
