package dev.helmholtz.processor.codegen;

import dev.helmholtz.processor.model.AnnotationMirrors;
import dev.helmholtz.processor.model.GameAnnotations;
import dev.helmholtz.processor.model.NetworkDescriptor;
import dev.helmholtz.processor.model.NetworkRole;
import dev.helmholtz.processor.model.NodeFamily;
import dev.helmholtz.processor.model.NodeDescriptor;
import dev.helmholtz.processor.model.ParameterDescriptor;
import dev.helmholtz.processor.validation.EncoderGame;
import dev.helmholtz.processor.validation.ModelKind;
import dev.helmholtz.processor.validation.ValidatedModel;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The model report: per node its family, parents, gradient estimator and KL, plus the orders
 * the graphs are evaluated in. Written into the generated class's Javadoc (and printed as a NOTE
 * when verbose), so what the processor decided is visible where the code is.
 */
public final class ModelReport {
  private final ValidatedModel model;

  public ModelReport(ValidatedModel model) {
    this.model = model;
  }

  /** Javadoc HTML. */
  public String javadoc() {
    StringBuilder b = new StringBuilder();
    b.append("<p>Objective: ").append(objective()).append(".\n");
    b.append("<ul>\n");
    for (NodeDescriptor node : model.generativeOrder()) {
      b.append("<li>").append(line(node, true)).append("\n");
    }
    b.append("</ul>\n");
    if (model.kind() == ModelKind.ENERGY) {
      return b.append("<p>").append(SourceText.javadoc(gibbsSweep())).append(".\n").toString();
    }
    b.append(!model.kind().infersPerExample() ? "<p>"
            : "<p>Inference order: " + SourceText.javadoc(names(model.inferenceOrder())) + ". ")
        .append("Generative order: ").append(SourceText.javadoc(names(model.generativeOrder())))
        .append(".\n");
    return b.toString();
  }

  /** Plain text, for a compiler NOTE. */
  public String text() {
    StringBuilder b = new StringBuilder();
    b.append("Helmholtz model ").append(model.model().type().getQualifiedName())
        .append(" -> ").append(model.model().generatedName()).append('\n');
    b.append("  objective: ").append(objective()).append('\n');
    for (NodeDescriptor node : model.generativeOrder()) {
      b.append("  ").append(line(node, false)).append('\n');
    }
    if (model.kind() == ModelKind.ENERGY) {
      return b.append("  ").append(gibbsSweep()).toString();
    }
    if (model.kind().infersPerExample()) {
      b.append("  inference order: ").append(names(model.inferenceOrder())).append('\n');
    }
    b.append("  generative order: ").append(names(model.generativeOrder()));
    return b.toString();
  }

  /** An energy-based model's block-Gibbs sweep: latents given the observed nodes, then those given the latents. */
  private String gibbsSweep() {
    return "Gibbs sweep: " + names(model.latents()) + " given " + names(model.observed()) + ", then "
        + names(model.observed()) + " given " + names(model.latents());
  }

  private String objective() {
    return switch (model.kind()) {
      case ADVERSARIAL -> {
        if (!model.model().momentMatching().isEmpty()) {
          var m = model.model().momentMatching().get(0);
          yield "moment matching: the generator minimizes MMD^2 to the data under Gaussian kernels of bandwidths "
              + AnnotationMirrors.doubleArrayValue(m.annotation(), "bandwidths") + "; no discriminator";
        }
        NetworkDescriptor d = model.model().networks(NetworkRole.DISCRIMINATOR).get(0);
        int steps = AnnotationMirrors.intValue(d.annotation(), "steps", 1);
        if (GameModelWriter.writes(model)) {
          yield "a game of several players: " + model.model().networks(NetworkRole.DISCRIMINATOR).size()
              + " discriminator(s), each its own optimizer, the generators one optimizer"
              + (model.model().networks(NetworkRole.ENCODER).isEmpty() ? "" : ", the classifier one") + "; " + steps
              + " discriminator step" + (steps == 1 ? "" : "s") + " per generator step";
        }
        yield "adversarial, " + AnnotationMirrors.enumValue(d.annotation(), "loss").orElse("NON_SATURATING")
            + " loss, " + steps + " discriminator step" + (steps == 1 ? "" : "s") + " per generator step"
            + EncoderGame.of(model.model()).map(game -> game == EncoderGame.BIDIRECTIONAL
                ? "; ALI/BiGAN: the discriminator judges (x, z) pairs, the generator and encoder train together"
                : "; an adversarial autoencoder: a reconstruction phase (encoder and decoder) before each"
                    + " regularization phase (discriminator, then encoder)").orElse("");
      }
      case BAYESIAN -> "none per example: the posterior of the global latents given the whole data set, "
          + "log p(globals) + sum over examples of log p(observed | globals, given), sampled by HMC "
          + "(hmc(data)) or fitted by mean-field VI (variational(data))";
      case ENERGY -> EnergyModelWriter.training(model.model().networks(NetworkRole.ENERGY).get(0))
          + ", by SGD with momentum";
      case VARIATIONAL -> model.model().objective() + ", " + model.model().samples() + " sample"
          + (model.model().samples() == 1 ? "" : "s") + " per example"
          + (model.model().globalLatents().isEmpty() ? ""
              : "; global latents (" + String.join(", ", model.model().globalLatents().stream()
                  .map(NodeDescriptor::name).toList()) + ") by Bayes by backprop: each example's objective "
                  + "carries 1 / N of their KL, N the training data's size, so a minibatch carries B / N");
    };
  }

