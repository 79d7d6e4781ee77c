package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.helmholtz.processor.Compilations.compile;
import static dev.helmholtz.processor.Compilations.model;

import com.google.testing.compile.Compilation;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * {@code [HelmholtzShapeMismatch]}: a network's returned distribution whose parameters, as the
 * source proves them, cannot have the node's declared width. Reported on the argument at fault;
 * anything the source does not prove (helper methods, non-constant units, shadowed names) is
 * skipped without a word.
 */
class ShapeMismatchTest {
  /** A model: latent z (shape 50) and observed x (shape 784), with the given networks. */
  private static JavaFileObject vae(String... members) {
    List<String> lines = new ArrayList<>(List.of(
        "@Model",
        "class M {",
        "  @Latent(shape = 50) Normal z;",
        "  @Observed(shape = 784) Bernoulli x;"));
    lines.addAll(Arrays.asList(members));
    lines.add("}");
    return model("M", lines.toArray(String[]::new));
  }

  private static final String[] DECODER = {
    "  @Generator(\"x\")",
    "  Bernoulli decode(Nn nn, Operand<TFloat32> z) {",
    "    return Bernoulli.logits(nn.dense(nn.dense(z, 200, TANH), 784));",
    "  }"
  };

  private static String[] encoder(String... body) {
    List<String> lines = new ArrayList<>(List.of(
        "  @Encoder(\"z\")",
        "  Normal encode(Nn nn, Operand<TFloat32> x) {",
        "    Operand<TFloat32> h = nn.dense(x, 200, TANH);"));
    lines.addAll(Arrays.asList(body));
    lines.add("  }");
    lines.addAll(Arrays.asList(DECODER));
    return lines.toArray(String[]::new);
  }

