package dev.helmholtz.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.helmholtz.processor.Compilations.compile;
import static dev.helmholtz.processor.Compilations.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.Completion;
import javax.annotation.processing.Filer;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Well-formed models compile without warnings, and what is generated for them, generated code
 * included, is what the model says: the order nodes are inferred and generated in, how sample
 * axes are folded, which KL each latent takes, the generated class's name.
 */
class ValidModelsTest {
  private static final String[] IMPORTS = {
    "import dev.helmholtz.annotations.*;",
    "import dev.helmholtz.dist.*;",
    "import dev.helmholtz.nn.Nn;",
    "import org.tensorflow.Operand;",
    "import org.tensorflow.types.TFloat32;"
  };

  /** The generated source of a compilation that must succeed without warnings. */
  private static String generated(Compilation c, String qualifiedName) {
    assertThat(c).succeededWithoutWarnings();
    JavaFileObject file = c.generatedSourceFile(qualifiedName).orElseThrow(
        () -> new AssertionError("no generated source " + qualifiedName + " among " + c.generatedSourceFiles()));
    try {
      return file.getCharContent(false).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Asserts that each line occurs in the source, ignoring indentation and a Javadoc line's "* ". */
  private static void assertLines(String source, String... lines) {
    List<String> actual = source.lines()
        .map(String::strip)
        .map(l -> l.startsWith("* ") ? l.substring(2) : l)
        .toList();
    for (String line : lines) {
      assertTrue(actual.contains(line), () -> "no line \"" + line + "\" in:\n" + source);
    }
  }

  // z2 -> z1 -> x with the bottom-up posterior q(z1 | x) q(z2 | z1). z2 is declared first, so
  // inference must reorder: z1 before z2.
  private static JavaFileObject hierarchical() {
    return model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z2;",
        "  @Latent(shape = 3) Normal z1;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z2\")",
        "  Normal inferZ2(Nn nn, Operand<TFloat32> z1) {",
        "    return Normal.meanLogStd(nn.dense(z1, 2), nn.dense(z1, 2));",
        "  }",
        "  @Encoder(\"z1\")",
        "  Normal inferZ1(Nn nn, Operand<TFloat32> x) {",
        "    return Normal.meanLogStd(nn.dense(x, 3), nn.dense(x, 3));",
        "  }",
        "  @Generator(\"z1\")",
        "  Normal generateZ1(Nn nn, Operand<TFloat32> z2) {",
        "    return Normal.meanLogStd(nn.dense(z2, 3), nn.dense(z2, 3));",
        "  }",
        "  @Generator(\"x\")",
        "  Bernoulli generateX(Nn nn, Operand<TFloat32> z1) {",
        "    return Bernoulli.logits(nn.dense(z1, 4));",
        "  }",
        "}");
  }

  @Test
  void hierarchicalModelWithBottomUpPosterior() {
    String source = generated(compile(hierarchical()), "test.MModel");
    assertLines(source,
        "<p>Inference order: z1, z2. Generative order: z2, z1, x.",
        ".latent(\"z2\", 2)",
        ".latent(\"z1\", 3)",
        ".observed(\"x\", 4)",
        // Inference: z1 from the data, then z2 from every sample of z1.
        "Operand<TFloat32> x = pass.observed(\"x\");",
        "// q(z1 | x) by inferZ1(): Normal, reparameterized gradient, Monte Carlo KL",
        "Normal qZ1 = model.inferZ1(pass.network(\"inferZ1\"), x);",
        "Operand<TFloat32> z1 = pass.draw(\"z1\", qZ1);",
        "// q(z2 | z1) by inferZ2(): Normal, reparameterized gradient, analytic KL",
        "Normal qZ2 = pass.unfold(model.inferZ2(pass.network(\"inferZ2\"), pass.fold(z1)));",
        "Operand<TFloat32> z2 = pass.draw(\"z2\", qZ2);",
        "Normal pZ2 = Normal.standard(pass.tf(), pass.shape(z2));",
        "pass.latentAnalyticKl(\"z2\", z2, qZ2, pZ2);",
        "Normal pZ1 = pass.unfold(model.generateZ1(pass.network(\"generateZ1\"), pass.fold(z2)));",
        // z2 is drawn from z1, so KL(q(z1 | x) || p(z1 | z2)) is not the ELBO's term for z1.
        "pass.latentMonteCarloKl(\"z1\", z1, qZ1, pZ1);",
        "Bernoulli pX = pass.unfold(model.generateX(pass.network(\"generateX\"), pass.fold(z1)));",
        "pass.observe(\"x\", x, pX);",
        // Generation: ancestral, top-down.
        "Normal pZ2 = Normal.standard(pass.tf(), pass.shape(\"z2\"));",
        "Normal pZ1 = model.generateZ1(pass.network(\"generateZ1\"), z2);",
        "Bernoulli pX = model.generateX(pass.network(\"generateX\"), z1);",
        // One typed encode method per latent.
        "public float[][] encodeZ1(float[][] data) {",
        "public float[][] encodeZ2(float[][] data) {");
    assertTrue(source.indexOf("Normal qZ1 =") < source.indexOf("Normal qZ2 ="), source);
  }

  @Test
  void hierarchicalModelWithTopDownPosteriorKeepsAnalyticKl() {
    JavaFileObject model = model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z2;",
        "  @Latent(shape = 3) Normal z1;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z2\") Normal inferZ2(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2)); }",
        "  @Encoder(\"z1\") Normal inferZ1(Nn nn, Operand<TFloat32> x, Operand<TFloat32> z2) {",
        "    return Normal.meanLogStd(nn.dense(z2, 3), nn.dense(x, 3));",
        "  }",
        "  @Generator(\"z1\") Normal generateZ1(Nn nn, Operand<TFloat32> z2) { return Normal.meanLogStd(nn.dense(z2, 3), nn.dense(z2, 3)); }",
        "  @Generator(\"x\") Bernoulli generateX(Nn nn, Operand<TFloat32> z1) { return Bernoulli.logits(nn.dense(z1, 4)); }",
        "}");
    String source = generated(compile(model), "test.MModel");
    assertLines(source,
        "<p>Inference order: z2, z1. Generative order: z2, z1, x.",
        "Normal qZ1 = pass.unfold(model.inferZ1(pass.network(\"inferZ1\"), pass.tileAndFold(x), pass.fold(z2)));",
        "pass.latentAnalyticKl(\"z2\", z2, qZ2, pZ2);",
        "pass.latentAnalyticKl(\"z1\", z1, qZ1, pZ1);");
  }