  private String line(NodeDescriptor node, boolean html) {
    String code = html ? SourceText.javadocCode(node.name()) : node.name();
    StringBuilder b = new StringBuilder(code).append(": ")
        .append(node.isLatent() ? "latent " : "observed ")
        .append(family(node))
        .append(", event shape ").append(node.shape()).append("; ");
    if (model.kind() == ModelKind.ADVERSARIAL) {
      return b.append(adversarialRole(node, html)).toString();
    }
    if (model.kind() == ModelKind.ENERGY) {
      String units = EnergyModelWriter.units(model.family(node).simpleName()).equals("GAUSSIAN")
          ? "real units, Normal given the rest" : "binary units, Bernoulli given the rest";
      return b.append(units).append(node.isLatent() ? ", summed out of the free energy" : "").append("; in ")
          .append(model.model().networks(NetworkRole.ENERGY).get(0).methodName()).append("()").toString();
    }
    if (node.given()) {
      return b.append("given: conditioned on, not modelled").toString();
    }
    b.append(density("p", node, model.generator(node).orElse(null), html));
    if (node.isGlobalLatent() && model.kind() == ModelKind.VARIATIONAL) {
      return b.append("; global: one value for the whole data set; q: mean-field Normal (trainable loc and "
          + "softplus scale), reparameterized, one draw per step; KL: Monte Carlo, 1 / N of it per example").toString();
    }
    if (node.isGlobalLatent()) {
      return b.append("; global: one value for the whole data set, theta[").append(offset(node)).append(", ")
          .append(offset(node) + node.width()).append(")").toString();
    }
    if (model.generator(node).filter(NetworkDescriptor::drawAxis).isPresent()) {
      return b.append("; sees the draw axis: global latents [R, width], other parents [n, event], returns [R, n, event]")
          .toString();
    }
    if (model.kind() == ModelKind.BAYESIAN && !node.isLatent()) {
      List<String> global = model.generator(node).orElseThrow().nodeParameters().stream()
          .map(ParameterDescriptor::name).filter(n -> model.node(n).isLatent()).toList();
      return b.append(global.isEmpty() ? "" : "; global latents repeated per example: " + String.join(", ", global))
          .toString();
    }
    if (node.isLatent() && node.enumerate()) {
      String name = html ? SourceText.javadoc(node.name()) : node.name();
      return b.append("; ").append(density("q", node, model.encoder(node).orElseThrow(), html))
          .append(model.objectiveTraits().clampsLabels()
              ? "; in training drawn from q where unlabelled and clamped to the label where labelled, its "
                  + node.width() + " classes summed out in elbo()"
              : "; summed out by enumeration of its " + node.width() + " classes where unlabelled")
          .append(" (labels: data column ").append(name)
          .append(", one-hot rows; all-zero rows are unlabelled); classification weight ")
          .append(node.classificationWeight()).toString();
    }
    if (node.isLatent()) {
      NetworkDescriptor encoder = model.encoder(node).orElseThrow();
      b.append("; ").append(density("q", node, encoder, html))
          .append("; gradient: ")
          .append(model.gradient(node).description())
          // Only an objective that trains through the KL term says so; the others use log weights.
          .append(model.objectiveTraits().trainsThroughKl() ? "; KL: " : "; KL in elbo(): ")
          .append(model.analyticKl(node) ? "analytic" : "Monte Carlo");
    }
    return b.toString();
  }

