package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.helmholtz.processor.Compilations.compile;
import static dev.helmholtz.processor.Compilations.model;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Energy-based models: a Bernoulli RBM and a Gaussian-Bernoulli RBM compile cleanly, and each
 * energy diagnostic is reported, alone, on the line that caused it.
 */
class EnergyModelsTest {
  private static final String NODES = """
        @Observed(shape = 6) Bernoulli v;
        @Latent(shape = 3) Bernoulli h;
      """;
  private static final String ENERGY = """
        @Energy
        Operand<TFloat32> energy(Nn nn, Operand<TFloat32> v, Operand<TFloat32> h) {
          var tf = nn.tf();
          return tf.math.neg(tf.reduceSum(tf.math.mul(v, nn.dense(h, 6)), tf.constant(1)));
        }
      """;

  private static JavaFileObject source(String... parts) {
    return model("R", ("@Model\nclass R {\n" + String.join("", parts) + "}\n").split("\n"));
  }

  private static JavaFileObject annotated(String annotation, String... parts) {
    return model("R", (annotation + "\nclass R {\n" + String.join("", parts) + "}\n").split("\n"));
  }

  private static void assertOnlyError(JavaFileObject source, String message, String line) {
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining(message).inFile(source).onLineContaining(line);
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void bernoulliRbmCompilesWithoutWarnings() {
    Compilation c = compile(source(NODES, ENERGY));
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("test.RModel").contentsAsUtf8String()
        .contains("extends EnergyModel");
    assertThat(c).generatedSourceFile("test.RModel").contentsAsUtf8String()
        .contains(".observed(\"v\", Units.BERNOULLI, 6)");
    assertThat(c).generatedSourceFile("test.RModel").contentsAsUtf8String()
        .contains("return model.energy(pass.network(\"energy\"), pass.node(\"v\"), pass.node(\"h\"));");
  }

  @Test
  void meanReconstructionReachesTheSpecOnlyWhenAsked() {
    Compilation asked = compile(source(NODES, ENERGY.replace("@Energy", "@Energy(meanReconstruction = true)")));
    assertThat(asked).succeededWithoutWarnings();
    assertThat(asked).generatedSourceFile("test.RModel").contentsAsUtf8String()
        .contains(".contrastiveDivergence(1, 0)\n      .meanReconstruction()\n");
    Compilation plain = compile(source(NODES, ENERGY));
    assertThat(plain).generatedSourceFile("test.RModel").contentsAsUtf8String()
        .doesNotContain("meanReconstruction");
  }

  @Test
  void gaussianBernoulliRbmWithPersistentChainsCompilesWithoutWarnings() {
    Compilation c = compile(source("""
          @Observed(shape = 6) Normal v;
          @Latent(shape = 3) Bernoulli h;
          @Energy(gibbsSteps = 5, persistentChains = 100)
          Operand<TFloat32> energy(Nn nn, Operand<TFloat32> v, Operand<TFloat32> h) {
            var tf = nn.tf();
            var quadratic = tf.math.mul(tf.constant(0.5f), tf.reduceSum(tf.math.square(v), tf.constant(1)));
            return tf.math.sub(quadratic, tf.reduceSum(tf.math.mul(v, nn.dense(h, 6)), tf.constant(1)));
          }
        """));
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("test.RModel").contentsAsUtf8String()
        .contains(".contrastiveDivergence(5, 100)");
    assertThat(c).generatedSourceFile("test.RModel").contentsAsUtf8String()
        .contains(".observed(\"v\", Units.GAUSSIAN, 6)");
  }

  @Test
  void secondEnergy() {
    assertOnlyError(source(NODES, ENERGY, """
          @Energy(gibbsSteps = 2)
          Operand<TFloat32> more(Operand<TFloat32> v, Operand<TFloat32> h) {
            return v;
          }
        """),
        "[HelmholtzSecondEnergy] @Energy more() is a second energy (the first is energy()); an "
            + "energy-based model has one energy: add its terms up in one method",
        "@Energy(gibbsSteps = 2)");
  }

  @Test
  void directedNetworkInAnEnergyModel() {
    assertOnlyError(source(NODES, ENERGY, """
          @Encoder("h")
          Bernoulli encode(Nn nn, Operand<TFloat32> v) {
            return Bernoulli.logits(nn.dense(v, 3));
          }
        """),
        "[HelmholtzEnergyNetwork] @Encoder(\"h\") encode() in an energy-based model: p(x) = exp(-E(x)) / Z "
            + "is defined by @Energy energy() alone",
        "@Encoder(\"h\")");
  }

  @Test
  void objectiveOnAnEnergyModel() {
    assertOnlyError(annotated("@Model(objective = @Objective(kind = ObjectiveKind.IWAE, samples = 5))", NODES, ENERGY),
        "[HelmholtzEnergyObjective] @Model(objective = @Objective(kind = IWAE)) on an energy-based model: "
            + "@Energy energy() makes it trained by contrastive divergence",
        "@Model(objective");
  }

  @Test
  void energyParameterNamingNoNode() {
    assertOnlyError(source(NODES, """
          @Energy
          Operand<TFloat32> energy(Operand<TFloat32> v, Operand<TFloat32> h, Operand<TFloat32> hidden) {
            return v;
          }
        """),
        "[HelmholtzEnergyUnknownNode] parameter 'hidden' of @Energy energy() names no node; the energy takes "
            + "the model's nodes by name (v, h)",
        "Operand<TFloat32> energy(");
  }

  @Test
  void energyParameterOfAnUnsupportedType() {
    assertOnlyError(source(NODES, """
          @Energy
          Operand<TFloat32> energy(Operand<TFloat32> v, Operand<TFloat32> h, float scale) {
            return v;
          }
        """),
        "[HelmholtzEnergyParameter] parameter 'scale' of @Energy energy() has type float, which generated code "
            + "cannot supply",
        "Operand<TFloat32> energy(");
  }

  @Test
  void nodeTheEnergyDoesNotTake() {
    assertOnlyError(source(NODES, "  @Latent(shape = 2) Bernoulli unused;\n", ENERGY),
        "[HelmholtzEnergyNodeMissing] node 'unused' is not a parameter of @Energy energy(), so the energy does "
            + "not depend on it and it has no Gibbs conditional; add the parameter `Operand<TFloat32> unused`",
        "Bernoulli unused;");
  }

  @Test
  void latentWithoutAGibbsConditional() {
    assertOnlyError(source("""
          @Observed(shape = 6) Bernoulli v;
          @Latent(shape = 3) Normal h;
        """, ENERGY),
        "[HelmholtzEnergyUnits] latent node 'h' is Normal, which has no block-Gibbs conditional in an "
            + "energy-based model; declare it Bernoulli",
        "Normal h;");
  }

  @Test
  void observedWithoutAGibbsConditional() {
    assertOnlyError(source("""
          @Observed(shape = 6) Poisson v;
          @Latent(shape = 3) Bernoulli h;
        """, ENERGY),
        "[HelmholtzEnergyUnits] observed node 'v' is Poisson, which has no block-Gibbs conditional in an "
            + "energy-based model; declare it Bernoulli (binary units) or Normal",
        "Poisson v;");
  }

  @Test
  void givenNodeInAnEnergyModel() {
    assertOnlyError(source("""
          @Observed(shape = 6, given = true) Bernoulli v;
          @Latent(shape = 3) Bernoulli h;
        """, ENERGY),
        "[HelmholtzEnergyNodeOption] given = true on node 'v' has no meaning in an energy-based model",
        "given = true");
  }

  @Test
  void energyModelWithoutLatents() {
    assertOnlyError(annotated("@Model", "  @Observed(shape = 6) Bernoulli v;\n", """
          @Energy
          Operand<TFloat32> energy(Operand<TFloat32> v) {
            return v;
          }
        """),
        "[HelmholtzEnergyNoLatent] energy-based model test.R declares no @Latent node",
        "@Model");
  }

  @Test
  void energyReturningADistribution() {
    assertOnlyError(source(NODES, """
          @Energy
          Bernoulli energy(Operand<TFloat32> v, Operand<TFloat32> h) {
            return Bernoulli.logits(v);
          }
        """),
        "[HelmholtzEnergyReturnType] @Energy energy() returns dev.helmholtz.dist.Bernoulli; an energy is one "
            + "value per configuration",
        "@Energy");
  }

  @Test
  void gibbsStepsBelowOne() {
    assertOnlyError(source(NODES, ENERGY.replace("@Energy", "@Energy(gibbsSteps = 0)")),
        "[HelmholtzEnergySettings] @Energy(gibbsSteps = 0): each update runs at least one Gibbs sweep",
        "@Energy(gibbsSteps = 0)");
  }

  @Test
  void negativePersistentChains() {
    assertOnlyError(source(NODES, ENERGY.replace("@Energy", "@Energy(persistentChains = -1)")),
        "[HelmholtzEnergySettings] @Energy(persistentChains = -1): give 0 for chains that start at the data",
        "@Energy(persistentChains = -1)");
  }

  @Test
  void privateEnergy() {
    assertOnlyError(source(NODES, ENERGY.replace("Operand<TFloat32> energy(", "private Operand<TFloat32> energy(")),
        "[HelmholtzNetworkAccess] @Energy method energy() is private; generated code calls it on a model instance",
        "@Energy");
  }

  @Test
  void vectorEventsOnly() {
    assertOnlyError(source("""
          @Observed(shape = {2, 3}) Bernoulli v;
          @Latent(shape = 3) Bernoulli h;
        """, ENERGY),
        "[HelmholtzEventRank] node 'v' has event shape [2, 3] of rank 2",
        "shape = {2, 3}");
  }
}
