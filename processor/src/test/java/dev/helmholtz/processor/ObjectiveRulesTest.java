package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.helmholtz.processor.Compilations.compile;
import static dev.helmholtz.processor.Compilations.model;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Objectives against latent kinds and sample counts: which estimator each latent can get, the
 * Concrete relaxations' limits, and {@code @Latent(classes)}. Each negative case checks the tag,
 * the message and the line; the positive cases compile cleanly under -Xlint:all.
 */
class ObjectiveRulesTest {
  /** A one-layer sigmoid belief net: z (Bernoulli, 3) -> x (Bernoulli, 4). */
  private static JavaFileObject sbn(String objective, String latentFamily) {
    String family = latentFamily;
    String q = switch (family) {
      case "RelaxedBernoulli" -> "RelaxedBernoulli.logits(0.5f, nn.dense(x, 3))";
      default -> family + ".logits(nn.dense(x, 3))";
    };
    return model("M",
        "@Model(objective = @Objective(" + objective + "))",
        "class M {",
        "  @Latent(shape = 3) " + family + " z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\") " + family + " encode(Nn nn, Operand<TFloat32> x) { return " + q + "; }",
        "  @Generator(\"x\") Bernoulli decode(Nn nn, Operand<TFloat32> z) {",
        "    return Bernoulli.logits(nn.dense(z, 4));",
        "  }",
        "}");
  }

  private static void assertOnlyError(JavaFileObject source, String message, String line) {
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining(message).inFile(source).onLineContaining(line);
    assertThat(c).hadErrorCount(1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
      "kind = ObjectiveKind.NVIL",
      "kind = ObjectiveKind.VIMCO, samples = 5",
      "kind = ObjectiveKind.WAKE_SLEEP",
      "kind = ObjectiveKind.REWEIGHTED_WAKE_SLEEP, samples = 5"})
  void discreteLatentsUnderScoreFunctionAndWakeSleepObjectives(String objective) {
    assertThat(compile(sbn(objective, "Bernoulli"))).succeededWithoutWarnings();
  }

  @Test
  void categoricalLatentUnderVimco() {
    JavaFileObject source = model("M",
        "@Model(objective = @Objective(kind = ObjectiveKind.VIMCO, samples = 3))",
        "class M {",
        "  @Latent(shape = 6, classes = 3) Categorical z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\") Categorical encode(Nn nn, Operand<TFloat32> x) {",
        "    return Categorical.logits(nn.dense(x, 6), 3);",
        "  }",
        "  @Generator(\"x\") Bernoulli decode(Nn nn, Operand<TFloat32> z) {",
        "    return Bernoulli.logits(nn.dense(z, 4));",
        "  }",
        "}");
    assertThat(compile(source)).succeededWithoutWarnings();
  }

