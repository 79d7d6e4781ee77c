package dev.helmholtz.model;

import dev.helmholtz.graph.RandomSource;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * One observed column held in the graph: uploaded once ({@link #upload()} fed to {@link
 * #assign()}), then each step's rows are gathered by index and, when {@link #binarize()} is fed
 * true, binarized in the graph (a fresh Bernoulli draw per element), so no batch is copied from
 * Java.
 *
 * @param batch the current batch's rows, {@code [indices, width]}
 */
record ResidentColumn(Placeholder<TFloat32> upload, Op assign, Placeholder<TBool> binarize,
    Operand<TFloat32> batch) {

  static ResidentColumn build(Ops tf, RandomSource random, Operand<TInt32> indices, String node, int width) {
    Shape shape = Shape.of(Shape.UNKNOWN_SIZE, width);
    // A resource variable: its row count is set by the upload (a VariableV2 needs its full shape
    // up front), and Session.save, which writes only VariableV2 ops, leaves data out of checkpoints.
    // Each column its own resource: VarHandleOps without a shared name share one resource, so
    // a second observed column would read the first one's data.
    VarHandleOp data = tf.varHandleOp(TFloat32.class, shape, VarHandleOp.sharedName("helmholtz/resident/" + node));
    Placeholder<TFloat32> upload = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
    Op assign = tf.assignVariableOp(data, upload);
    Operand<TFloat32> rows = tf.gather(tf.readVariableOp(data, TFloat32.class), indices, tf.constant(0));
    Placeholder<TBool> binarize = tf.placeholder(TBool.class, Placeholder.shape(Shape.scalar()));
    Operand<TFloat32> draw = tf.dtypes.cast(
        tf.math.less(random.uniform(tf.shape(rows, TInt64.class)), rows), TFloat32.class);
    return new ResidentColumn(upload, assign, binarize, tf.select(binarize, draw, rows));
  }
}
