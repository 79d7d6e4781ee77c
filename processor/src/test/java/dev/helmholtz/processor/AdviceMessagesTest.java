package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.helmholtz.processor.Compilations.compile;
import static dev.helmholtz.processor.Compilations.model;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Messages whose advice depends on the case: what makes a model class impossible to instantiate,
 * and families named so that a user's own class of the same simple name is not mistaken for them.
 */
class AdviceMessagesTest {
  private static final String BODY = String.join("\n",
      "  @Latent(shape = 2) Normal z;",
      "  @Observed(shape = 4) Bernoulli x;",
      "  @Encoder(\"z\") Normal encode(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2)); }",
      "  @Generator(\"x\") Bernoulli decode(Nn nn, Operand<TFloat32> z) { return Bernoulli.logits(nn.dense(z, 4)); }",
      "");

  private static JavaFileObject source(String simpleName, String text) {
    return model(simpleName, text.split("\n"));
  }

  private static void assertOnlyError(JavaFileObject source, String message, String line) {
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining(message).inFile(source).onLineContaining(line);
    assertThat(c).hadErrorCount(1);
  }

  // --- [HelmholtzModelClass]: advice that fits the case --------------------------------

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "abstract class M | M | is abstract; generated code must create it with `new M()`: make it a concrete class",
  })
  void topLevel(String declaration, String name, String message) {
    JavaFileObject source = source("M", "@Model\n" + declaration + " {\n" + BODY + "}\n");
    assertOnlyError(source, "[HelmholtzModelClass] model class " + name + " " + message, "@Model");
  }

  @Test
  void enumIsToldToUseAClass() {
    JavaFileObject source = source("M", "@Model\nenum M {\n  ONLY;\n" + BODY + "}\n");
    assertOnlyError(source,
        "[HelmholtzModelClass] model class M is an enum; generated code must create it with "
            + "`new M()`: use a class",
        "@Model");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "record M() | a record",
      "interface M | an interface",
      "@interface M | an annotation type",
  })
  void otherKindsAreToldToUseAClass(String declaration, String kind) {
    JavaFileObject source = source("M", "@Model\n" + declaration + " {\n}\n");
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining(
            "[HelmholtzModelClass] model class M is " + kind + "; generated code must create it with "
                + "`new M()`: use a class")
        .inFile(source).onLineContaining("@Model");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "private static class | is private; generated code must create it with `new Outer.Inner()`: make it package-private or public",
      "class                | is an inner (non-static) class; generated code must create it with `new Outer.Inner()`: declare it static",
  })
  void nested(String declaration, String message) {
    JavaFileObject source = source("Outer", "class Outer {\n@Model\n" + declaration + " Inner {\n" + BODY + "}\n}\n");
    assertOnlyError(source, "[HelmholtzModelClass] model class Outer.Inner " + message, "@Model");
  }

  @Test
  void nestedInAPrivateClass() {
    JavaFileObject source = source("Outer", "class Outer {\nprivate static class Middle {\n"
        + "@Model\nstatic class Inner {\n" + BODY + "}\n}\n}\n");
    assertOnlyError(source,
        "[HelmholtzModelClass] model class Outer.Middle.Inner is nested in private class Middle; "
            + "generated code must create it with `new Outer.Middle.Inner()`: make Middle "
            + "package-private or public",
        "@Model");
  }

  @Test
  void withoutAConstructorGeneratedCodeCanCall() {
    JavaFileObject source = source("M", "@Model\nclass M {\n  M(int size) {}\n" + BODY + "}\n");
    assertOnlyError(source,
        "[HelmholtzModelClass] model class M has no non-private constructor without parameters; "
            + "generated code must create it with `new M()`: add a non-private constructor without "
            + "parameters",
        "@Model");
  }

  @Test
  void constructorThatThrowsACheckedException() {
    JavaFileObject source = source("M", "@Model\nclass M {\n  M() throws Exception {}\n" + BODY + "}\n");
    assertOnlyError(source,
        "[HelmholtzModelClass] model class M has a constructor without parameters that throws "
            + "checked java.lang.Exception; generated code must create it with `new M()`: give it a "
            + "constructor without parameters that throws no checked exception",
        "@Model");
  }

  // --- [HelmholtzNetworkAccess]: a network that throws -----------------------------------

  /** Generated methods declare no exceptions: a network that throws a checked one cannot be called. */
  @Test
  void networkThatThrowsACheckedException() {
    JavaFileObject source = source("M", String.join("\n",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\") Normal encode(Nn nn, Operand<TFloat32> x) { return null; }",
        "  @Generator(\"x\")",
        "  Bernoulli decode(Nn nn, Operand<TFloat32> z) throws java.io.IOException, IllegalStateException {",
        "    return null;",
        "  }",
        "}"));
    assertOnlyError(source,
        "[HelmholtzNetworkAccess] @Generator method decode() throws checked java.io.IOException; "
            + "generated code calls it on a model instance: catch it inside the method, since the "
            + "generated methods that call it declare no checked exceptions",
        "@Generator(\"x\")");
  }

  @Test
  void networkThatThrowsOnlyUncheckedExceptionsIsFine() {
    JavaFileObject source = source("M", String.join("\n",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\") Normal encode(Nn nn, Operand<TFloat32> x) throws IllegalStateException, Error { return null; }",
        "  @Generator(\"x\") Bernoulli decode(Nn nn, Operand<TFloat32> z) { return null; }",
        "}"));
    assertThat(compile(source)).succeededWithoutWarnings();
  }

  // --- Families named unambiguously -------------------------------------------------------

  /** A class test.Normal shadows the on-demand import of dev.helmholtz.dist.Normal. */
  @Test
  void aNodeOfTheUsersOwnNormal() {
    JavaFileObject normal = model("Normal", "class Normal {}");
    JavaFileObject source = source("M", String.join("\n",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\") dev.helmholtz.dist.Normal encode(Nn nn, Operand<TFloat32> x) { return null; }",
        "  @Generator(\"x\") Bernoulli decode(Nn nn, Operand<TFloat32> z) { return null; }",
        "}"));
    Compilation c = compile(normal, source);
    assertThat(c).hadErrorContaining(
            "[HelmholtzUnknownFamily] node 'z' has type test.Normal, which is not a distribution family; "
                + "declare it as one of: dev.helmholtz.dist.Normal, dev.helmholtz.dist.Bernoulli")
        .inFile(source).onLineContaining("Normal z;");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void aNetworkReturningTheUsersOwnBernoulli() {
    JavaFileObject bernoulli = model("Bernoulli", "class Bernoulli {}");
    JavaFileObject source = source("M", String.join("\n",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = 4) dev.helmholtz.dist.Bernoulli x;",
        "  @Encoder(\"z\") Normal encode(Nn nn, Operand<TFloat32> x) { return null; }",
        "  @Generator(\"x\")",
        "  Bernoulli decode(Nn nn, Operand<TFloat32> z) { return null; }",
        "}"));
    Compilation c = compile(bernoulli, source);
    assertThat(c).hadErrorContaining(
            "[HelmholtzReturnType] @Generator(\"x\") method decode() returns test.Bernoulli, but node 'x' "
                + "is declared dev.helmholtz.dist.Bernoulli; return dev.helmholtz.dist.Bernoulli")
        .inFile(source).onLineContaining("Bernoulli decode(");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void otherwiseFamiliesKeepTheirSimpleNames() {
    JavaFileObject source = source("M", String.join("\n",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = 4) Integer x;",
        "  @Encoder(\"z\") Normal encode(Nn nn, Operand<TFloat32> x) { return null; }",
        "  @Generator(\"x\") Bernoulli decode(Nn nn, Operand<TFloat32> z) { return null; }",
        "}"));
    assertOnlyError(source,
        "[HelmholtzUnknownFamily] node 'x' has type java.lang.Integer, which is not a distribution "
            + "family; declare it as one of: Normal, Bernoulli",
        "Integer x;");
  }
}
