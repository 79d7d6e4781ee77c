package dev.helmholtz.energy;

import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.train.ThreadSettings;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A Bernoulli-Bernoulli RBM written as generated code writes one, {@code E(v, h) = -v . (h K + b) -
 * h . c} times {@code scale}, with exact answers computed here by enumeration from its parameters.
 */
final class TinyRbm extends EnergyModel {
  static final String KERNEL = "energy/dense_0/kernel";
  static final String VISIBLE_BIAS = "energy/dense_0/bias";
  static final String HIDDEN_BIAS = "energy/hidden_bias";

  final int visible;
  final int hidden;
  final float scale;

  TinyRbm(int visible, int hidden, int gibbsSteps, int persistentChains, float scale, long seed) {
    this(EnergySpec.builder("TinyRbm").contrastiveDivergence(gibbsSteps, persistentChains), visible, hidden, scale,
        seed);
  }

  /** Trained with the negative statistics at the last sweep's visible means ({@link EnergySpec#meanReconstruction()}). */
  static TinyRbm withMeanReconstruction(int visible, int hidden, int gibbsSteps, float scale, long seed) {
    return new TinyRbm(EnergySpec.builder("TinyRbm").contrastiveDivergence(gibbsSteps, 0).meanReconstruction(),
        visible, hidden, scale, seed);
  }

  private TinyRbm(EnergySpec.Builder spec, int visible, int hidden, float scale, long seed) {
    super(spec.observed("v", Units.BERNOULLI, visible).latent("h", Units.BERNOULLI, hidden).build(),
        Seed.of(seed), ThreadSettings.of(1, 1));
    this.visible = visible;
    this.hidden = hidden;
    this.scale = scale;
    build();
  }

  @Override
  protected Operand<TFloat32> defineEnergy(EnergyPass pass) {
    Ops tf = pass.tf();
    Nn nn = pass.network("energy");
    Operand<TFloat32> v = pass.node("v");
    Operand<TFloat32> h = pass.node("h");
    Operand<TFloat32> visibleField = nn.dense(h, visible);
    Operand<TFloat32> hiddenBias = nn.variable("hidden_bias", hidden);
    Operand<TFloat32> interaction = tf.math.add(
        tf.reduceSum(tf.math.mul(v, visibleField), tf.constant(1)),
        tf.reduceSum(tf.math.mul(h, hiddenBias), tf.constant(1)));
    return tf.math.mul(tf.constant(-scale), interaction);
  }

  /** The parameters, scaled: K [hidden][visible], b [visible], c [hidden]. */
  Exact exact() {
    float[] k = parameter(KERNEL);
    float[] b = parameter(VISIBLE_BIAS);
    float[] c = parameter(HIDDEN_BIAS);
    double[][] kk = new double[hidden][visible];
    for (int i = 0; i < hidden; i++) {
      for (int j = 0; j < visible; j++) {
        kk[i][j] = scale * k[i * visible + j];
      }
    }
    double[] bb = new double[visible];
    for (int j = 0; j < visible; j++) {
      bb[j] = scale * b[j];
    }
    double[] cc = new double[hidden];
    for (int i = 0; i < hidden; i++) {
      cc[i] = scale * c[i];
    }
    return new Exact(kk, bb, cc);
  }

  /** Exact quantities of the RBM with parameters K, b, c, by enumeration. */
  record Exact(double[][] k, double[] b, double[] c) {
    int visible() {
      return b.length;
    }

    int hidden() {
      return c.length;
    }

    double energy(double[] v, double[] h) {
      double e = 0;
      for (int j = 0; j < visible(); j++) {
        e -= b[j] * v[j];
      }
      for (int i = 0; i < hidden(); i++) {
        double field = c[i];
        for (int j = 0; j < visible(); j++) {
          field += k[i][j] * v[j];
        }
        e -= h[i] * field;
      }
      return e;
    }

    /** p(h_i = 1 | v). */
    double[] hiddenMeans(double[] v) {
      double[] p = new double[hidden()];
      for (int i = 0; i < hidden(); i++) {
        double field = c[i];
        for (int j = 0; j < visible(); j++) {
          field += k[i][j] * v[j];
        }
        p[i] = sigmoid(field);
      }
      return p;
    }

    /** p(v_j = 1 | h). */
    double[] visibleMeans(double[] h) {
      double[] p = new double[visible()];
      for (int j = 0; j < visible(); j++) {
        double field = b[j];
        for (int i = 0; i < hidden(); i++) {
          field += k[i][j] * h[i];
        }
        p[j] = sigmoid(field);
      }
      return p;
    }

    /** log Z by summing exp(-E) over every (v, h): the free energy's formula is not used. */
    double logPartitionByJointEnumeration() {
      int n = visible() + hidden();
      double[] terms = new double[1 << n];
      for (int s = 0; s < terms.length; s++) {
        terms[s] = -energy(bits(s, 0, visible()), bits(s, visible(), hidden()));
      }
      return logSumExp(terms);
    }

    /** log p(v) for every v, indexed by its bits, from the joint. */
    double[] logMarginals() {
      double logZ = logPartitionByJointEnumeration();
      double[] out = new double[1 << visible()];
      for (int s = 0; s < out.length; s++) {
        double[] v = bits(s, 0, visible());
        double[] terms = new double[1 << hidden()];
        for (int t = 0; t < terms.length; t++) {
          terms[t] = -energy(v, bits(t, 0, hidden()));
        }
        out[s] = logSumExp(terms) - logZ;
      }
      return out;
    }

    static double[] bits(int s, int from, int count) {
      double[] x = new double[count];
      for (int j = 0; j < count; j++) {
        x[j] = (s >> (from + j)) & 1;
      }
      return x;
    }

    static double sigmoid(double x) {
      return 1 / (1 + Math.exp(-x));
    }

    static double logSumExp(double[] x) {
      double max = Double.NEGATIVE_INFINITY;
      for (double v : x) {
        max = Math.max(max, v);
      }
      double sum = 0;
      for (double v : x) {
        sum += Math.exp(v - max);
      }
      return max + Math.log(sum);
    }
  }
}
