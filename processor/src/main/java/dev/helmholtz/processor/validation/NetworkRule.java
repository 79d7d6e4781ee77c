package dev.helmholtz.processor.validation;

import dev.helmholtz.processor.model.ConflictingOverride;
import dev.helmholtz.processor.model.Family;
import dev.helmholtz.processor.model.NodeFamily;
import dev.helmholtz.processor.model.GameAnnotations;
import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NetworkDescriptor;
import dev.helmholtz.processor.model.NetworkRole;
import dev.helmholtz.processor.model.NodeDescriptor;
import dev.helmholtz.processor.model.ParameterDescriptor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;

/**
 * Each network method: its target, its return type, its parameters, that generated code in the
 * model's package can call it, and that an override of an inherited network keeps its role and
 * target.
 */
final class NetworkRule implements ValidationRule {
  @Override
  public void check(ModelDescriptor model, ModelKind kind, Reporter reporter) {
    Map<String, NetworkDescriptor> seen = new HashMap<>();
    Map<String, NetworkDescriptor> byMethodName = new HashMap<>();
    String declared = declaredNodes(model);
    for (NetworkDescriptor network : model.networks()) {
      String annotation = network.role().annotation();
      checkCallable(model, network, reporter);
      NetworkDescriptor namesake = byMethodName.putIfAbsent(network.methodName(), network);
      if (namesake != null && !namesake.method().equals(network.method())) {
        reporter.report(Diagnostic.NETWORK_NAME_SHARED, network.method(), network.annotation(),
            annotation, network.methodName(), namesake.role().annotation(), namesake.methodName());
      }
      Optional<NodeDescriptor> target = model.node(network.target());
      if (target.isEmpty()) {
        reporter.report(Diagnostic.UNKNOWN_TARGET, network.method(), network.annotation(),
            network.targetValue(), annotation, network.target(), declared);
      } else {
        NodeDescriptor node = target.get();
        NetworkDescriptor previous = seen.putIfAbsent(network.role() + "/" + node.name(), network);
        if (previous != null) {
          reporter.report(Diagnostic.DUPLICATE_NETWORK, network.method(), network.annotation(),
              network.targetValue(), node.name(), annotation, previous.methodName(), annotation);
        }
        // A Triple-GAN classifier (@Classifier) infers an observed label: GameRule's to judge.
        if (network.role() == NetworkRole.ENCODER && !node.isLatent()
            && (kind != ModelKind.ADVERSARIAL || GameAnnotations.classifier(network).isEmpty())) {
          reporter.report(Diagnostic.ENCODER_FOR_OBSERVED, network.method(), network.annotation(),
              network.targetValue(), node.name());
        }
        // Adversarial models' discriminators and deterministic generators return tensors, not
        // families: AdversarialRule checks them.
        boolean tensorInGame = kind == ModelKind.ADVERSARIAL
            && (network.role() == NetworkRole.DISCRIMINATOR || network.returnsTensor());
        // A flow returned for a latent of a family is FlowRule's to judge.
        if (!tensorInGame && !network.returnsFlow() && node.family().isPresent() && !returnsItsFamily(node, network)) {
          String family = FamilyNames.name(node.family().get(), network.method().getReturnType());
          String declaredAs = family;
          String expected = family;
          if (node.family().get() == Family.MIXTURE_SAME_FAMILY) {
            declaredAs = node.declaredType().toString();
            expected = node.components().map(c -> "MixtureSameFamily<" + c.simpleName() + ">").orElse(declaredAs);
          } else if (network.role() == NetworkRole.GENERATOR
              && network.returnFamily().orElse(null) == Family.MIXTURE_SAME_FAMILY) {
            expected = family + ", or MixtureSameFamily<" + family + "> (a mixture of it)";
          }
          reporter.report(Diagnostic.RETURN_TYPE_MISMATCH, network.method(), annotation, node.name(),
              network.methodName(), network.method().getReturnType(), node.name(), declaredAs, expected);
        }
      }
      checkParameters(model, network, declared, reporter);
    }
    checkOverrides(model, reporter);
  }

  /** An override annotated with another role or target than the network it overrides. */
  static void checkOverrides(ModelDescriptor model, Reporter reporter) {
    for (ConflictingOverride conflict : model.conflictingOverrides()) {
      NetworkDescriptor overridden = conflict.overridden();
      reporter.report(Diagnostic.NETWORK_OVERRIDE, conflict.method(), conflict.annotation(), conflict.targetValue(),
          conflict.role().annotation(), conflict.target(), conflict.method().getSimpleName(),
          overridden.role().annotation(), overridden.target(), overridden.methodName(),
          overridden.declaringType().getQualifiedName(), overridden.role().annotation(), overridden.target());
    }
  }

