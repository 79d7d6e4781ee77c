package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.helmholtz.processor.Compilations.compile;
import static dev.helmholtz.processor.Compilations.model;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The count families (Poisson, Binomial, Geometric, Multinomial) as nodes: count likelihoods under the ELBO,
 * latents under a score-function objective, rejected where the objective needs a reparameterized
 * sampler, and a prior written out where the family has no standard one. Positive cases compile,
 * generated code included, without warnings under -Xlint:all.
 */
class CountFamiliesTest {

  private static void assertOnlyError(JavaFileObject source, String message, String line) {
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining(message).inFile(source).onLineContaining(line);
    assertThat(c).hadErrorCount(1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      "Poisson; Poisson.logRate(nn.dense(z, 4))",
      "Poisson; Poisson.rate(nn.dense(z, 4, SOFTPLUS))",
      "Binomial; Binomial.logits(10, nn.dense(z, 4))",
      "Geometric; Geometric.probs(nn.dense(z, 4, SIGMOID))",
      "Multinomial; Multinomial.logits(20, nn.dense(z, 4))"})
  void aCountLikelihoodUnderTheElbo(String family, String likelihood) {
    JavaFileObject source = model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = 4) " + family + " x;",
        "  @Encoder(\"z\") Normal encode(Nn nn, Operand<TFloat32> x) {",
        "    return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2));",
        "  }",
        "  @Generator(\"x\") " + family + " decode(Nn nn, Operand<TFloat32> z) { return " + likelihood + "; }",
        "}");
    assertThat(compile(source)).succeededWithoutWarnings();
  }

  /** A latent count with a learned prior (or Geometric's standard prior) under VIMCO. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      "Poisson; Poisson.logRate(nn.dense(x, 3)); Poisson.logRate(nn.dense(u, 3))",
      "Binomial; Binomial.logits(5, nn.dense(x, 3)); Binomial.probs(5, nn.dense(u, 3, SIGMOID))",
      "Multinomial; Multinomial.logits(6, nn.dense(x, 3)); Multinomial.logits(6, nn.dense(u, 3))",
      "Geometric; Geometric.logits(nn.dense(x, 3)); "})
  void aCountLatentUnderVimco(String family, String posterior, String prior) {
    boolean learnedPrior = prior != null;
    JavaFileObject source = model("M",
        "@Model(objective = @Objective(kind = ObjectiveKind.VIMCO, samples = 3))",
        "class M {",
        learnedPrior ? "  @Observed(shape = 1, given = true) Normal u;" : "",
        "  @Latent(shape = 3) " + family + " z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\") " + family + " encode(Nn nn, Operand<TFloat32> x) { return " + posterior + "; }",
        learnedPrior ? "  @Generator(\"z\") " + family + " prior(Nn nn, Operand<TFloat32> u) { return " + prior + "; }"
            : "",
        "  @Generator(\"x\") Bernoulli decode(Nn nn, Operand<TFloat32> z) {",
        "    return Bernoulli.logits(nn.dense(z, 4));",
        "  }",
        "}");
    assertThat(compile(source)).succeededWithoutWarnings();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"ELBO", "IWAE"})
  void aGeometricLatentUnderAReparameterizedObjective(String kind) {
    JavaFileObject source = model("M",
        "@Model(objective = @Objective(kind = ObjectiveKind." + kind + "))",
        "class M {",
        "  @Latent(shape = 3) Geometric z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\") Geometric encode(Nn nn, Operand<TFloat32> x) { return Geometric.logits(nn.dense(x, 3)); }",
        "  @Generator(\"x\") Bernoulli decode(Nn nn, Operand<TFloat32> z) {",
        "    return Bernoulli.logits(nn.dense(z, 4));",
        "  }",
        "}");
    assertOnlyError(source,
        "[HelmholtzNotReparameterized] latent 'z' is Geometric, which has no reparameterized "
            + "sampler, so the " + kind + " objective cannot differentiate through its samples; "
            + "use a score-function objective (NVIL, or VIMCO with samples >= 2) or wake-sleep "
            + "(WAKE_SLEEP, REWEIGHTED_WAKE_SLEEP)",
        "@Latent(shape = 3) Geometric z;");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      "Poisson; Poisson.logRate(nn.dense(x, 3)); no rate is a natural default",
      "Binomial; Binomial.logits(5, nn.dense(x, 3)); its total count is given where the distribution is built, "
          + "not by the node",
      "Multinomial; Multinomial.logits(5, nn.dense(x, 3)); its total count is given where the distribution is "
          + "built, not by the node"})
  void aCountLatentWithoutAPrior(String family, String posterior, String why) {
    JavaFileObject source = model("M",
        "@Model(objective = @Objective(kind = ObjectiveKind.NVIL))",
        "class M {",
        "  @Latent(shape = 3)",
        "  " + family + " z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\") " + family + " encode(Nn nn, Operand<TFloat32> x) { return " + posterior + "; }",
        "  @Generator(\"x\") Bernoulli decode(Nn nn, Operand<TFloat32> z) {",
        "    return Bernoulli.logits(nn.dense(z, 4));",
        "  }",
        "}");
    assertOnlyError(source,
        "[HelmholtzNoStandardPrior] latent 'z' is " + family + ", which has no standard prior (" + why
            + "), so its prior must be written: add a method annotated @Generator(\"z\") that returns p(z | ...)",
        "@Latent(shape = 3)");
  }
}
