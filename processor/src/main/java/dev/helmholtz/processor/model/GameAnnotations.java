package dev.helmholtz.processor.model;

import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;

/**
 * The marks that make an adversarial model a game of more than two networks, read off its
 * networks' methods as written: {@code @CycleConsistency} on a translating generator (CycleGAN)
 * and {@code @Classifier} on an encoder of an observed label (Triple-GAN). Read here, beside the
 * descriptor, so that the descriptor's shape stays as it is.
 */
public final class GameAnnotations {
  public static final String CYCLE_CONSISTENCY = "dev.helmholtz.annotations.CycleConsistency";
  public static final String CLASSIFIER = "dev.helmholtz.annotations.Classifier";

  private GameAnnotations() {}

  /** The {@code @CycleConsistency} on {@code network}'s method, if any. */
  public static Optional<AnnotationMirror> cycleConsistency(NetworkDescriptor network) {
    return AnnotationMirrors.find(network.method(), CYCLE_CONSISTENCY);
  }

  /** The {@code @Classifier} on {@code network}'s method, if any. */
  public static Optional<AnnotationMirror> classifier(NetworkDescriptor network) {
    return AnnotationMirrors.find(network.method(), CLASSIFIER);
  }

  /** The methods {@code model}'s class declares marked {@code annotation}, with the mark. */
  public static List<AnnotatedMethod> marked(ModelDescriptor model, String annotation) {
    return javax.lang.model.util.ElementFilter.methodsIn(model.type().getEnclosedElements()).stream()
        .flatMap(m -> AnnotationMirrors.find(m, annotation).map(a -> new AnnotatedMethod(m, a)).stream())
        .toList();
  }

  /**
   * Whether {@code model} is a game of more than two networks: several discriminators, a cycle
   * consistency or a classifier player. Such a model compiles to the runtime's {@code GameModel}.
   */
  public static boolean isGame(ModelDescriptor model) {
    return model.networks(NetworkRole.DISCRIMINATOR).size() > 1
        || !marked(model, CYCLE_CONSISTENCY).isEmpty() || !marked(model, CLASSIFIER).isEmpty();
  }

  /**
   * Whether {@code network} is a generator translating one judged observed node into another:
   * it targets a node a discriminator judges and takes another such node, whose value it reads
   * from that node's data rather than generating it after it.
   */
  public static boolean translatesFrom(ModelDescriptor model, NetworkDescriptor network, String parameter) {
    return network.role() == NetworkRole.GENERATOR && !parameter.equals(network.target())
        && model.network(NetworkRole.DISCRIMINATOR, network.target()).isPresent()
        && model.network(NetworkRole.DISCRIMINATOR, parameter).isPresent()
        && model.node(parameter).map(n -> !n.isLatent()).orElse(false);
  }
}
