package dev.helmholtz.processor.codegen;

import static dev.helmholtz.processor.codegen.RuntimeTypes.DATASET;
import static dev.helmholtz.processor.codegen.RuntimeTypes.FLOAT_OPERAND;
import static dev.helmholtz.processor.codegen.RuntimeTypes.GENERATIVE_PASS;
import static dev.helmholtz.processor.codegen.RuntimeTypes.INFERENCE_PASS;
import static dev.helmholtz.processor.codegen.RuntimeTypes.MODEL_SPEC;
import static dev.helmholtz.processor.codegen.RuntimeTypes.OBJECTIVE_KIND;
import static dev.helmholtz.processor.codegen.RuntimeTypes.VARIATIONAL_MODEL;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.helmholtz.processor.model.Family;
import dev.helmholtz.processor.model.NodeFamily;
import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NetworkDescriptor;
import dev.helmholtz.processor.model.NodeDescriptor;
import dev.helmholtz.processor.model.ParameterDescriptor;
import dev.helmholtz.processor.model.UserFamily;
import dev.helmholtz.processor.validation.ValidatedModel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.lang.model.element.Modifier;

/**
 * Phase three: writes {@code <Model>Model}, a subclass of the runtime's {@code VariationalModel}.
 * It only wires the user's networks and the model's nodes together in the order validation
 * worked out; sampling, densities and objectives are runtime calls. Member order and names are
 * deterministic, so the same model always gives the same source.
 */
public final class VariationalModelWriter {

  private final ValidatedModel validated;
  private final ModelDescriptor model;
  private final ClassName modelType;
  private final ClassName generatedType;
  private final boolean generatedAnnotationAvailable;

  public VariationalModelWriter(ValidatedModel validated, boolean generatedAnnotationAvailable) {
    this.validated = validated;
    this.model = validated.model();
    this.modelType = ClassName.get(model.type());
    this.generatedType = ClassName.get(model.packageName(), model.generatedName());
    this.generatedAnnotationAvailable = generatedAnnotationAvailable;
  }

  public JavaFile write() {
    TypeSpec.Builder type = GeneratedClass.start(validated, VARIATIONAL_MODEL,
        CodeBlock.of("The model defined by {@link $T}, compiled to a TensorFlow graph by Helmholtz.\n\n", modelType),
        MODEL_SPEC, spec(), generatedAnnotationAvailable);
    type.addMethods(GeneratedClass.seededConstructorAndFactories(modelType, generatedType));
    type.addMethods(typedApi());
    type.addMethod(SelfCheckMethod.variational(validated));
    type.addMethod(defineInference());
    type.addMethod(defineGeneration());
    return GeneratedClass.file(model, type.build());
  }

  private CodeBlock spec() {
    CodeBlock.Builder b = CodeBlock.builder()
        .add("$T.builder($S)\n", MODEL_SPEC, model.type().getQualifiedName().toString())
        .indent().indent()
        .add(".objective($T.$L, $L)\n", OBJECTIVE_KIND, model.objective().name(), model.samples());
    for (NodeDescriptor node : model.nodes()) {
      if (node.enumerate()) {
        b.add(".enumerated($S, $L, $L)\n", node.name(), node.width(), node.classificationWeight());
        continue;
      }
      if (node.isGlobalLatent()) {
        b.add(".global($S, $L)\n", node.name(), node.width());
        continue;
      }
      b.add(".$L($S, $L)\n", node.isLatent() ? "latent" : node.given() ? "given" : "observed", node.name(),
          GeneratedClass.shapeArguments(node));
    }
    return b.add(".build()").unindent().unindent().build();
  }

