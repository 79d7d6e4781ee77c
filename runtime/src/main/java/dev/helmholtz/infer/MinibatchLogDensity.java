package dev.helmholtz.infer;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A log posterior log p(theta) + sum_{n=1}^{N} log p(x_n | theta) whose likelihood can be
 * evaluated on a minibatch of the N examples: what stochastic variational inference ({@link
 * MeanFieldVariationalInference#builder(MinibatchLogDensity, int)}) and stochastic-gradient MCMC
 * ({@link StochasticGradientMcmc}) need. The data stay constants of the graph; a minibatch is
 * chosen by feeding example indices, and the examples are gathered in the graph.
 *
 * <p>{@link #scaledLogProb} is the estimate log p(theta) + (N / B) sum_{n in batch} log p(x_n |
 * theta), as a plate scales its subsample (Pyro's {@code plate(subsample_size=B)}): for a batch
 * whose every slot is uniform over the examples it is an unbiased estimate of the full log
 * posterior, and so is its gradient. The prior is not scaled.
 *
 * <p>The same rules as {@link LogDensity}: rows of theta do not interact, only ops with
 * gradients, no random ops, callable several times on one graph.
 */
public interface MinibatchLogDensity {
  /** N, the number of examples in the data set. */
  int size();

  /**
   * The log prior of each row of theta and each row's log likelihood of its own minibatch.
   *
   * @param theta points, [n, dims]
   * @param indices example indices in [0, N), [n, B] with a static B: row r's minibatch is
   *     {@code indices[r]}
   * @return the log prior, [n], and the sum of the log likelihoods over each row's batch, [n]
   *     (not yet scaled)
   */
  Terms logTerms(Ops tf, Operand<TFloat32> theta, Operand<TInt32> indices);

  /** A log prior and an unscaled minibatch log likelihood, both [n]. */
  record Terms(Operand<TFloat32> logPrior, Operand<TFloat32> logLikelihood) {}

  /**
   * log p(theta) + (N / B) sum_{n in batch} log p(x_n | theta), [n]: the plate-scaled estimate
   * of the log posterior from each row's batch.
   *
   * @param indices [n, B], B static
   */
  default Operand<TFloat32> scaledLogProb(Ops tf, Operand<TFloat32> theta, Operand<TInt32> indices) {
    long batch = indices.shape().numDimensions() == 2 ? indices.shape().get(1) : -1;
    if (batch < 1) {
      throw new IllegalArgumentException("minibatch indices must be [rows, B] with a static B, were "
          + indices.shape());
    }
    Terms terms = logTerms(tf, theta, indices);
    return tf.math.add(terms.logPrior(),
        tf.math.mul(tf.constant((float) ((double) size() / batch)), terms.logLikelihood()));
  }

  /** This density on a fixed minibatch, [n, B] per row of theta, as a {@link LogDensity}. */
  default LogDensity onBatch(Operand<TInt32> indices) {
    return (tf, theta) -> scaledLogProb(tf, theta, indices);
  }
}
