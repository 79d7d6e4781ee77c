package dev.helmholtz.core;

import dev.helmholtz.dist.Distribution;
import java.util.List;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * A node's event of any rank, such as an image {@code [28, 28, 1]} (channels last), as the
 * passes handle it: networks see and return {@code [n, event...]}, while the passes keep every
 * value and every distribution's parameters flat, {@code [..., width]} with width the product of
 * the event's sizes, row-major. So every family's {@code logProb}, entropy and KL, which reduce
 * over the last axis, reduce over all the event's axes, and the objectives, the data paths and
 * the fetched rows work as they do for vector events. A vector event ({@code [width]}) is left
 * exactly as it is: no op is added.
 *
 * <p>Flattening is a reshape, which keeps row-major order: a channels-last image's row holds its
 * pixels row by row, each pixel's channels together. Families whose last axis is not elementwise
 * (a Multinomial's categories) cannot be flattened this way; the processor rejects them on an
 * event of rank above 1, and a Categorical's class groups are whole only when its classes divide
 * the event's last size.
 */
public final class EventAxes {
  private EventAxes() {}

  /** Whether {@code event} is a vector, {@code [width]}: nothing to flatten. */
  public static boolean isVector(List<Integer> event) {
    return event.size() == 1;
  }

  /** The number of scalars in one event: the product of its sizes. */
  public static int width(List<Integer> event) {
    int width = 1;
    for (int size : event) {
      width = Math.multiplyExact(width, size);
    }
    return width;
  }

  /** {@code [..., width]} to {@code [..., event...]}; a vector event's value as it is. */
  public static Operand<TFloat32> unflatten(Ops tf, Operand<TFloat32> value, List<Integer> event) {
    if (isVector(event)) {
      return value;
    }
    int rank = requireRank(value, "value");
    return tf.reshape(value, leadingAnd(tf, value, rank - 1, event.stream().mapToLong(Integer::longValue).toArray(), true));
  }

  /**
   * {@code [..., event...]} to {@code [..., width]}; a vector event's value as it is.
   *
   * @throws IllegalArgumentException when the value's static trailing sizes are not the event's
   */
  public static Operand<TFloat32> flatten(Ops tf, Operand<TFloat32> value, List<Integer> event, String what) {
    if (isVector(event)) {
      return value;
    }
    int rank = requireRank(value, what);
    Shape shape = value.shape();
    boolean matches = rank >= event.size();
    for (int i = 0; matches && i < event.size(); i++) {
      long size = shape.get(rank - event.size() + i);
      matches = size == Shape.UNKNOWN_SIZE || size == event.get(i);
    }
    if (!matches) {
      throw new IllegalArgumentException(what + " has shape " + shape + ", but its event shape is " + event
          + "; give it shape [..., " + join(event) + "]");
    }
    return tf.reshape(value, leadingAnd(tf, value, rank - event.size(), new long[] {width(event)}, true));
  }

  /**
   * {@code distribution} with every parameter flattened to {@code [..., width]}: a parameter
   * {@code [lead..., s...]} whose trailing sizes broadcast to the event (each 1 or the event's) is
   * broadcast to {@code [lead..., event...]} and reshaped; a parameter of lower rank than the event
   * covers trailing event axes only and gets no batch axes; a scalar stays a scalar. A vector
   * event's distribution is returned as it is.
   *
   * @param where names what returned the distribution in messages, such as "the distribution
   *     of node 'x' in Vae"
   * @throws IllegalArgumentException naming {@code where}, the op that computed the parameter (its
   *     name carries the network's scope and layer) and both shapes, when a parameter's static
   *     sizes cannot broadcast to the event or its rank is unknown
   */
  @SuppressWarnings("unchecked")
  public static <D extends Distribution> D flatten(Ops tf, D distribution, List<Integer> event, String where) {
    Objects.requireNonNull(distribution, "distribution");
    if (isVector(event)) {
      return distribution;
    }
    return (D) distribution.mapParameters(p -> flattenParameter(tf, p, event, where));
  }

  private static Operand<TFloat32> flattenParameter(Ops tf, Operand<TFloat32> p, List<Integer> event, String where) {
    Shape shape = p.shape();
    if (shape.isUnknown()) {
      throw new IllegalArgumentException(where + ": a parameter computed by op '" + p.op().name()
          + "' has no known rank, so it cannot be matched with the event shape " + event);
    }
    int rank = shape.numDimensions();
    if (rank == 0) {
      return p;
    }
    int axes = Math.min(rank, event.size());
    boolean same = rank >= event.size();
    for (int i = 0; i < axes; i++) {
      long size = shape.get(rank - axes + i);
      int wanted = event.get(event.size() - axes + i);
      if (size != 1 && size != wanted && size != Shape.UNKNOWN_SIZE) {
        throw new IllegalArgumentException(where + ": a parameter computed by op '" + p.op().name()
            + "' has shape " + shape + ", which does not match the event shape " + event
            + "; a network returns parameters of shape [n, " + join(event) + "] (or sizes of 1 that broadcast)");
      }
      same &= size == wanted;
    }
    int lead = Math.max(0, rank - event.size());
    long[] eventSizes = event.stream().mapToLong(Integer::longValue).toArray();
    Operand<TFloat32> full = same ? p : tf.broadcastTo(p, tf.dtypes.cast(leadingAnd(tf, p, lead, eventSizes, false), TInt32.class));
    return tf.reshape(full, leadingAnd(tf, p, lead, new long[] {width(event)}, true));
  }

  /**
   * The shape {@code [x's first lead sizes..., tail...]} as an int64 vector: a constant where the
   * leading sizes are static (or, for a reshape, {@code inferOne}, a single one written -1), else built from {@code x}'s runtime shape by a
   * strided slice, which TensorFlow's shape inference follows, so the static sizes stay known.
   */
  private static Operand<TInt64> leadingAnd(Ops tf, Operand<TFloat32> x, int lead, long[] tail, boolean inferOne) {
    Shape shape = x.shape();
    long[] dims = new long[lead + tail.length];
    boolean known = true;
    for (int i = 0; i < lead; i++) {
      dims[i] = shape.get(i);
      known &= dims[i] != Shape.UNKNOWN_SIZE;
    }
    System.arraycopy(tail, 0, dims, lead, tail.length);
    if (known || (lead == 1 && inferOne)) {
      if (lead == 1 && inferOne) {
        dims[0] = -1;
      }
      return tf.constant(dims);
    }
    Operand<TInt64> leading = tf.stridedSlice(tf.shape(x, TInt64.class),
        tf.constant(new long[] {0}), tf.constant(new long[] {lead}), tf.constant(new long[] {1}));
    return tf.concat(List.of(leading, tf.constant(tail)), tf.constant(0));
  }

  private static int requireRank(Operand<TFloat32> value, String what) {
    if (value.shape().isUnknown()) {
      throw new IllegalArgumentException(what + " has no known rank");
    }
    return value.shape().numDimensions();
  }

  private static String join(List<Integer> event) {
    return String.join(", ", event.stream().map(String::valueOf).toList());
  }
}
