package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.Family;
import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NetworkDescriptor;
import dev.helmholtz.processor.model.NodeDescriptor;
import dev.helmholtz.processor.model.ParameterDescriptor;
import dev.helmholtz.processor.model.ReturnedDistribution;
import dev.helmholtz.processor.model.ReturnedDistribution.Argument;
import dev.helmholtz.processor.model.LayerShape;
import dev.helmholtz.processor.model.ReturnedDistribution.DenseLayer;
import dev.helmholtz.processor.model.ReturnedDistribution.Layered;
import dev.helmholtz.processor.model.SourceLocation;
import dev.helmholtz.processor.model.ReturnedDistribution.NodeValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * A network's returned distribution against its node's declared event shape, where the source
 * proves the widths of the factory's arguments (see {@link ReturnedDistribution}).
 *
 * <p>Most factories' parameters are elementwise and broadcast against each other, so a width of 1
 * may be legitimate ({@code Normal.meanLogStd(nn.dense(h, 50), nn.dense(h, 1))} shares one scale
 * across the 50 columns). An argument is therefore wrong when its width is neither 1 nor the
 * node's (whatever the others are, the event then has that width or does not broadcast), and a
 * width of 1 is wrong only when every elementwise argument is known to have it. A multivariate
 * Normal's packed scale has d (d + 1) / 2 entries and a packed low-rank factor a multiple of d
 * ({@link Family.Width}).
 */
final class ShapeRule implements ValidationRule {
  @Override
  public void check(ModelDescriptor model, ModelKind kind, Reporter reporter) {
    Map<String, Integer> declarations = new HashMap<>();
    model.nodes().forEach(n -> declarations.merge(n.name(), 1, Integer::sum));
    for (NetworkDescriptor network : model.networks()) {
      Optional<NodeDescriptor> target = model.node(network.target());
      if (target.isEmpty() || declarations.get(network.target()) > 1 || !hasValidShape(target.get())
          || NodeRule.eventRankProblem(target.get(), kind).isPresent()
          || target.get().family().isEmpty() || !target.get().family().equals(network.returnFamily())) {
        continue; // reported by NodeRule or NetworkRule, or nothing to compare with
      }
      NodeDescriptor node = target.get();
      for (ReturnedDistribution returned : network.returned()) {
        if (returned.family().equals(node.family().get())) {
          check(model, declarations, network, node, returned, reporter);
        }
      }
    }
  }

  private static void check(ModelDescriptor model, Map<String, Integer> declarations,
      NetworkDescriptor network, NodeDescriptor node, ReturnedDistribution returned, Reporter reporter) {
    if (!hasVectorShape(node)) {
      checkEvent(model, declarations, network, node, returned, reporter);
      return;
    }
    int width = node.width();
    List<Family.Width> widths = returned.family().factory(returned.factory(), returned.arguments().size())
        .map(Family.Factory::widths).orElseThrow();
    Map<Argument, Family.Width> wrong = new LinkedHashMap<>();
    boolean allOne = true;
    Argument firstElementwise = null;
    for (int i = 0; i < returned.arguments().size(); i++) {
      Argument argument = returned.arguments().get(i);
      Family.Width kind = widths.get(i);
      OptionalInt w = width(model, network, declarations, argument);
      boolean mismatch = switch (kind) {
        case EVENT -> w.isPresent() && w.getAsInt() != 1 && w.getAsInt() != width;
        case TRIANGLE -> w.isPresent() && w.getAsInt() != width * (width + 1) / 2;
        case MULTIPLE_OF_EVENT -> w.isPresent() && (w.getAsInt() == 0 || w.getAsInt() % width != 0);
        case UNCHECKED -> false;
      };
      if (mismatch) {
        wrong.put(argument, kind);
      }
      if (kind == Family.Width.EVENT) {
        allOne &= w.isPresent() && w.getAsInt() == 1;
        firstElementwise = firstElementwise == null ? argument : firstElementwise;
      }
      if (kind == Family.Width.EVENT && argument.width() instanceof Layered layered) {
        // A convolution or reshape where a vector is declared: its rank, or its size, proves it wrong.
        Optional<List<LayerShape.Step>> steps = layered.shape().steps(shapes(model, declarations, network));
        if (steps.isPresent() && !fits(last(steps.get()), node.shape())) {
          reportLayered(network, node, returned, argument, layered, steps.get(), reporter);
        }
      }
    }
    if (wrong.isEmpty() && firstElementwise != null && allOne && width != 1) {
      wrong.put(firstElementwise, Family.Width.EVENT); // nothing broadcasts it to the node's width
    }
    wrong.forEach((argument, kind) -> report(model, network, node, returned, argument, kind, reporter));
  }

