package dev.helmholtz.energy;

import dev.helmholtz.data.Dataset;
import java.util.Random;

/**
 * One directed layer of a deep belief net whose recognition and generative weights have been
 * untied for the up-down algorithm: {@code p(below = 1 | above) = sigmoid(above G + b)} (the
 * generative model) and {@code q(above = 1 | below) = sigmoid(below R + c)} (the recognition
 * model), with G {@code [above][below]} and R {@code [below][above]}, row-major. Before the untying
 * both are the layer's RBM's (G = R'), read off its conditionals' logits.
 */
public final class DirectedLayer {
  private final int below;
  private final int above;
  private final float[] generative;
  private final float[] generativeBias;
  private final float[] recognition;
  private final float[] recognitionBias;

  DirectedLayer(int below, int above, float[] generative, float[] generativeBias, float[] recognition,
      float[] recognitionBias) {
    this.below = below;
    this.above = above;
    this.generative = generative;
    this.generativeBias = generativeBias;
    this.recognition = recognition;
    this.recognitionBias = recognitionBias;
  }

  /**
   * The layer of an RBM {@code rbm} (one Bernoulli observed node below, one latent node above),
   * its weights read off the logits of its two conditionals at zero and at each unit vector (exact
   * for an energy bilinear in the two nodes, as an RBM's is).
   */
  static DirectedLayer of(EnergyModel rbm) {
    EnergySpec.Node observed = rbm.spec().observed().get(0);
    EnergySpec.Node latent = rbm.spec().latents().get(0);
    if (observed.units() != Units.BERNOULLI) {
      throw new IllegalArgumentException(rbm.spec().modelName() + "'s observed node '" + observed.name() + "' has "
          + observed.units() + " units; the up-down algorithm here unties Bernoulli layers only");
    }
    int below = observed.width();
    int above = latent.width();
    float[][] down = rbm.observedLogits(Dataset.of(latent.name(), probes(above)))
        .get(observed.name());
    float[][] up = rbm.latentLogits(Dataset.of(observed.name(), probes(below))).get(latent.name());
    float[] g = new float[above * below];
    for (int j = 0; j < above; j++) {
      for (int i = 0; i < below; i++) {
        g[j * below + i] = down[j + 1][i] - down[0][i];
      }
    }
    float[] r = new float[below * above];
    for (int i = 0; i < below; i++) {
      for (int j = 0; j < above; j++) {
        r[i * above + j] = up[i + 1][j] - up[0][j];
      }
    }
    return new DirectedLayer(below, above, g, down[0].clone(), r, up[0].clone());
  }

  /** Zeros, then each unit vector: {@code width + 1} rows. */
  private static float[][] probes(int width) {
    float[][] rows = new float[width + 1][width];
    for (int j = 0; j < width; j++) {
      rows[j + 1][j] = 1f;
    }
    return rows;
  }

  /** Units below (the layer's input). */
  public int below() {
    return below;
  }

  /** Units above. */
  public int above() {
    return above;
  }

  /** A copy of G, {@code [above][below]} row-major. */
  public float[] generativeWeights() {
    return generative.clone();
  }

  /** A copy of b, {@code [below]}. */
  public float[] generativeBias() {
    return generativeBias.clone();
  }

  /** A copy of R, {@code [below][above]} row-major. */
  public float[] recognitionWeights() {
    return recognition.clone();
  }

  /** A copy of c, {@code [above]}. */
  public float[] recognitionBias() {
    return recognitionBias.clone();
  }

  /** {@code q(above = 1 | below)} of each row. */
  public float[][] recognize(float[][] rows) {
    return sigmoid(affine(rows, recognition, recognitionBias, below, above));
  }

  /** {@code p(below = 1 | above)} of each row. */
  public float[][] generate(float[][] rows) {
    return sigmoid(affine(rows, generative, generativeBias, above, below));
  }