  /**
   * Array-typed conveniences over the generic, name-keyed API, for one observed node. Each node's
   * values are arrays of its event shape ({@code float[n][28][28][1]} for [28, 28, 1]); a method
   * that takes an image-shaped x also has an overload on flat rows ({@code float[n][784]},
   * row-major), which answers in flat rows.
   */
  private List<MethodSpec> typedApi() {
    List<NodeDescriptor> observed = validated.observed();
    if (observed.size() != 1) {
      return List.of();
    }
    NodeDescriptor x = observed.get(0);
    TypeName matrix = ArrayTypeName.of(ArrayTypeName.of(TypeName.FLOAT));
    TypeName xEvents = GeneratedClass.eventsType(x);
    boolean xShaped = GeneratedClass.shaped(x);
    List<MethodSpec> methods = new ArrayList<>();
    // Names of typed methods, so that latents whose names differ only in what SourceText.identifier() or
    // SourceText.capitalize() erase (z and Z, z-1 and z_1) get distinct encode methods.
    NameAllocator methodNames = new NameAllocator();
    methodNames.newName("sample");
    methodNames.newName("reconstruct");
    validated.enumerated().ifPresent(y -> {
      methodNames.newName("classify");
      methodNames.newName("classProbabilities");
      methodNames.newName("sampleClasses");
      methods.addAll(classifierApi(x, y, matrix));
    });
    String xDoc = SourceText.javadoc(x.name());
    methods.add(MethodSpec.methodBuilder("sample")
        .addModifiers(Modifier.PUBLIC)
        .returns(xEvents)
        .addParameter(TypeName.INT, "n")
        .addJavadoc("Draws {@code n} examples by ancestral sampling and returns, for each, the mean of\n"
            + "p($L | parents): {@code $L}$L.\n", xDoc, GeneratedClass.eventsDims("n", x), flatGenerate(x))
        .addStatement("return $L", GeneratedClass.toShape(CodeBlock.of("generate(n).get($S)", x.name()), x))
        .build());
    if (xShaped) {
      methods.add(MethodSpec.methodBuilder("reconstruct")
          .addModifiers(Modifier.PUBLIC)
          .returns(xEvents)
          .addParameter(xEvents, "data")
          .addJavadoc("Encodes each example to the means of the posteriors and decodes it to the mean of\n"
              + "p($L | ...): {@code $L}.\n", xDoc, GeneratedClass.eventsDims("rows", x))
          .addStatement("return $L", GeneratedClass.toShape(
              CodeBlock.of("reconstruct($L)", GeneratedClass.toRows("data", x)), x))
          .build());
    }
    methods.add(MethodSpec.methodBuilder("reconstruct")
        .addModifiers(Modifier.PUBLIC)
        .returns(matrix)
        .addParameter(matrix, "data")
        .addJavadoc("Encodes each row to the means of the posteriors and decodes it to the mean of\n"
            + "p($L | ...): {@code [rows][$L]}$L.\n", xDoc, x.width(), GeneratedClass.rowLayout(x))
        .addStatement("return reconstructAll($T.of($S, data)).get($S)", DATASET, x.name(), x.name())
        .build());
    List<NodeDescriptor> latents = validated.inferenceOrder();
    for (NodeDescriptor z : latents) {
      String name = methodNames.newName(
          latents.size() == 1 ? "encode" : "encode" + SourceText.capitalize(SourceText.identifier(z.name())));
      String zDoc = SourceText.javadoc(z.name());
      CodeBlock means = CodeBlock.of("encodeAll($T.of($S, data)).get($S)", DATASET, x.name(), z.name());
      if (xShaped) {
        methods.add(MethodSpec.methodBuilder(name)
            .addModifiers(Modifier.PUBLIC)
            .returns(GeneratedClass.eventsType(z))
            .addParameter(xEvents, "data")
            .addJavadoc("The mean of q($L | ...) for each example: {@code $L}.\n", zDoc,
                GeneratedClass.eventsDims("rows", z))
            .addStatement("return $L", GeneratedClass.toShape(
                CodeBlock.of("$N($L)", name, GeneratedClass.toRows("data", x)), z))
            .build());
        methods.add(MethodSpec.methodBuilder(name)
            .addModifiers(Modifier.PUBLIC)
            .returns(matrix)
            .addParameter(matrix, "data")
            .addJavadoc("The mean of q($L | ...) for each flat row of $L (an event of shape $L flattened\n"
                + "row-major, channels last): {@code [rows][$L]}$L.\n", zDoc, xDoc, x.shape(), z.width(),
                GeneratedClass.rowLayout(z))
            .addStatement("return $L", means)
            .build());
      } else {
        methods.add(MethodSpec.methodBuilder(name)
            .addModifiers(Modifier.PUBLIC)
            .returns(GeneratedClass.eventsType(z))
            .addParameter(matrix, "data")
            .addJavadoc("The mean of q($L | ...) for each row: {@code $L}.\n", zDoc,
                GeneratedClass.eventsDims("rows", z))
            .addStatement("return $L", GeneratedClass.toShape(means, z))
            .build());
      }
    }
    return methods;
  }

