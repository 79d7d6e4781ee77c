package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.helmholtz.processor.Compilations.compile;
import static dev.helmholtz.processor.Compilations.model;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A family of the user's own: a class extending the runtime's {@code Distribution}, marked
 * {@code @Family}, is a node type, and each thing it must provide has a diagnostic on the node
 * that uses it (message and line checked). The families here only have to compile; the one that
 * trains is the samples' {@code Gumbel}.
 */
class UserFamiliesTest {
  private static final String MARK =
      "@Family(reparameterization = Family.Reparameterization.EXPLICIT, factories = \"locScale\","
          + " standardPrior = \"standard\")";
  private static final String FACTORY =
      "  public static Gumbel locScale(Operand<TFloat32> loc, Operand<TFloat32> scale) { return new Gumbel(loc); }";
  private static final String PRIOR =
      "  public static Gumbel standard(Ops tf, Operand<TInt64> shape) { return new Gumbel(tf.constant(0f)); }";

  /**
   * A user family {@code test.Gumbel}: {@code mark} (the annotation, or empty), the class
   * declaration up to its superclass, and members besides the contract's.
   */
  private static JavaFileObject family(String mark, String declaration, String... members) {
    List<String> lines = new ArrayList<>(List.of(
        "package test;",
        "import dev.helmholtz.annotations.Family;",
        "import dev.helmholtz.dist.Distribution;",
        "import dev.helmholtz.dist.Reparameterization;",
        "import dev.helmholtz.graph.RandomSource;",
        "import java.util.function.UnaryOperator;",
        "import org.tensorflow.Operand;",
        "import org.tensorflow.op.Ops;",
        "import org.tensorflow.types.TFloat32;",
        "import org.tensorflow.types.TInt64;",
        mark,
        declaration + " {",
        "  private final Operand<TFloat32> loc;",
        "  Gumbel(Operand<TFloat32> loc) { super(Ops.create()); this.loc = loc; }"));
    lines.addAll(List.of(members));
    if (declaration.contains("extends Distribution")) {
      lines.addAll(List.of(
          "  @Override public Operand<TFloat32> logProb(Operand<TFloat32> value) { return loc; }",
          "  @Override public Operand<TFloat32> sample(RandomSource rng) { return loc; }",
          "  @Override public Operand<TFloat32> rsample(RandomSource rng) { return loc; }",
          "  @Override public Reparameterization reparameterization() { return Reparameterization.REPARAMETERIZED; }",
          "  @Override public Operand<TFloat32> entropy() { return loc; }",
          "  @Override public Operand<TFloat32> mean() { return loc; }",
          "  @Override public Operand<TInt64> shape() { return null; }",
          "  @Override public Gumbel mapParameters(UnaryOperator<Operand<TFloat32>> f) { return new Gumbel(f.apply(loc)); }"));
    }
    lines.add("}");
    return JavaFileObjects.forSourceLines("test.Gumbel", lines);
  }

  private static JavaFileObject validFamily() {
    return family(MARK, "public final class Gumbel extends Distribution", FACTORY, PRIOR);
  }

  /** A VAE with a Gumbel latent (its standard prior, no generator) and a Gumbel observed node. */
  private static JavaFileObject gumbelModel(String objective) {
    return model("M",
        "@Model" + objective,
        "class M {",
        "  @Latent(shape = 2) Gumbel z;",
        "  @Observed(shape = 4) Gumbel x;",
        "  @Encoder(\"z\") Gumbel infer(Nn nn, Operand<TFloat32> x) {",
        "    return Gumbel.locScale(nn.dense(x, 2), nn.dense(x, 2));",
        "  }",
        "  @Generator(\"x\") Gumbel generate(Nn nn, Operand<TFloat32> z) {",
        "    return Gumbel.locScale(nn.dense(z, 4), nn.dense(z, 4));",
        "  }",
        "}");
  }

  private static String generated(Compilation c) throws IOException {
    return c.generatedSourceFile("test.MModel").orElseThrow().getCharContent(false).toString();
  }

  private static void assertHasLine(String source, String line) {
    assertTrue(source.lines().map(String::strip).anyMatch(line::equals),
        () -> "no line \"" + line + "\" in:\n" + source);
  }

