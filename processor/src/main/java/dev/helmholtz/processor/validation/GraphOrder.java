package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.GameAnnotations;
import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NetworkDescriptor;
import dev.helmholtz.processor.model.NetworkRole;
import dev.helmholtz.processor.model.NodeDescriptor;
import dev.helmholtz.processor.model.ParameterDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Orders the nodes of one graph (generative: edges from a generator's parameters to its node;
 * inference: from an encoder's latent parameters to its latent) by depth-first search in
 * declaration order, so the order is deterministic. A cycle is reported on the network that
 * closes it, naming every node on it.
 */
final class GraphOrder {
  private final ModelDescriptor model;
  private final NetworkRole role;
  private final Map<String, Integer> state = new HashMap<>(); // 1 = on the stack, 2 = done
  private final List<String> stack = new ArrayList<>();
  private final List<NodeDescriptor> order = new ArrayList<>();
  private boolean cyclic;

  private GraphOrder(ModelDescriptor model, NetworkRole role) {
    this.model = model;
    this.role = role;
  }

  /** The order, or empty when the graph has a cycle (then reported). */
  static Optional<List<NodeDescriptor>> of(ModelDescriptor model, NetworkRole role, Reporter reporter) {
    GraphOrder graph = new GraphOrder(model, role);
    Map<String, NodeDescriptor> unique = new LinkedHashMap<>();
    model.nodes().forEach(n -> unique.putIfAbsent(n.name(), n));
    for (NodeDescriptor node : unique.values()) {
      if (role == NetworkRole.ENCODER && !node.isLatent()) {
        continue;
      }
      graph.visit(node, reporter);
    }
    return graph.cyclic ? Optional.empty() : Optional.of(List.copyOf(graph.order));
  }

  private void visit(NodeDescriptor node, Reporter reporter) {
    Integer s = state.get(node.name());
    if (s != null) {
      return;
    }
    state.put(node.name(), 1);
    stack.add(node.name());
    Optional<NetworkDescriptor> network = model.network(role, node.name());
    if (network.isPresent()) {
      for (ParameterDescriptor parameter : network.get().nodeParameters()) {
        Optional<NodeDescriptor> parent = model.node(parameter.name());
        if (parent.isEmpty() || parameter.name().equals(node.name())) {
          continue; // reported by NetworkRule
        }
        if (role == NetworkRole.ENCODER && !parent.get().isLatent()) {
          continue; // observed nodes are given, not inferred
        }
        if (GameAnnotations.translatesFrom(model, network.get(), parent.get().name())) {
          continue; // a translation reads its source domain's data, not a value generated before it
        }
        if (Integer.valueOf(1).equals(state.get(parent.get().name()))) {
          reportCycle(parent.get().name(), network.get(), reporter);
          continue;
        }
        visit(parent.get(), reporter);
      }
    }
    stack.remove(stack.size() - 1);
    state.put(node.name(), 2);
    order.add(node);
  }

  private void reportCycle(String back, NetworkDescriptor closing, Reporter reporter) {
    cyclic = true;
    List<String> cycle = new ArrayList<>(stack.subList(stack.indexOf(back), stack.size()));
    cycle.add(back);
    // Edges point from parent to child: print them in that direction.
    List<String> forward = new ArrayList<>(cycle);
    java.util.Collections.reverse(forward);
    String path = String.join(" -> ", forward);
    Diagnostic diagnostic =
        role == NetworkRole.GENERATOR ? Diagnostic.GENERATIVE_CYCLE : Diagnostic.INFERENCE_CYCLE;
    reporter.report(diagnostic, closing.method(), closing.annotation(), path);
  }
}