  private static void assertOnlyError(JavaFileObject source, String message, String line) {
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining(message).inFile(source).onLineContaining(line);
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void meanOfTheWrongWidth() {
    JavaFileObject source = vae(encoder("    return Normal.meanLogStd(nn.dense(h, 40), nn.dense(h, 50));"));
    assertOnlyError(source,
        "[HelmholtzShapeMismatch] @Encoder(\"z\") encode() returns Normal.meanLogStd whose mean comes "
            + "from a dense layer of 40 units, but latent 'z' declares shape 50; use nn.dense(h, 50)",
        "nn.dense(h, 40)");
  }

  @Test
  void logStdOfTheWrongWidthOnALineOfItsOwn() {
    JavaFileObject source = vae(encoder(
        "    return Normal.meanLogStd(",
        "        nn.dense(h, 50),",
        "        nn.dense(h, 40, TANH)); // logStd"));
    assertOnlyError(source,
        "[HelmholtzShapeMismatch] @Encoder(\"z\") encode() returns Normal.meanLogStd whose logStd "
            + "comes from a dense layer of 40 units, but latent 'z' declares shape 50; "
            + "use nn.dense(h, 50, TANH)",
        "// logStd");
  }

  @Test
  void bothParametersWrongGiveOneErrorEach() {
    JavaFileObject source = vae(encoder(
        "    return Normal.meanScale(nn.dense(h, 40), // mean",
        "        nn.dense(h, 30, SOFTPLUS)); // scale"));
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining("returns Normal.meanScale whose mean comes from a dense layer of 40 units")
        .inFile(source).onLineContaining("// mean");
    assertThat(c).hadErrorContaining("returns Normal.meanScale whose scale comes from a dense layer of 30 "
            + "units, but latent 'z' declares shape 50; use nn.dense(h, 50, SOFTPLUS)")
        .inFile(source).onLineContaining("// scale");
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void bernoulliLogitsOfTheWrongWidth() {
    JavaFileObject source = vae(
        "  @Encoder(\"z\") Normal encode(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 50), nn.dense(x, 50)); }",
        "  @Generator(\"x\")",
        "  Bernoulli decode(Nn layers, Operand<TFloat32> z) {",
        "    return Bernoulli.logits(layers.dense(layers.dense(z, 200, TANH), 28 * 28 - 1));",
        "  }");
    assertOnlyError(source,
        "[HelmholtzShapeMismatch] @Generator(\"x\") decode() returns Bernoulli.logits whose logits come "
            + "from a dense layer of 783 units (28 * 28 - 1), but observed node 'x' declares shape 784; "
            + "use layers.dense(layers.dense(z, 200, TANH), 784)",
        "return Bernoulli.logits(");
  }

  @Test
  void bernoulliProbsOfOneUnitDoNotBroadcastToTheNode() {
    JavaFileObject source = vae(
        "  @Encoder(\"z\") Normal encode(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 50), nn.dense(x, 50)); }",
        "  @Generator(\"x\")",
        "  Bernoulli decode(Nn nn, Operand<TFloat32> z) {",
        "    return (Bernoulli.probs(nn.dense(z, 1, SIGMOID)));",
        "  }");
    assertOnlyError(source,
        "[HelmholtzShapeMismatch] @Generator(\"x\") decode() returns Bernoulli.probs whose probs come "
            + "from a dense layer of 1 unit, but observed node 'x' declares shape 784; "
            + "use nn.dense(z, 784, SIGMOID)",
        "Bernoulli.probs(");
  }

  /** Parameters broadcast: one shared scale per example is a legitimate Normal over 50 columns. */
  @Test
  void aScaleOfOneUnitBroadcasts() {
    assertThat(compile(vae(encoder("    return Normal.meanLogStd(nn.dense(h, 50), nn.dense(h, 1));"))))
        .succeededWithoutWarnings();
  }

  @Test
  void meanAndScaleOfOneUnitEachDoNot() {
    JavaFileObject source = vae(encoder("    return Normal.meanLogStd(nn.dense(h, 1), nn.dense(h, 1));"));
    assertOnlyError(source,
        "[HelmholtzShapeMismatch] @Encoder(\"z\") encode() returns Normal.meanLogStd whose mean comes "
            + "from a dense layer of 1 unit, but latent 'z' declares shape 50; use nn.dense(h, 50)",
        "return Normal.meanLogStd(");
  }

  @Test
  void constantUnitsAreUnderstood() {
    JavaFileObject source = vae(
        "  static final int LATENT = 50;",
        "  static final int HIDDEN = 2 * (LATENT + 50);",
        "  static class Sizes { static final int WRONG = LATENT - 10; }",
        "  @Encoder(\"z\")",
        "  Normal encode(Nn nn, Operand<TFloat32> x) {",
        "    Operand<TFloat32> h = nn.dense(x, HIDDEN, TANH);",
        "    return Normal.meanLogStd(nn.dense(h, LATENT), nn.dense(h, M.Sizes.WRONG)); // wrong",
        "  }",
        DECODER[0], DECODER[1], DECODER[2], DECODER[3]);
    assertOnlyError(source,
        "[HelmholtzShapeMismatch] @Encoder(\"z\") encode() returns Normal.meanLogStd whose logStd comes "
            + "from a dense layer of 40 units (M.Sizes.WRONG), but latent 'z' declares shape 50; "
            + "use nn.dense(h, 50)",
        "// wrong");
  }

  @Test
  void constantOfTheRightWidthCompiles() {
    JavaFileObject source = vae(
        "  static final int LATENT = 50;",
        "  @Encoder(\"z\")",
        "  Normal encode(Nn nn, Operand<TFloat32> x) {",
        "    return Normal.meanLogStd(nn.dense(x, LATENT), nn.dense(x, (LATENT)));",
        "  }",
        DECODER[0], DECODER[1], DECODER[2], DECODER[3]);
    assertThat(compile(source)).succeededWithoutWarnings();
  }

  /** Whatever the source does not prove is skipped: these are all wrong at run time, but not provably so here. */
  @Test
  void helpersAndNonConstantUnitsAreSkipped() {
    JavaFileObject source = vae(
        "  static final int WIDTH = 40;",
        "  int hidden = 40;",
        "  @Encoder(\"z\")",
        "  Normal encode(Nn nn, Operand<TFloat32> x) {",
        "    int units = 40;",
        "    if (hidden > 0) {",
        "      return Normal.meanLogStd(head(nn, x), nn.dense(x, units));",
        "    }",
        "    if (hidden > 1) {",
        "      return Normal.meanLogStd(nn.dense(x, hidden), nn.dense(x, Math.max(units, 1)));",
        "    }",
        "    Normal q = Normal.meanLogStd(nn.dense(x, 40), nn.dense(x, 40));",
        "    java.util.function.Supplier<Normal> later = () -> { return Normal.meanLogStd(nn.dense(x, 40), nn.dense(x, 40)); };",
        "    return later == null ? q : later.get();",
        "  }",
        "  Operand<TFloat32> head(Nn nn, Operand<TFloat32> x) { return nn.dense(x, 40); }",
        DECODER[0], DECODER[1], DECODER[2], DECODER[3]);
    assertThat(compile(source)).succeededWithoutWarnings();
  }

  /** A local WIDTH shadows the field: the units are 50, whatever the field says. */
  @Test
  void aConstantShadowedByALocalIsNotTheConstant() {
    JavaFileObject source = vae(
        "  static final int WIDTH = 40;",
        "  @Encoder(\"z\") Normal encode(Nn nn, Operand<TFloat32> x) {",
        "    final int WIDTH = 50;",
        "    return Normal.meanLogStd(nn.dense(x, WIDTH), nn.dense(x, WIDTH));",
        "  }",
        DECODER[0], DECODER[1], DECODER[2], DECODER[3]);
    assertThat(compile(source)).succeededWithoutWarnings();
  }

  /** A class of the model's own named Normal is not the distribution family. */
  @Test
  void aFactoryOfAnotherClassIsNotTheFamilys() {
    JavaFileObject source = vae(
        "  static final class Shapes { static Normal meanLogStd(Operand<TFloat32> a, Operand<TFloat32> b) { return null; } }",
        "  @Encoder(\"z\")",
        "  Normal encode(Nn nn, Operand<TFloat32> x) {",
        "    return Shapes.meanLogStd(nn.dense(x, 40), nn.dense(x, 40));",
        "  }",
        DECODER[0], DECODER[1], DECODER[2], DECODER[3]);
    assertThat(compile(source)).succeededWithoutWarnings();
  }

  @Test
  void eitherBranchOfAConditionalIsReturned() {
    JavaFileObject source = vae(
        "  boolean wide;",
        "  @Encoder(\"z\")",
        "  Normal encode(Nn nn, Operand<TFloat32> x) {",
        "    return wide",
        "        ? Normal.meanLogStd(nn.dense(x, 50), nn.dense(x, 50))",
        "        : dev.helmholtz.dist.Normal.meanLogStd(nn.dense(x, 25), nn.dense(x, 50)); // narrow",
        "  }",
        DECODER[0], DECODER[1], DECODER[2], DECODER[3]);
    assertOnlyError(source,
        "[HelmholtzShapeMismatch] @Encoder(\"z\") encode() returns Normal.meanLogStd whose mean comes "
            + "from a dense layer of 25 units",
        "// narrow");
  }

  // --- Two nodes' shapes linked: a node's value passed as a parameter as it is -------------

  @Test
  void aNodeValueOfAnotherWidth() {
    JavaFileObject source = model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = 4) Normal y;",
        "  @Encoder(\"z\") Normal encode(Nn nn, Operand<TFloat32> y) { return Normal.meanLogStd(nn.dense(y, 2), nn.dense(y, 2)); }",
        "  @Generator(\"y\")",
        "  Normal decode(Nn nn, Operand<TFloat32> z) {",
        "    return Normal.meanLogStd(z, nn.dense(z, 4)); // mean",
        "  }",
        "}");
    assertOnlyError(source,
        "[HelmholtzShapeMismatch] @Generator(\"y\") decode() returns Normal.meanLogStd whose mean is "
            + "latent 'z' of shape 2, but observed node 'y' declares shape 4; map it to 4 columns first, "
            + "for example with nn.dense(z, 4)",
        "// mean");
  }