  @Test
  void aUserFamilyIsANodeType() throws IOException {
    Compilation c = compile(validFamily(), gumbelModel(""));
    assertThat(c).succeededWithoutWarnings();
    String source = generated(c);
    for (String line : List.of(
        "// q(z | x) by infer(): Gumbel, reparameterized gradient, Monte Carlo KL",
        "Gumbel qZ = model.infer(pass.network(\"infer\"), x);",
        "Gumbel pZ = Gumbel.standard(pass.tf(), pass.shape(z));",
        "pass.latentMonteCarloKl(\"z\", z, qZ, pZ);",
        "Gumbel pX = model.generate(pass.network(\"generate\"), z);",
        "pass.observe(\"x\", x, pX);",
        "Gumbel pZ = Gumbel.standard(pass.tf(), pass.shape(\"z\"));")) {
      assertHasLine(source, line);
    }
    assertTrue(source.contains("{@code z}: latent Gumbel (a family of your own, test.Gumbel), event shape [2];"
        + " p(z): standard prior; q(z | x) by infer(); gradient: reparameterized; KL: Monte Carlo"), source);
    assertTrue(source.contains("{@code x}: observed Gumbel (a family of your own, test.Gumbel), event shape [4];"
        + " p(x | z) by generate()"), source);
  }

  @Test
  void implicitReparameterizationIsReported() throws IOException {
    Compilation c = compile(family(MARK.replace("EXPLICIT", "IMPLICIT"),
        "public final class Gumbel extends Distribution", FACTORY, PRIOR), gumbelModel(""));
    assertThat(c).succeededWithoutWarnings();
    String source = generated(c);
    assertHasLine(source, "// q(z | x) by infer(): Gumbel, implicitly reparameterized gradient, Monte Carlo KL");
    assertTrue(source.contains("gradient: implicit reparameterization; KL: Monte Carlo"), source);
  }

  @Test
  void aFamilyWithoutReparameterizationTakesTheScoreFunctionUnderNvil() throws IOException {
    Compilation c = compile(family(MARK.replace("EXPLICIT", "NONE"),
        "public final class Gumbel extends Distribution", FACTORY, PRIOR),
        gumbelModel("(objective = @Objective(kind = ObjectiveKind.NVIL))"));
    assertThat(c).succeededWithoutWarnings();
    String source = generated(c);
    assertHasLine(source, "// q(z | x) by infer(): Gumbel, score-function gradient, Monte Carlo KL");
    assertTrue(source.contains("gradient: score function;"), source);
  }

