package dev.helmholtz.objective;

import dev.helmholtz.dist.Distribution;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * InfoGAN's variational lower bound on the mutual information between a latent code c and the
 * generated example x = G(z, c) (Chen et al. 2016, eq. 4; the bound of Barber &amp; Agakov 2003):
 *
 * <pre>
 *   I(c; x) &gt;= L_I = E_{c ~ p(c), x ~ G(z, c)} [log Q(c | x)] + H(c),
 * </pre>
 *
 * with equality exactly when the auxiliary distribution Q(c | x) is the true posterior p(c | x);
 * the gap is {@code E_x KL(p(c | x) || Q(c | x))}. The generator and Q both maximize it (InfoGAN
 * subtracts {@code lambda L_I} from both players' losses); H(c) is a constant of the code's prior
 * (log K for a uniform categorical code of K classes) that keeps the bound's value comparable with
 * the mutual information but moves no gradient.
 */
public final class MutualInformationBound {
  private MutualInformationBound() {}

  /**
   * The bound from the codes {@code c} ({@code [n, event...]}, drawn from the prior and fed to the
   * generator) and Q's distribution given the generated examples ({@code q.logProb(c)} of shape
   * {@code [n]}): the mean of {@code log Q(c | x)} over the rows plus {@code codeEntropy}.
   */
  public static Operand<TFloat32> lowerBound(Ops tf, Distribution q, Operand<TFloat32> codes, double codeEntropy) {
    if (!Double.isFinite(codeEntropy)) {
      throw new IllegalArgumentException("the code's entropy must be finite, was " + codeEntropy);
    }
    Operand<TFloat32> logQ = q.logProb(codes);
    return tf.math.add(tf.math.mean(logQ, tf.constant(0)), tf.constant((float) codeEntropy));
  }

  /**
   * The bound with the code's entropy given per row ({@code [n]}, as the prior's {@code
   * entropy()} gives it): the mean of {@code log Q(c | x)} plus the mean entropy.
   */
  public static Operand<TFloat32> lowerBound(Ops tf, Distribution q, Operand<TFloat32> codes,
      Operand<TFloat32> codeEntropy) {
    Operand<TFloat32> logQ = q.logProb(codes);
    return tf.math.add(tf.math.mean(logQ, tf.constant(0)),
        tf.math.mean(tf.reshape(codeEntropy, tf.constant(new long[] {-1})), tf.constant(0)));
  }

  /** The entropy of a uniform categorical code of {@code classes} classes, {@code log classes}. */
  public static double uniformCategoricalEntropy(int classes) {
    if (classes < 1) {
      throw new IllegalArgumentException("a categorical code needs at least 1 class, was " + classes);
    }
    return Math.log(classes);
  }
}