  /** The family's name; a user's own says so, with its class. */
  private String family(NodeDescriptor node) {
    NodeFamily family = model.family(node);
    return family.simpleName() + (family.userDefined()
        ? " (a family of your own, " + family.qualifiedName() + ")" : "");
  }

  /** Where a global latent starts in theta: global latents lie end to end in declaration order. */
  private int offset(NodeDescriptor global) {
    int offset = 0;
    for (NodeDescriptor z : model.model().globalLatents()) {
      if (z == global) {
        return offset;
      }
      offset += z.width();
    }
    throw new IllegalArgumentException(global.name() + " is not a global latent");
  }

  /** Noise, the deterministically generated node and its discriminator, or a label. */
  private String adversarialRole(NodeDescriptor node, boolean html) {
    var generator = model.generator(node);
    Optional<EncoderGame> game = EncoderGame.of(model.model());
    if (game.isPresent()) {
      return encoderGameRole(node, game.get(), generator.orElse(null), html);
    }
    if (node.isLatent()) {
      var head = model.model().networks(NetworkRole.ENCODER).stream()
          .filter(e -> e.target().equals(node.name()) && model.model().mutualInformation(e.method()).isPresent())
          .findFirst();
      return density("p", node, generator.orElse(null), html)
          + head.map(q -> "; an InfoGAN code, Q by " + q.methodName() + "()").orElse("; noise");
    }
    if (generator.isEmpty()) {
      var classifier = model.model().networks(NetworkRole.ENCODER).stream()
          .filter(e -> e.target().equals(node.name()) && GameAnnotations.classifier(e).isPresent()).findFirst();
      return classifier.map(c -> "label, one-hot where given, all zero where not; classified by " + c.methodName()
          + "() (Triple-GAN)").orElse("label, given to both networks");
    }
    String name = html ? SourceText.javadoc(node.name()) : node.name();
    List<String> parents = generator.get().nodeParameters().stream().map(ParameterDescriptor::name).toList();
    String implicit = name + " = " + generator.get().methodName() + "(" + String.join(", ", parents) + "), implicit; ";
    if (!model.model().momentMatching().isEmpty()) {
      return implicit + "matched to the data by a kernel two-sample loss";
    }
    NetworkDescriptor d = model.model().network(NetworkRole.DISCRIMINATOR, node.name())
        .orElse(model.model().networks(NetworkRole.DISCRIMINATOR).get(0));
    return implicit + "judged by " + d.methodName() + "()";
  }

  /** A node of ALI/BiGAN or an adversarial autoencoder: the encoded latent or the generated node. */
  private String encoderGameRole(NodeDescriptor node, EncoderGame game, NetworkDescriptor generator, boolean html) {
    String d = model.model().networks(NetworkRole.DISCRIMINATOR).get(0).methodName();
    String e = EncoderGame.encoder(model.model()).orElseThrow().methodName();
    if (node.isLatent()) {
      return density("p", node, generator, html) + "; inferred by " + e + "()" + (game == EncoderGame.BIDIRECTIONAL
          ? ", judged in pairs by " + d + "()" : "; " + d + "() judges prior draws against its draws");
    }
    String name = html ? SourceText.javadoc(node.name()) : node.name();
    List<String> parents = generator.nodeParameters().stream().map(ParameterDescriptor::name).toList();
    String call = generator.methodName() + "(" + String.join(", ", parents) + ")";
    return game == EncoderGame.BIDIRECTIONAL ? name + " = " + call + ", implicit; judged with its latent by " + d + "()"
        : name + " ~ " + call + ", the decoder p(" + name + " | " + String.join(", ", parents)
            + "), trained on reconstruction";
  }

  private static String density(String p, NodeDescriptor node, NetworkDescriptor network, boolean html) {
    String name = html ? SourceText.javadoc(node.name()) : node.name();
    if (network == null) {
      return p + "(" + name + "): standard prior";
    }
    // Parameters are Java identifiers: they need no escaping.
    List<String> parents = network.parameters().stream()
        .filter(x -> x.kind() == ParameterDescriptor.Kind.NODE)
        .map(ParameterDescriptor::name)
        .toList();
    return p + "(" + name + (parents.isEmpty() ? "" : " | " + String.join(", ", parents))
        + ") by " + network.methodName() + "()" + (network.returnsFlow() ? ", a normalizing flow" : "");
  }

  private static String names(List<NodeDescriptor> nodes) {
    return nodes.isEmpty() ? "(none)" : nodes.stream().map(NodeDescriptor::name).collect(Collectors.joining(", "));
  }
}