  /** The width an argument of this kind should have for a node of width d, and why, for the fix. */
  private static int expected(Family.Width kind, int d) {
    return switch (kind) {
      case TRIANGLE -> d * (d + 1) / 2;
      case MULTIPLE_OF_EVENT -> 2 * d;
      case EVENT, UNCHECKED -> d;
    };
  }

  private static String why(Family.Width kind, int d) {
    return switch (kind) {
      case TRIANGLE -> " (a " + d + " x " + d + " lower triangle has " + d * (d + 1) / 2 + " entries)";
      case MULTIPLE_OF_EVENT -> " (any multiple of " + d + ": the factor's " + d + " rows times its rank, here 2)";
      case EVENT, UNCHECKED -> "";
    };
  }

  /**
   * A node of event rank above 1 ({@code [28, 28, 1]}): each argument whose event shape the source
   * proves (a chain of dense, reshape, convolution, transposed convolution and pooling layers, or a
   * node passed unchanged) must have the node's rank, each size 1 or the node's.
   */
  private static void checkEvent(ModelDescriptor model, Map<String, Integer> declarations,
      NetworkDescriptor network, NodeDescriptor node, ReturnedDistribution returned, Reporter reporter) {
    Function<String, Optional<List<Integer>>> shapes = shapes(model, declarations, network);
    for (Argument argument : returned.arguments()) {
      LayerShape shape = argument.width() instanceof Layered layered ? layered.shape()
          : argument.width() instanceof DenseLayer dense ? dense.shape()
          : argument.width() instanceof NodeValue value && !value.node().equals(network.target())
              ? new LayerShape.Node(value.node(), value.node()) : null;
      if (shape == null) {
        continue;
      }
      Optional<List<LayerShape.Step>> steps = shape.steps(shapes);
      if (steps.isPresent() && !fits(last(steps.get()), node.shape())) {
        SourceLocation location = argument.width() instanceof Layered layered ? layered.location()
            : argument.width() instanceof DenseLayer dense ? dense.location() : ((NodeValue) argument.width()).location();
        reportLayered(network, node, returned, argument, new Layered(shape, location), steps.get(), reporter);
      }
    }
  }

  /** Each node's event shape by name, for nodes declared once with a valid shape (not the network's own). */
  private static Function<String, Optional<List<Integer>>> shapes(ModelDescriptor model,
      Map<String, Integer> declarations, NetworkDescriptor network) {
    return name -> model.node(name)
        .filter(n -> !name.equals(network.target()) && declarations.get(name) == 1 && hasValidShape(n))
        .map(NodeDescriptor::shape);
  }

  private static List<Integer> last(List<LayerShape.Step> steps) {
    return steps.get(steps.size() - 1).shape();
  }

  /** Whether a proven shape can be the event {@code event}: its rank, each size unknown, 1 or the event's. */
  private static boolean fits(List<Integer> shape, List<Integer> event) {
    if (shape.size() != event.size()) {
      return shape.stream().allMatch(size -> size == 1); // broadcasts whatever the rank
    }
    for (int i = 0; i < shape.size(); i++) {
      int size = shape.get(i);
      if (size != LayerShape.UNKNOWN && size != 1 && size != event.get(i)) {
        return false;
      }
    }
    return true;
  }

  private static void reportLayered(NetworkDescriptor network, NodeDescriptor node, ReturnedDistribution returned,
      Argument argument, Layered layered, List<LayerShape.Step> steps, Reporter reporter) {
    String parameter = argument.parameter();
    String verb = parameter.endsWith("s") ? "come" : "comes";
    List<Integer> shape = last(steps);
    String what = parameter + " " + verb + " from " + layered.shape().source() + ", of event shape " + printed(shape);
    StringBuilder chain = new StringBuilder();
    for (LayerShape.Step step : steps) {
      chain.append(chain.length() == 0 ? "" : " -> ").append(step.source()).append(' ').append(printed(step.shape()));
    }
    String fix = steps.size() > 1
        ? "through the network the event shape goes " + chain + "; change a layer's units, filters, kernel, "
            + "stride or padding, or reshape, so that it ends at " + node.shape()
        : "map it to " + node.shape() + " first, for example with nn.reshape";
    reporter.report(Diagnostic.SHAPE_MISMATCH, layered.location(), network.role().annotation(),
        network.target(), network.methodName(), returned.family().simpleName(), returned.factory(),
        what, kind(node), node.name(), node.shape(), fix);
  }