  /** For an image-shaped node, where its flat rows are; empty for a vector. */
  private static String flatGenerate(NodeDescriptor x) {
    return GeneratedClass.shaped(x)
        ? ";\nthe generic {@code generate(n)} has the same values as flat rows of " + x.width()
            + " (row-major, channels last)"
        : "";
  }

  /** For a model with an enumerated latent y: classify by q(y | x), and generate given classes. */
  private List<MethodSpec> classifierApi(NodeDescriptor x, NodeDescriptor y, TypeName matrix) {
    String xDoc = SourceText.javadoc(x.name());
    String yDoc = SourceText.javadoc(y.name());
    TypeName xEvents = GeneratedClass.eventsType(x);
    List<MethodSpec> methods = new ArrayList<>();
    if (GeneratedClass.shaped(x)) {
      methods.add(MethodSpec.methodBuilder("classify")
          .addModifiers(Modifier.PUBLIC)
          .returns(ArrayTypeName.of(TypeName.INT))
          .addParameter(xEvents, "data")
          .addJavadoc("The most probable class of $L under q($L | $L) for each example, from 0.\n", yDoc, yDoc, xDoc)
          .addStatement("return classify($L)", GeneratedClass.toRows("data", x))
          .build());
      methods.add(MethodSpec.methodBuilder("classProbabilities")
          .addModifiers(Modifier.PUBLIC)
          .returns(matrix)
          .addParameter(xEvents, "data")
          .addJavadoc("q($L | $L) for each example: {@code [rows][$L]}.\n", yDoc, xDoc, y.width())
          .addStatement("return classProbabilities($L)", GeneratedClass.toRows("data", x))
          .build());
    }
    methods.add(MethodSpec.methodBuilder("classify")
        .addModifiers(Modifier.PUBLIC)
        .returns(ArrayTypeName.of(TypeName.INT))
        .addParameter(matrix, "data")
        .addJavadoc("The most probable class of $L under q($L | $L) for each row, from 0.\n", yDoc, yDoc, xDoc)
        .addStatement("return classify($T.of($S, data))", DATASET, x.name())
        .build());
    methods.add(MethodSpec.methodBuilder("classProbabilities")
        .addModifiers(Modifier.PUBLIC)
        .returns(matrix)
        .addParameter(matrix, "data")
        .addJavadoc("q($L | $L) for each row: {@code [rows][$L]}.\n", yDoc, xDoc, y.width())
        .addStatement("return classProbabilities($T.of($S, data))", DATASET, x.name())
        .build());
    methods.add(MethodSpec.methodBuilder("sampleClasses")
        .addModifiers(Modifier.PUBLIC)
        .returns(xEvents)
        .addParameter(ArrayTypeName.of(TypeName.INT), "classes")
        .varargs()
        .addJavadoc("Draws one example per entry of {@code classes} (each in 0..$L) by ancestral sampling with\n"
            + "$L set to that class, and returns the mean of p($L | parents) for each: {@code $L}.\n",
            y.width() - 1, yDoc, xDoc, GeneratedClass.eventsDims("n", x))
        .addStatement("return $L", GeneratedClass.toShape(
            CodeBlock.of("generateClasses(classes).get($S)", x.name()), x))
        .build());
    return methods;
  }

