package dev.helmholtz.processor.codegen;

import static dev.helmholtz.processor.codegen.RuntimeTypes.BAYESIAN_MODEL;
import static dev.helmholtz.processor.codegen.RuntimeTypes.BAYESIAN_PASS;
import static dev.helmholtz.processor.codegen.RuntimeTypes.BAYESIAN_SPEC;
import static dev.helmholtz.processor.codegen.RuntimeTypes.DATASET;
import static dev.helmholtz.processor.codegen.RuntimeTypes.FLOAT_OPERAND;
import static dev.helmholtz.processor.codegen.RuntimeTypes.OBJECTS;
import static dev.helmholtz.processor.codegen.RuntimeTypes.SEED;
import static dev.helmholtz.processor.codegen.RuntimeTypes.THREAD_SETTINGS;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.helmholtz.processor.model.NodeFamily;
import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NetworkDescriptor;
import dev.helmholtz.processor.model.NodeDescriptor;
import dev.helmholtz.processor.model.ParameterDescriptor;
import dev.helmholtz.processor.validation.ValidatedModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code <Model>Model} for a model whose latents are all global: a subclass of the
 * runtime's {@code BayesianModel}, whose {@code define(BayesianPass)} states each global latent's
 * prior and each observed node's likelihood in generative order. The log posterior, HMC, VI and
 * the posterior predictive are the runtime's.
 */
public final class BayesianModelWriter {
  private final ValidatedModel validated;
  private final ModelDescriptor model;
  private final ClassName modelType;
  private final ClassName generatedType;
  private final boolean generatedAnnotationAvailable;

  public BayesianModelWriter(ValidatedModel validated, boolean generatedAnnotationAvailable) {
    this.validated = validated;
    this.model = validated.model();
    this.modelType = ClassName.get(model.type());
    this.generatedType = ClassName.get(model.packageName(), model.generatedName());
    this.generatedAnnotationAvailable = generatedAnnotationAvailable;
  }

  public JavaFile write() {
    TypeSpec.Builder type = GeneratedClass.start(validated, BAYESIAN_MODEL,
        CodeBlock.of("The model defined by {@link $T}, compiled by Helmholtz: a model of global latents, whose\n"
            + "posterior given a data set {@code hmc(data)} samples and {@code variational(data)} fits.\n\n",
            modelType),
        BAYESIAN_SPEC, spec(), generatedAnnotationAvailable);
    type.addMethod(MethodSpec.constructorBuilder()
        .addModifiers(Modifier.PRIVATE)
        .addParameter(modelType, "model")
        .addParameter(THREAD_SETTINGS, "threads")
        .addStatement("super(SPEC, threads)")
        .addStatement("this.model = $T.requireNonNull(model, $S)", OBJECTS, "model")
        .build());
    type.addMethods(factories());
    type.addMethods(typedApi());
    type.addMethod(SelfCheckMethod.bayesian(validated));
    type.addMethod(define());
    return GeneratedClass.file(model, type.build());
  }

  private CodeBlock spec() {
    CodeBlock.Builder b = CodeBlock.builder()
        .add("$T.builder($S)\n", BAYESIAN_SPEC, model.type().getQualifiedName().toString())
        .indent().indent();
    for (NodeDescriptor node : model.nodes()) {
      b.add(".$L($S, $L)\n", node.isLatent() ? "global" : node.given() ? "given" : "observed", node.name(),
          node.width());
    }
    return b.add(".build()").unindent().unindent().build();
  }

  private List<MethodSpec> factories() {
    MethodSpec plain = MethodSpec.methodBuilder("create")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(generatedType)
        .addJavadoc("The model with a new {@link $T} and the default thread settings.\n", modelType)
        .addStatement("return new $T(new $T(), $T.defaults())", generatedType, modelType, THREAD_SETTINGS)
        .build();
    MethodSpec full = MethodSpec.methodBuilder("create")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(generatedType)
        .addParameter(modelType, "model")
        .addParameter(THREAD_SETTINGS, "threads")
        .addJavadoc("The model around {@code model}'s networks; HMC, VI and predictions run with {@code threads}.\n")
        .addStatement("return new $T(model, threads)", generatedType)
        .build();
    return List.of(plain, full);
  }

