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
  void aDrawAxisLikelihoodTakesTheGlobalsAndTheDataOnce() {
    Compilation c = compile(source(REGRESSION.replace("@Generator(\"y\")", "@Generator(value = \"y\", drawAxis = true)"),
        "  @Observed(shape = 1) Normal y2;\n",
        "  @Generator(\"y2\") Normal second(Nn nn, Operand<TFloat32> w, Operand<TFloat32> x) {\n",
        "    return Normal.meanLogStd(nn.tf().zerosLike(x), nn.tf().zerosLike(x));\n",
        "  }\n"));
    assertThat(c).succeededWithoutWarnings();
    var generated = assertThat(c).generatedSourceFile("test.MModel").contentsAsUtf8String();
    // x is repeated per draw for the row-aligned second(), and taken once, [N, 3], by likelihood().
    generated.contains("Operand<TFloat32> x = pass.given(\"x\");");
    generated.contains("Normal pY = model.likelihood(pass.network(\"likelihood\"), w, pass.data(\"x\"));");
    generated.contains("pass.observeDrawAxis(\"y\", pY);");
    generated.contains("Normal pY2 = model.second(pass.network(\"second\"), pass.perExample(w), x);");
    generated.contains("pass.observe(\"y2\", pY2);");
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
            + "global latent has one value for the whole data set, inferred from all of it (by HMC or VI in a "
            + "model of global latents only; by a mean-field posterior trained with the encoders beside "
            + "per-example latents): remove infer(), or remove global = true to make 'w' a per-example latent",
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

  /** A decoder whose weights are a global latent (a VAE with a Bayesian decoder), seeing the draw axis. */
  private static final String MIXED = """
        @Latent(shape = 2) Normal z;
        @Latent(shape = 6, global = true) Normal w;
        @Observed(shape = 3) Normal y;
        @Encoder("z")
        Normal encode(Nn nn, Operand<TFloat32> y) {
          return Normal.meanLogStd(nn.dense(y, 2), nn.dense(y, 2));
        }
        @Generator(value = "y", drawAxis = true)
        Normal decode(Nn nn, Operand<TFloat32> z, Operand<TFloat32> w) {
          var tf = nn.tf();
          var mean = tf.train.batchMatMul(z, tf.reshape(w, tf.constant(new int[] {-1, 2, 3})), TFloat32.class);
          return Normal.meanLogStd(mean, tf.zerosLike(mean));
        }
      """;

  private static JavaFileObject mixed(String model, String... parts) {
    return model("M", (model + "\nclass M {\n" + MIXED + String.join("", parts) + "}\n").split("\n"));
  }

  @Test
  void globalAndPerExampleLatentsMakeAVariationalModelWithAGlobalPosterior() {
    Compilation c = compile(mixed("@Model"));
    assertThat(c).succeededWithoutWarnings();
    var generated = assertThat(c).generatedSourceFile("test.MModel").contentsAsUtf8String();
    generated.contains("public final class MModel extends VariationalModel {");
    generated.contains(".latent(\"z\", 2)\n      .global(\"w\", 6)\n      .observed(\"y\", 3)");
    generated.contains("Operand<TFloat32> w = pass.global(\"w\");");
    generated.contains("pass.globalPrior(\"w\", w, pW);");
    // The draw-axis generator takes w as it is, [1, 6], and hands back [1, n, 3] without the draw axis.
    generated.contains("Normal pY = pass.unfold(pass.dropDrawAxis(\"y\", model.decode(pass.network(\"decode\"), "
        + "pass.fold(z), w)));");
    generated.contains("<p>Inference order: z. Generative order:");
  }

  @Test
  void aRowAlignedGeneratorGetsTheGlobalDrawRepeatedPerSampleAndExample() {
    Compilation c = compile(model("M", ("@Model\nclass M {\n" + MIXED.replace("value = \"y\", drawAxis = true", "\"y\"")
        .replace("var mean = tf.train.batchMatMul(z, tf.reshape(w, tf.constant(new int[] {-1, 2, 3})), TFloat32.class);",
            "var mean = nn.dense(tf.concat(java.util.List.of(z, w), tf.constant(-1)), 3);") + "}\n").split("\n")));
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("test.MModel").contentsAsUtf8String()
        .contains("Normal pY = pass.unfold(model.decode(pass.network(\"decode\"), pass.fold(z), pass.foldGlobal(w)));");
  }

  @Test
  void aPerExampleLatentsPriorMayTakeGlobalLatents() {
    // A hierarchical prior: z_n ~ N(mu, 1) with mu global, its posterior fitted with the encoder's.
    Compilation c = compile(mixed("@Model",
        "  @Latent(shape = 2, global = true) Normal mu;\n",
        "  @Generator(\"z\") Normal prior(Nn nn, Operand<TFloat32> mu) {\n",
        "    return Normal.meanLogStd(mu, nn.tf().zerosLike(mu));\n",
        "  }\n"));
    assertThat(c).succeededWithoutWarnings();
    var generated = assertThat(c).generatedSourceFile("test.MModel").contentsAsUtf8String();
    generated.contains("Normal pZ = model.prior(pass.network(\"prior\"), pass.perExample(mu));");
    generated.contains("pass.latentAnalyticKl(\"z\", z, qZ, pZ);");
  }

  @Test
  void globalLatentsBesidePerExampleOnesNeedTheElboOrIwae() {
    JavaFileObject source = mixed("@Model(\n    objective = @Objective(kind = ObjectiveKind.VIMCO, samples = 5))");
    assertOnlyError(source,
        "[HelmholtzGlobalModel] model test.M has global latents (w) and objective VIMCO; the global latents' "
            + "posterior trains through its reparameterized draw, one per step shared by the k samples, which "
            + "keeps the ELBO and IWAE bounds; VIMCO scores the per-example latents by a score function, whose "
            + "learning signal the global KL's share would enter unscaled: use ELBO or IWAE",
        "objective = @Objective");
  }

  @Test
  void anEncoderCannotTakeAGlobalLatent() {
    assertOnlyError(mixed("@Model",
            "  @Latent(shape = 2) Normal u;\n",
            "  @Encoder(\"u\") Normal infer(Nn nn, Operand<TFloat32> y,\n",
            "      Operand<TFloat32> w) { return null; } // here\n",
            "  @Observed(shape = 1) Normal v;\n",
            "  @Generator(\"v\") Normal second(Nn nn, Operand<TFloat32> u) { return null; }\n"),
        "[HelmholtzGlobalModel] model test.M has global latents (w) and @Encoder infer() taking global latent 'w'; "
            + "an encoder conditioned on a draw of the global latents is not implemented; q(u | ...) sees the "
            + "data and per-example latents: remove the parameter",
        "// here");
  }

  @Test
  void noLatentIsSummedOutBesideGlobalLatents() {
    assertOnlyError(mixed("@Model",
            "  @Latent(shape = 4, enumerate = true) Categorical c; // here\n",
            "  @Encoder(\"c\") Categorical classify(Nn nn, Operand<TFloat32> y) { return null; }\n",
            "  @Observed(shape = 1) Normal v;\n",
            "  @Generator(\"v\") Normal second(Nn nn, Operand<TFloat32> c) { return null; }\n"),
        "[HelmholtzGlobalModel] model test.M has global latents (w) and enumerated latent 'c'; summing a latent "
            + "out beside global latents is not implemented: remove enumerate = true (and train 'c' by its "
            + "encoder), or remove global = true from w",
        "// here");
  }

  @Test
  void aDrawAxisNeedsAGlobalLatent() {
    JavaFileObject source = model("M", """
        @Model
        class M {
          @Latent(shape = 2) Normal z;
          @Observed(shape = 3) Normal y;
          @Encoder("z") Normal encode(Nn nn, Operand<TFloat32> y) { return null; }
          @Generator(value = "y",
              drawAxis = true) // here
          Normal decode(Nn nn, Operand<TFloat32> z) { return null; }
        }
        """.split("\n"));
    assertOnlyError(source,
        "[HelmholtzDrawAxis] @Generator(drawAxis = true) on decode(), the generator of 'y', which takes no "
            + "global latent: the draw axis is that of the global latents' draws, [R, width], so there is none "
            + "to see; remove drawAxis, or take a global latent",
        "// here");
  }

  @Test
  void aGlobalLatentBesidePerExampleOnesIsAVector() {
    assertOnlyError(model("M", ("@Model\nclass M {\n" + MIXED.replace("@Latent(shape = 6, global = true) Normal w;",
            "@Latent(shape = {2, 3}, global = true) Normal w; // here") + "}\n").split("\n")),
        "a global latent is one vector, the loc and scale of its mean-field posterior",
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
