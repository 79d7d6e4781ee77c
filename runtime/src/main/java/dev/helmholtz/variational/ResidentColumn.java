package dev.helmholtz.variational;

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

/**
 * One observed column held in the graph: uploaded once ({@link #upload()} fed to {@link
 * #assign()}), then each step's rows are gathered by index ({@link #rows}) and, when {@link
 * #binarize()} is fed true, binarized in the graph (a fresh Bernoulli draw per element, from 16
 * fresh random bits: {@link RandomSource#bernoulli16}), so no batch is copied from Java.
 */
final class ResidentColumn {
  private final Placeholder<TFloat32> upload;
  private final Op assign;
  private final Placeholder<TBool> binarize;
  private final VarHandleOp data;

  private ResidentColumn(Placeholder<TFloat32> upload, Op assign, Placeholder<TBool> binarize, VarHandleOp data) {
    this.upload = upload;
    this.assign = assign;
    this.binarize = binarize;
    this.data = data;
  }

  static ResidentColumn build(Ops tf, int width) {
    Shape shape = Shape.of(Shape.UNKNOWN_SIZE, width);
    // A resource variable: its row count is set by the upload (a VariableV2 needs its full shape
    // up front), and Session.save, which writes only VariableV2 ops, leaves data out of checkpoints.
    // It needs its own shared name: TensorFlow gives every VarHandleOp with an empty one the same
    // variable, so the columns of a model with two observed nodes overwrote each other. The upload
    // placeholder's op name is unique in the graph.
    Placeholder<TFloat32> upload = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
    VarHandleOp data = tf.varHandleOp(TFloat32.class, shape, VarHandleOp.sharedName(upload.op().name() + "/data"));
    Op assign = tf.assignVariableOp(data, upload);
    Placeholder<TBool> binarize = tf.placeholder(TBool.class, Placeholder.shape(Shape.scalar()));
    return new ResidentColumn(upload, assign, binarize, data);
  }

  /** Fed the whole column, {@code [rows, width]}, with {@link #assign()} as target. */
  Placeholder<TFloat32> upload() {
    return upload;
  }

  Op assign() {
    return assign;
  }

  /** Fed true for a step that binarizes this column, false for one that takes its values as they are. */
  Placeholder<TBool> binarize() {
    return binarize;
  }

  /**
   * The uploaded rows at {@code indices}, {@code [indices, width]}, binarized when {@link
   * #binarize()} is fed true; each call draws its own bits (one per training tower).
   */
  Operand<TFloat32> rows(Ops tf, RandomSource random, Operand<TInt32> indices) {
    Operand<TFloat32> rows = tf.gather(tf.readVariableOp(data, TFloat32.class), indices, tf.constant(0));
    // Switch sends the rows down one branch; the other is dead and its ops do not run. A Select
    // would run both: a uniform draw per element (about 0.5 ms a step for 128 x 784 on this
    // project's 2-core machine) even for a column that is not binarized, and a copy.
    SwitchCond<TFloat32> route = tf.switchCond(rows, binarize);
    // 16 random bits per element instead of a 32-bit float uniform: the draw was the step's
    // largest op after the MatMuls, and Philox's cost is per bit drawn.
    Operand<TFloat32> draw = random.bernoulli16(route.outputTrue());
    return tf.merge(List.of(route.outputFalse(), draw)).output();
  }
}
