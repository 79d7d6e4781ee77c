package dev.helmholtz.variational;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.check.SelfCheckOptions;
import dev.helmholtz.check.SelfCheckPlan;
import dev.helmholtz.check.SelfCheckReport;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.Distribution;
import dev.helmholtz.dist.KlDivergence;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.dist.Reparameterization;
import dev.helmholtz.graph.GradientDispatch;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.Activation;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.train.ThreadSettings;
import java.util.List;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * A small VAE (2 Normal latents, 6 Bernoulli pixels, one tanh layer each way) written by hand as
 * the processor would generate it, with one planted mistake at a time for the self-check to catch.
 */
final class SelfCheckVae extends VariationalModel {
  /** What is wrong with the model. */
  enum Mistake {
    NONE,
    /**
     * The encoder's log-std layer reads its hidden layer through a stopGradient: the hidden
     * layer's variables still get the mean's gradient, so the optimizer builds, but not the scale's.
     */
    DETACHED_SCALE,
    /** The decoder's hidden layer goes through a custom gradient that doubles the true one. */
    WRONG_CUSTOM_GRADIENT,
    /** The posterior is a family whose KL against the Normal prior is registered for the reverse pair. */
    WRONG_PAIR_KL,
    /** The decoder returns one logit for all six pixels, broadcast over them. */
    BROADCAST_OUTPUT
  }

  static final int LATENT = 2;
  static final int OBSERVED = 6;
  /** The test-only name of the wrong custom gradient: dL/dx = 2 dL/dy for y = x. */
  static final String DOUBLING_GRADIENT = "self-check-test-doubling";
  private static final GradientDispatch.Gradient DOUBLING = (tf, inputs, outputs, grads) -> {
    @SuppressWarnings("unchecked")
    Operand<TFloat32> dy = (Operand<TFloat32>) grads.get(0);
    return List.of(tf.math.mul(dy, tf.constant(2f)));
  };

  static {
    GradientDispatch.define(DOUBLING_GRADIENT, DOUBLING);
    // Registered under (ReversedKlNormal, Normal) but computing KL(p || q): the formula of the other pair.
    KlDivergence.register(ReversedKlNormal.class, Normal.class,
        (q, p) -> KlDivergence.analytic(p, q.delegate));
  }

  private final Mistake mistake;

  SelfCheckVae(Seed seed, Mistake mistake) {
    this(seed, mistake, ThreadSettings.of(1, 1));
  }

  SelfCheckVae(Seed seed, Mistake mistake, ThreadSettings threads) {
    super(ModelSpec.builder("SelfCheckVae").objective(ObjectiveKind.ELBO, 1)
        .latent("z", LATENT).observed("x", OBSERVED).build(), seed, threads);
    this.mistake = mistake;
    build();
  }

  static SelfCheckPlan plan() {
    return SelfCheckPlan.builder().analyticKl("z").build();
  }

  SelfCheckReport check(Dataset data, SelfCheckOptions options) {
    return selfCheck(data, options, plan());
  }

  static Dataset data(int rows) {
    float[][] x = new float[rows][OBSERVED];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < OBSERVED; j++) {
        x[i][j] = ((i * 7 + j * 3) % 5) < 2 ? 1 : 0;
      }
    }
    return Dataset.of("x", x);
  }

  @Override
  protected void defineInference(InferencePass pass) {
    Operand<TFloat32> x = pass.observed("x");
    Distribution qZ = encode(pass.network("encode"), x);
    Operand<TFloat32> z = pass.draw("z", qZ);
    Normal pZ = Normal.standard(pass.tf(), pass.shape(z));
    pass.latentAnalyticKl("z", z, qZ, pZ);
    Bernoulli pX = pass.unfold(decode(pass.network("decode"), pass.fold(z)));
    pass.observe("x", x, pX);
  }

  @Override
  protected void defineGeneration(GenerativePass pass) {
    Operand<TFloat32> z = pass.draw("z", Normal.standard(pass.tf(), pass.shape("z")));
    pass.draw("x", decode(pass.network("decode"), z));
  }

  private Distribution encode(Nn nn, Operand<TFloat32> x) {
    Operand<TFloat32> h = nn.dense(x, 8, Activation.TANH);
    Operand<TFloat32> scaleInput = mistake == Mistake.DETACHED_SCALE ? nn.tf().stopGradient(h) : h;
    Normal q = Normal.meanLogStd(nn.dense(h, LATENT), nn.dense(scaleInput, LATENT));
    return mistake == Mistake.WRONG_PAIR_KL ? new ReversedKlNormal(q) : q;
  }

  private Bernoulli decode(Nn nn, Operand<TFloat32> z) {
    Ops tf = nn.tf();
    Operand<TFloat32> h = nn.dense(z, 8, Activation.TANH);
    if (mistake == Mistake.WRONG_CUSTOM_GRADIENT) {
      @SuppressWarnings("unchecked")
      Operand<TFloat32> routed = (Operand<TFloat32>) GradientDispatch.attach(tf, DOUBLING_GRADIENT,
          List.of(tf.identity(h)), List.of(h)).get(0);
      h = routed;
    }
    return Bernoulli.logits(nn.dense(h, mistake == Mistake.BROADCAST_OUTPUT ? 1 : OBSERVED));
  }

  /** A Normal in other clothes, so that its KL registration touches no other test's family. */
  static final class ReversedKlNormal extends Distribution {
    final Normal delegate;

    ReversedKlNormal(Normal delegate) {
      super(delegate.tf());
      this.delegate = delegate;
    }

    @Override
    public Operand<TFloat32> logProb(Operand<TFloat32> value) {
      return delegate.logProb(value);
    }

    @Override
    public Operand<TFloat32> sample(RandomSource rng) {
      return delegate.sample(rng);
    }

    @Override
    public Operand<TFloat32> rsample(RandomSource rng) {
      return delegate.rsample(rng);
    }

    @Override
    public Reparameterization reparameterization() {
      return delegate.reparameterization();
    }

    @Override
    public Operand<TFloat32> entropy() {
      return delegate.entropy();
    }

    @Override
    public Operand<TFloat32> mean() {
      return delegate.mean();
    }

    @Override
    public Operand<TInt64> shape() {
      return delegate.shape();
    }

    @Override
    public Distribution mapParameters(UnaryOperator<Operand<TFloat32>> f) {
      return new ReversedKlNormal((Normal) delegate.mapParameters(f));
    }
  }
}
