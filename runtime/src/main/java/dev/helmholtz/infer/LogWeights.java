package dev.helmholtz.infer;

import dev.helmholtz.dist.Distribution;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.graph.RandomSource;
import java.util.List;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Importance log weights log w = log p(x, z) - log q(z | x) for {@code k} draws z ~ q(z | x) of
 * each example of a batch x, built in the graph: what {@link ImportanceSampling} needs from a
 * model. {@link #of} assembles them from a proposal (an encoder, or the prior) and a joint
 * density.
 */
@FunctionalInterface
public interface LogWeights {
  /**
   * @param tf ops of the graph being built
   * @param random the seeded source every random op must use
   * @param x the examples, [B, width]
   * @param k the number of draws per example (a scalar fed at run time)
   * @return the log weights, [k, B]
   */
  Operand<TFloat32> logWeights(Ops tf, RandomSource random, Operand<TFloat32> x, Operand<TInt32> k);

  /** q(z | x) for a batch: a distribution whose draws are [B, dims]. */
  @FunctionalInterface
  interface Proposal {
    Distribution of(Ops tf, Operand<TFloat32> x);

    /** The standard normal N(0, I) over {@code dims} latents, whatever x: the prior as proposal. */
    static Proposal standardNormal(int dims) {
      if (dims < 1) {
        throw new IllegalArgumentException("dims must be at least 1, was " + dims);
      }
      return (tf, x) -> Normal.standard(tf, tf.concat(List.of(
          tf.slice(tf.shape(x, TInt64.class), tf.constant(new long[] {0}), tf.constant(new long[] {1})),
          tf.constant(new long[] {dims})), tf.constant(0)));
    }
  }

  /** log p(x, z) for n (example, latent) pairs: x [n, width], z [n, dims] to [n]. */
  @FunctionalInterface
  interface JointDensity {
    Operand<TFloat32> logProb(Ops tf, Operand<TFloat32> x, Operand<TFloat32> z);
  }

  /**
   * Log weights from {@code k} draws of the proposal per example; the joint sees the k x B pairs
   * folded into one batch axis, so a network in it sees [k B, width] as usual.
   */
  static LogWeights of(Proposal proposal, JointDensity joint) {
    Objects.requireNonNull(proposal, "proposal");
    Objects.requireNonNull(joint, "joint");
    return (tf, random, x, k) -> {
      Distribution q = proposal.of(tf, x);
      Operand<TInt64> one = q.shape();
      Operand<TInt64> kShape = tf.concat(List.of(
          tf.reshape(tf.dtypes.cast(k, TInt64.class), tf.constant(new long[] {1})), one), tf.constant(0));
      Distribution qk = q.mapParameters(p -> tf.broadcastTo(p, kShape));
      Operand<TFloat32> z = qk.sample(random); // [k, B, dims]
      Operand<TFloat32> logQ = qk.logProb(z); // [k, B]
      Operand<TInt64> xShape = tf.shape(x, TInt64.class);
      Operand<TInt64> kxShape = tf.concat(List.of(
          tf.reshape(tf.dtypes.cast(k, TInt64.class), tf.constant(new long[] {1})), xShape), tf.constant(0));
      Operand<TFloat32> xk = tf.broadcastTo(x, kxShape);
      Operand<TFloat32> xFolded = tf.reshape(xk, tf.constant(new long[] {-1, x.shape().get(1)}));
      Operand<TFloat32> zFolded = tf.reshape(z, tf.concat(List.of(tf.constant(new long[] {-1}),
          tf.slice(one, tf.constant(new long[] {1}), tf.constant(new long[] {1}))), tf.constant(0)));
      Operand<TFloat32> logP = tf.reshape(joint.logProb(tf, xFolded, zFolded), tf.shape(logQ, TInt64.class));
      return tf.math.sub(logP, logQ);
    };
  }
}
