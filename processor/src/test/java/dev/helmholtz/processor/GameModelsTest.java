package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.helmholtz.processor.Compilations.compile;
import static dev.helmholtz.processor.Compilations.model;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Games of several players: CycleGAN (two translations, two discriminators, @CycleConsistency)
 * and Triple-GAN (@Classifier on an encoder of an observed label) compile cleanly into a
 * GameModel, and each game diagnostic is reported, alone, on the line that caused it.
 */
class GameModelsTest {
  private static final String DOMAINS = """
        @Observed(shape = 4) Normal x;
        @Observed(shape = 4) Normal y;
      """;
  private static final String TO_Y = """
        @Generator("y")
        @CycleConsistency(weight = 10, identityWeight = 5)
        Operand<TFloat32> toY(Nn nn, Operand<TFloat32> x) {
          return nn.dense(x, 4);
        }
      """;
  private static final String TO_X = """
        @Generator("x")
        @CycleConsistency(weight = 10)
        Operand<TFloat32> toX(Nn nn, Operand<TFloat32> y) {
          return nn.dense(y, 4);
        }
      """;
  private static final String JUDGE_X = """
        @Discriminator(value = "x", loss = GanLoss.LEAST_SQUARES)
        Operand<TFloat32> judgeX(Nn nn, Operand<TFloat32> x) {
          return nn.dense(x, 1);
        }
      """;
  private static final String JUDGE_Y = """
        @Discriminator(value = "y", loss = GanLoss.LEAST_SQUARES)
        Operand<TFloat32> judgeY(Nn nn, Operand<TFloat32> y) {
          return nn.dense(y, 1);
        }
      """;
  private static final String TRIPLE_NODES = """
        @Latent(shape = 3) Normal z;
        @Observed(shape = 6) Normal x;
        @Observed(shape = 3) Categorical y;
      """;
  private static final String CONDITIONAL_GENERATOR = """
        @Generator("x")
        Operand<TFloat32> generate(Nn nn, Operand<TFloat32> z, Operand<TFloat32> y) {
          return nn.dense(nn.tf().concat(java.util.List.of(z, y), nn.tf().constant(1)), 6);
        }
      """;
  private static final String PAIR_DISCRIMINATOR = """
        @Discriminator("x")
        Operand<TFloat32> judge(Nn nn, Operand<TFloat32> x, Operand<TFloat32> y) {
          return nn.dense(nn.tf().concat(java.util.List.of(x, y), nn.tf().constant(1)), 1);
        }
      """;
  private static final String CLASSIFIER = """
        @Encoder("y")
        @Classifier(alpha = 0.5, pseudoWeight = 0.2)
        Categorical classify(Nn nn, Operand<TFloat32> x) {
          return Categorical.logits(nn.dense(x, 3));
        }
      """;

  private static JavaFileObject source(String... parts) {
    return model("C", ("@Model\nclass C {\n" + String.join("", parts) + "}\n").split("\n"));
  }

