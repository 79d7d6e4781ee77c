package dev.helmholtz.samples.mixture;

import static dev.helmholtz.nn.Activation.TANH;

import dev.helmholtz.annotations.Encoder;
import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Objective;
import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Bernoulli;
import dev.helmholtz.dist.MixtureSameFamily;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import java.util.Random;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A VAE whose prior is a learned mixture of Gaussians (as in VaDE, Jiang et al. 2017, and the
 * mixture prior of Tomczak &amp; Welling 2018's comparisons): p(z) = sum_k pi_k N(z; mu_k,
 * diag(sigma_k^2)) with the weights, means and scales learned, a network of no node; q(z | x) a
 * diagonal Normal (784-200-200-16, tanh) and p(x | z) Bernoulli (16-200-200-784). The latent
 * keeps the reparameterized gradient of its posterior; its KL against the mixture is the Monte
 * Carlo estimate log q(z) - log p(z).
 */
@Model(objective = @Objective(kind = ObjectiveKind.ELBO))
public class VaeMixturePrior {
  /** The latent's width. */
  public static final int LATENT = 16;
  /** The mixture's components. */
  public static final int COMPONENTS = 10;
  /** The learned prior's variables: {@code prior/<name>}. */
  public static final String LOGITS = "prior/logits";
  public static final String LOCS = "prior/locs";
  public static final String LOG_SCALES = "prior/logScales";

  /**
   * The standard deviation of the components' starting means. Close to the origin, where an
   * untrained encoder puts every posterior, so that each component takes a share of the data
   * from the start: components that start far from it get no responsibility, hence no gradient,
   * and their weights decay (a spread of 1 in 16 dimensions left half the components unused).
   */
  static final double INITIAL_SPREAD = 0.3;

  /**
   * Where the components' means start: N(0, INITIAL_SPREAD^2) draws of a fixed seed. Learned
   * variables start at zero, and components that start equal get equal gradients and never part.
   */
  static final float[][] INITIAL_LOCS = initialLocs();

  @Latent(shape = LATENT)
  Normal z;

  @Observed(shape = 784)
  Bernoulli x;

  @Encoder("z")
  Normal encode(Nn nn, Operand<TFloat32> x) {
    Operand<TFloat32> h = nn.dense(nn.dense(x, 200, TANH), 200, TANH);
    return Normal.meanLogStd(nn.dense(h, LATENT), nn.dense(h, LATENT));
  }

  @Generator("z")
  MixtureSameFamily<Normal> prior(Nn nn) {
    Ops tf = nn.tf();
    Operand<TFloat32> locs = tf.math.add(nn.variable("locs", COMPONENTS, LATENT), tf.constant(INITIAL_LOCS));
    return MixtureSameFamily.of(nn.variable("logits", COMPONENTS),
        Normal.meanLogStd(locs, nn.variable("logScales", COMPONENTS, LATENT)));
  }

  @Generator("x")
  Bernoulli decode(Nn nn, Operand<TFloat32> z) {
    Operand<TFloat32> h = nn.dense(nn.dense(z, 200, TANH), 200, TANH);
    return Bernoulli.logits(nn.dense(h, 784));
  }

  private static float[][] initialLocs() {
    Random random = new Random(20261206L);
    float[][] locs = new float[COMPONENTS][LATENT];
    for (float[] row : locs) {
      for (int j = 0; j < LATENT; j++) {
        row[j] = (float) (INITIAL_SPREAD * random.nextGaussian());
      }
    }
    return locs;
  }

  /** The component means as learned: the variable {@code prior/locs} plus their starting points. */
  public static float[][] componentMeans(float[] locsVariable) {
    float[][] means = new float[COMPONENTS][LATENT];
    for (int k = 0; k < COMPONENTS; k++) {
      for (int j = 0; j < LATENT; j++) {
        means[k][j] = locsVariable[k * LATENT + j] + INITIAL_LOCS[k][j];
      }
    }
    return means;
  }
}