  /** {@code log p(below | above)} of each pair of rows. */
  double[] generativeLogProbability(float[][] belowRows, float[][] aboveRows) {
    float[][] logits = affine(aboveRows, generative, generativeBias, above, below);
    double[] out = new double[belowRows.length];
    for (int n = 0; n < out.length; n++) {
      double sum = 0;
      for (int i = 0; i < below; i++) {
        double x = logits[n][i];
        sum += belowRows[n][i] * x - softplus(x);
      }
      out[n] = sum;
    }
    return out;
  }

  /**
   * The wake phase's delta rule on the generative weights (Hinton, Osindero and Teh 2006): {@code G
   * += rate * mean_n above_n' (below_n - p(below | above_n))}, {@code b += rate * mean_n (below_n -
   * p(below | above_n))}, the states drawn bottom-up by the recognition model.
   */
  void wake(float[][] belowStates, float[][] aboveStates, double rate) {
    deltaRule(aboveStates, belowStates, generate(aboveStates), generative, generativeBias, above, below, rate);
  }

  /**
   * The sleep phase's delta rule on the recognition weights: {@code R += rate * mean_n below_n'
   * (above_n - q(above | below_n))}, {@code c} likewise, the states drawn top-down by the generative
   * model.
   */
  void sleep(float[][] belowStates, float[][] aboveStates, double rate) {
    deltaRule(belowStates, aboveStates, recognize(belowStates), recognition, recognitionBias, below, above, rate);
  }

  private static void deltaRule(float[][] inputs, float[][] targets, float[][] predictions, float[] weights,
      float[] bias, int in, int out, double rate) {
    int n = inputs.length;
    double scale = rate / n;
    float[][] error = new float[n][out];
    for (int r = 0; r < n; r++) {
      for (int o = 0; o < out; o++) {
        error[r][o] = targets[r][o] - predictions[r][o];
      }
    }
    for (int r = 0; r < n; r++) {
      float[] x = inputs[r];
      float[] e = error[r];
      for (int i = 0; i < in; i++) {
        float xi = x[i];
        if (xi == 0f) {
          continue;
        }
        float step = (float) (scale * xi);
        int offset = i * out;
        for (int o = 0; o < out; o++) {
          weights[offset + o] += step * e[o];
        }
      }
      for (int o = 0; o < out; o++) {
        bias[o] += (float) (scale * e[o]);
      }
    }
  }

  private static float[][] affine(float[][] rows, float[] weights, float[] bias, int in, int out) {
    float[][] result = new float[rows.length][];
    for (int r = 0; r < rows.length; r++) {
      float[] acc = bias.clone();
      float[] x = rows[r];
      for (int i = 0; i < in; i++) {
        float xi = x[i];
        if (xi == 0f) {
          continue;
        }
        int offset = i * out;
        for (int o = 0; o < out; o++) {
          acc[o] += xi * weights[offset + o];
        }
      }
      result[r] = acc;
    }
    return result;
  }

  private static float[][] sigmoid(float[][] logits) {
    for (float[] row : logits) {
      for (int i = 0; i < row.length; i++) {
        row[i] = (float) (1 / (1 + Math.exp(-row[i])));
      }
    }
    return logits;
  }

  private static double softplus(double x) {
    return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  }

  static float[][] bernoulli(float[][] means, Random random) {
    float[][] out = new float[means.length][];
    for (int i = 0; i < means.length; i++) {
      out[i] = new float[means[i].length];
      for (int j = 0; j < means[i].length; j++) {
        out[i][j] = random.nextFloat() < means[i][j] ? 1f : 0f;
      }
    }
    return out;
  }

  /** The state written into an up-down checkpoint: G, b, R, c in that order. */
  float[][] state() {
    return new float[][] {generative, generativeBias, recognition, recognitionBias};
  }

  /** Sets G, b, R, c from {@link #state()}'s layout. */
  void restore(float[][] state) {
    float[][] mine = state();
    for (int k = 0; k < mine.length; k++) {
      if (state[k].length != mine[k].length) {
        throw new IllegalArgumentException("a directed layer of " + below + "-" + above + " units holds " + mine[k].length
            + " values in part " + k + "; the checkpoint has " + state[k].length);
      }
    }
    for (int k = 0; k < mine.length; k++) {
      System.arraycopy(state[k], 0, mine[k], 0, mine[k].length);
    }
  }
}