  private static void assertOnlyError(JavaFileObject source, String message, String line) {
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining(message).inFile(source).onLineContaining(line);
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void cycleGanCompilesToAGameWithoutWarnings() {
    Compilation c = compile(source(DOMAINS, TO_Y, TO_X, JUDGE_X, JUDGE_Y));
    assertThat(c).succeededWithoutWarnings();
    var generated = assertThat(c).generatedSourceFile("test.CModel").contentsAsUtf8String();
    generated.contains("extends GameModel");
    generated.contains(".translation(\"y\", \"x\", 10.0, 5.0)");
    generated.contains(".translation(\"x\", \"y\", 10.0, 0.0)");
    generated.contains(".discriminator(\"y\", GanLoss.LEAST_SQUARES)");
    generated.contains("case \"y\": return model.judgeY(pass.network(\"judgeY\"), pass.node(\"y\"))");
  }

  @Test
  void tripleGanCompilesToAGameWithoutWarnings() {
    Compilation c = compile(source(TRIPLE_NODES, CONDITIONAL_GENERATOR, PAIR_DISCRIMINATOR, CLASSIFIER));
    assertThat(c).succeededWithoutWarnings();
    var generated = assertThat(c).generatedSourceFile("test.CModel").contentsAsUtf8String();
    generated.contains(".discriminator(\"x\", GanLoss.NON_SATURATING, \"y\")");
    generated.contains(".classifier(\"y\", \"x\", 0.5, 1.0, 0.2)");
    generated.contains("return model.classify(pass.network(\"classify\"), pass.node(\"x\"))");
  }

  @Test
  void cycleWithoutTheReverseTranslation() {
    assertOnlyError(source(DOMAINS, "@Latent(shape = 2) Normal z;\n", TO_Y, """
          @Generator("x")
          Operand<TFloat32> makeX(Nn nn, Operand<TFloat32> z) {
            return nn.dense(z, 4);
          }
        """, JUDGE_X, JUDGE_Y),
        "[HelmholtzCycleConsistencyTarget] @CycleConsistency on toY(): the cycle x -> y -> x needs a generator of"
            + " 'x' that translates 'y', and makeX() does not",
        "@CycleConsistency(weight = 10, identityWeight = 5)");
  }

  @Test
  void cycleOnAGeneratorOfNoise() {
    assertOnlyError(source("@Latent(shape = 2) Normal z;\n", DOMAINS, """
          @Generator("y")
          @CycleConsistency(identityWeight = 0)
          Operand<TFloat32> toY(Nn nn, Operand<TFloat32> z) {
            return nn.dense(z, 4);
          }
          @Generator("x")
          Operand<TFloat32> toX(Nn nn, Operand<TFloat32> y) {
            return nn.dense(y, 4);
          }
        """, JUDGE_X, JUDGE_Y),
        "[HelmholtzCycleConsistencyTarget] @CycleConsistency on toY(): @Generator(\"y\") toY() translates no"
            + " judged node",
        "@CycleConsistency(identityWeight = 0)");
  }

  @Test
  void negativeCycleWeight() {
    assertOnlyError(source(DOMAINS, """
          @Generator("y")
          @CycleConsistency(weight = -1)
          Operand<TFloat32> toY(Nn nn, Operand<TFloat32> x) {
            return nn.dense(x, 4);
          }
        """, TO_X, JUDGE_X, JUDGE_Y),
        "[HelmholtzCycleConsistencyWeight] @CycleConsistency(weight = -1.0) on toY(): a loss weight is finite and"
            + " at least 0",
        "@CycleConsistency(weight = -1)");
  }

  @Test
  void generatorNoDiscriminatorJudges() {
    assertOnlyError(source(DOMAINS, "@Observed(shape = 4) Normal w;\n", TO_Y, TO_X, JUDGE_X, JUDGE_Y, """
          @Generator("w")
          Operand<TFloat32> toW(Nn nn, Operand<TFloat32> x) {
            return nn.dense(x, 4);
          }
        """),
        "[HelmholtzGameGenerator] @Generator(\"w\") toW() in a game of several players: no @Discriminator judges"
            + " 'w', so no loss reaches this generator's variables",
        "@Generator(\"w\")");
  }

  @Test
  void wassersteinLossInAGame() {
    assertOnlyError(source(DOMAINS, TO_Y, TO_X, JUDGE_X, """
          @Discriminator(value = "y", loss = GanLoss.WASSERSTEIN_GP)
          Operand<TFloat32> judgeY(Nn nn, Operand<TFloat32> y) {
            return nn.dense(y, 1);
          }
        """),
        "[HelmholtzGameLoss] @Discriminator(\"y\", loss = WASSERSTEIN_GP) judgeY() in a game of several players:"
            + " a game's discriminators take no gradient penalty",
        "loss = GanLoss.WASSERSTEIN_GP");
  }

  @Test
  void discriminatorsDisagreeOnSteps() {
    assertOnlyError(source(DOMAINS, TO_Y, TO_X, JUDGE_X, """
          @Discriminator(value = "y", steps = 3)
          Operand<TFloat32> judgeY(Nn nn, Operand<TFloat32> y) {
            return nn.dense(y, 1);
          }
        """),
        "[HelmholtzGameSteps] @Discriminator(\"y\", steps = 3) judgeY(), but judgeX() takes 1: a game's"
            + " discriminators all update together",
        "steps = 3");
  }

  @Test
  void classifierWhoseDiscriminatorDoesNotJudgePairs() {
    assertOnlyError(source(TRIPLE_NODES, CONDITIONAL_GENERATOR, """
          @Discriminator("x")
          Operand<TFloat32> judge(Nn nn, Operand<TFloat32> x) {
            return nn.dense(x, 1);
          }
        """, CLASSIFIER),
        "[HelmholtzClassifierTarget] @Classifier on classify(): the @Discriminator of 'x', judge(), does not take"
            + " 'y', so it cannot judge the classifier's (x, y) pairs",
        "@Classifier(alpha = 0.5, pseudoWeight = 0.2)");
  }

  @Test
  void classifierOfANodeThatIsNotCategorical() {
    assertOnlyError(source("""
          @Latent(shape = 3) Normal z;
          @Observed(shape = 6) Normal x;
          @Observed(shape = 3) Normal y;
        """, CONDITIONAL_GENERATOR, PAIR_DISCRIMINATOR, """
          @Encoder("y")
          @Classifier
          Normal classify(Nn nn, Operand<TFloat32> x) {
            return Normal.of(nn.dense(x, 3), nn.tf().constant(1f));
          }
        """),
        "[HelmholtzClassifierTarget] @Classifier on classify(): its node 'y' is not Categorical",
        "@Classifier");
  }

  @Test
  void classifierAlphaOutsideTheUnitInterval() {
    assertOnlyError(source(TRIPLE_NODES, CONDITIONAL_GENERATOR, PAIR_DISCRIMINATOR, """
          @Encoder("y")
          @Classifier(alpha = 1.5)
          Categorical classify(Nn nn, Operand<TFloat32> x) {
            return Categorical.logits(nn.dense(x, 3));
          }
        """),
        "[HelmholtzClassifierWeight] @Classifier(alpha = 1.5) on classify(): alpha weighs the classifier's pairs"
            + " against the generator's",
        "@Classifier(alpha = 1.5)");
  }

  @Test
  void secondDiscriminatorBesideAnInfoGanHead() {
    assertOnlyError(source(DOMAINS, "@Latent(shape = 2) Categorical c;\n@Latent(shape = 2) Normal z;\n", """
          @Generator("y")
          Operand<TFloat32> makeY(Nn nn, Operand<TFloat32> z) {
            return nn.dense(z, 4);
          }
          @Generator("x")
          Operand<TFloat32> makeX(Nn nn, Operand<TFloat32> z, Operand<TFloat32> c) {
            return nn.dense(nn.tf().concat(java.util.List.of(z, c), nn.tf().constant(1)), 4);
          }
          @Encoder("c")
          @MutualInformation
          Categorical code(Nn nn, Operand<TFloat32> x) {
            return Categorical.logits(nn.dense(x, 2));
          }
        """, JUDGE_X, JUDGE_Y),
        "[HelmholtzSecondDiscriminator] @Discriminator(\"y\") judgeY() is a second discriminator (the first is"
            + " judgeX()): the model has an InfoGAN Q head",
        "Operand<TFloat32> judgeY(");
  }
}
