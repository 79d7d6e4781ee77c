package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.helmholtz.processor.Compilations.compile;
import static dev.helmholtz.processor.Compilations.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import dev.helmholtz.processor.validation.Diagnostic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One failing model per catalog diagnostic that {@link ModelErrorsTest} does not cover: each
 * checks the full tag, the message's key words, the line it is reported on, and that the one
 * mistake gives one error (no cascade). The last two tests keep the catalog honest: tags are
 * unique, and every diagnostic is exercised by some test.
 */
class CatalogErrorsTest {
  private static final String NODES = """
        @Latent(shape = 2) Normal z;
        @Observed(shape = 4) Bernoulli x;
      """;
  private static final String ENCODER = """
        @Encoder("z")
        Normal encode(Nn nn, Operand<TFloat32> x) {
          return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2));
        }
      """;
  private static final String DECODER = """
        @Generator("x")
        Bernoulli decode(Nn nn, Operand<TFloat32> z) {
          return Bernoulli.logits(nn.dense(z, 4));
        }
      """;
  /** A complete, valid body: nodes z and x, an encoder and a decoder. */
  private static final String BODY = NODES + ENCODER + DECODER;

  /** A model source in package {@code test}: the parts are joined and split into lines. */
  private static JavaFileObject source(String simpleName, String... parts) {
    return model(simpleName, String.join("", parts).split("\n"));
  }

  /** Asserts that compiling gives exactly one error, this one, on the line containing {@code line}. */
  private static void assertOnlyError(JavaFileObject source, String message, String line) {
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining(message).inFile(source).onLineContaining(line);
    assertThat(c).hadErrorCount(1);
  }

  // --- The model class -------------------------------------------------------------------

  @Test
  void abstractModelClass() {
    JavaFileObject source = source("M", "@Model\nabstract class M {\n", BODY, "}\n");
    assertOnlyError(source,
        "[HelmholtzModelClass] model class M is abstract; generated code must create it with `new M()`",
        "@Model");
  }

  @Test
  void modelClassWithoutNoArgumentConstructor() {
    JavaFileObject source = source("M", "@Model\nclass M {\n", "  M(int size) {}\n", BODY, "}\n");
    assertOnlyError(source,
        "[HelmholtzModelClass] model class M has no non-private constructor without parameters",
        "@Model");
  }

