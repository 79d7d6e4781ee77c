package dev.helmholtz.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.BroadcastGradientArgs;
import org.tensorflow.op.core.IdentityN;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Gradients for computations TensorFlow Java cannot differentiate (Cholesky, triangular solves,
 * log-determinants, digamma...), all served by one custom-gradient registration.
 *
 * <p>TF Java honours only ten registrations per JVM, far fewer than the ops that lack a gradient.
 * So a computation {@code y = f(x)} built from such ops is wrapped: {@link #attach} routes
 * {@code stopGradient(y)} and {@code x} through one {@code IdentityN} op (which has no C++ gradient)
 * and hands back its copies of {@code y}. {@link SecondOrderGradients#register()} registers a
 * gradient on {@code IdentityN} that looks the op up here and calls the {@link Gradient} defined
 * under the attachment's name, which maps dL/dy to dL/dx. Ops that were not attached here (a plain
 * {@code IdentityN}) get the identity's gradient.
 *
 * <p>Usage: define the gradient once per JVM ({@link #define}), then attach each forward
 * computation:
 *
 * <pre>{@code
 * GradientDispatch.define("digamma", (tf, inputs, outputs, grads) ->
 *     List.of(tf.math.mul(grads.get(0), tf.math.polygamma(one, inputs.get(0)))));
 * Operand<TFloat32> y = GradientDispatch.attach(tf, "digamma", List.of(tf.math.digamma(x)), List.of(x)).get(0);
 * }</pre>
 */
public final class GradientDispatch {

  /** The gradient of one attached computation. */
  @FunctionalInterface
  public interface Gradient {
    /**
     * The gradients with respect to {@code inputs}, one per input in order (never null: use
     * {@code tf.zerosLike} for an input that gets none).
     *
     * @param tf ops in the gradient's scope
     * @param inputs the computation's inputs x, as attached
     * @param outputs the computation's outputs y (forward values, no gradient through them)
     * @param outputGradients dL/dy, one per output; zeros for an output the loss does not use
     */
    List<Operand<?>> apply(Ops tf, List<Operand<?>> inputs, List<Operand<?>> outputs,
        List<Operand<?>> outputGradients);
  }

  /** One attached computation: which gradient serves it and how its inputs split. */
  private record Attachment(String name, int outputs) {}

  private static final Map<String, Gradient> GRADIENTS = new ConcurrentHashMap<>();
  /** Attached ops by graph, then by op name; weak so that closed graphs are forgotten. */
  private static final Map<ExecutionEnvironment, Map<String, Attachment>> ATTACHED =
      Collections.synchronizedMap(new WeakHashMap<>());

  private GradientDispatch() {}

  /**
   * Defines the gradient served under {@code name}. Defining a name again is allowed with the same
   * gradient object only: two definitions of one name would silently give one of them the
   * other's gradient.
   *
   * @throws IllegalStateException when {@code name} already has a different gradient
   */
  public static void define(String name, Gradient gradient) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(gradient, "gradient");
    Gradient previous = GRADIENTS.putIfAbsent(name, gradient);
    if (previous != null && previous != gradient) {
      throw new IllegalStateException("a gradient named '" + name + "' is already defined");
    }
  }

  /** Whether a gradient is defined under {@code name}. */
  public static boolean isDefined(String name) {
    return GRADIENTS.containsKey(name);
  }

  /**
   * Returns copies of {@code outputs} through which gradients reach {@code inputs} by the gradient
   * defined under {@code name} (define it first). Use the returned operands, not {@code outputs},
   * downstream. Registers Helmholtz's custom gradients if that has not happened yet.
   *
   * @throws IllegalArgumentException when no gradient is defined under {@code name}, or a list is
   *     empty
   */
  public static List<Operand<?>> attach(Ops tf, String name, List<? extends Operand<?>> outputs,
      List<? extends Operand<?>> inputs) {
    if (!GRADIENTS.containsKey(name)) {
      throw new IllegalArgumentException("no gradient is defined under '" + name
          + "': call GradientDispatch.define first");
    }
    if (outputs.isEmpty() || inputs.isEmpty()) {
      throw new IllegalArgumentException("attach '" + name + "' needs at least one output and one input");
    }
    SecondOrderGradients.register();
    List<Operand<?>> routed = new ArrayList<>(outputs.size() + inputs.size());
    for (Operand<?> y : outputs) {
      routed.add(tf.stopGradient(y));
    }
    routed.addAll(inputs);
    IdentityN identity = tf.withSubScope("GradientDispatch").identityN(routed);
    GraphOperation op = (GraphOperation) identity.op();
    ATTACHED.computeIfAbsent(op.env(), env -> new HashMap<>())
        .put(op.name(), new Attachment(name, outputs.size()));
    return new ArrayList<>(identity.output().subList(0, outputs.size()));
  }

  /**
   * {@code grad}, the gradient of an elementwise op's broadcast result, summed over the axes along
   * which {@code input} was broadcast and reshaped to {@code input}'s shape: what TensorFlow's own
   * gradients of broadcasting ops do. From runtime shapes only (a gradient function must not read
   * static shapes, see {@link MatrixGradients}); grappler folds it away where the shapes are known.
   * The shapes are int32, as in TensorFlow's own gradients: the gradient of a Sum over int64 axes
   * fails to build (a second derivative needs it).
   */
  public static Operand<TFloat32> sumToShapeOf(Ops tf, Operand<TFloat32> grad, Operand<TFloat32> input) {
    Operand<TInt32> inputShape = tf.shape(input);
    BroadcastGradientArgs<TInt32> axes = tf.broadcastGradientArgs(tf.shape(grad), inputShape);
    return tf.reshape(tf.reduceSum(grad, axes.r1()), inputShape);
  }

  /** The registered gradient of every {@code IdentityN}: dispatches to the attached gradient. */
  static List<Operand<?>> identityNGradient(Ops tf, GraphOperation op, List<Output<?>> grads) {
    int arity = op.numInputs();
    List<Operand<?>> upstream = new ArrayList<>(arity);
    for (int i = 0; i < arity; i++) {
      Output<?> g = i < grads.size() ? grads.get(i) : null;
      upstream.add(g != null ? g : tf.zerosLike(op.output(i)));
    }
    Map<String, Attachment> attached = ATTACHED.get(op.env());
    Attachment attachment = attached == null ? null : attached.get(op.name());
    if (attachment == null) {
      return upstream;
    }
    int m = attachment.outputs();
    List<Operand<?>> outputs = new ArrayList<>(m);
    List<Operand<?>> inputs = new ArrayList<>(arity - m);
    for (int i = 0; i < arity; i++) {
      (i < m ? outputs : inputs).add(op.input(i));
    }
    List<Operand<?>> inputGradients = GRADIENTS.get(attachment.name())
        .apply(tf, inputs, outputs, upstream.subList(0, m));
    if (inputGradients.size() != inputs.size()) {
      throw new IllegalStateException("the gradient '" + attachment.name() + "' returned "
          + inputGradients.size() + " gradients for " + inputs.size() + " inputs (op " + op.name() + ")");
    }
    List<Operand<?>> result = new ArrayList<>(arity);
    for (Operand<?> y : outputs) {
      result.add(tf.zerosLike(y));
    }
    for (int i = 0; i < inputGradients.size(); i++) {
      Operand<?> g = inputGradients.get(i);
      result.add(g != null ? g : tf.zerosLike(inputs.get(i)));
    }
    return result;
  }
}
