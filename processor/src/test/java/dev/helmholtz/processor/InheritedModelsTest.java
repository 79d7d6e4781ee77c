package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.helmholtz.processor.Compilations.compile;
import static dev.helmholtz.processor.Compilations.model;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models that inherit their nodes and networks from superclasses: they compile to the code of the
 * flat class, and what inheritance can break (a node redeclared, an override naming another
 * network, a network the generated class cannot reach) is an error at its line.
 */
class InheritedModelsTest {
  private static final String[] NODES = {
      "  @Latent(shape = 2) Normal z;",
      "  @Observed(shape = 4) Bernoulli x;"};
  private static final String[] NETWORKS = {
      "  @Encoder(\"z\")",
      "  public Normal encode(Nn nn, Operand<TFloat32> x) {",
      "    return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2));",
      "  }",
      "  @Generator(\"x\")",
      "  public Bernoulli decode(Nn nn, Operand<TFloat32> z) {",
      "    return Bernoulli.logits(nn.dense(z, 4));",
      "  }"};

  private static String[] lines(String[]... parts) {
    return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
  }

  /** A source in another package, {@code base}, with the imports models use. */
  private static JavaFileObject inBase(String simpleName, String... body) {
    return JavaFileObjects.forSourceLines("base." + simpleName, lines(new String[] {
        "package base;",
        "import dev.helmholtz.annotations.*;",
        "import dev.helmholtz.dist.*;",
        "import dev.helmholtz.nn.Nn;",
        "import org.tensorflow.Operand;",
        "import org.tensorflow.types.TFloat32;"}, body));
  }

  private static String generated(Compilation compilation, String name) throws IOException {
    return compilation.generatedSourceFile(name).orElseThrow().getCharContent(false).toString();
  }

  @Test
  void modelWhoseNodesAndNetworksAreAllInheritedGeneratesTheFlatClassesCode() throws IOException {
    Compilation flat = compile(model("M", lines(
        new String[] {"@Model(objective = @Objective(kind = ObjectiveKind.IWAE, samples = 5))", "public class M {"},
        NODES, NETWORKS, new String[] {"}"})));
    assertThat(flat).succeededWithoutWarnings();

    // Two levels of abstract superclasses, in another package and other files.
    JavaFileObject nodes = inBase("Nodes", lines(new String[] {"public abstract class Nodes {"}, NODES,
        new String[] {"}"}));
    JavaFileObject networks = inBase("Networks", lines(new String[] {"public abstract class Networks extends Nodes {"},
        NETWORKS, new String[] {"}"}));
    JavaFileObject model = model("M",
        "@Model(objective = @Objective(kind = ObjectiveKind.IWAE, samples = 5))",
        "public class M extends base.Networks {}");
    Compilation inherited = compile(model, nodes, networks);
    assertThat(inherited).succeededWithoutWarnings();
    assertEquals(generated(flat, "test.MModel"), generated(inherited, "test.MModel"));
  }

  @Test
  void concreteSuperclassInTheSamePackageMayKeepItsNetworksPackagePrivate() {
    JavaFileObject base = model("Base", lines(new String[] {"class Base {"}, NODES,
        java.util.Arrays.stream(NETWORKS).map(l -> l.replace("public ", "")).toArray(String[]::new),
        new String[] {"}"}));
    JavaFileObject model = model("M", "@Model", "class M extends Base {}");
    assertThat(compile(model, base)).succeededWithoutWarnings();
  }

  @Test
  void overrideOfANetworkMethodStaysThatNetwork() throws IOException {
    JavaFileObject base = inBase("Base", lines(new String[] {"public abstract class Base {"}, NODES, NETWORKS,
        new String[] {"}"}));
    JavaFileObject model = model("M",
        "@Model",
        "public class M extends base.Base {",
        "  @Override",
        "  public Normal encode(Nn nn, Operand<TFloat32> x) {",
        "    return Normal.meanLogStd(nn.dense(nn.dense(x, 8), 2), nn.dense(x, 2));",
        "  }",
        "  @Generator(\"x\") @Override",
        "  public Bernoulli decode(Nn nn, Operand<TFloat32> z) {",
        "    return Bernoulli.logits(nn.dense(z, 4));",
        "  }",
        "}");
    Compilation compilation = compile(model, base);
    assertThat(compilation).succeededWithoutWarnings();
    String code = generated(compilation, "test.MModel");
    assertEquals(1, code.split("model\\.encode\\(", -1).length - 1, code);
  }

