package dev.helmholtz.model;

import dev.helmholtz.graph.RandomSource;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.SwitchCond;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * One observed column held in the graph: uploaded once ({@link #upload()} fed to {@link
 * #assign()}), then each step's rows are gathered by index and, when {@link #binarize()} is fed
 * true, binarized in the graph, so no batch is copied from Java.
 *
 * <p>Binarization: element j of a row becomes {@code 1} when {@code u_j < x_j}. Drawing a fresh
 * {@code u_j} per element with TensorFlow's RandomUniform costs about 5.6 ns an element on this
 * project's 2-core machine, which made the resident path slower than copying and binarizing the
 * batch in Java. Instead, the upload also fills a pool of uniforms ({@link #poolRows} rows of the
 * column's width), and a row of the batch takes {@code u = frac(pool[r] + s)} for a random pool
 * row {@code r} and a random shift {@code s}, two draws per row. Each {@code u_j} is uniform
 * whatever the pool holds (adding an independent uniform shift modulo 1 makes it so), so
 * {@code P(1) = x_j} up to float rounding (2^-22); the elements of one row are independent up to
 * the pool's finite sample, a pairwise correlation of order {@code 1 / sqrt(pool rows)}, under
 * 0.01 for MNIST's width.
 *
 * @param batch the current batch's rows, {@code [indices, width]}
 */
record ResidentColumn(Placeholder<TFloat32> upload, Op assign, Placeholder<TBool> binarize,
    Operand<TFloat32> batch) {

  /** Floats in a column's pool of uniforms, about 32 MiB: 10,699 rows of MNIST's 784. */
  static final int POOL_ELEMENTS = 1 << 23;

  /** Rows of the pool for a column of this width: at least 1,024. */
  static int poolRows(int width) {
    return Math.max(1024, POOL_ELEMENTS / width);
  }

  static ResidentColumn build(Ops tf, RandomSource random, Operand<TInt32> indices, int width) {
    Shape shape = Shape.of(Shape.UNKNOWN_SIZE, width);
    // Resource variables: the data's row count is set by the upload (a VariableV2 needs its full
    // shape up front), and Session.save, which writes only VariableV2 ops, leaves them out of
    // checkpoints. Neither takes memory before the first upload. Each needs its own shared name:
    // TensorFlow gives every VarHandleOp with an empty one the same variable, so the columns of a
    // model with two observed nodes would overwrite each other. The upload placeholder's op name
    // is unique in the graph.
    Placeholder<TFloat32> upload = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
    String unique = upload.op().name();
    VarHandleOp data = tf.varHandleOp(TFloat32.class, shape, VarHandleOp.sharedName(unique + "/data"));
    int poolRows = poolRows(width);
    VarHandleOp pool = tf.varHandleOp(TFloat32.class, Shape.of(poolRows, width),
        VarHandleOp.sharedName(unique + "/uniforms"));
    Op assign = tf.withControlDependencies(List.of(
            tf.assignVariableOp(data, upload),
            tf.assignVariableOp(pool, random.uniform(tf.constant(new long[] {poolRows, width})))))
        .noOp();
    Operand<TFloat32> rows = tf.gather(tf.readVariableOp(data, TFloat32.class), indices, tf.constant(0));
    Placeholder<TBool> binarize = tf.placeholder(TBool.class, Placeholder.shape(Shape.scalar()));
    // Switch sends the rows down one branch; the other is dead and its ops do not run. A Select
    // would run both: the draws even for a column that is not binarized, and a copy.
    SwitchCond<TFloat32> route = tf.switchCond(rows, binarize);
    Operand<TFloat32> toDraw = route.outputTrue();
    Operand<TInt64> count = tf.slice(tf.shape(toDraw, TInt64.class), tf.constant(new long[] {0}),
        tf.constant(new long[] {1}));
    // floor(u * rows), kept below rows where u * rows rounds up to it.
    Operand<TInt32> poolRow = tf.math.minimum(
        tf.dtypes.cast(tf.math.floor(tf.math.mul(random.uniform(count), tf.constant((float) poolRows))), TInt32.class),
        tf.constant(poolRows - 1));
    Operand<TFloat32> shift = random.uniform(tf.concat(List.of(count, tf.constant(new long[] {1})), tf.constant(0)));
    Operand<TFloat32> shifted = tf.math.add(
        tf.gather(tf.readVariableOp(pool, TFloat32.class), poolRow, tf.constant(0)), shift);
    Operand<TFloat32> u = tf.math.sub(shifted, tf.math.floor(shifted)); // in [0, 1)
    Operand<TFloat32> draw = tf.dtypes.cast(tf.math.less(u, toDraw), TFloat32.class);
    Operand<TFloat32> batch = tf.merge(List.of(route.outputFalse(), draw)).output();
    return new ResidentColumn(upload, assign, binarize, batch);
  }
}