  @Test
  void gumbelSoftmaxLatentUnderTheElbo() {
    JavaFileObject source = model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 20, classes = 10) RelaxedOneHotCategorical z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\") RelaxedOneHotCategorical encode(Nn nn, Operand<TFloat32> x) {",
        "    return RelaxedOneHotCategorical.logits(0.5f, nn.dense(x, 20), 10);",
        "  }",
        "  @Generator(\"x\") Bernoulli decode(Nn nn, Operand<TFloat32> z) {",
        "    return Bernoulli.logits(nn.dense(z, 4));",
        "  }",
        "}");
    assertThat(compile(source)).succeededWithoutWarnings();
  }

  @Test
  void categoricalLatentUnderIwaeNamesTheAlternatives() {
    JavaFileObject source = model("M",
        "@Model(objective = @Objective(kind = ObjectiveKind.IWAE, samples = 5))",
        "class M {",
        "  @Latent(shape = 6, classes = 3) Categorical z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\") Categorical encode(Nn nn, Operand<TFloat32> x) { return null; }",
        "  @Generator(\"x\") Bernoulli decode(Nn nn, Operand<TFloat32> z) { return null; }",
        "}");
    assertOnlyError(source,
        "[HelmholtzNotReparameterized] latent 'z' is Categorical, which has no reparameterized "
            + "sampler, so the IWAE objective cannot differentiate through its samples; use a "
            + "score-function objective (NVIL, or VIMCO with samples >= 2) or wake-sleep "
            + "(WAKE_SLEEP, REWEIGHTED_WAKE_SLEEP), or declare it RelaxedOneHotCategorical (a "
            + "Concrete relaxation, under ELBO)",
        "Categorical z;");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
      "kind = ObjectiveKind.IWAE, samples = 5; IWAE; VIMCO",
      "kind = ObjectiveKind.NVIL; NVIL; NVIL",
      "kind = ObjectiveKind.VIMCO, samples = 5; VIMCO; VIMCO"})
  void relaxedLatentUnderAnObjectiveThatWeighsDensities(String objective, String kind, String advice) {
    assertOnlyError(sbn(objective, "RelaxedBernoulli"),
        "[HelmholtzRelaxedObjective] latent 'z' is RelaxedBernoulli, a Concrete relaxation of Bernoulli "
            + "trained by the ELBO with the analytic KL of the discrete latent (Jang et al. 2017), but the "
            + kind + " objective weighs samples by their densities, which a relaxed sample does not "
            + "have; use the ELBO objective, or declare it Bernoulli to train it with " + advice
            + " score-function gradients",
        "RelaxedBernoulli z;");
  }

  /** q(z2 | x), q(z1 | z2) is fine; here z1's prior p(z1 | z2) has z2 inferred from z1. */
  @Test
  void relaxedLatentWhosePriorIsInferredFromIt() {
    JavaFileObject source = model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 3) RelaxedBernoulli z1;",
        "  @Latent(shape = 2) Normal z2;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z1\") RelaxedBernoulli q1(Nn nn, Operand<TFloat32> x) { return null; }",
        "  @Encoder(\"z2\") Normal q2(Nn nn, Operand<TFloat32> z1) { return null; }",
        "  @Generator(\"z1\") RelaxedBernoulli p1(Nn nn, Operand<TFloat32> z2) { return null; }",
        "  @Generator(\"x\") Bernoulli px(Nn nn, Operand<TFloat32> z1) { return null; }",
        "}");
    assertOnlyError(source,
        "[HelmholtzRelaxedObjective] latent 'z1' is RelaxedBernoulli, a Concrete relaxation of "
            + "Bernoulli trained by the ELBO with the analytic KL of the discrete latent (Jang et al. "
            + "2017), but its prior is conditioned on a latent that is inferred from it, so that KL "
            + "is not the ELBO's term; infer its prior's parents before it (top-down encoders), or "
            + "declare it Bernoulli and train it with NVIL or VIMCO",
        "RelaxedBernoulli z1;");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
      "kind = ObjectiveKind.VIMCO, samples = 1; samples = 1, but the VIMCO objective needs at least 2 "
          + "samples per example: each sample's baseline is the bound of the others",
      "kind = ObjectiveKind.NVIL, samples = 4; samples = 4, but the NVIL objective is a single-sample "
          + "estimator; use VIMCO for a multi-sample score-function objective",
      "kind = ObjectiveKind.WAKE_SLEEP, samples = 3; samples = 3, but the WAKE_SLEEP objective draws "
          + "one sample per example; use REWEIGHTED_WAKE_SLEEP to weight several"})
  void sampleCountsAnObjectiveCannotUse(String objective, String message) {
    assertOnlyError(sbn(objective, "Bernoulli"), "[HelmholtzSamples] " + message, "samples =");
  }

  @ParameterizedTest(name = "{0} classes = {1}")
  @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
      "Normal; 3; Normal has no classes (only Categorical and RelaxedOneHotCategorical do); remove classes",
      "Categorical; 1; a categorical variable needs at least 2 classes",
      "Categorical; 4; event shape 6 is not a whole number of one-hot groups of 4; declare a shape "
          + "that is a multiple of classes"})
  void classesThatDoNotFit(String family, int classes, String problem) {
    JavaFileObject source = model("M",
        "@Model(objective = @Objective(kind = ObjectiveKind.NVIL))",
        "class M {",
        "  @Latent(shape = 6, classes = " + classes + ")",
        "  " + family + " z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\") " + family + " encode(Nn nn, Operand<TFloat32> x) { return null; }",
        "  @Generator(\"x\") Bernoulli decode(Nn nn, Operand<TFloat32> z) { return null; }",
        "}");
    assertOnlyError(source,
        "[HelmholtzClasses] @Latent(classes = " + classes + ") on node 'z': " + problem,
        "classes = " + classes);
  }
}
