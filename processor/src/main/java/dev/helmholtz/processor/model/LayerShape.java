package dev.helmholtz.processor.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a network's source proves about the event shape of a value (its shape after the rows
 * axis), as a chain of layers of the layer helper from a node or a fixed shape: {@code
 * nn.conv2dTranspose(nn.reshape(nn.dense(z, 3136), 7, 7, 64), 1, 5, 4, Padding.SAME)}. {@link
 * #shape} evaluates it with TensorFlow's arithmetic, given the nodes' shapes; a size the source
 * does not prove is {@link #UNKNOWN}. Each step names its call as written, for messages.
 */
public sealed interface LayerShape {
  /** A size the source does not prove. */
  int UNKNOWN = -1;

  /** The call as written (or the node's name), for messages. */
  String source();

  /** A network parameter bound to a node, never assigned: the node's event shape. */
  record Node(String node, String source) implements LayerShape {}

  /** A layer whose output's event shape its own arguments fix: a dense layer's {@code [units]}, a reshape's sizes. */
  record Fixed(List<Integer> shape, String source) implements LayerShape {
    public Fixed {
      shape = List.copyOf(shape);
    }
  }

  /**
   * A layer over {@code input}, one of {@link Kind}, with its constant arguments ({@link #UNKNOWN}
   * where not constant; {@code same} null where the padding is not a constant of {@code Padding}).
   */
  record Layer(Kind kind, LayerShape input, int filters, int kernel, int stride, Boolean same, int dilation,
      String source) implements LayerShape {}

  /** Nothing proven. */
  record Unknown(String source) implements LayerShape {}

  /** The layers whose output shape follows from their input's. */
  enum Kind {
    CONV2D, CONV2D_TRANSPOSE, POOL, FLATTEN, DENSE,
    /** A layer that keeps its input's shape: an activation, a normalization, dropout, a residual connection. */
    KEEP
  }

  /**
   * The event shape this value has, given each node's event shape; empty where its rank is not
   * proven. Sizes not proven are {@link #UNKNOWN}.
   */
  default Optional<List<Integer>> shape(Function<String, Optional<List<Integer>>> nodes) {
    return steps(nodes).map(s -> s.get(s.size() - 1).shape());
  }

  /** One step of the chain and the shape it gives. */
  record Step(String source, List<Integer> shape) {}

  /** Every step from the chain's start to this value, with the shape each gives; empty where a rank is not proven. */
  default Optional<List<Step>> steps(Function<String, Optional<List<Integer>>> nodes) {
    if (this instanceof Node n) {
      return nodes.apply(n.node()).map(shape -> List.of(new Step(n.node(), shape)));
    }
    if (this instanceof Fixed f) {
      return Optional.of(List.of(new Step(f.source(), f.shape())));
    }
    if (!(this instanceof Layer layer)) {
      return Optional.empty();
    }
    Optional<List<Step>> before = layer.input().steps(nodes);
    List<Integer> in = before.map(s -> s.get(s.size() - 1).shape()).orElse(null);
    List<Integer> out = switch (layer.kind()) {
      case KEEP -> in;
      case DENSE -> {
        if (in == null) {
          yield null;
        }
        List<Integer> shape = new ArrayList<>(in.subList(0, in.size() - 1));
        shape.add(layer.filters());
        yield shape;
      }
      case FLATTEN -> {
        if (in == null) {
          yield List.of(UNKNOWN);
        }
        int width = 1;
        for (int size : in) {
          width = size == UNKNOWN || width == UNKNOWN ? UNKNOWN : width * size;
        }
        yield List.of(width);
      }
      case CONV2D, CONV2D_TRANSPOSE, POOL -> {
        if (in != null && in.size() != 3) {
          yield null; // not an image: the layer itself fails when the graph is built
        }
        int h = in == null ? UNKNOWN : side(layer, in.get(0));
        int w = in == null ? UNKNOWN : side(layer, in.get(1));
        int channels = layer.kind() == Kind.POOL ? (in == null ? UNKNOWN : in.get(2)) : layer.filters();
        yield List.of(h, w, channels);
      }
    };
    if (out == null) {
      return Optional.empty();
    }
    List<Step> steps = new ArrayList<>(before.orElse(List.of()));
    steps.add(new Step(layer.source(), List.copyOf(out)));
    return Optional.of(steps);
  }

  /** TensorFlow's output side of a window over an input side of {@code in}. */
  private static int side(Layer layer, int in) {
    int k = layer.kernel();
    int s = layer.stride();
    int d = layer.dilation();
    if (in == UNKNOWN || layer.same() == null || k < 1 || s < 1 || d < 1) {
      return UNKNOWN;
    }
    if (layer.kind() == Kind.CONV2D_TRANSPOSE) {
      return layer.same() ? in * s : (in - 1) * s + k;
    }
    int effective = (k - 1) * d + 1;
    int covered = layer.same() ? in : in - effective + 1;
    return covered <= 0 ? 0 : (covered + s - 1) / s;
  }
}
