package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.helmholtz.processor.Compilations.compile;
import static dev.helmholtz.processor.Compilations.model;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * InfoGAN's Q heads ({@code @MutualInformation} on an encoder of an adversarial model): a valid
 * one compiles cleanly with its code in the spec, and each diagnostic is reported, alone, on the
 * line that caused it.
 */
class InformationGanModelsTest {
  private static final String NODES = """
        @Latent(shape = 4) Normal z;
        @Latent(shape = 3) Categorical c;
        @Observed(shape = 6) Normal x;
      """;
  private static final String GENERATOR = """
        @Generator("x")
        Operand<TFloat32> generate(Nn nn, Operand<TFloat32> z, Operand<TFloat32> c) {
          return nn.dense(nn.tf().concat(java.util.List.of(z, c), nn.tf().constant(1)), 6);
        }
      """;
  private static final String DISCRIMINATOR = """
        @Discriminator("x")
        Operand<TFloat32> discriminate(Nn nn, Operand<TFloat32> x) {
          return nn.dense(nn.shared("body").dense(x, 5, RELU), 1);
        }
      """;

  private static JavaFileObject source(String... parts) {
    return model("I", ("@Model\nclass I {\n" + String.join("", parts) + "}\n").split("\n"));
  }

  private static void assertOnlyError(JavaFileObject source, String message, String line) {
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining(message).inFile(source).onLineContaining(line);
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void infoGanCompilesWithoutWarnings() {
    Compilation c = compile(source(NODES, GENERATOR, DISCRIMINATOR, """
          @Encoder("c")
          @MutualInformation(weight = 0.5)
          Categorical infer(Nn nn, Operand<TFloat32> x) {
            return Categorical.logits(nn.dense(nn.shared("body").dense(x, 5, RELU), 3));
          }
        """));
    assertThat(c).succeededWithoutWarnings();
    var generated = assertThat(c).generatedSourceFile("test.IModel").contentsAsUtf8String();
    generated.contains(".mutualInformation(\"c\", 0.5)");
    generated.contains("q.put(\"c\", model.infer(pass.network(\"infer\"), pass.node(\"x\")))");
  }

  @Test
  void encoderWithoutMutualInformationIsStillRefused() {
    assertOnlyError(source(NODES, GENERATOR, DISCRIMINATOR, """
          @Encoder("c")
          Categorical infer(Nn nn, Operand<TFloat32> x) {
            return Categorical.logits(nn.dense(x, 3));
          }
        """),
        "[HelmholtzAdversarialEncoder] @Encoder(\"c\") infer() in an adversarial model plays no part in its game:"
            + " an encoder plays in ALI/BiGAN, where the @Discriminator of the generated node also takes the"
            + " encoder's latent as a parameter and judges (x, z) pairs, or in an adversarial autoencoder, whose"
            + " @Discriminator judges the encoder's latent; an InfoGAN Q head is an @Encoder of a code the generator"
            + " takes, marked @MutualInformation; otherwise remove it",
        "@Encoder(\"c\")");
  }

  @Test
  void codeTheGeneratorDoesNotTake() {
    assertOnlyError(source(NODES, """
          @Generator("x")
          Operand<TFloat32> generate(Nn nn, Operand<TFloat32> z) {
            return nn.dense(z, 6);
          }
        """, DISCRIMINATOR, """
          @Encoder("c")
          @MutualInformation
          Categorical infer(Nn nn, Operand<TFloat32> x) {
            return Categorical.logits(nn.dense(x, 3));
          }
        """),
        "[HelmholtzMutualInformationTarget] @MutualInformation on infer(): the generator generate() does not take"
            + " latent 'c', so nothing in 'x' carries the code and the bound reaches no generator variable: add a"
            + " parameter `Operand<TFloat32> c` to it",
        "@MutualInformation");
  }

  @Test
  void qHeadTakingTheNoise() {
    assertOnlyError(source(NODES, GENERATOR, DISCRIMINATOR, """
          @Encoder("c")
          @MutualInformation
          Categorical infer(Nn nn, Operand<TFloat32> x, Operand<TFloat32> z) {
            return Categorical.logits(nn.dense(x, 3));
          }
        """),
        "[HelmholtzMutualInformationTarget] @MutualInformation on infer(): it takes latent 'z', but Q(c | x) sees"
            + " the generated examples only: remove the parameter",
        "@MutualInformation");
  }

  @Test
  void mutualInformationOnAGenerator() {
    assertOnlyError(source("""
          @Latent(shape = 4) Normal z;
          @Observed(shape = 6) Normal x;
          @Generator("x")
          @MutualInformation
          Operand<TFloat32> generate(Nn nn, Operand<TFloat32> z) {
            return nn.dense(z, 6);
          }
        """, DISCRIMINATOR),
        "[HelmholtzMutualInformationTarget] @MutualInformation on generate(): it is not an @Encoder",
        "@MutualInformation");
  }

  @Test
  void mutualInformationWithoutADiscriminator() {
    assertOnlyError(source("""
          @Latent(shape = 4) Normal z;
          @Observed(shape = 6) Normal x;
          @Generator("x")
          Normal generate(Nn nn, Operand<TFloat32> z) {
            return Normal.meanLogStd(nn.dense(z, 6), nn.dense(z, 6));
          }
          @Encoder("z")
          @MutualInformation
          Normal encode(Nn nn, Operand<TFloat32> x) {
            return Normal.meanLogStd(nn.dense(x, 4), nn.dense(x, 4));
          }
        """),
        "[HelmholtzMutualInformationTarget] @MutualInformation on encode(): the model has no @Discriminator",
        "@MutualInformation");
  }

  @Test
  void weightThatIsNoWeight() {
    assertOnlyError(source(NODES, GENERATOR, DISCRIMINATOR, """
          @Encoder("c")
          @MutualInformation(weight = -1)
          Categorical infer(Nn nn, Operand<TFloat32> x) {
            return Categorical.logits(nn.dense(x, 3));
          }
        """),
        "[HelmholtzMutualInformationWeight] @MutualInformation(weight = -1.0) on infer(): the bound's weight lambda"
            + " is finite and positive",
        "@MutualInformation(weight = -1)");
  }
}
