package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.helmholtz.processor.Compilations.compile;
import static dev.helmholtz.processor.Compilations.model;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * {@code @Latent(enumerate = true)}, the semi-supervised VAE's label: a valid model compiles
 * without warnings and generates the enumerating calls and the classifier API; each misuse is
 * one error, on the line at fault.
 */
class EnumerationRulesTest {
  private static final String LABEL = "  @Latent(shape = 3, enumerate = true, classificationWeight = 2) Categorical y;\n";
  private static final String OTHER_NODES = """
        @Latent(shape = 2) Normal z;
        @Observed(shape = 4) Bernoulli x;
      """;
  private static final String CLASSIFIER = """
        @Encoder("y")
        Categorical classify(Nn nn, Operand<TFloat32> x) {
          return Categorical.logits(nn.dense(x, 3));
        }
      """;
  private static final String NETWORKS = CLASSIFIER + """
        @Encoder("z")
        Normal encode(Nn nn, Operand<TFloat32> x, Operand<TFloat32> y) {
          return Normal.meanLogStd(nn.dense(x, 2), nn.dense(y, 2));
        }
        @Generator("x")
        Bernoulli decode(Nn nn, Operand<TFloat32> y, Operand<TFloat32> z) {
          return Bernoulli.logits(nn.dense(z, 4));
        }
      """;

  private static JavaFileObject source(String annotation, String... parts) {
    return model("M", (annotation + "\nclass M {\n" + String.join("", parts) + "}\n").split("\n"));
  }

