package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.helmholtz.processor.Compilations.compile;
import static dev.helmholtz.processor.Compilations.model;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Games with an encoder: ALI/BiGAN (a discriminator of (x, z) pairs) and the adversarial
 * autoencoder (a discriminator of the encoded latent). Valid ones compile cleanly with the game in
 * the spec; each diagnostic is reported, alone, on the line that caused it.
 */
class EncoderGameModelsTest {
  private static final String NODES = """
        @Latent(shape = 4) Normal z;
        @Observed(shape = 6) Normal x;
      """;
  private static final String GENERATOR = """
        @Generator("x")
        Operand<TFloat32> generate(Nn nn, Operand<TFloat32> z) {
          return nn.dense(z, 6);
        }
      """;
  private static final String ENCODER = """
        @Encoder("z")
        Operand<TFloat32> encode(Nn nn, Operand<TFloat32> x) {
          return nn.dense(x, 4);
        }
      """;
  private static final String PAIR_DISCRIMINATOR = """
        @Discriminator("x")
        Operand<TFloat32> discriminate(Nn nn, Operand<TFloat32> x, Operand<TFloat32> z) {
          return nn.dense(nn.tf().concat(java.util.List.of(x, z), nn.tf().constant(1)), 1);
        }
      """;
  private static final String NORMAL_ENCODER = """
        @Encoder("z")
        Normal encode(Nn nn, Operand<TFloat32> x) {
          return Normal.meanLogStd(nn.dense(x, 4), nn.dense(x, 4));
        }
      """;
  private static final String DECODER = """
        @Generator("x")
        Normal decode(Nn nn, Operand<TFloat32> z) {
          return Normal.meanLogStd(nn.dense(z, 6), nn.dense(z, 6));
        }
      """;
  private static final String LATENT_DISCRIMINATOR = """
        @Discriminator("z")
        Operand<TFloat32> discriminate(Nn nn, Operand<TFloat32> z) {
          return nn.dense(z, 1);
        }
      """;

  private static JavaFileObject source(String... parts) {
    return model("E", ("@Model\nclass E {\n" + String.join("", parts) + "}\n").split("\n"));
  }