  @Test
  void nodeRedeclaredInASubclass() {
    JavaFileObject base = inBase("Base", lines(new String[] {"public abstract class Base {"}, NODES, NETWORKS,
        new String[] {"}"}));
    JavaFileObject model = model("M",
        "@Model",
        "public class M extends base.Base {",
        "  @Latent(shape = 3) Normal z; // again",
        "}");
    Compilation c = compile(model, base);
    assertThat(c).hadErrorContaining("[HelmholtzNodeRedeclared] node 'z' is already declared by field 'z' of "
        + "superclass base.Base; a model class inherits its superclasses' nodes and cannot redeclare one: "
        + "remove field 'z', or give it another name").inFile(model).onLineContaining("// again");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void nodeRedeclaredUnderAnotherFieldName() {
    JavaFileObject base = inBase("Base", lines(new String[] {"public abstract class Base {"}, NODES, NETWORKS,
        new String[] {"}"}));
    JavaFileObject model = model("M",
        "@Model",
        "public class M extends base.Base {",
        "  @Observed(shape = 4, name = \"x\") Bernoulli pixels;",
        "}");
    Compilation c = compile(model, base);
    assertThat(c).hadErrorContaining("[HelmholtzNodeRedeclared] node 'x' is already declared by field 'x' of "
        + "superclass base.Base").inFile(model).onLineContaining("name = \"x\"");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void networkOverriddenWithAnotherTarget() {
    JavaFileObject base = inBase("Base", lines(new String[] {"public abstract class Base {"},
        NODES, new String[] {"  @Latent(shape = 2) Normal y;"}, NETWORKS, new String[] {
            "  @Encoder(\"y\") public Normal encodeY(Nn nn, Operand<TFloat32> x) { return null; }",
            "  @Generator(\"y\") public Normal priorY(Nn nn, Operand<TFloat32> z) { return null; }",
            "}"}));
    JavaFileObject model = model("M",
        "@Model",
        "public class M extends base.Base {",
        "  @Encoder(\"y\") // another target",
        "  @Override",
        "  public Normal encode(Nn nn, Operand<TFloat32> x) {",
        "    return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2));",
        "  }",
        "}");
    Compilation c = compile(model, base);
    assertThat(c).hadErrorContaining("[HelmholtzNetworkOverride] @Encoder(\"y\") on encode() conflicts with the "
        + "method it overrides, @Encoder(\"z\") encode() of base.Base: an override of a network method stays "
        + "that network; remove the annotation, or make it @Encoder(\"z\")")
        .inFile(model).onLineContaining("// another target");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void networkOverriddenWithAnotherRole() {
    JavaFileObject base = model("Base", lines(new String[] {"abstract class Base {"}, NODES, NETWORKS,
        new String[] {"}"}));
    JavaFileObject model = model("M",
        "@Model",
        "class M extends Base {",
        "  @Generator(\"x\") // another role",
        "  @Override",
        "  public Normal encode(Nn nn, Operand<TFloat32> x) {",
        "    return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2));",
        "  }",
        "}");
    Compilation c = compile(model, base);
    assertThat(c).hadErrorContaining("[HelmholtzNetworkOverride] @Generator(\"x\") on encode() conflicts with "
        + "the method it overrides, @Encoder(\"z\") encode() of test.Base").inFile(model)
        .onLineContaining("// another role");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void inheritedNetworkThatGeneratedCodeCannotCall() {
    JavaFileObject base = inBase("Base", lines(new String[] {"public abstract class Base {"}, NODES,
        java.util.Arrays.stream(NETWORKS).map(l -> l.replace("public Normal", "protected Normal"))
            .toArray(String[]::new),
        new String[] {"}"}));
    JavaFileObject model = model("M",
        "@Model // the model",
        "public class M extends base.Base {}");
    Compilation c = compile(model, base);
    assertThat(c).hadErrorContaining("[HelmholtzNetworkAccess] @Encoder method encode() is protected in base.Base, "
        + "so generated code in package test cannot call it; generated code calls it on a model instance: make "
        + "it public, or override it in M").inFile(model).onLineContaining("// the model");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void overrideInTheModelsPackageMakesAProtectedNetworkCallable() {
    JavaFileObject base = inBase("Base", lines(new String[] {"public abstract class Base {"}, NODES,
        java.util.Arrays.stream(NETWORKS).map(l -> l.replace("public Normal", "protected Normal"))
            .toArray(String[]::new),
        new String[] {"}"}));
    JavaFileObject model = model("M",
        "@Model",
        "public class M extends base.Base {",
        "  @Override",
        "  protected Normal encode(Nn nn, Operand<TFloat32> x) {",
        "    return super.encode(nn, x);",
        "  }",
        "}");
    assertThat(compile(model, base)).succeededWithoutWarnings();
  }

  @Test
  void abstractClassMayDeclareNodesAndNetworksForModelsCompiledLater() {
    JavaFileObject base = inBase("Base", lines(new String[] {"public abstract class Base {"}, NODES, NETWORKS,
        new String[] {"}"}));
    assertThat(compile(base)).succeededWithoutWarnings();
  }

  /** A superclass from a library: read from its class files, compiled with its parameter names. */
  @Test
  void superclassFromClassFilesGeneratesTheSameCode(@TempDir Path classes) throws IOException {
    JavaFileObject base = inBase("Base", lines(new String[] {"public abstract class Base {"}, NODES, NETWORKS,
        new String[] {"}"}));
    Compilation library = Compiler.javac().withOptions("-parameters", "-proc:none").compile(base);
    assertThat(library).succeededWithoutWarnings();
    for (JavaFileObject file : library.generatedFiles()) {
      if (file.getKind() == JavaFileObject.Kind.CLASS) {
        Path target = classes.resolve(file.getName().replaceFirst("^/?CLASS_OUTPUT/", ""));
        Files.createDirectories(target.getParent());
        try (InputStream in = file.openInputStream()) {
          Files.copy(in, target);
        }
      }
    }
    JavaFileObject model = model("M", "@Model", "public class M extends base.Base {}");
    List<File> classpath = new ArrayList<>(List.of(classes.toFile()));
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      classpath.add(new File(entry));
    }
    Compilation fromClassFiles = Compiler.javac().withProcessors(new HelmholtzProcessor())
        .withOptions("-Xlint:all", "-Xlint:-processing").withClasspath(classpath).compile(model);
    assertThat(fromClassFiles).succeededWithoutWarnings();
    Compilation fromSource = compile(model, base);
    assertEquals(generated(fromSource, "test.MModel"), generated(fromClassFiles, "test.MModel"));
  }
}
