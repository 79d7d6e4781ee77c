package dev.helmholtz.samples.bayes;

import dev.helmholtz.annotations.Generator;
import dev.helmholtz.annotations.Latent;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Observed;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;

/**
 * Probabilistic matrix factorization (Salakhutdinov &amp; Mnih 2008) as a model of global latents:
 * a {@value #USERS} x {@value #ITEMS} ratings matrix R ~ N(U V^T, noise^2) with user factors U
 * ({@value #USERS} x {@value #RANK}) and item factors V ({@value #ITEMS} x {@value #RANK}), each
 * entry N(0, 1) a priori. One example is one observed rating: its user and item as one-hot given
 * columns, and the rating.
 *
 * <p>The rating's generator picks its user's and item's factor rows out of U and V, which arrive
 * row-aligned with the data, one whole U and V per (posterior draw, rating): a gather written as a
 * one-hot mask summed over the users (items) axis, since a generator sees only the nodes' values,
 * {@code [n, ...]}, and the index columns are values like any other. The mask is a product and a
 * sum, both differentiable, where an integer gather would need the index cast out of the float
 * column first.
 */
@Model
public class MatrixFactorization {
  public static final int USERS = 40;
  public static final int ITEMS = 30;
  public static final int RANK = 2;

  @Latent(shape = USERS * RANK, global = true)
  Normal users;

  @Latent(shape = ITEMS * RANK, global = true)
  Normal items;

  @Observed(shape = USERS, given = true)
  Normal user;

  @Observed(shape = ITEMS, given = true)
  Normal item;

  @Observed(shape = 1)
  Normal rating;

  private final float noise;

  /** Rating noise sd 0.5. */
  public MatrixFactorization() {
    this(0.5);
  }

  public MatrixFactorization(double noise) {
    if (!(noise > 0 && Double.isFinite(noise))) {
      throw new IllegalArgumentException("noise must be finite and > 0, was " + noise);
    }
    this.noise = (float) noise;
  }

  /** p(rating | U, V, user, item) = N(u_user . v_item, noise^2); U, V, user, item a row per (draw, rating). */
  @Generator("rating")
  Normal likelihood(Nn nn, Operand<TFloat32> users, Operand<TFloat32> items, Operand<TFloat32> user,
      Operand<TFloat32> item) {
    Ops tf = nn.tf();
    Operand<TFloat32> u = row(tf, users, user, USERS);
    Operand<TFloat32> v = row(tf, items, item, ITEMS);
    return Normal.meanScale(tf.reduceSum(tf.math.mul(u, v), tf.constant(-1), ReduceSum.keepDims(true)),
        tf.constant(noise));
  }

  /** The row of {@code factors} ({@code [n, count * RANK]}) that {@code oneHot} ({@code [n, count]}) picks: {@code [n, RANK]}. */
  private static Operand<TFloat32> row(Ops tf, Operand<TFloat32> factors, Operand<TFloat32> oneHot, int count) {
    Operand<TFloat32> matrix = tf.reshape(factors, tf.constant(new long[] {-1, count, RANK}));
    return tf.reduceSum(tf.math.mul(matrix, tf.expandDims(oneHot, tf.constant(-1))), tf.constant(1));
  }
}