  private static void assertOnlyError(JavaFileObject source, String message, String line) {
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining(message).inFile(source).onLineContaining(line);
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void biganAndAliCompileWithoutWarnings() {
    for (String encoder : new String[] {ENCODER, NORMAL_ENCODER}) {
      Compilation c = compile(source(NODES, GENERATOR, encoder, PAIR_DISCRIMINATOR));
      assertThat(c).succeededWithoutWarnings();
      var generated = assertThat(c).generatedSourceFile("test.EModel").contentsAsUtf8String();
      generated.contains(".bidirectional(\"z\")");
      generated.contains("pass.encode(\"z\", model.encode(pass.network(\"encode\"), pass.node(\"x\")))");
      generated.contains("model.discriminate(pass.network(\"discriminate\"), pass.node(\"x\"), pass.node(\"z\"))");
    }
  }

  @Test
  void anAdversarialAutoencoderCompilesWithoutWarnings() {
    Compilation c = compile(source(NODES, NORMAL_ENCODER, DECODER, LATENT_DISCRIMINATOR));
    assertThat(c).succeededWithoutWarnings();
    var generated = assertThat(c).generatedSourceFile("test.EModel").contentsAsUtf8String();
    generated.contains(".adversarialAutoencoder(\"z\")");
    generated.contains(".generated(\"x\", 6)");
    generated.contains("public float[][] reconstruct(float[][] x)");
  }

  @Test
  void anEncoderTheDiscriminatorIgnoresPlaysNoPart() {
    assertOnlyError(source(NODES, GENERATOR, ENCODER, """
          @Discriminator("x")
          Operand<TFloat32> discriminate(Nn nn, Operand<TFloat32> x) {
            return nn.dense(x, 1);
          }
        """),
        "[HelmholtzAdversarialEncoder] @Encoder(\"z\") encode() in an adversarial model plays no part in its game:"
            + " an encoder plays in ALI/BiGAN, where the @Discriminator of the generated node also takes the"
            + " encoder's latent as a parameter",
        "@Encoder(\"z\")");
  }

  @Test
  void theDecoderMustTakeTheEncodedLatent() {
    assertOnlyError(source(NODES, NORMAL_ENCODER, """
          @Generator("x")
          Normal decode(Nn nn) {
            return Normal.meanLogStd(nn.variable("m", 6), nn.variable("s", 6));
          }
        """, LATENT_DISCRIMINATOR),
        "[HelmholtzEncoderGameLatent] latent 'z' of @Encoder(\"z\") encode() in an adversarial autoencoder: the"
            + " generator decode() does not take it, so G(E(x)) would not depend on the encoder; add a parameter"
            + " `Operand<TFloat32> z` to decode()",
        "@Encoder(\"z\")");
  }

  @Test
  void aSecondLatentNoEncoderInfers() {
    assertOnlyError(source("""
          @Latent(shape = 4) Normal z;
          @Latent(shape = 2) Normal w;
          @Observed(shape = 6) Normal x;
          @Generator("x")
          Operand<TFloat32> generate(Nn nn, Operand<TFloat32> z, Operand<TFloat32> w) {
            return nn.dense(nn.tf().concat(java.util.List.of(z, w), nn.tf().constant(1)), 6);
          }
        """, ENCODER, PAIR_DISCRIMINATOR),
        "[HelmholtzEncoderGameLatent] latent 'w' in ALI/BiGAN (a discriminator of (x, z) pairs): no encoder"
            + " infers it, and the game's encoder infers the generator's one latent, 'z'",
        "Normal w;");
  }

  @Test
  void theEncoderTakesTheData() {
    assertOnlyError(source(NODES, GENERATOR, """
          @Encoder("z")
          Normal encode(Nn nn) {
            return Normal.meanLogStd(nn.variable("m", 4), nn.variable("s", 4));
          }
        """, PAIR_DISCRIMINATOR),
        "[HelmholtzEncoderGameInput] @Encoder(\"z\") encode() has no parameter 'x'; in ALI/BiGAN (a discriminator"
            + " of (x, z) pairs) the encoder infers the latent from the generated node's data: add"
            + " `Operand<TFloat32> x`",
        "@Encoder(\"z\")");
  }

  @Test
  void anEncoderThatDoesNotReparameterize() {
    assertOnlyError(source("""
          @Latent(shape = 4) Bernoulli z;
          @Observed(shape = 6) Normal x;
        """, GENERATOR, """
          @Encoder("z")
          Bernoulli encode(Nn nn, Operand<TFloat32> x) {
            return Bernoulli.logits(nn.dense(x, 4));
          }
        """, PAIR_DISCRIMINATOR),
        "[HelmholtzEncoderGameReturn] @Encoder(\"z\") encode() returns dev.helmholtz.dist.Bernoulli, which does not"
            + " reparameterize, so the discriminator's gradient cannot reach the encoder through its draws",
        "Bernoulli encode(");
  }

  @Test
  void theAutoencodersDiscriminatorTakesTheLatentAlone() {
    assertOnlyError(source(NODES, NORMAL_ENCODER, DECODER, """
          @Discriminator("z")
          Operand<TFloat32> discriminate(Nn nn, Operand<TFloat32> z, Operand<TFloat32> x) {
            return nn.dense(z, 1);
          }
        """),
        "[HelmholtzEncoderGameDiscriminator] @Discriminator(\"z\") discriminate() takes node 'x'; in an"
            + " adversarial autoencoder it takes the latent 'z' alone",
        "Operand<TFloat32> z, Operand<TFloat32> x) {");
  }

  @Test
  void theAutoencodersDecoderReturnsADistribution() {
    assertOnlyError(source(NODES, NORMAL_ENCODER, GENERATOR, LATENT_DISCRIMINATOR),
        "[HelmholtzAutoencoderDecoder] @Generator(\"x\") generate() returns Operand<TFloat32>, examples with no"
            + " density, so the reconstruction phase has no likelihood to train on; an adversarial autoencoder's"
            + " decoder is the @Generator of the observed node",
        "@Generator(\"x\")");
  }

  @Test
  void anAutoencoderWithoutADecoder() {
    assertOnlyError(source(NODES, NORMAL_ENCODER, LATENT_DISCRIMINATOR),
        "[HelmholtzAutoencoderDecoder] no @Generator of an observed node decodes latent 'z' of E",
        "@Encoder(\"z\")");
  }

  @Test
  void wassersteinLossInAnEncoderGame() {
    assertOnlyError(source(NODES, GENERATOR, ENCODER, PAIR_DISCRIMINATOR.replace("@Discriminator(\"x\")",
            "@Discriminator(value = \"x\", loss = GanLoss.WASSERSTEIN_GP)")),
        "[HelmholtzEncoderGameUnsupported] @Discriminator(loss = WASSERSTEIN_GP) in ALI/BiGAN (a discriminator of"
            + " (x, z) pairs): its gradient penalty is taken on one node's examples",
        "loss = GanLoss.WASSERSTEIN_GP");
  }
}
