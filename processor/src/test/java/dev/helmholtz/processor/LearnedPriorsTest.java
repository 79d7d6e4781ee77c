package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.helmholtz.processor.Compilations.compile;
import static dev.helmholtz.processor.Compilations.model;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * A {@code @Generator} that takes no node, such as a learned prior: accepted, and called like any
 * other network, once per pass, with no node to fold; the passes give its distribution the rows
 * of the value it is used with.
 */
class LearnedPriorsTest {

  @Test
  void aLatentsPriorOfNoNodeIsCalledInEveryPass() {
    JavaFileObject source = model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Generator(\"z\") Normal prior(Nn nn) {",
        "    Operand<TFloat32> mean = nn.variable(\"mean\", 1, 2);",
        "    return Normal.meanLogStd(mean, nn.tf().zerosLike(mean));",
        "  }",
        "  @Encoder(\"z\") Normal encode(Nn nn, Operand<TFloat32> x) {",
        "    return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2));",
        "  }",
        "  @Generator(\"x\") Bernoulli decode(Nn nn, Operand<TFloat32> z) {",
        "    return Bernoulli.logits(nn.dense(z, 4));",
        "  }",
        "}");
    Compilation c = compile(source);
    assertThat(c).succeededWithoutWarnings();
    var generated = assertThat(c).generatedSourceFile("test.MModel").contentsAsUtf8String();
    generated.contains("{@code z}: latent Normal, event shape [2]; p(z) by prior(); q(z | x) by encode()");
    // the inference pass: the prior is computed once, not folded over samples, and scored against z
    generated.contains("    // p(z) by prior()\n"
        + "    Normal pZ = model.prior(pass.network(\"prior\"));\n"
        + "    pass.latentAnalyticKl(\"z\", z, qZ, pZ);");
    // ancestral sampling draws from it as from any prior
    generated.contains("    Normal pZ = model.prior(pass.network(\"prior\"));\n"
        + "    Operand<TFloat32> z = pass.draw(\"z\", pZ);");
  }

  @Test
  void anEnumeratedLatentsLearnedClassPriorCompiles() {
    JavaFileObject source = model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 3, enumerate = true) Categorical y;",
        "  @Latent(shape = 2) Normal z;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Generator(\"y\") Categorical classes(Nn nn) { return Categorical.logits(nn.variable(\"logits\", 3), 3); }",
        "  @Generator(\"z\") Normal component(Nn nn, Operand<TFloat32> y) {",
        "    return Normal.meanLogStd(nn.dense(y, 2), nn.dense(y, 2));",
        "  }",
        "  @Encoder(\"y\") Categorical classify(Nn nn, Operand<TFloat32> x) { return Categorical.logits(nn.dense(x, 3), 3); }",
        "  @Encoder(\"z\") Normal encode(Nn nn, Operand<TFloat32> x, Operand<TFloat32> y) {",
        "    return Normal.meanLogStd(nn.dense(x, 2), nn.dense(y, 2));",
        "  }",
        "  @Generator(\"x\") Bernoulli decode(Nn nn, Operand<TFloat32> z) { return Bernoulli.logits(nn.dense(z, 4)); }",
        "}");
    Compilation c = compile(source);
    assertThat(c).succeededWithoutWarnings();
    assertThat(c).generatedSourceFile("test.MModel").contentsAsUtf8String()
        .contains("Categorical pY = model.classes(pass.network(\"classes\"));");
  }
}
