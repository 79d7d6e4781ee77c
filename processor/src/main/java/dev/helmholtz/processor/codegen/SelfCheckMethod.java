package dev.helmholtz.processor.codegen;

import static dev.helmholtz.processor.codegen.RuntimeTypes.DATASET;
import static dev.helmholtz.processor.codegen.RuntimeTypes.SELF_CHECK_OPTIONS;
import static dev.helmholtz.processor.codegen.RuntimeTypes.SELF_CHECK_PLAN;
import static dev.helmholtz.processor.codegen.RuntimeTypes.SELF_CHECK_REPORT;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.processor.model.Family;
import dev.helmholtz.processor.model.NodeDescriptor;
import dev.helmholtz.processor.validation.GradientEstimator;
import dev.helmholtz.processor.validation.ValidatedModel;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;

/**
 * The generated {@code selfCheck(Dataset, SelfCheckOptions)} of every model kind: Javadoc that says
 * what the runtime's self-check checks for this model and what it skips, and, for a variational
 * model, a body that hands the runtime what the processor decided (its {@code SelfCheckPlan}).
 */
final class SelfCheckMethod {
  /** The runtime's enumeration limit (VariationalSelfCheck.ENUMERATION_LIMIT), for the Javadoc's forecast. */
  private static final double ENUMERATION_LIMIT = 4096;

  private SelfCheckMethod() {}

  static MethodSpec variational(ValidatedModel validated) {
    var model = validated.model();
    int k = validated.enumerated().isPresent() ? 1 : model.samples();
    List<String> analytic = new ArrayList<>();
    List<String> score = new ArrayList<>();
    List<String> enumerable = new ArrayList<>();
    for (NodeDescriptor z : validated.latents()) {
      if (z.isGlobalLatent()) {
        continue; // its KL is Monte Carlo, its posterior the model's own variables
      }
      if (!z.enumerate() && validated.analyticKl(z)) {
        analytic.add(z.name());
      }
      if (validated.gradient(z) == GradientEstimator.SCORE_FUNCTION) {
        score.add(z.name());
      }
      if (validated.family(z) == Family.BERNOULLI || validated.family(z) == Family.CATEGORICAL) {
        enumerable.add(z.name());
      }
    }
    CodeBlock.Builder doc = CodeBlock.builder()
        .add("Checks this model on the first {@code options.examples()} rows of {@code data} (or, when it is\n"
            + "null, on examples drawn from the model itself), in a graph of its own with this model's\n"
            + "variables copied in:\n<ol>\n")
        .add("<li>gradient: the $L at fixed noise, against central finite differences over every\n"
            + "trainable variable (a random direction and single entries);\n",
            k == 1 ? "ELBO" : "IWAE bound (k = " + k + ")")
        .add("<li>kl: $L;\n", analytic.isEmpty() ? "skipped, no latent has an analytic KL"
            : "the analytic KL of " + codes(analytic) + " against Monte Carlo, within standard errors")
        .add("<li>bounds: $L;\n", validated.latents().isEmpty() ? "skipped, no latents"
            : "ELBO &le; IWAE<sub>k</sub> &le; IWAE<sub>k'</sub> &le; the importance-sampled log-likelihood");
    doc.add("<li>score-function: $L;\n", scoreFunction(validated, score, enumerable, k));
    doc.add("<li>shape: the output of every network against its node's event shape ($L);\n", shapes(validated));
    doc.add("<li>structure: the graph's analytic KLs and score-function latents are those compiled.\n</ol>\n")
        .add("In a test: {@code model.selfCheck(batch, SelfCheckOptions.quick()).assertPassed()}.\n\n")
        .add("@return the report, a row per check; {@code assertPassed()} throws naming each failure\n");
    CodeBlock.Builder plan = CodeBlock.builder().add("$T.builder()", SELF_CHECK_PLAN).indent().indent();
    analytic.forEach(name -> plan.add("\n.analyticKl($S)", name));
    score.forEach(name -> plan.add("\n.scoreFunction($S)", name));
    enumerable.forEach(name -> plan.add("\n.enumerable($S)", name));
    plan.add("\n.build()").unindent().unindent();
    return start(doc.build()).addStatement("return selfCheck(data, options, $L)", plan.build()).build();
  }

  private static String scoreFunction(ValidatedModel validated, List<String> score, List<String> enumerable, int k) {
    ObjectiveKind objective = validated.model().objective();
    if (score.isEmpty()) {
      return "skipped, no latent is trained by a score-function estimator";
    }
    if (objective != ObjectiveKind.NVIL && objective != ObjectiveKind.VIMCO) {
      return "skipped, " + objective + " does not follow the gradient of one objective";
    }
    if (score.size() != validated.latents().size() || !enumerable.containsAll(score)) {
      return "skipped, not every latent is a Bernoulli or Categorical trained by the score function";
    }
    double configurations = 1;
    for (String name : score) {
      NodeDescriptor z = validated.node(name);
      configurations *= validated.family(z) == Family.BERNOULLI ? Math.pow(2, z.width()) : z.width();
    }
    double tuples = Math.pow(configurations, k);
    if (tuples > ENUMERATION_LIMIT) {
      return String.format(java.util.Locale.ROOT, "skipped, %s has %.3g configurations over %d sample%s, beyond "
          + "the enumeration limit of %d", codes(score), tuples, k, k == 1 ? "" : "s", (int) ENUMERATION_LIMIT);
    }
    return "the estimator's mean gradient over many runs against the gradient of the expected bound, summed "
        + "over the " + (long) tuples + " configurations of " + codes(score) + ", within standard errors";
  }

