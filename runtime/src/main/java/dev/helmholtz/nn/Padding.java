package dev.helmholtz.nn;

/**
 * How a convolution or pooling layer treats the border, as TensorFlow does. With stride {@code s},
 * kernel {@code k} and dilation {@code d}, an input side of {@code in} gives {@code ceil(in / s)}
 * under {@code SAME} (zero padding, split evenly, the extra one at the end) and {@code ceil((in -
 * (k - 1) d) / s)} under {@code VALID} (no padding).
 */
public enum Padding {
  /** Zero-pad so that the output side is {@code ceil(in / stride)}. */
  SAME,
  /** No padding: only windows entirely inside the input. */
  VALID;

  /** The output side of a convolution or pooling window over an input side of {@code in}. */
  public long outputSize(long in, int kernel, int stride, int dilation) {
    long effective = (long) (kernel - 1) * dilation + 1;
    return this == SAME ? ceilDiv(in, stride) : ceilDiv(in - effective + 1, stride);
  }

  /** The output side of a transposed convolution: {@code in * stride} or {@code (in - 1) * stride + kernel}. */
  public long transposedOutputSize(long in, int kernel, int stride) {
    return this == SAME ? in * stride : (in - 1) * stride + kernel;
  }

  private static long ceilDiv(long a, long b) {
    return a <= 0 ? 0 : (a + b - 1) / b;
  }
}