  /** A data set from arrays, one per given and observed node; typed predictions for one observed node. */
  private List<MethodSpec> typedApi() {
    TypeName matrix = ArrayTypeName.of(ArrayTypeName.of(TypeName.FLOAT));
    TypeName draws = ArrayTypeName.of(ArrayTypeName.of(TypeName.DOUBLE));
    List<MethodSpec> methods = new ArrayList<>();
    List<NodeDescriptor> columns = new ArrayList<>();
    model.nodes().stream().filter(NodeDescriptor::given).forEach(columns::add);
    model.nodes().stream().filter(NodeDescriptor::isModelledObservation).forEach(columns::add);
    NameAllocator parameters = new NameAllocator();
    MethodSpec.Builder dataset = MethodSpec.methodBuilder("dataset")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(DATASET)
        .addJavadoc("A data set with a column per given and observed node, {@code [rows][width]} each, in\n"
            + "the column names the model's methods read.\n");
    CodeBlock.Builder body = CodeBlock.builder();
    for (int i = 0; i < columns.size(); i++) {
      NodeDescriptor node = columns.get(i);
      String parameter = parameters.newName(SourceText.identifier(node.name()), node);
      dataset.addParameter(matrix, parameter);
      body.add(i == 0 ? "$T.of($S, $N)" : ".with($S, $N)", i == 0 ? new Object[] {DATASET, node.name(), parameter}
          : new Object[] {node.name(), parameter});
    }
    methods.add(dataset.addStatement("return $L", body.build()).build());
    List<NodeDescriptor> observed = model.nodes().stream().filter(NodeDescriptor::isModelledObservation).toList();
    if (observed.size() == 1) {
      NodeDescriptor x = observed.get(0);
      String xDoc = SourceText.javadoc(x.name());
      methods.add(MethodSpec.methodBuilder("predictMean")
          .addModifiers(Modifier.PUBLIC)
          .returns(matrix)
          .addParameter(draws, "draws")
          .addParameter(DATASET, "givens")
          .addJavadoc("The posterior predictive mean of $L at each row of {@code givens}, averaged over the\n"
              + "draws of the global latents ({@code [draws][$L]}): {@code [rows][$L]}.\n", xDoc,
              validated.model().globalLatents().stream().mapToInt(NodeDescriptor::width).sum(), x.width())
          .addStatement("return predictMean($S, draws, givens)", x.name())
          .build());
      methods.add(MethodSpec.methodBuilder("predictiveSamples")
          .addModifiers(Modifier.PUBLIC)
          .returns(ArrayTypeName.of(matrix))
          .addParameter(draws, "draws")
          .addParameter(DATASET, "givens")
          .addParameter(SEED, "seed")
          .addJavadoc("One draw of $L per draw of the global latents and row of {@code givens}:\n"
              + "{@code [draws][rows][$L]}.\n", xDoc, x.width())
          .addStatement("return predictiveSamples($S, draws, givens, seed)", x.name())
          .build());
    }
    return methods;
  }

  private MethodSpec define() {
    NameAllocator names = new NameAllocator();
    names.newName("pass");
    names.newName("model");
    CodeBlock.Builder body = CodeBlock.builder();
    for (NodeDescriptor node : validated.generativeOrder()) {
      String value = names.newName(SourceText.identifier(node.name()), node);
      if (node.given()) {
        // [N, width] for networks that see the draw axis; repeated per draw, [R * N, width], for the others.
        body.addStatement("$T $N = pass.$L($S)", FLOAT_OPERAND, value, rowAligned(node) ? "given" : "data", node.name());
        continue;
      }
      NodeFamily family = validated.family(node);
      String p = names.newName("p" + SourceText.capitalize(SourceText.identifier(node.name())), "p/" + node.name());
      Optional<NetworkDescriptor> generator = validated.generator(node);
      if (node.isLatent()) {
        body.addStatement("$T $N = pass.global($S)", FLOAT_OPERAND, value, node.name());
      }
      if (generator.isPresent()) {
        NetworkDescriptor g = generator.get();
        body.add("// p($L | $L) by $L()\n", SourceText.lineComment(node.name()), VariationalModelWriter.parents(g),
            g.methodName());
        body.addStatement("$T $N = $L", RuntimeTypes.returnedBy(g), p, call(g, node.isLatent(), names));
      } else {
        body.add("// p($L): standard prior\n", SourceText.lineComment(node.name()));
        body.addStatement("$T $N = $L", RuntimeTypes.of(family), p,
            VariationalModelWriter.prior(node, family, CodeBlock.of("pass.shape($N)", value)));
      }
      if (node.isLatent()) {
        body.addStatement("pass.prior($S, $N, $N)", node.name(), value, p);
      } else if (generator.isPresent() && generator.get().drawAxis()) {
        body.addStatement("pass.observeDrawAxis($S, $N)", node.name(), p);
      } else {
        body.addStatement("pass.observe($S, $N)", node.name(), p);
      }
    }
    return MethodSpec.methodBuilder("define")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PROTECTED)
        .addParameter(BAYESIAN_PASS, "pass")
        .addCode(body.build())
        .build();
  }

  /**
   * A generator call. A prior's parents are global latents, one row per draw; an observed node's
   * generator sees one row per (draw, example), so its global parents are repeated per example.
   */
  private CodeBlock call(NetworkDescriptor network, boolean prior, NameAllocator names) {
    return CodeBlock.of("model.$N($L)", network.methodName(), network.parameters().stream().map(p -> {
      if (p.kind() == ParameterDescriptor.Kind.LAYER_HELPER) {
        return CodeBlock.of("pass.network($S)", network.methodName());
      }
      NodeDescriptor node = validated.node(p.name());
      if (network.drawAxis()) { // globals [R, width], given nodes [N, width]
        return node.given() && rowAligned(node) ? CodeBlock.of("pass.data($S)", node.name())
            : CodeBlock.of("$N", names.get(node));
      }
      return !prior && node.isLatent() ? CodeBlock.of("pass.perExample($N)", names.get(node))
          : CodeBlock.of("$N", names.get(node));
    }).collect(CodeBlock.joining(", ")));
  }

  /** Whether a network that does not see the draw axis takes given node {@code given}: it needs the repeated rows. */
  private boolean rowAligned(NodeDescriptor given) {
    return validated.model().networks(dev.helmholtz.processor.model.NetworkRole.GENERATOR).stream()
        .filter(g -> !g.drawAxis())
        .anyMatch(g -> g.nodeParameters().stream().anyMatch(p -> p.name().equals(given.name())));
  }
}
