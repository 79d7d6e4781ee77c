package dev.helmholtz.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.helmholtz.processor.Compilations.model;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code -Ahelmholtz.verbose=true} prints each valid model's report as a compiler NOTE on the
 * model class: per node its family, event shape, parents (p and q), gradient estimator and KL,
 * then the inference and generative orders. Without the option (or with any other value) the
 * processor prints no NOTE at all.
 */
class VerboseReportTest {
  private static final String VERBOSE = "-A" + HelmholtzProcessor.VERBOSE_OPTION + "=true";

  // z2 -> z1 -> x, inferred bottom-up: q(z1 | x) q(z2 | z1). z2 has no generator (standard prior,
  // analytic KL); z2 is drawn from z1, so z1's KL is a Monte Carlo estimate.
  private static JavaFileObject hierarchical(String objective) {
    return model("M",
        "@Model" + objective,
        "class M {",
        "  @Latent(shape = 2) Normal z2;",
        "  @Latent(shape = 3) Normal z1;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z2\") Normal inferZ2(Nn nn, Operand<TFloat32> z1) {",
        "    return Normal.meanLogStd(nn.dense(z1, 2), nn.dense(z1, 2));",
        "  }",
        "  @Encoder(\"z1\") Normal inferZ1(Nn nn, Operand<TFloat32> x) {",
        "    return Normal.meanLogStd(nn.dense(x, 3), nn.dense(x, 3));",
        "  }",
        "  @Generator(\"z1\") Normal generateZ1(Nn nn, Operand<TFloat32> z2) {",
        "    return Normal.meanLogStd(nn.dense(z2, 3), nn.dense(z2, 3));",
        "  }",
        "  @Generator(\"x\") Bernoulli generateX(Nn nn, Operand<TFloat32> z1) {",
        "    return Bernoulli.logits(nn.dense(z1, 4));",
        "  }",
        "}");
  }

  private static List<Diagnostic<? extends JavaFileObject>> notes(Compilation c) {
    return c.diagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.NOTE).toList();
  }

  /**
   * A NOTE's text with each line's indentation removed: javac indents the continuation lines of
   * a multi-line message by its own rules, which are not the processor's.
   */
  private static String text(Diagnostic<? extends JavaFileObject> note) {
    return String.join("\n", note.getMessage(Locale.ROOT).lines().map(String::strip).toList());
  }

  @Test
  void verbosePrintsTheModelReportAsANoteOnTheModelClass() {
    JavaFileObject source = hierarchical("");
    Compilation c = Compilations.compile(new HelmholtzProcessor(), List.of(VERBOSE), source);
    assertThat(c).succeeded();
    assertThat(c).hadWarningCount(0);
    List<Diagnostic<? extends JavaFileObject>> notes = notes(c);
    assertEquals(1, notes.size(), () -> "one NOTE per model, got " + notes);
    assertEquals(String.join("\n",
        "Helmholtz model test.M -> MModel",
        "objective: ELBO, 1 sample per example",
        "z2: latent Normal, event shape [2]; p(z2): standard prior; q(z2 | z1) by inferZ2();"
            + " gradient: reparameterized; KL: analytic",
        "z1: latent Normal, event shape [3]; p(z1 | z2) by generateZ1(); q(z1 | x) by inferZ1();"
            + " gradient: reparameterized; KL: Monte Carlo",
        "x: observed Bernoulli, event shape [4]; p(x | z1) by generateX()",
        "inference order: z1, z2",
        "generative order: z2, z1, x"), text(notes.get(0)));
    // On the model class, where the model is declared.
    assertThat(c).hadNoteContaining("Helmholtz model test.M -> MModel").inFile(source).onLineContaining("class M {");
  }

  @Test
  void reportShowsTheObjectiveAndSamplesAsDeclared() {
    Compilation c = Compilations.compile(new HelmholtzProcessor(), List.of(VERBOSE),
        hierarchical("(objective = @Objective(kind = ObjectiveKind.IWAE, samples = 5), name = \"Deep\")"));
    assertThat(c).succeeded();
    assertThat(text(notes(c).get(0))).startsWith("Helmholtz model test.M -> Deep\nobjective: IWAE, 5 samples per example\n");
  }

  @Test
  void oneNotePerModel() {
    JavaFileObject first = hierarchical("");
    JavaFileObject second = model("Flat",
        "@Model",
        "class Flat {",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = 4) Normal x;",
        "  @Encoder(\"z\") Normal encode(Nn nn, Operand<TFloat32> x) {",
        "    return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2));",
        "  }",
        "  @Generator(\"x\") Normal decode(Nn nn, Operand<TFloat32> z) {",
        "    return Normal.meanLogStd(nn.dense(z, 4), nn.dense(z, 4));",
        "  }",
        "}");
    Compilation c = Compilations.compile(new HelmholtzProcessor(), List.of(VERBOSE), first, second);
    assertThat(c).succeeded();
    List<String> reports = notes(c).stream().map(VerboseReportTest::text).sorted().toList();
    assertEquals(2, reports.size(), () -> reports.toString());
    assertThat(reports.get(0)).isEqualTo(String.join("\n",
        "Helmholtz model test.Flat -> FlatModel",
        "objective: ELBO, 1 sample per example",
        "z: latent Normal, event shape [2]; p(z): standard prior; q(z | x) by encode();"
            + " gradient: reparameterized; KL: analytic",
        "x: observed Normal, event shape [4]; p(x | z) by decode()",
        "inference order: z",
        "generative order: z, x"));
    assertThat(reports.get(1)).startsWith("Helmholtz model test.M -> MModel\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-Ahelmholtz.verbose=false", "-Ahelmholtz.verbose=yes", "-Ahelmholtz.verbose"})
  void withoutTheOptionNoNoteAppears(String option) {
    List<String> options = option.isEmpty() ? List.of() : List.of(option);
    Compilation c = Compilations.compile(new HelmholtzProcessor(), options, hierarchical(""));
    assertThat(c).succeededWithoutWarnings();
    assertEquals(List.of(), notes(c), "no NOTE without -Ahelmholtz.verbose=true");
  }

  @Test
  void noReportForAModelThatDoesNotValidate() {
    JavaFileObject source = model("Broken",
        "@Model",
        "class Broken {",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Generator(\"x\") Bernoulli decode(Nn nn, Operand<TFloat32> z) {",
        "    return Bernoulli.logits(nn.dense(z, 4));",
        "  }",
        "}");
    Compilation c = Compilations.compile(new HelmholtzProcessor(), List.of(VERBOSE), source);
    assertThat(c).hadErrorContaining("[HelmholtzNoEncoder]");
    assertEquals(List.of(), notes(c), "a report only for a model that validated");
  }
}