  /**
   * Whether the network returns its node's family (a mixture of the same components for a node
   * declared a mixture), or, for a generator, a mixture of its node's family: a mixture prior or
   * likelihood, whose KL is Monte Carlo.
   */
  private static boolean returnsItsFamily(NodeDescriptor node, NetworkDescriptor network) {
    NodeFamily family = node.family().orElseThrow();
    Optional<NodeFamily> returned = network.returnFamily();
    if (returned.isEmpty()) {
      return false;
    }
    if (returned.get().equals(family)) {
      // A node that names no valid components is NodeRule's to report: no second error here.
      return family != Family.MIXTURE_SAME_FAMILY
          || node.components().filter(c -> c != Family.MIXTURE_SAME_FAMILY).isEmpty()
          || node.components().equals(network.returnComponents());
    }
    return network.role() == NetworkRole.GENERATOR && returned.get() == Family.MIXTURE_SAME_FAMILY
        && network.returnComponents().equals(node.family());
  }

  /** Generated code, in the model's package, must be able to call the network. */
  static void checkCallable(ModelDescriptor model, NetworkDescriptor network, Reporter reporter) {
    ExecutableElement method = network.method();
    String problem = null;
    String fix = "make it a non-private, non-static, non-generic instance method";
    if (method.getModifiers().contains(Modifier.PRIVATE)) {
      problem = "is private";
    } else if (!method.getModifiers().contains(Modifier.PUBLIC) && !samePackage(network.declaringType(), model)) {
      // Generated code lives in the model's package and does not extend the model's superclasses.
      // Reported on the model class, which is compiled now (the superclass may come from a jar).
      reporter.report(Diagnostic.NETWORK_NOT_CALLABLE, model.type(), model.annotation(),
          network.role().annotation(), network.methodName(),
          "is " + (method.getModifiers().contains(Modifier.PROTECTED) ? "protected" : "package-private")
              + " in " + network.declaringType().getQualifiedName() + ", so generated code in "
              + (model.packageName().isEmpty() ? "the unnamed package" : "package " + model.packageName())
              + " cannot call it",
          "make it public, or override it in " + model.type().getSimpleName());
      return;
    } else if (method.getModifiers().contains(Modifier.STATIC)) {
      problem = "is static";
    } else if (method.getModifiers().contains(Modifier.ABSTRACT)) {
      problem = "is abstract";
    } else if (!method.getTypeParameters().isEmpty()) {
      problem = "declares type parameters " + ModelClassRule.typeParameters(method.getTypeParameters());
    } else if (method.getThrownTypes().stream().anyMatch(ModelClassRule::isChecked)) {
      // Generated code overrides methods that declare no checked exceptions: it cannot throw one.
      problem = "throws checked " + String.join(", ", method.getThrownTypes().stream()
          .filter(ModelClassRule::isChecked).map(Object::toString).toList());
      fix = "catch it inside the method, since the generated methods that call it declare no "
          + "checked exceptions";
    }
    if (problem != null) {
      reporter.report(Diagnostic.NETWORK_NOT_CALLABLE, method, network.annotation(),
          network.role().annotation(), network.methodName(), problem, fix);
    }
  }

  private static boolean samePackage(TypeElement declaring, ModelDescriptor model) {
    Element e = declaring;
    while (!(e instanceof PackageElement)) {
      e = e.getEnclosingElement();
    }
    return ((PackageElement) e).getQualifiedName().contentEquals(model.packageName());
  }

  private static void checkParameters(
      ModelDescriptor model, NetworkDescriptor network, String declared, Reporter reporter) {
    boolean layerHelper = false;
    for (ParameterDescriptor parameter : network.parameters()) {
      switch (parameter.kind()) {
        case LAYER_HELPER -> {
          if (layerHelper) {
            reporter.report(Diagnostic.SECOND_LAYER_HELPER, parameter.element(), parameter.name(),
                network.methodName());
          }
          layerHelper = true;
        }
        case UNSUPPORTED -> reporter.report(Diagnostic.PARAMETER_TYPE, parameter.element(),
            parameter.name(), network.methodName(), parameter.element().asType());
        case NODE -> {
          if (model.node(parameter.name()).isEmpty()) {
            reporter.report(Diagnostic.UNBOUND_PARAMETER, parameter.element(), parameter.name(),
                network.methodName(), declared);
          } else if (parameter.name().equals(network.target()) && network.role() != NetworkRole.DISCRIMINATOR) {
            reporter.report(Diagnostic.SELF_PARAMETER, parameter.element(), parameter.name(),
                network.methodName(), network.role().density(), parameter.name(), parameter.name());
          }
        }
      }
    }
  }

  private static String declaredNodes(ModelDescriptor model) {
    List<String> names = model.nodes().stream()
        .map(n -> n.name() + " (" + n.kind().annotation() + ")")
        .distinct()
        .toList();
    return names.isEmpty() ? "no nodes" : String.join(", ", names);
  }
}