  private MethodSpec defineInference() {
    NameAllocator names = new NameAllocator();
    names.newName("pass");
    names.newName("model");
    CodeBlock.Builder body = CodeBlock.builder();
    for (NodeDescriptor x : validated.observed()) {
      body.addStatement("$T $N = pass.observed($S)", FLOAT_OPERAND, names.newName(SourceText.identifier(x.name()), x), x.name());
    }
    for (NodeDescriptor w : validated.generativeOrder()) {
      if (!w.isGlobalLatent()) {
        continue;
      }
      // One draw per step from q(w), shared by the batch; its prior and KL are the model's, not an example's.
      var prior = validated.generator(w);
      body.add("// q($L): mean-field Normal, reparameterized; p($L$L) $L; KL: Monte Carlo, 1 / N of it per example\n",
          SourceText.lineComment(w.name()), SourceText.lineComment(w.name()),
          prior.map(g -> g.nodeParameters().isEmpty() ? "" : " | " + parents(g)).orElse(""),
          prior.map(g -> "by " + g.methodName() + "()").orElse("standard"));
      String value = names.newName(SourceText.identifier(w.name()), w);
      body.addStatement("$T $N = pass.global($S)", FLOAT_OPERAND, value, w.name());
      String p = names.newName("p" + SourceText.capitalize(SourceText.identifier(w.name())), "p/" + w.name());
      if (prior.isPresent()) {
        body.addStatement("$T $N = $L", RuntimeTypes.returnedBy(prior.get()), p, inferenceCall(prior.get(), names));
      } else {
        body.addStatement("$T $N = $L", RuntimeTypes.of(validated.family(w)), p,
            prior(w, validated.family(w), CodeBlock.of("pass.shape($N)", value)));
      }
      body.addStatement("pass.globalPrior($S, $N, $N)", w.name(), value, p);
    }
    for (NodeDescriptor z : validated.inferenceOrder()) {
      NetworkDescriptor encoder = validated.encoder(z).orElseThrow();
      String q = names.newName("q" + SourceText.capitalize(SourceText.identifier(z.name())), "q/" + z.name());
      body.add("// q($L | $L) by $L(): $L\n", SourceText.lineComment(z.name()), parents(encoder),
          encoder.methodName(), estimator(z));
      body.addStatement("$T $N = $L", validated.flowPosterior(z) ? RuntimeTypes.TRANSFORMED_DISTRIBUTION
          : RuntimeTypes.returnedBy(encoder), q, inferenceCall(encoder, names));
      body.addStatement("$T $N = pass.$L($S, $N)", FLOAT_OPERAND, names.newName(SourceText.identifier(z.name()), z),
          z.enumerate() ? "enumerate" : "draw", z.name(), q);
    }
    for (NodeDescriptor node : validated.generativeOrder()) {
      if (node.given() || node.isGlobalLatent()) {
        continue; // conditioned on: an input of the networks, with no density of its own; globals: above
      }
      NodeFamily family = validated.family(node);
      String p = names.newName("p" + SourceText.capitalize(SourceText.identifier(node.name())), "p/" + node.name());
      var generator = validated.generator(node);
      if (generator.isPresent()) {
        // A generator of no node (a learned prior) has no batch axis: the pass gives it the value's rows.
        body.add("// p($L$L) by $L()\n", SourceText.lineComment(node.name()),
            generator.get().nodeParameters().isEmpty() ? "" : " | " + parents(generator.get()),
            generator.get().methodName());
        body.addStatement("$T $N = $L", validated.flowPrior(node) ? RuntimeTypes.TRANSFORMED_DISTRIBUTION
            : RuntimeTypes.returnedBy(generator.get()), p, inferenceCall(generator.get(), names));
      } else {
        body.add("// p($L): standard prior\n", SourceText.lineComment(node.name()));
        body.addStatement("$T $N = $L", RuntimeTypes.of(family), p,
            prior(node, family, CodeBlock.of("pass.shape($N)", names.get(node))));
      }
      if (node.isLatent()) {
        String method = node.enumerate() ? "latentEnumerated"
            : validated.analyticKl(node) ? "latentAnalyticKl" : "latentMonteCarloKl";
        if (method.equals("latentAnalyticKl") && family instanceof UserFamily user) {
          // A user family's KL is its own method, which the pass applies to q and p as it flattens them.
          body.addStatement("pass.$L($S, $N, $N, $N, $T::$L)", method, node.name(), names.get(node),
              names.get("q/" + node.name()), p, ClassName.get(user.type()), user.kl());
        } else {
          body.addStatement("pass.$L($S, $N, $N, $N)", method, node.name(), names.get(node),
              names.get("q/" + node.name()), p);
        }
      } else {
        body.addStatement("pass.observe($S, $N, $N)", node.name(), names.get(node), p);
      }
    }
    return MethodSpec.methodBuilder("defineInference")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PROTECTED)
        .addParameter(INFERENCE_PASS, "pass")
        .addCode(body.build())
        .build();
  }

  /**
   * A network call inside the inference pass. Latents carry a leading sample axis [k, B, ...]
   * and observed nodes do not [B, ...]: when any argument is sampled, every argument is folded
   * to [k * B, ...] before the call and the distribution unfolded after; otherwise the network
   * runs once per example, not once per sample.
   */
  private CodeBlock inferenceCall(NetworkDescriptor network, NameAllocator names) {
    boolean sampled = network.nodeParameters().stream()
        .anyMatch(p -> validated.node(p.name()).isLocalLatent());
    boolean prior = validated.node(network.target()).isGlobalLatent();
    Function<ParameterDescriptor, CodeBlock> argument = p -> {
      if (p.kind() == ParameterDescriptor.Kind.LAYER_HELPER) {
        return CodeBlock.of("pass.network($S)", network.methodName());
      }
      NodeDescriptor node = validated.node(p.name());
      if (node.isGlobalLatent()) {
        // A global's one draw, [1, width]: as it is for a global's prior and a draw-axis network,
        // else repeated to the rows of the network's other arguments.
        return prior || network.drawAxis() ? CodeBlock.of("$N", names.get(node))
            : CodeBlock.of(sampled ? "pass.foldGlobal($N)" : "pass.perExample($N)", names.get(node));
      }
      if (!sampled) {
        return CodeBlock.of("$N", names.get(node));
      }
      return CodeBlock.of(node.isLatent() ? "pass.fold($N)" : "pass.tileAndFold($N)", names.get(node));
    };
    CodeBlock call = CodeBlock.of("model.$N($L)", network.methodName(),
        network.parameters().stream().map(argument).collect(CodeBlock.joining(", ")));
    if (network.drawAxis()) {
      call = CodeBlock.of("pass.dropDrawAxis($S, $L)", network.target(), call);
    }
    return sampled ? CodeBlock.of("pass.unfold($L)", call) : call;
  }

  private MethodSpec defineGeneration() {
    NameAllocator names = new NameAllocator();
    names.newName("pass");
    names.newName("model");
    CodeBlock.Builder body = CodeBlock.builder();
    for (NodeDescriptor node : validated.generativeOrder()) {
      if (node.given()) {
        body.addStatement("$T $N = pass.given($S)", FLOAT_OPERAND, names.newName(SourceText.identifier(node.name()), node),
            node.name());
        continue;
      }
      if (node.isGlobalLatent()) {
        body.addStatement("$T $N = pass.global($S)", FLOAT_OPERAND, names.newName(SourceText.identifier(node.name()), node),
            node.name());
        continue;
      }
      NodeFamily family = validated.family(node);
      String p = names.newName("p" + SourceText.capitalize(SourceText.identifier(node.name())), "p/" + node.name());
      var generator = validated.generator(node);
      CodeBlock distribution;
      TypeName type = validated.flowPrior(node) ? RuntimeTypes.TRANSFORMED_DISTRIBUTION
          : generator.map(RuntimeTypes::returnedBy).orElse(RuntimeTypes.of(family));
      if (generator.isPresent()) {
        NetworkDescriptor g = generator.get();
        distribution = CodeBlock.of("model.$N($L)", g.methodName(), g.parameters().stream()
            .map(x -> x.kind() == ParameterDescriptor.Kind.LAYER_HELPER
                ? CodeBlock.of("pass.network($S)", g.methodName())
                : validated.node(x.name()).isGlobalLatent() && !g.drawAxis()
                    ? CodeBlock.of("pass.perExample($N)", names.get(validated.node(x.name())))
                    : CodeBlock.of("$N", names.get(validated.node(x.name()))))
            .collect(CodeBlock.joining(", ")));
        if (g.drawAxis()) {
          distribution = CodeBlock.of("pass.dropDrawAxis($S, $L)", node.name(), distribution);
        }
      } else {
        distribution = prior(node, family, CodeBlock.of("pass.shape($S)", node.name()));
      }
      body.addStatement("$T $N = $L", type, p, distribution);
      body.addStatement("$T $N = pass.draw($S, $N)", FLOAT_OPERAND,
          names.newName(SourceText.identifier(node.name()), node), node.name(), p);
    }
    return MethodSpec.methodBuilder("defineGeneration")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PROTECTED)
        .addParameter(GENERATIVE_PASS, "pass")
        .addCode(body.build())
        .build();
  }

  /** The standard prior of a latent without a generator: the family's standard member of {@code shape}. */
  static CodeBlock prior(NodeDescriptor node, NodeFamily family, CodeBlock shape) {
    if (family instanceof UserFamily user) { // its @Family(standardPrior), which NodeRule checked
      return CodeBlock.of("$T.$N(pass.tf(), $L)", RuntimeTypes.of(user), user.standardPrior(), shape);
    }
    return standardPrior(node, (Family) family, shape);
  }

  static CodeBlock standardPrior(NodeDescriptor node, Family family, CodeBlock shape) {
    return switch (family) {
      case NORMAL -> CodeBlock.of("$T.standard(pass.tf(), $L)", RuntimeTypes.of(family), shape);
      case BERNOULLI, RELAXED_BERNOULLI -> CodeBlock.of("$T.uniform(pass.tf(), $L)", RuntimeTypes.of(family), shape);
      case CATEGORICAL, RELAXED_ONE_HOT_CATEGORICAL -> CodeBlock.of("$T.uniform(pass.tf(), $L, $L)",
          RuntimeTypes.of(family), shape, node.classesPerVariable());
      // Laplace(0, 1), Logistic(0, 1), Cauchy(0, 1), HalfNormal(1), HalfCauchy(1), LogNormal(0, 1),
      // Exponential(1), Uniform(0, 1).
      case LAPLACE, LOGISTIC, CAUCHY, HALF_NORMAL, HALF_CAUCHY, LOG_NORMAL, EXPONENTIAL, UNIFORM ->
          CodeBlock.of("$T.standard(pass.tf(), $L)", RuntimeTypes.of(family), shape);
      case GEOMETRIC -> CodeBlock.of("$T.standard(pass.tf(), $L)", RuntimeTypes.of(family), shape);
      // Gamma(1, 1), InverseGamma(1, 1), Beta(1, 1), Dirichlet(1, ..., 1).
      case GAMMA, INVERSE_GAMMA, BETA, DIRICHLET ->
          CodeBlock.of("$T.standard(pass.tf(), $L)", RuntimeTypes.of(family), shape);
      // Mean 0, identity covariance.
      case MULTIVARIATE_NORMAL -> CodeBlock.of("$T.standard(pass.tf(), $L)", RuntimeTypes.of(family), shape);
      case POISSON, BINOMIAL, MULTINOMIAL, STUDENT_T, MIXTURE_SAME_FAMILY, DISCRETIZED_LOGISTIC,
          DISCRETIZED_LOGISTIC_MIXTURE -> throw new AssertionError(
          "NodeRule rejects a " + family.simpleName() + " latent without a @Generator");
    };
  }

  private String estimator(NodeDescriptor latent) {
    if (latent.enumerate()) {
      return validated.family(latent).simpleName() + ", summed out by enumeration where unlabelled";
    }
    String gradient = switch (validated.gradient(latent)) {
      case REPARAMETERIZED -> "reparameterized gradient";
      case IMPLICIT -> "implicitly reparameterized gradient";
      case SCORE_FUNCTION -> "score-function gradient";
      case NONE -> "no gradient through samples (wake-sleep)";
      case ENUMERATED -> throw new AssertionError("enumerated latents are described above");
    };
    String q = validated.flowPosterior(latent)
        ? "a normalizing flow (TransformedDistribution) for " + validated.family(latent).simpleName()
        : validated.family(latent).simpleName();
    return q + ", " + gradient + ", "
        + (validated.analyticKl(latent) ? "analytic" : "Monte Carlo") + " KL";
  }

  static String parents(NetworkDescriptor network) {
    List<String> names = network.nodeParameters().stream().map(ParameterDescriptor::name).toList();
    return names.isEmpty() ? "-" : String.join(", ", names);
  }
}