  @Test
  void aFamilyWithoutReparameterizationIsRefusedUnderTheElbo() {
    JavaFileObject model = gumbelModel("");
    Compilation c = compile(family(MARK.replace("EXPLICIT", "NONE"),
        "public final class Gumbel extends Distribution", FACTORY, PRIOR), model);
    assertThat(c).hadErrorContaining("[HelmholtzNotReparameterized] latent 'z' is Gumbel, which has no "
        + "reparameterized sampler, so the ELBO objective cannot differentiate through its samples")
        .inFile(model).onLineContaining("Gumbel z;");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void aDistributionThatIsNotMarked() {
    JavaFileObject model = gumbelModel("");
    Compilation c = compile(family("", "public final class Gumbel extends Distribution", FACTORY, PRIOR), model);
    assertThat(c).hadErrorContaining("[HelmholtzFamilyNotMarked] node 'z' has type Gumbel, which extends "
        + "Distribution but is not marked as a family; annotate Gumbel with @Family(reparameterization = ..., "
        + "factories = {...})").inFile(model).onLineContaining("Gumbel z;");
    assertThat(c).hadErrorContaining("[HelmholtzFamilyNotMarked] node 'x' has type Gumbel")
        .inFile(model).onLineContaining("Gumbel x;");
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void aMarkedClassThatIsNotADistribution() {
    JavaFileObject model = gumbelModel("");
    Compilation c = compile(family(MARK, "public final class Gumbel", FACTORY, PRIOR), model);
    assertThat(c).hadErrorContaining("[HelmholtzFamilyNotDistribution] node 'z' has type Gumbel, which is "
        + "marked @Family but does not extend dev.helmholtz.dist.Distribution; a family implements the "
        + "runtime's distribution contract").inFile(model).onLineContaining("Gumbel z;");
    assertThat(c).hadErrorCount(2); // z and x
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "public abstract class Gumbel extends Distribution | is abstract",
      "final class Gumbel extends Distribution           | is not public",
  })
  void aFamilyClassGeneratedCodeCannotUse(String declaration, String problem) {
    JavaFileObject model = gumbelModel("");
    Compilation c = compile(family(MARK, declaration, FACTORY, PRIOR), model);
    assertThat(c).hadErrorContaining("[HelmholtzFamilyClass] node 'z' has type Gumbel, which " + problem
        + "; generated code declares variables of a family's type and calls its static methods")
        .inFile(model).onLineContaining("Gumbel z;");
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void aGenericFamily() {
    JavaFileObject family = JavaFileObjects.forSourceLines("test.Box",
        "package test;",
        "@dev.helmholtz.annotations.Family(reparameterization = "
            + "dev.helmholtz.annotations.Family.Reparameterization.NONE, factories = \"of\")",
        "public abstract class Box<T> extends dev.helmholtz.dist.Distribution {",
        "  Box() { super(org.tensorflow.op.Ops.create()); }",
        "}");
    JavaFileObject model = model("M",
        "@Model",
        "class M {",
        "  @Observed(shape = 4) Box<String> x;",
        "  @Generator(\"x\") Box<String> generate(Nn nn) { return null; }",
        "}");
    Compilation c = compile(family, model);
    assertThat(c).hadErrorContaining("[HelmholtzFamilyClass] node 'x' has type Box, which is abstract and "
        + "declares type parameters <T>").inFile(model).onLineContaining("Box<String> x;");
    assertThat(c).hadErrorContaining("[HelmholtzFamilyFactory] node 'x' has type Box, whose "
        + "@Family(factories) names \"of\", which is not a method of Box").inFile(model).onLineContaining("Box<String> x;");
    assertThat(c).hadErrorCount(2);
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "factories = {}         | names no factory",
      "factories = \"scale\"  | names \"scale\", which is not a method of Gumbel",
      "factories = \"make\"   | names \"make\", whose method has parameter 'n' of type int, not Operand<TFloat32>",
      "factories = \"inst\"   | names \"inst\", whose method is not static",
      "factories = \"other\"  | names \"other\", whose method returns java.lang.String, not Gumbel",
  })
  void aFactoryNetworksCannotBuildTheFamilyWith(String factories, String problem) {
    JavaFileObject model = gumbelModel("");
    Compilation c = compile(family(MARK.replace("factories = \"locScale\"", factories),
        "public final class Gumbel extends Distribution", FACTORY, PRIOR,
        "  public static Gumbel make(Operand<TFloat32> loc, int n) { return new Gumbel(loc); }",
        "  public Gumbel inst(Operand<TFloat32> loc) { return new Gumbel(loc); }",
        "  public static String other(Operand<TFloat32> loc) { return \"\"; }"), model);
    assertThat(c).hadErrorContaining("[HelmholtzFamilyFactory] node 'z' has type Gumbel, whose "
        + "@Family(factories) " + problem + "; a factory is a public static method of the family")
        .inFile(model).onLineContaining("Gumbel z;");
    assertThat(c).hadErrorCount(2);
  }

  private static final String[] KL_METHODS = {
      "  public static Operand<TFloat32> kl(Gumbel q, Gumbel p) { return q.loc; }",
      "  public Operand<TFloat32> klInstance(Gumbel q, Gumbel p) { return loc; }",
      "  public static double klDouble(Gumbel q, Gumbel p) { return 0; }"};

  private static JavaFileObject familyWithKl(String kl) {
    List<String> members = new ArrayList<>(List.of(FACTORY, PRIOR));
    members.addAll(List.of(KL_METHODS));
    return family(MARK.replace("standardPrior = \"standard\"", "standardPrior = \"standard\", kl = \"" + kl + "\""),
        "public final class Gumbel extends Distribution", members.toArray(String[]::new));
  }

  @Test
  void aFamilysAnalyticKlIsItsLatentsKl() throws IOException {
    Compilation c = compile(familyWithKl("kl"), gumbelModel(""));
    assertThat(c).succeededWithoutWarnings();
    String source = generated(c);
    assertHasLine(source, "// q(z | x) by infer(): Gumbel, reparameterized gradient, analytic KL");
    assertHasLine(source, "pass.latentAnalyticKl(\"z\", z, qZ, pZ, Gumbel::kl);");
    assertTrue(source.contains("gradient: reparameterized; KL: analytic"), source);
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "divergence | is not a method of Gumbel",
      "locScale   | names a method that takes (org.tensorflow.Operand<org.tensorflow.types.TFloat32>, "
          + "org.tensorflow.Operand<org.tensorflow.types.TFloat32>), not (Gumbel q, Gumbel p)",
      "klInstance | names a method that is not static",
      "klDouble   | names a method that returns double, not Operand<TFloat32>",
  })
  void anAnalyticKlThatIsNotOne(String kl, String problem) {
    JavaFileObject model = gumbelModel("");
    Compilation c = compile(familyWithKl(kl), model);
    assertThat(c).hadErrorContaining("[HelmholtzFamilyKl] node 'z' has type Gumbel, whose @Family(kl = \""
        + kl + "\") " + problem + "; an analytic KL is a public static method (Gumbel q, Gumbel p) returning "
        + "Operand<TFloat32>").inFile(model).onLineContaining("Gumbel z;");
    assertThat(c).hadErrorCount(2);
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "std       | is not a method of Gumbel",
      "locScale  | names a method that takes (org.tensorflow.Operand<org.tensorflow.types.TFloat32>, "
          + "org.tensorflow.Operand<org.tensorflow.types.TFloat32>), not (Ops tf, Operand<TInt64> shape)",
  })
  void aStandardPriorThatIsNotOne(String prior, String problem) {
    JavaFileObject model = gumbelModel("");
    Compilation c = compile(family(MARK.replace("standardPrior = \"standard\"", "standardPrior = \"" + prior + "\""),
        "public final class Gumbel extends Distribution", FACTORY, PRIOR), model);
    assertThat(c).hadErrorContaining("[HelmholtzFamilyStandardPrior] node 'z' has type Gumbel, whose "
        + "@Family(standardPrior = \"" + prior + "\") " + problem + "; a standard prior is a public static "
        + "method (Ops tf, Operand<TInt64> shape)").inFile(model).onLineContaining("Gumbel z;");
    assertThat(c).hadErrorCount(2);
  }

  @Test
  void aLatentOfAFamilyWithoutAStandardPriorNeedsAGenerator() {
    JavaFileObject model = gumbelModel("");
    Compilation c = compile(family(MARK.replace(", standardPrior = \"standard\"", ""),
        "public final class Gumbel extends Distribution", FACTORY), model);
    assertThat(c).hadErrorContaining("[HelmholtzNoStandardPrior] latent 'z' is Gumbel, which has no standard "
        + "prior (its @Family names no standardPrior), so its prior must be written")
        .inFile(model).onLineContaining("Gumbel z;");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void theWidthsNetworksPassAUserFactoryAreChecked() {
    JavaFileObject model = model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = 4) Gumbel x;",
        "  @Encoder(\"z\") Normal infer(Nn nn, Operand<TFloat32> x) {",
        "    return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2));",
        "  }",
        "  @Generator(\"x\") Gumbel generate(Nn nn, Operand<TFloat32> z) {",
        "    return Gumbel.locScale(nn.dense(z, 4), nn.dense(z, 3));",
        "  }",
        "}");
    Compilation c = compile(validFamily(), model);
    assertThat(c).hadErrorContaining("[HelmholtzShapeMismatch] @Generator(\"x\") generate() returns "
        + "Gumbel.locScale whose scale").inFile(model).onLineContaining("nn.dense(z, 3)");
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void aTypeThatIsNoFamilyAtAllSaysHowToWriteOne() {
    JavaFileObject model = model("M",
        "@Model",
        "class M {",
        "  @Observed(shape = 4) String x;",
        "}");
    assertThat(compile(model)).hadErrorContaining("[HelmholtzUnknownFamily] node 'x' has type java.lang.String, "
        + "which is not a distribution family; declare it as one of:");
    assertThat(compile(model)).hadErrorContaining("or write a family of your own: a class extending "
        + "dev.helmholtz.dist.Distribution, marked @Family").inFile(model).onLineContaining("String x;");
  }

  /**
   * Under -Xlint:processing javac warns of every annotation of a source file that no processor
   * claims: {@code @Family} is one of the processor's, like the node annotations, so a family and
   * a model using it compile without that warning (nor any other).
   */
  @Test
  void theProcessorClaimsFamilyAndItsOtherAnnotations() {
    Compilation c = Compiler.javac().withProcessors(new HelmholtzProcessor()).withOptions("-Xlint:all")
        .compile(validFamily(), gumbelModel(""));
    assertThat(c).succeededWithoutWarnings();
  }
}