  static MethodSpec adversarial(ValidatedModel validated) {
    if (dev.helmholtz.processor.validation.EncoderGame.of(validated.model()).isPresent()) {
      return encoderGame(validated);
    }
    return delegating(CodeBlock.builder()
        .add("Checks this model on the first {@code options.examples()} rows of {@code data} (or, when it is\n"
            + "null, on the generator's own examples), in a graph of its own with this model's variables\n"
            + "copied in:\n<ol>\n")
        .add("<li>gradient: the generator's loss and the discriminator's loss at fixed noise, against central\n"
            + "finite differences over each player's variables;\n")
        .add("<li>shape: the generator's output against $L's event shape, and the discriminator's\n"
            + "against one logit per example;\n", SourceText.javadocCode(generatedName(validated)))
        .add("<li>kl, bounds, score-function: skipped, an implicit model has no density.\n</ol>\n\n")
        .add("@return the report, a row per check; {@code assertPassed()} throws naming each failure\n")
        .build());
  }

  /** ALI/BiGAN and the adversarial autoencoder: every player's loss, the encoder's output too. */
  private static MethodSpec encoderGame(ValidatedModel validated) {
    return delegating(CodeBlock.builder()
        .add("Checks this model on the first {@code options.examples()} rows of {@code data} (or, when it is\n"
            + "null, on the generator's own examples), in a graph of its own with this model's variables\n"
            + "copied in:\n<ol>\n")
        .add("<li>gradient: each player's loss at fixed noise (the discriminator's, the generator side's and,\n"
            + "for an adversarial autoencoder, the reconstruction's), against central finite differences over\n"
            + "that player's variables;\n")
        .add("<li>shape: the generator's output against $L's event shape, the encoder's against its\n"
            + "latent's, and the discriminator's against one logit per example;\n",
            SourceText.javadocCode(generatedName(validated)))
        .add("<li>kl, bounds, score-function: skipped, the game matches distributions with no KL.\n</ol>\n\n")
        .add("@return the report, a row per check; {@code assertPassed()} throws naming each failure\n")
        .build());
  }

  static MethodSpec bayesian(ValidatedModel validated) {
    List<String> globals = validated.model().nodes().stream().filter(NodeDescriptor::isGlobalLatent)
        .map(NodeDescriptor::name).toList();
    return delegating(CodeBlock.builder()
        .add("Checks this model on the first {@code options.examples()} rows of {@code data} (or, when it is\n"
            + "null, on synthetic data: given nodes standard normal, observed nodes from the prior predictive):\n"
            + "<ol>\n")
        .add("<li>log-density: the log posterior's gradient with respect to $L, at draws from their priors,\n"
            + "against central finite differences;\n", codes(globals))
        .add("<li>shape: each prior and likelihood against its node's width;\n")
        .add("<li>gradient, kl, bounds, score-function: skipped, a model of global latents trains no network.\n"
            + "</ol>\n\n")
        .add("@return the report, a row per check; {@code assertPassed()} throws naming each failure\n")
        .build());
  }

  static MethodSpec energy(ValidatedModel validated) {
    return delegating(CodeBlock.builder()
        .add("Checks this model on the first {@code options.examples()} rows of {@code data} (or, when it is\n"
            + "null, on random configurations of its units), in a graph of its own with this model's\n"
            + "variables copied in:\n<ol>\n")
        .add("<li>gradient: the mean energy at the data and fixed latent configurations, against central\n"
            + "finite differences over every trainable variable;\n")
        .add("<li>shape: the energy against one value per configuration;\n")
        .add("<li>kl, bounds, score-function: skipped, an energy model has no posterior network.\n</ol>\n\n")
        .add("@return the report, a row per check; {@code assertPassed()} throws naming each failure\n")
        .build());
  }

  private static MethodSpec delegating(CodeBlock doc) {
    return start(doc).addStatement("return super.selfCheck(data, options)").build();
  }

  private static MethodSpec.Builder start(CodeBlock doc) {
    return MethodSpec.methodBuilder("selfCheck")
        .addJavadoc(doc)
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(SELF_CHECK_REPORT)
        .addParameter(DATASET, "data")
        .addParameter(SELF_CHECK_OPTIONS, "options");
  }

  private static String generatedName(ValidatedModel validated) {
    return validated.model().nodes().stream().filter(n -> !n.isLatent() && !n.given()).map(NodeDescriptor::name)
        .findFirst().orElse("-");
  }

  private static String shapes(ValidatedModel validated) {
    return validated.model().nodes().stream().filter(n -> !n.given())
        .map(n -> SourceText.javadocCode(n.name()) + " " + n.shape()).collect(Collectors.joining(", "));
  }

  private static String codes(List<String> names) {
    return names.stream().map(SourceText::javadocCode).collect(Collectors.joining(", "));
  }
}