  @Test
  void modelClassWithOnlyAPrivateNoArgumentConstructor() {
    JavaFileObject source = source("M", "@Model\nclass M {\n", "  private M() {}\n", BODY, "}\n");
    assertOnlyError(source,
        "[HelmholtzModelClass] model class M has no non-private constructor without parameters",
        "@Model");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "private static class | is private",
      "class                | is an inner (non-static) class",
      "static abstract class | is abstract",
  })
  void nestedModelClassThatCannotBeInstantiated(String declaration, String problem) {
    JavaFileObject source = source("Outer", "class Outer {\n", "@Model\n", declaration, " Inner {\n",
        BODY, "}\n}\n");
    assertOnlyError(source,
        "[HelmholtzModelClass] model class Outer.Inner " + problem
            + "; generated code must create it with `new Outer.Inner()`",
        "@Model");
  }

  @Test
  void modelClassNestedInAPrivateClass() {
    JavaFileObject source = source("Outer", "class Outer {\n", "private static class Middle {\n",
        "@Model\nstatic class Inner {\n", BODY, "}\n}\n}\n");
    assertOnlyError(source,
        "[HelmholtzModelClass] model class Outer.Middle.Inner is nested in private class Middle",
        "@Model");
  }

  @Test
  void modelEnum() {
    JavaFileObject source = source("M", "@Model\nenum M {\n  ONLY;\n", BODY, "}\n");
    assertOnlyError(source, "[HelmholtzModelClass] model class M is an enum", "@Model");
  }

  @Test
  void modelClassWhoseConstructorThrowsACheckedException() {
    JavaFileObject source = source("M", "@Model\nclass M {\n",
        "  M() throws java.io.IOException, IllegalStateException {}\n", BODY, "}\n");
    assertOnlyError(source,
        "[HelmholtzModelClass] model class M has a constructor without parameters that throws "
            + "checked java.io.IOException; generated code must create it with `new M()`",
        "@Model");
  }

  @Test
  void genericModelClass() {
    JavaFileObject source = source("M", "@Model\nclass M<T, U extends Number> {\n", BODY, "}\n");
    assertOnlyError(source,
        "[HelmholtzModelClassGeneric] model class M declares type parameters <T, U extends java.lang.Number>; "
            + "a model class cannot be generic",
        "@Model");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {"1bad", "has space", "a.B"})
  void generatedNameThatIsNotAnIdentifier(String name) {
    JavaFileObject source = source("M", "@Model(\n    name = \"" + name + "\")\nclass M {\n", BODY, "}\n");
    assertOnlyError(source,
        "[HelmholtzGeneratedName] @Model(name = \"" + name + "\") is not a Java identifier; "
            + "give the simple name of the class to generate",
        "name = \"" + name + "\"");
  }

  @Test
  void generatedNameOfTheModelClassItself() {
    JavaFileObject source = source("M", "@Model(\n    name = \"M\")\nclass M {\n", BODY, "}\n");
    assertOnlyError(source,
        "[HelmholtzGeneratedNameTaken] cannot generate class test.M: that is the name of the model "
            + "class itself; give the generated class another name with @Model(name = \"...\")",
        "name = \"M\"");
  }

  @Test
  void generatedNameOfTheEnclosingClass() {
    JavaFileObject source = source("Outer", "class Outer {\n", "@Model(name = \"Outer\")\n",
        "static class Inner {\n", BODY, "}\n}\n");
    assertOnlyError(source,
        "[HelmholtzGeneratedNameTaken] cannot generate class test.Outer: that is the name of class "
            + "Outer, which encloses the model class",
        "@Model(name = \"Outer\")");
  }

  @Test
  void generatedNameOfAnotherClassOfTheBuild() {
    JavaFileObject taken = model("Taken", "class Taken {}");
    JavaFileObject source = source("M", "@Model(name = \"Taken\")\nclass M {\n", BODY, "}\n");
    Compilation c = compile(taken, source);
    assertThat(c).hadErrorContaining(
            "[HelmholtzGeneratedNameTaken] cannot generate class test.Taken: another class compiled "
                + "or generated in this build already has that name; give the generated class another "
                + "name with @Model(name = \"...\")")
        .inFile(source).onLineContaining("@Model(name = \"Taken\")");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void twoModelsWithOneGeneratedName() {
    JavaFileObject first = source("A", "@Model(name = \"Same\")\nclass A {\n", BODY, "}\n");
    JavaFileObject second = source("B", "@Model(name = \"Same\")\nclass B {\n", BODY, "}\n");
    Compilation c = compile(first, second);
    assertThat(c).hadErrorContaining(
            "[HelmholtzGeneratedNameTaken] cannot generate class test.Same: another class compiled "
                + "or generated in this build already has that name")
        .inFile(second).onLineContaining("@Model(name = \"Same\")");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void noObservedNode() {
    JavaFileObject source = source("M", "@Model\nclass M {\n",
        "  @Latent(shape = 2) Normal z;\n",
        "  @Encoder(\"z\") Normal encode(Nn nn) { return null; }\n",
        "}\n");
    assertOnlyError(source,
        "[HelmholtzNoObservedNode] model test.M declares no @Observed node; a generative model needs "
            + "at least one node to fit to data",
        "@Model");
  }

  @Test
  void noNodesAtAll() {
    JavaFileObject source = source("M", "@Model\nclass M {\n}\n");
    assertOnlyError(source, "[HelmholtzNoObservedNode] model test.M declares no @Observed node", "@Model");
  }

  @ParameterizedTest(name = "{0}, samples = {1}")
  @CsvSource({"ELBO, 0", "IWAE, -2"})
  void samplesBelowOne(String kind, int samples) {
    JavaFileObject source = source("M",
        "@Model(objective = @Objective(kind = ObjectiveKind." + kind + ",\n",
        "    samples = " + samples + "))\n",
        "class M {\n", BODY, "}\n");
    assertOnlyError(source,
        "[HelmholtzSamples] samples = " + samples + ", but the " + kind
            + " objective needs at least 1 sample per example",
        "samples = " + samples);
  }

  @Test
  void nodeAnnotationOutsideAModel() {
    JavaFileObject source = source("M", "class M {\n", "  @Latent(shape = 2) Normal z;\n", "}\n");
    assertOnlyError(source,
        "[HelmholtzNotInModel] @Latent is used in M, which is not annotated @Model; annotate the "
            + "class with @Model or remove @Latent",
        "@Latent(shape = 2)");
  }

  @Test
  void networkAnnotationInAHelperClassNestedInAModel() {
    JavaFileObject source = source("M", "@Model\nclass M {\n", BODY, "  static class Helper {\n",
        DECODER.replace("@Generator(\"x\")", "@Generator(\"x\") // helper"), "  }\n}\n");
    assertOnlyError(source,
        "[HelmholtzNotInModel] @Generator is used in Helper, which is not annotated @Model",
        "// helper");
  }

  // --- Nodes -----------------------------------------------------------------------------

  @Test
  void latentAndObservedOnOneField() {
    JavaFileObject source = source("M", "@Model\nclass M {\n", BODY,
        "  @Latent(shape = 3)\n",
        "  @Observed(shape = 3)\n",
        "  Normal both;\n",
        "}\n");
    assertOnlyError(source,
        "[HelmholtzNodeKind] field 'both' is annotated both @Latent and @Observed; a node is either "
            + "inferred or observed",
        "@Observed(shape = 3)");
  }

  @Test
  void observedNodeNamedLikeALatentIsOnlyADuplicate() {
    JavaFileObject source = source("M", "@Model\nclass M {\n", BODY,
        "  @Observed(shape = 3, name = \"z\") Normal other;\n",
        "}\n");
    assertOnlyError(source,
        "[HelmholtzDuplicateNode] node 'z' is declared twice (first by field 'z')",
        "Normal other;");
  }

  @Test
  void nodeWhoseTypeIsNotAFamily() {
    JavaFileObject source = source("M", "@Model\nclass M {\n", ENCODER, DECODER,
        "  @Latent(shape = 2) Normal z;\n",
        "  @Observed(shape = 4)\n",
        "  String x;\n",
        "}\n");
    assertOnlyError(source,
        "[HelmholtzUnknownFamily] node 'x' has type java.lang.String, which is not a distribution "
            + "family; declare it as one of: Normal, Bernoulli",
        "String x;");
  }

  @Test
  void nodeOfPrimitiveType() {
    JavaFileObject source = source("M", "@Model\nclass M {\n", ENCODER, DECODER,
        "  @Latent(shape = 2) double z;\n",
        "  @Observed(shape = 4) Bernoulli x;\n",
        "}\n");
    assertOnlyError(source,
        "[HelmholtzUnknownFamily] node 'z' has type double, which is not a distribution family",
        "double z;");
  }

  @ParameterizedTest(name = "shape = {0}")
  @CsvSource(delimiter = '|', value = {"{}|[]", "0|[0]", "{2, -1}|[2, -1]",
      "{100000, 100000}|[100000, 100000]"})
  void invalidEventShape(String shape, String printed) {
    JavaFileObject source = source("M", "@Model\nclass M {\n", ENCODER, DECODER,
        "  @Latent(\n",
        "      shape = " + shape + ") Normal z;\n",
        "  @Observed(shape = 4) Bernoulli x;\n",
        "}\n");
    assertOnlyError(source,
        "[HelmholtzEventShape] node 'z' has event shape " + printed + "; an event shape lists one or "
            + "more sizes, each at least 1",
        "shape = " + shape + ")");
  }

  @Test
  void eventShapeOfRankTwoInAModelOfGlobalLatents() {
    // Per-example models take events of any rank (ImageEventsTest); HMC and VI keep vectors.
    JavaFileObject source = source("M", "@Model\nclass M {\n",
        "  @Latent(shape = 2, global = true) Normal w;\n",
        "  @Observed(\n",
        "      shape = {2, 2}) Normal y;\n",
        "  @Generator(\"y\")\n",
        "  Normal likelihood(Nn nn, Operand<TFloat32> w) {\n",
        "    return Normal.meanLogStd(w, w);\n",
        "  }\n",
        "}\n");
    assertOnlyError(source,
        "[HelmholtzEventRank] node 'y' has event shape [2, 2] of rank 2, but a model of global latents takes "
            + "vector events; declare shape = 4 and reshape inside the networks",
        "shape = {2, 2}");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"ELBO", "IWAE"})
  void bernoulliLatentUnderAReparameterizedObjective(String kind) {
    JavaFileObject source = source("M",
        "@Model(objective = @Objective(kind = ObjectiveKind." + kind + "))\nclass M {\n",
        "  @Latent(shape = 2) Bernoulli z;\n",
        "  @Observed(shape = 4) Bernoulli x;\n",
        ENCODER.replace("Normal encode", "Bernoulli encode")
            .replace("Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2))", "Bernoulli.logits(nn.dense(x, 2))"),
        DECODER, "}\n");
    assertOnlyError(source,
        "[HelmholtzNotReparameterized] latent 'z' is Bernoulli, which has no reparameterized "
            + "sampler, so the " + kind + " objective cannot differentiate through its samples; "
            + "use a score-function objective (NVIL, or VIMCO with samples >= 2) or wake-sleep "
            + "(WAKE_SLEEP, REWEIGHTED_WAKE_SLEEP), or declare it RelaxedBernoulli (a Concrete "
            + "relaxation, under ELBO)",
        "@Latent(shape = 2) Bernoulli z;");
  }

  // --- Networks --------------------------------------------------------------------------

  @Test
  void twoEncodersForOneLatent() {
    JavaFileObject source = source("M", "@Model\nclass M {\n", BODY,
        "  @Encoder(\"z\") // second\n",
        "  Normal encodeAgain(Nn nn, Operand<TFloat32> x) { return null; }\n",
        "}\n");
    assertOnlyError(source,
        "[HelmholtzDuplicateNetwork] node 'z' already has an @Encoder, encode(); declare one "
            + "@Encoder per node",
        "@Encoder(\"z\") // second");
  }

  @Test
  void twoGeneratorsForOneNode() {
    JavaFileObject source = source("M", "@Model\nclass M {\n", BODY,
        "  @Generator(\"x\") Bernoulli decodeAgain(Operand<TFloat32> z) { return null; }\n",
        "}\n");
    assertOnlyError(source,
        "[HelmholtzDuplicateNetwork] node 'x' already has an @Generator, decode(); declare one "
            + "@Generator per node",
        "decodeAgain(");
  }

  @Test
  void encoderForAnObservedNode() {
    JavaFileObject source = source("M", "@Model\nclass M {\n", BODY,
        "  @Encoder(\"x\") Bernoulli encodeX(Nn nn, Operand<TFloat32> z) { return null; }\n",
        "}\n");
    assertOnlyError(source,
        "[HelmholtzEncoderForObserved] @Encoder(\"x\") targets an observed node; encoders infer "
            + "latents: q(latent | observed nodes)",
        "@Encoder(\"x\")");
  }

  @Test
  void observedNodeWithoutGenerator() {
    JavaFileObject source = source("M", "@Model\nclass M {\n", NODES, ENCODER, "}\n");
    assertOnlyError(source,
        "[HelmholtzObservedNotGenerated] observed node 'x' has no @Generator, so its likelihood "
            + "p(x | ...) is undefined; add a method annotated @Generator(\"x\")",
        "@Observed(shape = 4) Bernoulli x;");
  }

  @Test
  void generatorConditionedOnItsOwnNode() {
    JavaFileObject source = source("M", "@Model\nclass M {\n", NODES, ENCODER,
        "  @Generator(\"x\")\n",
        "  Bernoulli decode(Nn nn, Operand<TFloat32> z,\n",
        "      Operand<TFloat32> x) { // self\n",
        "    return Bernoulli.logits(nn.dense(z, 4));\n",
        "  }\n",
        "}\n");
    assertOnlyError(source,
        "[HelmholtzSelfParameter] parameter 'x' of decode() is the node the network defines; "
            + "p(x | ...) cannot condition on x itself",
        "// self");
  }

  @Test
  void encoderConditionedOnItsOwnLatent() {
    JavaFileObject source = source("M", "@Model\nclass M {\n", NODES, DECODER,
        "  @Encoder(\"z\")\n",
        "  Normal encode(Operand<TFloat32> x,\n",
        "      Operand<TFloat32> z) { return null; } // self\n",
        "}\n");
    assertOnlyError(source,
        "[HelmholtzSelfParameter] parameter 'z' of encode() is the node the network defines; "
            + "q(z | ...) cannot condition on z itself",
        "// self");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "Operand<TFloat32> z, | int width | width | int",
      "| Operand<org.tensorflow.types.TInt32> z | z | org.tensorflow.Operand<org.tensorflow.types.TInt32>",
      "| float[] z | z | float[]",
      "| Operand z | z | org.tensorflow.Operand",
  })
  void networkParameterOfUnsupportedType(String before, String declaration, String name, String type) {
    JavaFileObject source = source("M", "@Model\nclass M {\n", NODES, ENCODER,
        "  @SuppressWarnings(\"rawtypes\")\n",
        "  @Generator(\"x\")\n",
        "  Bernoulli decode(Nn nn, " + (before == null ? "" : before) + "\n",
        "      " + declaration + ") { return null; }\n",
        "}\n");
    assertOnlyError(source,
        "[HelmholtzParameterType] parameter '" + name + "' of decode() has type " + type
            + "; a network parameter is Operand<TFloat32> (a node's value) or Nn (the layer helper)",
        declaration + ")");
  }

  @Test
  void secondLayerHelper() {
    JavaFileObject source = source("M", "@Model\nclass M {\n", NODES, ENCODER,
        "  @Generator(\"x\")\n",
        "  Bernoulli decode(Nn nn, Operand<TFloat32> z,\n",
        "      Nn other) { return null; }\n",
        "}\n");
    assertOnlyError(source,
        "[HelmholtzLayerHelper] parameter 'other' of decode() is a second Nn; a network takes at "
            + "most one layer helper",
        "Nn other)");
  }

  @Test
  void overloadedNetworksShareAScope() {
    JavaFileObject source = source("M", "@Model\nclass M {\n",
        "  @Latent(shape = 2) Normal z;\n",
        "  @Latent(shape = 2) Normal w;\n",
        "  @Observed(shape = 4) Bernoulli x;\n",
        "  @Encoder(\"z\") Normal net(Nn nn, Operand<TFloat32> x) { return null; }\n",
        "  @Encoder(\"w\") Normal inferW(Nn nn, Operand<TFloat32> x) { return null; }\n",
        "  @Generator(\"x\")\n",
        "  Bernoulli net(Nn nn, Operand<TFloat32> z, Operand<TFloat32> w) { return null; }\n",
        "}\n");
    assertOnlyError(source,
        "[HelmholtzNetworkName] @Generator method net() has the same name as @Encoder method net(); "
            + "a network's variables are scoped by its method's name, so the two would share or clash "
            + "over weights: rename one",
        "@Generator(\"x\")");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "private|is private",
      "static|is static",
      "<T>|declares type parameters <T>",
  })
  void networkThatGeneratedCodeCannotCall(String modifier, String problem) {
    JavaFileObject source = source("M", "@Model\nclass M {\n", NODES, ENCODER,
        "  @Generator(\"x\")\n",
        "  " + modifier + " Bernoulli decode(Nn nn, Operand<TFloat32> z) { return null; }\n",
        "}\n");
    assertOnlyError(source,
        "[HelmholtzNetworkAccess] @Generator method decode() " + problem + "; generated code calls "
            + "it on a model instance: make it a non-private, non-static, non-generic instance method",
        "@Generator(\"x\")");
  }

  // --- The graph -------------------------------------------------------------------------

  @Test
  void encodersThatConditionOnEachOther() {
    JavaFileObject source = source("M", "@Model\nclass M {\n",
        "  @Latent(shape = 2) Normal a;\n",
        "  @Latent(shape = 2) Normal b;\n",
        "  @Observed(shape = 4) Bernoulli x;\n",
        "  @Encoder(\"a\") Normal qa(Nn nn, Operand<TFloat32> x, Operand<TFloat32> b) { return null; }\n",
        "  @Encoder(\"b\") Normal qb(Nn nn, Operand<TFloat32> x, Operand<TFloat32> a) { return null; }\n",
        "  @Generator(\"x\") Bernoulli px(Nn nn, Operand<TFloat32> a, Operand<TFloat32> b) { return null; }\n",
        "}\n");
    assertOnlyError(source,
        "[HelmholtzInferenceCycle] the encoders form a cycle: a -> b -> a; each latent must be "
            + "inferable from observed nodes and latents inferred before it",
        "@Encoder(\"b\")");
  }

  // --- The catalog -----------------------------------------------------------------------

  @Test
  void everyDiagnosticHasItsOwnTag() {
    Map<String, Diagnostic> byTag = new HashMap<>();
    for (Diagnostic d : Diagnostic.values()) {
      Diagnostic other = byTag.putIfAbsent(d.tag(), d);
      assertNull(other, () -> d + " and " + other + " share the tag " + d.tag());
      assertTrue(d.tag().matches("Helmholtz[A-Z][A-Za-z]*"), () -> d + " has tag " + d.tag());
    }
  }

  /**
   * A diagnostic counts as tested when some test source asserts its message, which starts with
   * {@code [<tag>]}. Surefire runs in the module directory, so the sources are read from there.
   */
  @Test
  void everyDiagnosticIsAssertedBySomeTest() throws IOException {
    Path tests = Path.of("src/test/java");
    assertTrue(Files.isDirectory(tests), () -> "no test sources at " + tests.toAbsolutePath());
    List<String> sources = new ArrayList<>();
    try (Stream<Path> files = Files.walk(tests)) {
      files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
        try {
          sources.add(Files.readString(f, StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
    List<Diagnostic> untested = Arrays.stream(Diagnostic.values())
        .filter(d -> sources.stream().noneMatch(s -> s.contains("[" + d.tag() + "]")))
        .toList();
    assertEquals(List.of(), untested,
        "diagnostics that no test under src/test/java asserts (a negative test checking \"[<tag>] ...\" is required)");
  }

  /** The diagnostics guide's table (docs/diagnostics.md) is the users' index of tags: it must name every one. */
  @Test
  void diagnosticsGuideListsEveryDiagnostic() throws IOException {
    Path guide = Path.of("../docs/diagnostics.md");
    assertTrue(Files.isRegularFile(guide), () -> "no diagnostics guide at " + guide.toAbsolutePath());
    String text = Files.readString(guide, StandardCharsets.UTF_8);
    List<String> unlisted = Arrays.stream(Diagnostic.values())
        .map(Diagnostic::tag)
        .filter(tag -> !text.contains("| `" + tag + "` |"))
        .toList();
    assertEquals(List.of(), unlisted, "diagnostics the table in docs/diagnostics.md does not list");
  }
}