  private static String printed(List<Integer> shape) {
    return "[" + String.join(", ", shape.stream().map(s -> s == LayerShape.UNKNOWN ? "?" : s.toString()).toList()) + "]";
  }

  /** The argument's width where the source proves it. */
  private static OptionalInt width(
      ModelDescriptor model, NetworkDescriptor network, Map<String, Integer> declarations, Argument argument) {
    if (argument.width() instanceof DenseLayer dense) {
      return OptionalInt.of(dense.units());
    }
    if (argument.width() instanceof NodeValue value) {
      Optional<NodeDescriptor> node = model.node(value.node());
      // A parameter naming the network's own node is reported by NetworkRule.
      if (node.isPresent() && !value.node().equals(network.target())
          && declarations.get(value.node()) == 1 && hasVectorShape(node.get())) {
        return OptionalInt.of(node.get().width());
      }
    }
    return OptionalInt.empty();
  }

  private static void report(ModelDescriptor model, NetworkDescriptor network, NodeDescriptor node,
      ReturnedDistribution returned, Argument argument, Family.Width widthKind, Reporter reporter) {
    int width = expected(widthKind, node.width());
    String why = why(widthKind, node.width());
    String parameter = argument.parameter();
    String verb = parameter.endsWith("s") ? "come" : "comes"; // "logits come", "mean comes"
    String what;
    String fix;
    if (argument.width() instanceof DenseLayer dense) {
      String units = dense.units() + (dense.units() == 1 ? " unit" : " units");
      if (!dense.unitsSource().strip().equals(Integer.toString(dense.units()))) {
        units += " (" + dense.unitsSource().strip() + ")";
      }
      what = parameter + " " + verb + " from a dense layer of " + units;
      List<String> arguments = new ArrayList<>(dense.argumentSources());
      arguments.set(1, Integer.toString(width));
      fix = "use " + dense.receiverSource() + ".dense(" + String.join(", ", arguments) + ")" + why;
      reporter.report(Diagnostic.SHAPE_MISMATCH, dense.location(), network.role().annotation(),
          network.target(), network.methodName(), returned.family().simpleName(), returned.factory(),
          what, kind(node), node.name(), node.width(), fix);
    } else if (argument.width() instanceof NodeValue value) {
      NodeDescriptor source = model.node(value.node()).orElseThrow();
      what = parameter + " is " + kind(source) + " '" + source.name() + "' of shape " + source.width();
      Optional<String> layers = network.parameters().stream()
          .filter(p -> p.kind() == ParameterDescriptor.Kind.LAYER_HELPER)
          .map(ParameterDescriptor::name)
          .findFirst();
      fix = "map it to " + width + (width == 1 ? " column" : " columns") + " first, for example with "
          + layers.map(nn -> nn + ".dense(" + value.node() + ", " + width + ")")
              .orElse("a dense layer (add a parameter Nn nn and use nn.dense(" + value.node() + ", " + width + "))") + why;
      reporter.report(Diagnostic.SHAPE_MISMATCH, value.location(), network.role().annotation(),
          network.target(), network.methodName(), returned.family().simpleName(), returned.factory(),
          what, kind(node), node.name(), node.width(), fix);
    }
  }

  private static String kind(NodeDescriptor node) {
    return node.isLatent() ? "latent" : "observed node";
  }

  /** A shape NodeRule accepts: one size, at least 1. */
  private static boolean hasVectorShape(NodeDescriptor node) {
    return node.shape().size() == 1 && node.shape().get(0) >= 1;
  }

  /** A shape NodeRule accepts: one or more sizes, each at least 1, their product an int. */
  private static boolean hasValidShape(NodeDescriptor node) {
    return node.hasValidShape();
  }
}
