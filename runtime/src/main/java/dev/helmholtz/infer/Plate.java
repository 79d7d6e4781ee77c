package dev.helmholtz.infer;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The scaling of a conditionally independent plate of N examples seen through minibatches of B
 * (Pyro's {@code plate(size, subsample_size)}): the sum of a minibatch's per-example terms times
 * N / B is an unbiased estimate of the sum over all N, when each minibatch is drawn uniformly.
 * Terms outside the plate (a global latent's log prior minus log q, Blundell et al. 2015's
 * complexity cost) enter the full-data objective once; in a minibatch objective written per
 * example, each of the B examples carries their share 1 / N (so the batch carries B / N, and the
 * minibatch objective times N / B is again the full-data one).
 */
public final class Plate {
  private Plate() {}

  /**
   * N / B: what multiplies a minibatch's sum of per-example terms to estimate the full data's.
   *
   * @throws IllegalArgumentException when {@code batch} is not in 1..size
   */
  public static double scale(long size, long batch) {
    if (batch < 1 || batch > size) {
      throw new IllegalArgumentException("a minibatch of a plate of " + size + " examples has 1 to " + size
          + " of them, not " + batch);
    }
    return (double) size / batch;
  }

  /**
   * B / N: the weight of a term outside the plate in a minibatch's objective written as a sum over
   * its B examples (Blundell et al.'s minibatch weighting pi_i = 1 / M, with M = N / B minibatches).
   *
   * @throws IllegalArgumentException when {@code batch} is not in 1..size
   */
  public static double globalWeight(long size, long batch) {
    return 1 / scale(size, batch);
  }

  /**
   * A term outside the plate (a scalar: a global latent's log p - log q) as each example's share of
   * it, {@code term / size}: added to every example's objective, a minibatch of B examples carries
   * B / N of it, whatever B is, and the whole data set carries it once.
   */
  public static Operand<TFloat32> perExampleShare(Ops tf, Operand<TFloat32> term, Operand<TFloat32> size) {
    return tf.math.div(term, size);
  }
}
