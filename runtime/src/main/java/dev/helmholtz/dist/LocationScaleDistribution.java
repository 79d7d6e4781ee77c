package dev.helmholtz.dist;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The elementwise families parameterized by a location and a positive scale (Laplace, Logistic,
 * Cauchy, and LogNormal, whose location and scale are its logarithm's): the two parameters and
 * their accessors, written once.
 */
abstract class LocationScaleDistribution extends ElementwiseDistribution {

  final Operand<TFloat32> loc;
  final Operand<TFloat32> scale;

  LocationScaleDistribution(Ops tf, Operand<TInt64> explicitShape, Operand<TFloat32> loc, Operand<TFloat32> scale) {
    super(tf, explicitShape, List.of(loc, scale));
    this.loc = loc;
    this.scale = scale;
  }

  /** The location parameter, as given. */
  public Operand<TFloat32> loc() {
    return loc;
  }

  /** The scale parameter (positive), as given or {@code exp(logScale)}. */
  public Operand<TFloat32> scale() {
    return scale;
  }
}