  @Test
  void twoObservedNodes() {
    JavaFileObject model = model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Observed(shape = 3) Normal y;",
        "  @Encoder(\"z\") Normal encode(Nn nn, Operand<TFloat32> x, Operand<TFloat32> y) {",
        "    return Normal.meanLogStd(nn.dense(x, 2), nn.dense(y, 2));",
        "  }",
        "  @Generator(\"x\") Bernoulli decodeX(Nn nn, Operand<TFloat32> z) { return Bernoulli.logits(nn.dense(z, 4)); }",
        "  @Generator(\"y\") Normal decodeY(Nn nn, Operand<TFloat32> z) { return Normal.meanLogStd(nn.dense(z, 3), nn.dense(z, 3)); }",
        "}");
    String source = generated(compile(model), "test.MModel");
    assertLines(source,
        ".observed(\"x\", 4)",
        ".observed(\"y\", 3)",
        "Operand<TFloat32> x = pass.observed(\"x\");",
        "Operand<TFloat32> y = pass.observed(\"y\");",
        "Normal qZ = model.encode(pass.network(\"encode\"), x, y);",
        "Bernoulli pX = pass.unfold(model.decodeX(pass.network(\"decodeX\"), pass.fold(z)));",
        "pass.observe(\"x\", x, pX);",
        "Normal pY = pass.unfold(model.decodeY(pass.network(\"decodeY\"), pass.fold(z)));",
        "pass.observe(\"y\", y, pY);",
        "Normal pY = model.decodeY(pass.network(\"decodeY\"), z);");
    // The array-typed API assumes one data column; with two, only the name-keyed API is offered.
    assertThat(source).doesNotContain("float[][] sample(");
    assertThat(source).doesNotContain("float[][] encode(");
  }

  @Test
  void nestedModelClass() {
    JavaFileObject model = model("Outer",
        "class Outer {",
        "  @Model",
        "  static class Inner {",
        "    @Latent(shape = 2) Normal z;",
        "    @Observed(shape = 4) Bernoulli x;",
        "    @Encoder(\"z\") Normal encode(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2)); }",
        "    @Generator(\"x\") Bernoulli decode(Nn nn, Operand<TFloat32> z) { return Bernoulli.logits(nn.dense(z, 4)); }",
        "  }",
        "}");
    String source = generated(compile(model), "test.Outer_InnerModel");
    assertLines(source,
        "public final class Outer_InnerModel extends VariationalModel {",
        "private static final ModelSpec SPEC = ModelSpec.builder(\"test.Outer.Inner\")",
        "private final Outer.Inner model;",
        "return new Outer_InnerModel(new Outer.Inner(), seed, ThreadSettings.defaults());");
  }

  @Test
  void customGeneratedName() {
    Compilation c = compile(vae("@Model(name = \"Custom\")"));
    String source = generated(c, "test.Custom");
    assertLines(source,
        "public final class Custom extends VariationalModel {",
        "public static Custom create(Seed seed) {",
        "return new Custom(new M(), seed, ThreadSettings.defaults());");
    assertTrue(c.generatedSourceFile("test.MModel").isEmpty(), "MModel must not be generated as well");
  }

  @Test
  void importanceWeightedWithFiveSamples() {
    String source = generated(
        compile(vae("@Model(objective = @Objective(kind = ObjectiveKind.IWAE, samples = 5))")), "test.MModel");
    assertLines(source,
        "<p>Objective: IWAE, 5 samples per example.",
        ".objective(ObjectiveKind.IWAE, 5)");
  }

  @Test
  void modelInTheUnnamedPackage() {
    List<String> lines = new ArrayList<>(Arrays.asList(IMPORTS));
    lines.addAll(List.of(vaeLines("@Model")));
    JavaFileObject model = JavaFileObjects.forSourceLines("M", lines);
    String source = generated(compile(model), "MModel");
    assertThat(source).doesNotContain("package ");
    assertLines(source,
        "private static final ModelSpec SPEC = ModelSpec.builder(\"M\")",
        "public final class MModel extends VariationalModel {",
        "private final M model;");
  }

  /** Node names are data column names and may be any string: comments must stay comments. */
  @Test
  void nodeNamesThatAreNotJavaIdentifiers() {
    String name = "x */ {@code y} <b>&amp; \\\\u000a \\n end";
    JavaFileObject model = model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = 4, name = \"" + name + "\") Bernoulli x;",
        "  @Encoder(\"z\") Normal encode(Nn nn) { return null; }",
        "  @Generator(\"" + name + "\") Bernoulli decode(Nn nn, Operand<TFloat32> z) { return null; }",
        "}");
    String source = generated(compile(model), "test.MModel");
    assertLines(source,
        "<li><code>x *&#47; &#123;&#64;code y&#125; &lt;b&gt;&amp;amp; &#92;u000a &#10; end</code>: "
            + "observed Bernoulli, event shape [4]; p(x *&#47; &#123;&#64;code y&#125; &lt;b&gt;&amp;amp; "
            + "&#92;u000a &#10; end | z) by decode()",
        "// p(x */ {@code y} <b>&amp; \\\\u000a \\n end | z) by decode()");
  }

  /** Generated locals, fields and typed methods never shadow or collide with each other. */
  @Test
  void nodeNamesThatCollideWithGeneratedNames() {
    JavaFileObject model = model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal model;",
        "  @Latent(shape = 2) Normal Model;",
        "  @SuppressWarnings(\"helmholtz:UnusedLatent\") // no parameter can name \"p-model\"",
        "  @Latent(shape = 2, name = \"p-model\") Normal pModel;",
        "  @Observed(shape = 4) Bernoulli pass;",
        "  @Encoder(\"model\") Normal e1(Nn nn, Operand<TFloat32> pass) { return null; }",
        "  @Encoder(\"Model\") Normal e2(Nn nn, Operand<TFloat32> pass) { return null; }",
        "  @Encoder(\"p-model\") Normal e3(Nn nn, Operand<TFloat32> pass) { return null; }",
        "  @Generator(\"pass\") Bernoulli d(Nn nn, Operand<TFloat32> model, Operand<TFloat32> Model) { return null; }",
        "}");
    String source = generated(compile(model), "test.MModel");
    assertLines(source,
        "public float[][] encodeModel(float[][] data) {",
        "public float[][] encodeModel_(float[][] data) {",
        "public float[][] encodeP_model(float[][] data) {",
        "Normal qModel = model.e1(pass.network(\"e1\"), pass_);");
  }

  @Test
  void sameModelGivesByteIdenticalSource() {
    String first = generated(compile(hierarchical()), "test.MModel");
    String second = generated(compile(hierarchical()), "test.MModel");
    assertEquals(first, second);
  }

  /** Incremental builds (Gradle's isolating processors) need each file's one originating element. */
  @Test
  void generatedClassOriginatesInTheModelClassAlone() {
    RecordingProcessor processor = new RecordingProcessor();
    JavaFileObject other = model("Other", "class Other {}");
    Compilation c = compile(processor, List.of(), hierarchical(), other);
    assertThat(c).succeededWithoutWarnings();
    assertEquals(Map.of("test.MModel", List.of("test.M")), processor.originating);
  }

  private static JavaFileObject vae(String annotation) {
    return model("M", vaeLines(annotation));
  }

  private static String[] vaeLines(String annotation) {
    return new String[] {
      annotation,
      "class M {",
      "  @Latent(shape = 2) Normal z;",
      "  @Observed(shape = 4) Bernoulli x;",
      "  @Encoder(\"z\") Normal encode(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2)); }",
      "  @Generator(\"x\") Bernoulli decode(Nn nn, Operand<TFloat32> z) { return Bernoulli.logits(nn.dense(z, 4)); }",
      "}"
    };
  }

  /**
   * The Helmholtz processor behind a Filer that records the originating elements of each source
   * file it creates (compile-testing does not expose them).
   */
  private static final class RecordingProcessor implements Processor {
    private final Processor delegate = new HelmholtzProcessor();
    final Map<String, List<String>> originating = new LinkedHashMap<>();

    @Override
    public void init(ProcessingEnvironment env) {
      Filer filer = env.getFiler();
      Filer recording = proxy(Filer.class, filer, (method, args) -> {
        if (method.getName().equals("createSourceFile")) {
          originating.put(args[0].toString(),
              Arrays.stream((Element[]) args[1]).map(e -> ((TypeElement) e).getQualifiedName().toString()).toList());
        }
        return null;
      });
      delegate.init(proxy(ProcessingEnvironment.class, env,
          (method, args) -> method.getName().equals("getFiler") ? recording : null));
    }

    /** Forwards every call to target, after letting before answer it instead (a non-null result). */
    private static <T> T proxy(Class<T> type, T target, java.util.function.BiFunction<Method, Object[], Object> before) {
      return type.cast(Proxy.newProxyInstance(ValidModelsTest.class.getClassLoader(), new Class<?>[] {type},
          (self, method, args) -> {
            Object answer = before.apply(method, args);
            if (answer != null) {
              return answer;
            }
            try {
              return method.invoke(target, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          }));
    }

    @Override
    public Set<String> getSupportedOptions() {
      return delegate.getSupportedOptions();
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

    @Override
    public Iterable<? extends Completion> getCompletions(
        Element element, AnnotationMirror annotation, ExecutableElement member, String userText) {
      return delegate.getCompletions(element, annotation, member, userText);
    }
  }
}
