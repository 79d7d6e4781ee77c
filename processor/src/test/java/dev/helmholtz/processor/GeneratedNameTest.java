package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.helmholtz.processor.Compilations.compile;
import static dev.helmholtz.processor.Compilations.model;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Names the generated class cannot have: keywords, literals and restricted identifiers
 * ({@code [HelmholtzGeneratedName]}), and the simple names of the types generated code uses
 * ({@code [HelmholtzGeneratedNameReserved]}), which the generated class would shadow in its package.
 */
class GeneratedNameTest {
  private static JavaFileObject named(String annotation, String className) {
    return model(className,
        annotation,
        "class " + className + " {",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\") Normal encode(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2)); }",
        "  @Generator(\"x\") Bernoulli decode(Nn nn, Operand<TFloat32> z) { return Bernoulli.logits(nn.dense(z, 4)); }",
        "}");
  }

  private static void assertOnlyError(JavaFileObject source, String message, String line) {
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining(message).inFile(source).onLineContaining(line);
    assertThat(c).hadErrorCount(1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "class   | is a Java keyword",
      "goto    | is a Java keyword",
      "enum    | is a Java keyword",
      "null    | is a Java literal",
      "true    | is a Java literal",
      "var     | is a restricted identifier, which cannot name a class",
      "record  | is a restricted identifier, which cannot name a class",
      "yield   | is a restricted identifier, which cannot name a class",
      "sealed  | is a restricted identifier, which cannot name a class",
      "permits | is a restricted identifier, which cannot name a class",
  })
  void nameThatNoClassCanHave(String name, String problem) {
    JavaFileObject source = named("@Model(\n    name = \"" + name + "\")", "M");
    assertOnlyError(source,
        "[HelmholtzGeneratedName] @Model(name = \"" + name + "\") " + problem
            + "; give the simple name of the class to generate",
        "name = \"" + name + "\"");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "Normal, dev.helmholtz.dist",
      "Bernoulli, dev.helmholtz.dist",
      "Operand, org.tensorflow",
      "TFloat32, org.tensorflow.types",
      "Objects, java.util",
      "Generated, javax.annotation.processing",
      "Dataset, dev.helmholtz.data",
      "Seed, dev.helmholtz.graph",
      "ThreadSettings, dev.helmholtz.train",
      "ModelSpec, dev.helmholtz.variational",
      "VariationalModel, dev.helmholtz.variational",
      "InferencePass, dev.helmholtz.variational",
      "GenerativePass, dev.helmholtz.variational",
      "ObjectiveKind, dev.helmholtz.annotations",
      "Override, java.lang",
  })
  void nameOfATypeGeneratedCodeUses(String name, String packageName) {
    JavaFileObject source = named("@Model(\n    name = \"" + name + "\")", "M");
    assertOnlyError(source,
        "[HelmholtzGeneratedNameReserved] cannot generate class test." + name + ": " + name
            + " is the simple name of " + packageName + "." + name + ", which generated code uses, "
            + "and the generated class would shadow it in package test (`import " + packageName
            + ".*;` would find the generated class instead); give the generated class another name "
            + "with @Model(name = \"...\")",
        "name = \"" + name + "\"");
  }

  /** The derived name can be reserved too: class Variational gives VariationalModel. */
  @Test
  void derivedNameOfATypeGeneratedCodeUses() {
    JavaFileObject source = named("@Model", "Variational");
    assertOnlyError(source,
        "[HelmholtzGeneratedNameReserved] cannot generate class test.VariationalModel: VariationalModel is "
            + "the simple name of dev.helmholtz.variational.VariationalModel",
        "@Model");
  }

  @Test
  void otherNamesAreFine() {
    assertThat(compile(named("@Model(name = \"NormalModel\")", "M"))).succeededWithoutWarnings();
    assertThat(compile(named("@Model(name = \"Records\")", "M"))).succeededWithoutWarnings();
  }

  /**
   * Every type that generated code imports is reserved: the list the processor checks is kept in
   * step with what the code generator writes. (Models covering every family and both objectives.)
   */
  @Test
  void everyTypeGeneratedCodeImportsIsReserved() throws IOException {
    Set<String> imported = new LinkedHashSet<>();
    for (String objective : new String[] {"ELBO", "IWAE"}) {
      Compilation c = compile(model("M",
          "@Model(objective = @Objective(kind = ObjectiveKind." + objective + ", samples = 2))",
          "class M {",
          "  @Latent(shape = 2) Normal z2;",
          "  @Latent(shape = 2) Normal z;",
          "  @Observed(shape = 4) Bernoulli x;",
          "  @Observed(shape = 3) Normal y;",
          "  @Encoder(\"z\") Normal qz(Nn nn, Operand<TFloat32> x, Operand<TFloat32> y) { return null; }",
          "  @Encoder(\"z2\") Normal qz2(Nn nn, Operand<TFloat32> z) { return null; }",
          "  @Generator(\"z\") Normal pz(Nn nn, Operand<TFloat32> z2) { return null; }",
          "  @Generator(\"x\") Bernoulli px(Nn nn, Operand<TFloat32> z) { return null; }",
          "  @Generator(\"y\") Normal py(Nn nn, Operand<TFloat32> z) { return null; }",
          "}"));
      assertThat(c).succeededWithoutWarnings();
      String source = c.generatedSourceFile("test.MModel").orElseThrow().getCharContent(false).toString();
      source.lines()
          .filter(l -> l.startsWith("import ") && !l.startsWith("import static "))
          .map(l -> l.substring(l.lastIndexOf('.') + 1, l.length() - 1))
          .forEach(imported::add);
      // java.lang types are used without an import: find them among the code's (not comments') names.
      source.lines()
          .map(String::strip)
          .filter(l -> !l.startsWith("*") && !l.startsWith("/*") && !l.startsWith("//") && !l.startsWith("import "))
          .flatMap(l -> java.util.Arrays.stream(l.split("[^A-Za-z0-9_$]+")))
          .filter(word -> !word.isEmpty() && Character.isUpperCase(word.charAt(0)) && isJavaLangType(word))
          .forEach(imported::add);
    }
    assertFalse(imported.isEmpty());
    assertTrue(imported.contains("Override"), () -> "no java.lang type found among " + imported);
    for (String name : imported) {
      Compilation c = compile(named("@Model(name = \"" + name + "\")", "M"));
      assertThat(c).hadErrorContaining("[HelmholtzGeneratedNameReserved] cannot generate class test." + name);
    }
  }

  private static boolean isJavaLangType(String simpleName) {
    try {
      Class.forName("java.lang." + simpleName, false, GeneratedNameTest.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
