package dev.helmholtz.processor.model;

import dev.helmholtz.annotations.ObjectiveKind;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.TypeElement;

/**
 * Everything the processor read from one {@code @Model} class, as written: nothing here has
 * been checked yet. Validation turns it into a {@code ValidatedModel} or diagnostics.
 *
 * <p>Nodes and networks include those the class inherits, superclasses' first; an inherited
 * network that the class overrides is read from the override, which generated code calls.
 *
 * @param generatedName the simple name of the class to generate
 * @param nameValue the explicit {@code @Model(name)} value, or null when derived
 * @param samplesValue the explicit {@code samples} value, or null when defaulted
 * @param conflictingOverrides network annotations on overrides of inherited network methods that
 *     name another role or target
 * @param momentMatching the methods annotated {@code @MomentMatching}, whatever else they are
 * @param mutualInformation the methods annotated {@code @MutualInformation}, whatever else they are
 */
public record ModelDescriptor(
    TypeElement type,
    AnnotationMirror annotation,
    String packageName,
    String generatedName,
    AnnotationValue nameValue,
    ObjectiveKind objective,
    int samples,
    AnnotationValue samplesValue,
    List<NodeDescriptor> nodes,
    List<NetworkDescriptor> networks,
    List<ConflictingOverride> conflictingOverrides,
    List<AnnotatedMethod> momentMatching,
    List<AnnotatedMethod> mutualInformation) {

  public ModelDescriptor {
    momentMatching = List.copyOf(momentMatching);
    mutualInformation = List.copyOf(mutualInformation);
    nodes = List.copyOf(nodes);
    networks = List.copyOf(networks);
    conflictingOverrides = List.copyOf(conflictingOverrides);
  }

  /** The {@code @MutualInformation} on {@code method}, if it has one. */
  public Optional<AnnotatedMethod> mutualInformation(javax.lang.model.element.ExecutableElement method) {
    return mutualInformation.stream().filter(m -> m.method().equals(method)).findFirst();
  }

  /** The first node declared with this name. */
  public Optional<NodeDescriptor> node(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
  }

  public List<NetworkDescriptor> networks(NetworkRole role) {
    return networks.stream().filter(n -> n.role() == role).toList();
  }

  /** The latents declared {@code @Latent(global = true)}. */
  public List<NodeDescriptor> globalLatents() {
    return nodes.stream().filter(NodeDescriptor::isGlobalLatent).toList();
  }

  /** The first network of this role that targets the node. */
  public Optional<NetworkDescriptor> network(NetworkRole role, String target) {
    return networks.stream()
        .filter(n -> n.role() == role && n.target().equals(target))
        .findFirst();
  }
}
