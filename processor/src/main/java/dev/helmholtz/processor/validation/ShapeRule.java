package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NetworkDescriptor;
import dev.helmholtz.processor.model.NodeDescriptor;
import dev.helmholtz.processor.model.ParameterDescriptor;
import dev.helmholtz.processor.model.ReturnedDistribution;
import dev.helmholtz.processor.model.ReturnedDistribution.Argument;
import dev.helmholtz.processor.model.ReturnedDistribution.DenseLayer;
import dev.helmholtz.processor.model.ReturnedDistribution.NodeValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A network's returned distribution against its node's declared event shape, where the source
 * proves the widths of the factory's arguments (see {@link ReturnedDistribution}).
 *
 * <p>The factories' parameters are elementwise and broadcast against each other, so a width of 1
 * may be legitimate ({@code Normal.meanLogStd(nn.dense(h, 50), nn.dense(h, 1))} shares one scale
 * across the 50 columns). An argument is therefore wrong when its width is neither 1 nor the
 * node's (whatever the others are, the event then has that width or does not broadcast), and a
 * width of 1 is wrong only when every argument is known to have it.
 */
final class ShapeRule implements ValidationRule {
  @Override
  public void check(ModelDescriptor model, ModelKind kind, Reporter reporter) {
    Map<String, Integer> declarations = new HashMap<>();
    model.nodes().forEach(n -> declarations.merge(n.name(), 1, Integer::sum));
    for (NetworkDescriptor network : model.networks()) {
      Optional<NodeDescriptor> target = model.node(network.target());
      if (target.isEmpty() || declarations.get(network.target()) > 1 || !hasVectorShape(target.get())
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
    int width = node.width();
    List<Argument> wrong = new ArrayList<>();
    boolean allOne = true;
    for (Argument argument : returned.arguments()) {
      OptionalInt w = width(model, network, declarations, argument);
      if (w.isPresent() && w.getAsInt() != 1 && w.getAsInt() != width) {
        wrong.add(argument);
      }
      allOne &= w.isPresent() && w.getAsInt() == 1;
    }
    if (wrong.isEmpty() && allOne && width != 1) {
      wrong.add(returned.arguments().get(0)); // nothing broadcasts it to the node's width
    }
    for (Argument argument : wrong) {
      report(model, network, node, returned, argument, reporter);
    }
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
      ReturnedDistribution returned, Argument argument, Reporter reporter) {
    int width = node.width();
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
      fix = "use " + dense.receiverSource() + ".dense(" + String.join(", ", arguments) + ")";
      reporter.report(Diagnostic.SHAPE_MISMATCH, dense.location(), network.role().annotation(),
          network.target(), network.methodName(), returned.family().simpleName(), returned.factory(),
          what, kind(node), node.name(), width, fix);
    } else if (argument.width() instanceof NodeValue value) {
      NodeDescriptor source = model.node(value.node()).orElseThrow();
      what = parameter + " is " + kind(source) + " '" + source.name() + "' of shape " + source.width();
      Optional<String> layers = network.parameters().stream()
          .filter(p -> p.kind() == ParameterDescriptor.Kind.LAYER_HELPER)
          .map(ParameterDescriptor::name)
          .findFirst();
      fix = "map it to " + width + (width == 1 ? " column" : " columns") + " first, for example with "
          + layers.map(nn -> nn + ".dense(" + value.node() + ", " + width + ")")
              .orElse("a dense layer (add a parameter Nn nn and use nn.dense(" + value.node() + ", " + width + "))");
      reporter.report(Diagnostic.SHAPE_MISMATCH, value.location(), network.role().annotation(),
          network.target(), network.methodName(), returned.family().simpleName(), returned.factory(),
          what, kind(node), node.name(), width, fix);
    }
  }

  private static String kind(NodeDescriptor node) {
    return node.isLatent() ? "latent" : "observed node";
  }

  /** A shape NodeRule accepts: one size, at least 1. */
  private static boolean hasVectorShape(NodeDescriptor node) {
    return node.shape().size() == 1 && node.shape().get(0) >= 1;
  }
}
