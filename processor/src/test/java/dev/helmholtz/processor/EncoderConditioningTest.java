package dev.helmholtz.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.helmholtz.processor.Compilations.compile;
import static dev.helmholtz.processor.Compilations.model;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * What an encoder may condition on. Any acyclic inference network is a valid variational family
 * q(z1, ..., zn | x), whatever the generative graph: an encoder may condition on observed nodes and
 * on latents downstream of its own in p (the bottom-up posteriors of ladder and hierarchical
 * models do). The one thing it may not do is condition on a latent that is itself inferred from
 * the encoder's latent, since then neither can be drawn first: that is an inference cycle.
 */
class EncoderConditioningTest {
  /** z -> w -> x generatively; the encoders as given. */
  private static JavaFileObject chain(String qz, String qw) {
    return model("M",
        "@Model",
        "class M {",
        "  @Latent(shape = 2) Normal z;",
        "  @Latent(shape = 3) Normal w;",
        "  @Observed(shape = 4) Bernoulli x;",
        "  @Encoder(\"z\") Normal qz(Nn nn, " + qz + ") { return null; }",
        "  @Encoder(\"w\")",
        "  Normal qw(Nn nn, " + qw + ") { return null; }",
        "  @Generator(\"w\") Normal pw(Nn nn, Operand<TFloat32> z) { return null; }",
        "  @Generator(\"x\") Bernoulli px(Nn nn, Operand<TFloat32> w) { return null; }",
        "}");
  }

  /** q(z | w) with w downstream of z in p, while w is inferred from z: rejected as a cycle. */
  @Test
  void onADescendantInferredFromItsOwnLatent() {
    JavaFileObject source = chain("Operand<TFloat32> w", "Operand<TFloat32> x, Operand<TFloat32> z");
    Compilation c = compile(source);
    assertThat(c).hadErrorContaining(
            "[HelmholtzInferenceCycle] the encoders form a cycle: z -> w -> z; each latent must be "
                + "inferable from observed nodes and latents inferred before it")
        .inFile(source).onLineContaining("@Encoder(\"w\")");
    assertThat(c).hadErrorCount(1);
  }

  /** q(w | x) q(z | w): conditioning on a generative descendant is a bottom-up posterior, and fine. */
  @Test
  void onADescendantInferredFromTheData() {
    assertThat(compile(chain("Operand<TFloat32> w", "Operand<TFloat32> x"))).succeededWithoutWarnings();
  }

  /** q(z | x) q(w | z, x): the top-down order, also fine. */
  @Test
  void onAnAncestor() {
    assertThat(compile(chain("Operand<TFloat32> x", "Operand<TFloat32> x, Operand<TFloat32> z")))
        .succeededWithoutWarnings();
  }
}
