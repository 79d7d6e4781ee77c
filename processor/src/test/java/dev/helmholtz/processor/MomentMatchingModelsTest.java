package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.helmholtz.processor.Compilations.compile;
import static dev.helmholtz.processor.Compilations.model;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Moment-matching models ({@code @MomentMatching} on a generator): a valid one compiles cleanly to
 * an adversarial model with a kernel and no discriminator, and each of its diagnostics is
 * reported, alone, on the line that caused it.
 */
class MomentMatchingModelsTest {
  private static final String NODES = """
        @Latent(shape = 4) Normal z;
        @Observed(shape = 6) Normal x;
      """;
  private static final String GENERATOR = """
        @Generator("x")
        @MomentMatching(bandwidths = {0.5, 2})
        Operand<TFloat32> generate(Nn nn, Operand<TFloat32> z) {
          return nn.dense(z, 6);
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
  void momentMatchingGeneratorCompilesWithoutWarnings() {
    Compilation c = compile(source(NODES, GENERATOR));
    assertThat(c).succeededWithoutWarnings();
    var generated = assertThat(c).generatedSourceFile("test.MModel").contentsAsUtf8String();
    generated.contains(".momentMatching(0.5, 2.0)");
    generated.doesNotContain("defineDiscriminator");
    generated.doesNotContain("discriminate(");
  }

  @Test
  void objectiveOnAMomentMatchingModel() {
    JavaFileObject source = model("M", ("@Model(objective = @Objective(kind = ObjectiveKind.IWAE, samples = 5))\nclass M {\n"
        + NODES + GENERATOR + "}\n").split("\n"));
    assertOnlyError(source, "[HelmholtzMomentMatchingObjective] @Model(objective = @Objective(kind = IWAE)) on a"
        + " moment-matching model: @MomentMatching on generate() trains its generator by the kernel two-sample loss"
        + " (MMD^2), so the objective would be ignored; remove it", "@Model(objective");
  }

  @Test
  void momentMatchingOnAMethodThatIsNoGenerator() {
    assertOnlyError(source(NODES, """
          @Generator("x")
          Operand<TFloat32> generate(Nn nn, Operand<TFloat32> z) {
            return nn.dense(z, 6);
          }
          @MomentMatching(bandwidths = 1)
          Operand<TFloat32> helper(Nn nn, Operand<TFloat32> z) {
            return nn.dense(z, 6);
          }
        """),
        "[HelmholtzMomentMatchingTarget] @MomentMatching on helper(): it is not a @Generator; put it on the"
            + " deterministic @Generator of the observed node to fit",
        "@MomentMatching(bandwidths = 1)");
  }

  @Test
  void momentMatchingOnADistributionGenerator() {
    assertOnlyError(source(NODES, """
          @Generator("x")
          @MomentMatching(bandwidths = 1)
          Normal generate(Nn nn, Operand<TFloat32> z) {
            return Normal.meanLogStd(nn.dense(z, 6), nn.dense(z, 6));
          }
        """),
        "[HelmholtzMomentMatchingTarget] @MomentMatching on generate(): it returns dev.helmholtz.dist.Normal, but"
            + " a moment-matched generator is deterministic (an implicit distribution): return Operand<TFloat32>,"
            + " the generated examples [n, 6]",
        "@MomentMatching(bandwidths = 1)");
  }

  @Test
  void secondMomentMatchingGenerator() {
    assertOnlyError(source(NODES, GENERATOR, """
          @MomentMatching(bandwidths = 1)
          Operand<TFloat32> prior(Nn nn, Operand<TFloat32> z) {
            return z;
          }
        """),
        "[HelmholtzMomentMatchingTarget] @MomentMatching on prior(): a model fits one generator by moment"
            + " matching, and generate() is already it",
        "@MomentMatching(bandwidths = 1)");
  }

  @Test
  void bandwidthThatIsNoScale() {
    assertOnlyError(source(NODES, """
          @Generator("x")
          @MomentMatching(bandwidths = {1, -2})
          Operand<TFloat32> generate(Nn nn, Operand<TFloat32> z) {
            return nn.dense(z, 6);
          }
        """),
        "[HelmholtzMomentMatchingBandwidths] @MomentMatching(bandwidths = {1.0, -2.0}) on generate(): every"
            + " bandwidth is a finite, positive scale",
        "@MomentMatching(bandwidths = {1, -2})");
  }

  @Test
  void discriminatorBesideAMomentMatchingGenerator() {
    assertOnlyError(source(NODES, GENERATOR, """
          @Discriminator("x")
          Operand<TFloat32> discriminate(Nn nn, Operand<TFloat32> x) {
            return nn.dense(x, 1);
          }
        """),
        "[HelmholtzMomentMatchingNetwork] @Discriminator(\"x\") discriminate() in a moment-matching model"
            + " (@MomentMatching on generate()): the kernel two-sample loss takes a discriminator's place;"
            + " remove it",
        "@Discriminator(\"x\")");
  }

  @Test
  void encoderInAMomentMatchingModel() {
    assertOnlyError(source(NODES, GENERATOR, """
          @Encoder("z")
          Normal encode(Nn nn, Operand<TFloat32> x) {
            return Normal.meanLogStd(nn.dense(x, 4), nn.dense(x, 4));
          }
        """),
        "[HelmholtzMomentMatchingNetwork] @Encoder(\"z\") encode() in a moment-matching model",
        "@Encoder(\"z\")");
  }

  @Test
  void labelInAMomentMatchingModel() {
    assertOnlyError(source(NODES, GENERATOR, """
          @Observed(shape = 3) Categorical y;
        """),
        "[HelmholtzMomentMatchingNode] observed node 'y' in a moment-matching model that fits 'x'",
        "Categorical y;");
  }
}
