package dev.helmholtz.nn;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The operands of one pass that are k sample-major copies of a per-example value: {@code [k * B,
 * ...]} rows made from {@code [B, ...]} by repeating it once per sample (an enumerating pass's
 * x, tiled once per class of the summed-out label; an importance-weighted pass's x, once per
 * sample). The pass registers each one as it makes it ({@code InferencePass.tileAndFold}), with
 * the function that repeats any per-example value the same way, and hands the registry to every
 * {@link Nn} it builds.
 *
 * <p>What {@link Nn#dense} makes of it: a dense layer whose input is such a repeat computes
 * {@code activation(base @ kernel + bias)} once per example and repeats the result; a dense layer
 * whose input is an {@link Nn#concat} with repeated parts splits its kernel into the parts' row
 * blocks (slices of the one kernel variable, so checkpoints are unchanged) and multiplies each
 * repeated part's base once per example: {@code repeat(base @ W_base) + rest @ W_rest + bias}. A
 * semi-supervised VAE's q(z | x, y) thus multiplies x by its first kernel once, not once per
 * class, in the forward pass and in the gradient (the repeat's gradient sums the k copies before
 * the kernel's product). The value is the same sum of products split into two partial sums added
 * once, so it agrees with the single product up to float rounding (a few units in the last
 * place; the kernel's gradient likewise, its k copies now summed before the product, not
 * inside it).
 */
public final class RepeatedRows {
  /** A repeated operand: its per-example base and the function that repeats a {@code [B, ...]} value the same way. */
  record Repeat(Operand<TFloat32> base, UnaryOperator<Operand<TFloat32>> repeat) {}

  private final Map<Output<?>, Repeat> repeats = new HashMap<>();

  /**
   * Records that {@code repeated} is {@code base} repeated by {@code repeat}, and returns {@code
   * repeated}. {@code repeat} must give, for any {@code [B, ...]} value, the {@code [k * B, ...]}
   * rows in the order it gave {@code repeated}'s.
   */
  public Operand<TFloat32> register(Operand<TFloat32> repeated, Operand<TFloat32> base,
      UnaryOperator<Operand<TFloat32>> repeat) {
    repeats.put(repeated.asOutput(), new Repeat(Objects.requireNonNull(base, "base"), Objects.requireNonNull(repeat,
        "repeat")));
    return repeated;
  }

  /** Whether {@code operand} was registered as a repeat. */
  public boolean isRepeated(Operand<?> operand) {
    return repeats.containsKey(operand.asOutput());
  }

  Optional<Repeat> of(Operand<?> operand) {
    return Optional.ofNullable(repeats.get(operand.asOutput()));
  }

  /**
   * The dense layer {@code activation(x @ kernel + bias)} computed with each repeated part
   * multiplied once per example, or empty when {@code x} (rank 2) is neither a repeat nor a concat
   * of static-width rank-2 parts one of which is a repeat: then the caller's single product is
   * the one to build. {@code parts} are {@code x}'s concat parts, or null.
   */
  Optional<Operand<TFloat32>> dense(Ops tf, Operand<TFloat32> x, List<Operand<TFloat32>> parts,
      Operand<TFloat32> kernel, Operand<TFloat32> bias, Activation activation) {
    if (x.shape().numDimensions() != 2) {
      return Optional.empty();
    }
    Optional<Repeat> whole = of(x);
    if (whole.isPresent()) {
      Repeat r = whole.get();
      return Optional.of(r.repeat().apply(
          Nn.activate(tf, tf.nn.biasAdd(tf.linalg.matMul(r.base(), kernel), bias), activation)));
    }
    if (parts == null || parts.stream().noneMatch(this::isRepeated)
        || parts.stream().anyMatch(p -> p.shape().numDimensions() != 2 || p.shape().get(1) == Shape.UNKNOWN_SIZE)) {
      return Optional.empty();
    }
    int units = (int) kernel.shape().get(1);
    // The repeated parts that share one repeat are summed per example before it is applied once.
    Map<UnaryOperator<Operand<TFloat32>>, Operand<TFloat32>> perExample = new HashMap<>();
    List<UnaryOperator<Operand<TFloat32>>> order = new ArrayList<>();
    Operand<TFloat32> rest = null;
    int offset = 0;
    for (Operand<TFloat32> part : parts) {
      int width = (int) part.shape().get(1);
      // int32 begin and size: the C++ gradient of Slice subtracts them from an int32 shape.
      Operand<TFloat32> block = tf.slice(kernel, tf.constant(new int[] {offset, 0}),
          tf.constant(new int[] {width, units}));
      offset += width;
      Optional<Repeat> r = of(part);
      if (r.isPresent()) {
        Operand<TFloat32> product = tf.linalg.matMul(r.get().base(), block);
        UnaryOperator<Operand<TFloat32>> key = r.get().repeat();
        if (!perExample.containsKey(key)) {
          order.add(key);
        }
        perExample.merge(key, product, tf.math::add);
      } else {
        Operand<TFloat32> product = tf.linalg.matMul(part, block);
        rest = rest == null ? product : tf.math.add(rest, product);
      }
    }
    Operand<TFloat32> sum = rest;
    for (UnaryOperator<Operand<TFloat32>> key : order) {
      Operand<TFloat32> repeated = key.apply(perExample.get(key));
      sum = sum == null ? repeated : tf.math.add(sum, repeated);
    }
    return Optional.of(Nn.activate(tf, tf.nn.biasAdd(sum, bias), activation));
  }
}
