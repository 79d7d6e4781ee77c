package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.helmholtz.processor.Compilations.compile;
import static dev.helmholtz.processor.Compilations.model;

import com.google.testing.compile.Compilation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Events of rank above 1 ({@code @Observed(shape = {28, 28, 1})}, channels last): a convolutional
 * model compiles without warnings and declares its shapes in the spec; a family that is not
 * elementwise, a summed-out latent or a model of global latents is refused ({@code
 * [HelmholtzEventRank]}); and a network whose layers provably end at another shape, by the
 * convolution arithmetic of kernel, stride and padding, is {@code [HelmholtzShapeMismatch]} on
 * the argument at fault.
 */
class ImageEventsTest {
  /** A model with an image x [28, 28, 1] and a latent z [16], with the given networks. */
  private static JavaFileObject model(String nodes, String... members) {
    List<String> lines = new ArrayList<>(List.of(
        "import dev.helmholtz.nn.Padding;",
        "@Model",
        "class M {"));
    lines.addAll(Arrays.asList(nodes.split("\n")));
    lines.addAll(Arrays.asList(members));
    lines.add("}");
    return Compilations.model("M", lines.toArray(String[]::new));
  }

  private static final String NODES = """
        @Latent(shape = 16) Normal z;
        @Observed(shape = {28, 28, 1}) Bernoulli x;""";

  private static final String[] ENCODER = {
    "  @Encoder(\"z\")",
    "  Normal encode(Nn nn, Operand<TFloat32> x) {",
    "    var h = nn.conv2d(x, 16, 5, 2, Padding.SAME, RELU);",
    "    var f = nn.flatten(nn.conv2d(h, 32, 5, 2, Padding.SAME, RELU));",
    "    return Normal.meanLogStd(nn.dense(f, 16), nn.dense(f, 16));",
    "  }"
  };

  private static String[] decoder(String... body) {
    List<String> lines = new ArrayList<>(List.of(ENCODER));
    lines.add("  @Generator(\"x\")");
    lines.add("  Bernoulli decode(Nn nn, Operand<TFloat32> z) {");
    lines.add("    var h = nn.reshape(nn.dense(z, 7 * 7 * 32, RELU), 7, 7, 32);");
    lines.addAll(Arrays.asList(body));
    lines.add("  }");
    return lines.toArray(String[]::new);
  }

