package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.helmholtz.processor.Compilations.compile;
import static dev.helmholtz.processor.Compilations.model;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Adversarial models: valid GANs compile cleanly, and each adversarial diagnostic is reported,
 * alone, on the line that caused it.
 */
class AdversarialModelsTest {
  private static final String NODES = """
        @Latent(shape = 4) Normal z;
        @Observed(shape = 6) Bernoulli x;
      """;
  private static final String GENERATOR = """
        @Generator("x")
        Operand<TFloat32> generate(Nn nn, Operand<TFloat32> z) {
          return nn.dense(z, 6, SIGMOID);
        }
      """;
  private static final String DISCRIMINATOR = """
        @Discriminator("x")
        Operand<TFloat32> discriminate(Nn nn, Operand<TFloat32> x) {
          return nn.dense(x, 1);
        }
      """;

  private static JavaFileObject source(String... parts) {
    return model("G", ("@Model\nclass G {\n" + String.join("", parts) + "}\n").split("\n"));
  }

  private static void assertOnlyError(JavaFileObject source, String message, String line) {
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining(message).inFile(source).onLineContaining(line);
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void ganCompilesWithoutWarnings() {
    Compilation c = compile(source(NODES, GENERATOR, DISCRIMINATOR));
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("test.GModel").contentsAsUtf8String()
        .contains("extends AdversarialModel");
  }

  @Test
  void conditionalGanWithWassersteinLossCompilesWithoutWarnings() {
    Compilation c = compile(source("""
          @Latent(shape = 4) Normal z;
          @Observed(shape = 6) Normal x;
          @Observed(shape = 3) Categorical y;
          @Generator("x")
          Operand<TFloat32> generate(Nn nn, Operand<TFloat32> z, Operand<TFloat32> y) {
            return nn.dense(nn.tf().concat(java.util.List.of(z, y), nn.tf().constant(1)), 6);
          }
          @Discriminator(value = "x", loss = GanLoss.WASSERSTEIN_GP, steps = 5)
          Operand<TFloat32> critic(Nn nn, Operand<TFloat32> x, Operand<TFloat32> y) {
            return nn.dense(nn.tf().concat(java.util.List.of(x, y), nn.tf().constant(1)), 1);
          }
        """));
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("test.GModel").contentsAsUtf8String()
        .contains(".game(GanLoss.WASSERSTEIN_GP, 5, 10.0)");
  }

  @Test
  void discriminatorOnANodeNothingGenerates() {
    assertOnlyError(source(NODES, DISCRIMINATOR),
        "[HelmholtzDiscriminatorNotGenerated] @Discriminator(\"x\") judges node 'x', which no @Generator "
            + "generates; a discriminator compares an observed node's data with what a deterministic "
            + "@Generator makes of noise: add `@Generator(\"x\") Operand<TFloat32> generate(",
        "@Discriminator(\"x\")");
  }

  @Test
  void discriminatorOnALatent() {
    assertOnlyError(source(NODES, GENERATOR, """
          @Discriminator("z")
          Operand<TFloat32> discriminate(Nn nn, Operand<TFloat32> z) {
            return nn.dense(z, 1);
          }
        """),
        "[HelmholtzDiscriminatorNotGenerated] @Discriminator(\"z\") judges node 'z', which is a @Latent",
        "@Discriminator(\"z\")");
  }

  @Test
  void adversarialModelWithoutNoise() {
    assertOnlyError(source("""
          @Observed(shape = 6) Bernoulli x;
          @Observed(shape = 3) Categorical y;
          @Generator("x")
          Operand<TFloat32> generate(Nn nn, Operand<TFloat32> y) {
            return nn.dense(y, 6, SIGMOID);
          }
        """, DISCRIMINATOR),
        "[HelmholtzNoNoiseLatent] @Generator(\"x\") generate() takes no @Latent, so the adversarial model "
            + "has no noise to push forward",
        "@Generator(\"x\")");
  }

  @Test
  void discriminatorReturningADistribution() {
    assertOnlyError(source(NODES, GENERATOR, """
          @Discriminator("x")
          Bernoulli discriminate(Nn nn, Operand<TFloat32> x) {
            return Bernoulli.logits(nn.dense(x, 1));
          }
        """),
        "[HelmholtzDiscriminatorReturnType] @Discriminator(\"x\") method discriminate() returns "
            + "dev.helmholtz.dist.Bernoulli; a discriminator returns one logit per example: "
            + "Operand<TFloat32> of shape [n, 1] or [n]",
        "Bernoulli discriminate(");
  }

  @Test
  void discriminatorReturningAnotherTensorType() {
    assertOnlyError(source(NODES, GENERATOR, """
          @Discriminator("x")
          Operand<org.tensorflow.types.TInt32> discriminate(Nn nn, Operand<TFloat32> x) {
            return nn.tf().dtypes.cast(nn.dense(x, 1), org.tensorflow.types.TInt32.class);
          }
        """),
        "[HelmholtzDiscriminatorReturnType] @Discriminator(\"x\") method discriminate() returns "
            + "org.tensorflow.Operand<org.tensorflow.types.TInt32>",
        "Operand<org.tensorflow.types.TInt32> discriminate(");
  }

  @Test
  void generatorOfTheJudgedNodeReturningADistribution() {
    assertOnlyError(source(NODES, """
          @Generator("x")
          Bernoulli generate(Nn nn, Operand<TFloat32> z) {
            return Bernoulli.logits(nn.dense(z, 6));
          }
        """, DISCRIMINATOR),
        "[HelmholtzImplicitGenerator] @Generator(\"x\") generate() returns dev.helmholtz.dist.Bernoulli, "
            + "but node 'x' is judged by a @Discriminator, so its generator is deterministic (an "
            + "implicit distribution): return Operand<TFloat32>, the generated examples [n, 6]",
        "Bernoulli generate(");
  }

  @Test
  void secondDiscriminator() {
    assertOnlyError(source(NODES, GENERATOR, DISCRIMINATOR, """
          @Observed(shape = 3) Categorical y;
          @Discriminator("y")
          Operand<TFloat32> judge(Nn nn, Operand<TFloat32> y) {
            return nn.dense(y, 1);
          }
        """),
        "[HelmholtzSecondDiscriminator] @Discriminator(\"y\") judge() is a second discriminator (the "
            + "first is discriminate())",
        "Operand<TFloat32> judge(");
  }

  @Test
  void secondGeneratedObservedNode() {
    assertOnlyError(source(NODES, GENERATOR, DISCRIMINATOR, """
          @Observed(shape = 2) Normal w;
          @Generator("w")
          Operand<TFloat32> makeW(Nn nn, Operand<TFloat32> z) {
            return nn.dense(z, 2);
          }
        """),
        "[HelmholtzGeneratedNotDiscriminated] observed node 'w' has a @Generator in an adversarial model "
            + "but no @Discriminator judges it",
        "@Generator(\"w\")");
  }

  @Test
  void discriminatorTakingTheNoise() {
    assertOnlyError(source(NODES, GENERATOR, """
          @Discriminator("x")
          Operand<TFloat32> discriminate(Nn nn, Operand<TFloat32> x, Operand<TFloat32> z) {
            return nn.dense(x, 1);
          }
        """),
        "[HelmholtzDiscriminatorInput] discriminate() takes latent 'z', which exists for generated "
            + "examples only",
        "Operand<TFloat32> discriminate(");
  }

  @Test
  void discriminatorIgnoringItsNode() {
    assertOnlyError(source(NODES, "  @Observed(shape = 3) Categorical y;\n", """
          @Generator("x")
          Operand<TFloat32> generate(Nn nn, Operand<TFloat32> z, Operand<TFloat32> y) {
            return nn.dense(z, 6, SIGMOID);
          }
          @Discriminator("x")
          Operand<TFloat32> discriminate(Nn nn, Operand<TFloat32> y) {
            return nn.dense(y, 1);
          }
        """),
        "[HelmholtzDiscriminatorInput] discriminate() has no parameter 'x', the node it judges",
        "@Discriminator(\"x\")");
  }

  @Test
  void encoderInAnAdversarialModel() {
    assertOnlyError(source(NODES, GENERATOR, DISCRIMINATOR, """
          @Encoder("z")
          Normal encode(Nn nn, Operand<TFloat32> x) {
            return Normal.meanLogStd(nn.dense(x, 4), nn.dense(x, 4));
          }
        """),
        "[HelmholtzAdversarialEncoder] @Encoder(\"z\") encode() in an adversarial model",
        "@Encoder(\"z\")");
  }

  @Test
  void objectiveOnAnAdversarialModel() {
    JavaFileObject source = model("G", ("@Model(objective = @Objective(kind = ObjectiveKind.IWAE, samples = 5))\n"
        + "class G {\n" + NODES + GENERATOR + DISCRIMINATOR + "}\n").split("\n"));
    assertOnlyError(source,
        "[HelmholtzAdversarialObjective] @Model(objective = @Objective(kind = IWAE)) on an adversarial model: "
            + "@Discriminator(\"x\") discriminate() makes it a two-player game whose losses "
            + "@Discriminator(loss = ...) chooses (now NON_SATURATING), so the objective would be ignored",
        "@Model(objective");
  }

  @Test
  void discriminatorStepsBelowOne() {
    assertOnlyError(source(NODES, GENERATOR, """
          @Discriminator(value = "x", steps = 0)
          Operand<TFloat32> discriminate(Nn nn, Operand<TFloat32> x) {
            return nn.dense(x, 1);
          }
        """),
        "[HelmholtzDiscriminatorSettings] @Discriminator(steps = 0): the discriminator takes at least 1 "
            + "update per generator update",
        "steps = 0");
  }

  @Test
  void negativeGradientPenalty() {
    assertOnlyError(source(NODES, GENERATOR, """
          @Discriminator(value = "x", gradientPenalty = -1)
          Operand<TFloat32> discriminate(Nn nn, Operand<TFloat32> x) {
            return nn.dense(x, 1);
          }
        """),
        "[HelmholtzDiscriminatorSettings] @Discriminator(gradientPenalty = -1.0)",
        "gradientPenalty = -1");
  }

  @Test
  void discriminatorOutsideAModel() {
    JavaFileObject source = model("Plain", """
        class Plain {
          @Discriminator("x")
          Operand<TFloat32> discriminate(Operand<TFloat32> x) {
            return x;
          }
        }
        """.split("\n"));
    assertOnlyError(source,
        "[HelmholtzNotInModel] @Discriminator is used in Plain, which is not annotated @Model", "@Discriminator");
  }
}
