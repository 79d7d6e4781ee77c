package dev.helmholtz.dist.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Bijectors composed in order, the first applied first: log|det| of the composition is the sum of
 * each one's at the value it receives. Invertible when every part is.
 */
final class Chain extends Bijector {
  private final List<Bijector> parts;

  Chain(List<Bijector> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("a chain needs at least one bijector");
    }
    parts.forEach(b -> Objects.requireNonNull(b, "bijector"));
    this.parts = parts;
  }

  @Override
  public String name() {
    return "Chain" + parts.stream().map(Bijector::name).toList();
  }

  @Override
  public Transformed forwardWithLogDet(Operand<TFloat32> x) {
    Ops tf = opsOf(x);
    Operand<TFloat32> value = x;
    Operand<TFloat32> logDet = null;
    for (Bijector b : parts) {
      Transformed t = b.forwardWithLogDet(value);
      value = t.value();
      logDet = logDet == null ? t.logDetJacobian() : tf.math.add(logDet, t.logDetJacobian());
    }
    return new Transformed(value, logDet);
  }

  @Override
  public boolean hasInverse() {
    return parts.stream().allMatch(Bijector::hasInverse);
  }

  @Override
  public Transformed inverseWithLogDet(Operand<TFloat32> y) {
    for (Bijector b : parts) {
      if (!b.hasInverse()) {
        throw b.noInverse();
      }
    }
    Ops tf = opsOf(y);
    Operand<TFloat32> value = y;
    Operand<TFloat32> logDet = null;
    for (int i = parts.size() - 1; i >= 0; i--) {
      Transformed t = parts.get(i).inverseWithLogDet(value);
      value = t.value();
      logDet = logDet == null ? t.logDetJacobian() : tf.math.add(logDet, t.logDetJacobian());
    }
    return new Transformed(value, logDet);
  }

  @Override
  public Bijector mapConditioning(UnaryOperator<Operand<TFloat32>> f) {
    List<Bijector> mapped = new ArrayList<>(parts.size());
    boolean changed = false;
    for (Bijector b : parts) {
      Bijector m = b.mapConditioning(f);
      changed |= m != b;
      mapped.add(m);
    }
    return changed ? new Chain(mapped) : this;
  }
}