  private static void assertOnlyError(JavaFileObject source, String message, String line) {
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining(message).inFile(source).onLineContaining(line);
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void aConvolutionalVaeCompilesWithoutWarnings() {
    JavaFileObject source = model(NODES, decoder(
        "    var g = nn.conv2dTranspose(h, 16, 5, 2, Padding.SAME, RELU);",
        "    return Bernoulli.logits(nn.conv2dTranspose(g, 1, 5, 2, Padding.SAME));"));
    Compilation c = compile(source);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("test.MModel").contentsAsUtf8String().contains(".observed(\"x\", 28, 28, 1)");
  }

  @Test
  void transposedConvolutionsThatEndAtAnotherSize() {
    // VALID: (7 - 1) * 2 + 5 = 17, then (17 - 1) * 2 + 5 = 37, not 28.
    JavaFileObject source = model(NODES, decoder(
        "    var g = nn.conv2dTranspose(h, 16, 5, 2, Padding.VALID, RELU);",
        "    return Bernoulli.logits(nn.conv2dTranspose(g, 1, 5, 2, Padding.VALID));"));
    assertOnlyError(source,
        "[HelmholtzShapeMismatch] @Generator(\"x\") decode() returns Bernoulli.logits whose logits come from "
            + "nn.conv2dTranspose(g, 1, 5, 2, Padding.VALID), of event shape [37, 37, 1], but observed node 'x' "
            + "declares shape [28, 28, 1]; through the network the event shape goes nn.reshape(nn.dense(z, 7 * 7 * 32, RELU), 7, 7, 32) [7, 7, 32] -> "
            + "nn.conv2dTranspose(h, 16, 5, 2, Padding.VALID, RELU) [17, 17, 16] -> "
            + "nn.conv2dTranspose(g, 1, 5, 2, Padding.VALID) [37, 37, 1]; change a layer's units, filters, "
            + "kernel, stride or padding, or reshape, so that it ends at [28, 28, 1]",
        "return Bernoulli.logits(nn.conv2dTranspose(g, 1, 5, 2, Padding.VALID));");
  }

  @Test
  void channelsOfTheWrongCount() {
    JavaFileObject source = model(NODES, decoder(
        "    var g = nn.conv2dTranspose(h, 16, 5, 2, Padding.SAME, RELU);",
        "    return Bernoulli.logits(nn.conv2dTranspose(g, 3, 5, 2, Padding.SAME));"));
    assertOnlyError(source, "of event shape [28, 28, 3], but observed node 'x' declares shape [28, 28, 1]",
        "nn.conv2dTranspose(g, 3, 5, 2, Padding.SAME)");
  }

  @Test
  void aDenseLayerWhereAnImageIsDeclared() {
    JavaFileObject source = model(NODES, decoder(
        "    return Bernoulli.logits(nn.dense(z, 784));"));
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining("[HelmholtzShapeMismatch] @Generator(\"x\") decode() returns Bernoulli.logits "
        + "whose logits come from nn.dense(z, 784), of event shape [784], but observed node 'x' declares shape "
        + "[28, 28, 1]; through the network the event shape goes z [16] -> nn.dense(z, 784) [784]")
        .inFile(source).onLineContaining("nn.dense(z, 784)");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void aConvolutionWhereAVectorIsDeclared() {
    JavaFileObject source = model("""
          @Latent(shape = 16) Normal z;
          @Observed(shape = 784) Bernoulli x;""",
        "  @Encoder(\"z\")",
        "  Normal encode(Nn nn, Operand<TFloat32> x) {",
        "    return Normal.meanLogStd(nn.dense(x, 16), nn.dense(x, 16));",
        "  }",
        "  @Generator(\"x\")",
        "  Bernoulli decode(Nn nn, Operand<TFloat32> z) {",
        "    var h = nn.reshape(nn.dense(z, 7 * 7 * 32, RELU), 7, 7, 32);",
        "    return Bernoulli.logits(nn.conv2dTranspose(nn.conv2dTranspose(h, 16, 5, 2, Padding.SAME), 1, 5, 2,",
        "        Padding.SAME));",
        "  }");
    assertOnlyError(source, "whose logits come from nn.conv2dTranspose(nn.conv2dTranspose(h, 16, 5, 2, Padding.SAME), "
        + "1, 5, 2, Padding.SAME), of event shape [28, 28, 1], but observed node 'x' declares shape [784]",
        "return Bernoulli.logits(nn.conv2dTranspose(nn.conv2dTranspose(h, 16, 5, 2, Padding.SAME), 1, 5, 2,");
  }

  @Test
  void poolingAndValidConvolutionsOfAnImageLatent() {
    // An image latent [7, 7, 4] from x [28, 28, 1]: conv VALID 5 gives 24, max pool 2/2 gives 12,
    // conv SAME stride 2 gives 6: not 7.
    JavaFileObject source = model("""
          @Latent(shape = {7, 7, 4}) Normal z;
          @Observed(shape = {28, 28, 1}) Bernoulli x;""",
        "  @Encoder(\"z\")",
        "  Normal encode(Nn nn, Operand<TFloat32> x) {",
        "    var h = nn.maxPool(nn.conv2d(x, 8, 5, 1, Padding.VALID, RELU), 2, 2, Padding.VALID);",
        "    return Normal.meanLogStd(nn.conv2d(h, 4, 3, 2, Padding.SAME), nn.conv2d(h, 4, 3, 2, Padding.SAME));",
        "  }",
        "  @Generator(\"x\")",
        "  Bernoulli decode(Nn nn, Operand<TFloat32> z) {",
        "    return Bernoulli.logits(nn.conv2dTranspose(nn.conv2dTranspose(z, 8, 3, 2, Padding.SAME), 1, 3, 2,",
        "        Padding.SAME));",
        "  }");
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining("whose mean comes from nn.conv2d(h, 4, 3, 2, Padding.SAME), of event shape "
        + "[6, 6, 4], but latent 'z' declares shape [7, 7, 4]; through the network the event shape goes x [28, 28, 1] "
        + "-> nn.conv2d(x, 8, 5, 1, Padding.VALID, RELU) [24, 24, 8] -> nn.maxPool(nn.conv2d(x, 8, 5, 1, "
        + "Padding.VALID, RELU), 2, 2, Padding.VALID) [12, 12, 8] -> nn.conv2d(h, 4, 3, 2, Padding.SAME) [6, 6, 4]")
        .inFile(source).onLineContaining("return Normal.meanLogStd(");
    assertThat(c).hadErrorCount(2); // mean and logStd
  }

  @Test
  void residualBlocksAndLayersThatKeepTheShapeAreFollowed() {
    // A stride-2 transposed residual block doubles 7 to 14; batch norm, dropout, an activation and a
    // stride-1 residual block keep [14, 14, 16]; a SAME stride-3 transposed convolution gives 42, not 28.
    JavaFileObject source = model(NODES, decoder(
        "    var g = nn.residualBlock(nn.residualBlockTranspose(h, 16, 3, 2, RELU), 16, 3, 1, RELU);",
        "    var f = nn.activate(nn.dropout(nn.batchNorm(g), 0.1f), RELU);",
        "    return Bernoulli.logits(nn.conv2dTranspose(f, 1, 3, 3, Padding.SAME));"));
    assertOnlyError(source, "of event shape [42, 42, 1], but observed node 'x' declares shape [28, 28, 1]; through "
        + "the network the event shape goes nn.reshape(nn.dense(z, 7 * 7 * 32, RELU), 7, 7, 32) [7, 7, 32] -> "
        + "nn.residualBlockTranspose(h, 16, 3, 2, RELU) [14, 14, 16] -> nn.residualBlock(nn.residualBlockTranspose(h, "
        + "16, 3, 2, RELU), 16, 3, 1, RELU) [14, 14, 16] -> nn.batchNorm(g) [14, 14, 16] -> nn.dropout(nn.batchNorm(g), "
        + "0.1f) [14, 14, 16] -> nn.activate(nn.dropout(nn.batchNorm(g), 0.1f), RELU) [14, 14, 16] -> "
        + "nn.conv2dTranspose(f, 1, 3, 3, Padding.SAME) [42, 42, 1]",
        "return Bernoulli.logits(nn.conv2dTranspose(f, 1, 3, 3, Padding.SAME));");
  }

  @Test
  void whatTheSourceDoesNotProveIsLeftToTheGraphBuild() {
    // A stride held in a field that is not final: unknown sizes, no error at compile time.
    JavaFileObject source = model(NODES + "\n  int stride = 2;", decoder(
        "    var g = nn.conv2dTranspose(h, 16, 5, stride, Padding.VALID, RELU);",
        "    return Bernoulli.logits(nn.conv2dTranspose(g, 1, 5, stride, Padding.VALID));"));
    assertThat(compile(source)).succeededWithoutWarnings();
  }

  @Test
  void aMultinomialImageIsNotElementwise() {
    JavaFileObject source = model("""
          @Latent(shape = 16) Normal z;
          @Observed(
              shape = {28, 28, 3}) Multinomial x;""",
        ENCODER[0], ENCODER[1], "    return Normal.meanLogStd(nn.dense(nn.flatten(x), 16), nn.dense(nn.flatten(x), 16));",
        "  }",
        "  @Generator(\"x\")",
        "  Multinomial decode(Nn nn, Operand<TFloat32> z) {",
        "    return Multinomial.logits(10, nn.reshape(nn.dense(z, 28 * 28 * 3), 28, 28, 3));",
        "  }");
    assertOnlyError(source,
        "[HelmholtzEventRank] node 'x' has event shape [28, 28, 3] of rank 3, but Multinomial is not elementwise: "
            + "its last axis is one variable's categories, which an image-shaped event would mix with the other "
            + "axes; declare shape = 2352, or use an elementwise family",
        "shape = {28, 28, 3}) Multinomial x;");
  }

  @Test
  void aSummedOutLatentIsOneVectorOfClasses() {
    JavaFileObject source = model("""
          @Latent(
              shape = {1, 3}, enumerate = true) Categorical y;
          @Latent(shape = 2) Normal z;
          @Observed(shape = 4) Bernoulli x;""",
        "  @Encoder(\"y\")",
        "  Categorical classify(Nn nn, Operand<TFloat32> x) {",
        "    return Categorical.logits(nn.reshape(nn.dense(x, 3), 1, 3));",
        "  }",
        "  @Encoder(\"z\")",
        "  Normal encode(Nn nn, Operand<TFloat32> x) {",
        "    return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2));",
        "  }",
        "  @Generator(\"x\")",
        "  Bernoulli decode(Nn nn, Operand<TFloat32> y, Operand<TFloat32> z) {",
        "    return Bernoulli.logits(nn.dense(z, 4));",
        "  }");
    assertThat(compile(source)).hadErrorContaining("[HelmholtzEventRank] node 'y' has event shape [1, 3] of rank 2, but "
        + "a latent summed out by enumeration is one categorical variable over a vector of classes; declare shape = 3")
        .inFile(source).onLineContaining("shape = {1, 3}, enumerate = true) Categorical y;");
  }

  @Test
  void categoricalClassesMustDivideTheLastAxis() {
    JavaFileObject source = model("""
          @Latent(
              shape = {4, 4, 3}) Categorical z;
          @Observed(shape = {28, 28, 1}) Bernoulli x;""",
        "  @Encoder(\"z\")",
        "  Categorical encode(Nn nn, Operand<TFloat32> x) {",
        "    return Categorical.logits(nn.reshape(nn.dense(nn.flatten(x), 48), 4, 4, 3));",
        "  }",
        "  @Generator(\"x\")",
        "  Bernoulli decode(Nn nn, Operand<TFloat32> z) {",
        "    return Bernoulli.logits(nn.reshape(nn.dense(nn.flatten(z), 784), 28, 28, 1));",
        "  }");
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining("[HelmholtzEventRank] node 'z' has event shape [4, 4, 3] of rank 3, but "
        + "Categorical groups 48 classes along the last axis, which has size 3; declare classes = 3 for one "
        + "categorical variable per position, channels last").inFile(source).onLineContaining("shape = {4, 4, 3})");
  }
}