  private static void assertOnlyError(JavaFileObject source, String message, String line) {
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining(message).inFile(source).onLineContaining(line);
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void semiSupervisedModelCompilesWithoutWarnings() {
    Compilation c = compile(source("@Model", LABEL, OTHER_NODES, NETWORKS));
    assertThat(c).succeededWithoutWarnings();
    var generated = assertThat(c).generatedSourceFile("test.MModel").contentsAsUtf8String();
    generated.contains(".enumerated(\"y\", 3, 2.0)");
    generated.contains("Operand<TFloat32> y = pass.enumerate(\"y\", qY);");
    generated.contains("pass.latentEnumerated(\"y\", y, qY, pY);");
    generated.contains("public int[] classify(float[][] data)");
    generated.contains("public float[][] sampleClasses(int... classes)");
    generated.contains("summed out by enumeration of its 3 classes where unlabelled");
  }

  @Test
  void enumerateOnAFamilyWithoutClasses() {
    JavaFileObject source = source("@Model",
        "  @Latent(shape = 3, enumerate = true) Bernoulli y;\n", OTHER_NODES, """
          @Encoder("y") Bernoulli classify(Nn nn, Operand<TFloat32> x) { return Bernoulli.logits(nn.dense(x, 3)); }
          @Encoder("z") Normal encode(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2)); }
          @Generator("x") Bernoulli decode(Nn nn, Operand<TFloat32> y, Operand<TFloat32> z) { return Bernoulli.logits(nn.dense(z, 4)); }
        """);
    assertOnlyError(source,
        "[HelmholtzEnumerate] @Latent(enumerate = true) on node 'y': enumeration sums over the classes of a "
            + "Categorical, and Bernoulli has none to sum over; declare the node Categorical, or remove enumerate",
        "Bernoulli y;");
  }

  @Test
  void enumerateOnARelaxedCategorical() {
    JavaFileObject source = source("@Model",
        "  @Latent(shape = 3, enumerate = true) RelaxedOneHotCategorical y;\n", OTHER_NODES, """
          @Encoder("y") RelaxedOneHotCategorical classify(Nn nn, Operand<TFloat32> x) {
            return RelaxedOneHotCategorical.logits(0.5f, nn.dense(x, 3));
          }
          @Encoder("z") Normal encode(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2)); }
          @Generator("x") Bernoulli decode(Nn nn, Operand<TFloat32> y, Operand<TFloat32> z) { return Bernoulli.logits(nn.dense(z, 4)); }
        """);
    assertOnlyError(source,
        "[HelmholtzEnumerate] @Latent(enumerate = true) on node 'y': enumeration sums over the classes of a "
            + "Categorical, and RelaxedOneHotCategorical has none to sum over",
        "RelaxedOneHotCategorical y;");
  }

  @Test
  void enumerateOverGroupsOfClasses() {
    JavaFileObject source = source("@Model",
        "  @Latent(shape = 6, classes = 3, enumerate = true) Categorical y;\n", OTHER_NODES, """
          @Encoder("y") Categorical classify(Nn nn, Operand<TFloat32> x) { return Categorical.logits(nn.dense(x, 6), 3); }
          @Encoder("z") Normal encode(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2)); }
          @Generator("x") Bernoulli decode(Nn nn, Operand<TFloat32> y, Operand<TFloat32> z) { return Bernoulli.logits(nn.dense(z, 4)); }
        """);
    assertOnlyError(source,
        "[HelmholtzEnumerate] @Latent(enumerate = true) on node 'y': classes = 3 makes 2 categorical variables "
            + "of event shape 6, but enumeration sums out one variable over the whole event",
        "Categorical y;");
  }

  @Test
  void adaptiveImportanceSamplingDrawsTheLabelWhereUnlabelled() {
    Compilation c = compile(source(
        "@Model(objective = @Objective(kind = ObjectiveKind.ADAPTIVE_IMPORTANCE_SAMPLING, samples = 5))",
        LABEL, OTHER_NODES, NETWORKS));
    assertThat(c).succeededWithoutWarnings();
    var generated = assertThat(c).generatedSourceFile("test.MModel").contentsAsUtf8String();
    generated.contains(".enumerated(\"y\", 3, 2.0)");
    generated.contains("Operand<TFloat32> y = pass.enumerate(\"y\", qY);");
    generated.contains("in training drawn from q where unlabelled and clamped to the label where labelled");
  }

  @Test
  void enumerateUnderAnotherObjective() {
    JavaFileObject source = source("@Model(objective = @Objective(kind = ObjectiveKind.IWAE, samples = 5))",
        LABEL, OTHER_NODES, NETWORKS);
    assertOnlyError(source,
        "[HelmholtzEnumerate] @Latent(enumerate = true) on node 'y': the IWAE objective with samples = 5, but "
            + "enumeration puts the classes on the sample axis and supports the ELBO with samples = 1; use "
            + "@Objective(kind = ELBO)",
        "Categorical y;");
  }

  @Test
  void enumerateUnderTheElboWithTwoSamples() {
    JavaFileObject source = source("@Model(objective = @Objective(samples = 2))", LABEL, OTHER_NODES, NETWORKS);
    assertOnlyError(source,
        "[HelmholtzEnumerate] @Latent(enumerate = true) on node 'y': the ELBO objective with samples = 2",
        "Categorical y;");
  }

  @Test
  void enumerateInAnAdversarialModel() {
    JavaFileObject source = source("@Model",
        "  @Latent(shape = 3, enumerate = true) Categorical y;\n", """
          @Latent(shape = 4) Normal z;
          @Observed(shape = 6) Bernoulli x;
          @Generator("x") Operand<TFloat32> generate(Nn nn, Operand<TFloat32> y, Operand<TFloat32> z) {
            return nn.dense(z, 6, SIGMOID);
          }
          @Discriminator("x") Operand<TFloat32> discriminate(Nn nn, Operand<TFloat32> x) { return nn.dense(x, 1); }
        """);
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining("[HelmholtzEnumerate] @Latent(enumerate = true) on node 'y': an adversarial "
        + "model has no inference to sum the latent out in; remove enumerate").inFile(source).onLineContaining("Categorical y;");
  }

  @Test
  void twoEnumeratedLatents() {
    JavaFileObject source = source("@Model", LABEL,
        "  @Latent(shape = 2, enumerate = true) Categorical c;\n", OTHER_NODES, CLASSIFIER, """
          @Encoder("c") Categorical inferC(Nn nn, Operand<TFloat32> x) { return Categorical.logits(nn.dense(x, 2)); }
          @Encoder("z") Normal encode(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2)); }
          @Generator("x") Bernoulli decode(Nn nn, Operand<TFloat32> y, Operand<TFloat32> c, Operand<TFloat32> z) {
            return Bernoulli.logits(nn.dense(z, 4));
          }
        """);
    assertOnlyError(source,
        "[HelmholtzEnumerate] @Latent(enumerate = true) on node 'c': latent 'y' is already summed out by "
            + "enumeration, and a model sums out at most one; remove one of them",
        "Categorical c;");
  }

  @Test
  void enumeratedLatentWithoutAnEncoder() {
    JavaFileObject source = source("@Model", LABEL, OTHER_NODES, """
          @Encoder("z") Normal encode(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2)); }
          @Generator("x") Bernoulli decode(Nn nn, Operand<TFloat32> y, Operand<TFloat32> z) { return Bernoulli.logits(nn.dense(z, 4)); }
        """);
    assertOnlyError(source,
        "[HelmholtzNoEncoder] latent 'y' has no @Encoder, so the ELBO objective cannot infer it; add a method "
            + "annotated @Encoder(\"y\") that returns q(y | observed nodes)",
        "Categorical y;");
  }

  @Test
  void enumeratedLatentWhoseEncoderTakesALatent() {
    JavaFileObject source = source("@Model", LABEL, OTHER_NODES, """
          @Encoder("y")
          Categorical classify(Nn nn, Operand<TFloat32> x,
              Operand<TFloat32> z) { // a latent
            return Categorical.logits(nn.dense(x, 3));
          }
          @Encoder("z") Normal encode(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2)); }
          @Generator("x") Bernoulli decode(Nn nn, Operand<TFloat32> y, Operand<TFloat32> z) { return Bernoulli.logits(nn.dense(z, 4)); }
        """);
    assertOnlyError(source,
        "[HelmholtzEnumeratedEncoderInput] parameter 'z' of classify() is a latent, but 'y' is summed out by "
            + "enumeration, so its encoder runs once per example on observed nodes only: q(y | observed nodes); "
            + "remove the parameter",
        "// a latent");
  }

  @Test
  void classificationWeightWithoutEnumerate() {
    JavaFileObject source = source("@Model",
        "  @Latent(shape = 3,\n      classificationWeight = 5) Categorical y;\n", OTHER_NODES, NETWORKS);
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining("[HelmholtzEnumerate] @Latent(classificationWeight = 5.0) on node 'y': only "
        + "an enumerated latent (enumerate = true) has a classification term; add enumerate = true or remove "
        + "classificationWeight").inFile(source).onLineContaining("classificationWeight = 5");
  }

  @Test
  void negativeClassificationWeight() {
    JavaFileObject source = source("@Model",
        "  @Latent(shape = 3, enumerate = true,\n      classificationWeight = -1) Categorical y;\n",
        OTHER_NODES, NETWORKS);
    assertOnlyError(source,
        "[HelmholtzEnumerate] @Latent(classificationWeight = -1.0) on node 'y': the weight of log q(y | ...) on "
            + "labelled examples must be finite and at least 0",
        "classificationWeight = -1");
  }
}