  @Test
  void aNodeValueThatIsReassignedOrBroadcastsIsNotChecked() {
    JavaFileObject source = model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Latent(shape = 1) Normal s;",
        "  @Observed(shape = 4) Normal y;",
        "  @Encoder(\"z\") Normal qz(Nn nn, Operand<TFloat32> y) { return Normal.meanLogStd(nn.dense(y, 2), nn.dense(y, 2)); }",
        "  @Encoder(\"s\") Normal qs(Nn nn, Operand<TFloat32> y) { return Normal.meanLogStd(nn.dense(y, 1), nn.dense(y, 1)); }",
        "  @Generator(\"y\")",
        "  Normal decode(Nn nn, Operand<TFloat32> z, Operand<TFloat32> s) {",
        "    z = nn.dense(z, 4);",
        "    return Normal.meanScale(z, s);",
        "  }",
        "}");
    assertThat(compile(source)).succeededWithoutWarnings();
  }

  // --- Without javac's trees ---------------------------------------------------------------

  /**
   * Behind a ProcessingEnvironment that is not javac's own, {@code Trees.instance} refuses: the
   * shape checks are skipped silently and the model is generated as before.
   */
  @Test
  void withoutSourceTreesTheChecksAreSkipped() {
    JavaFileObject source = vae(encoder("    return Normal.meanLogStd(nn.dense(h, 40), nn.dense(h, 50));"));
    Compilation c = compile(new WrappedEnvironmentProcessor(), List.of(), source);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("test.MModel");
  }

  /** The Helmholtz processor, handed a proxy of javac's ProcessingEnvironment. */
  private static final class WrappedEnvironmentProcessor extends AbstractProcessor {
    private final HelmholtzProcessor delegate = new HelmholtzProcessor();

    @Override
    public synchronized void init(ProcessingEnvironment env) {
      super.init(env);
      delegate.init((ProcessingEnvironment) Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {ProcessingEnvironment.class}, (self, method, args) -> {
            try {
              return method.invoke(env, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
              throw e.getCause();
            }
          }));
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return delegate.getSupportedAnnotationTypes();
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return delegate.getSupportedSourceVersion();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      return delegate.process(annotations, round);
    }
  }
}
