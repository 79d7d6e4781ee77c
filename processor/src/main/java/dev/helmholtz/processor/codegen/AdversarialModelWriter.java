package dev.helmholtz.processor.codegen;

import static dev.helmholtz.processor.codegen.RuntimeTypes.ADVERSARIAL_MODEL;
import static dev.helmholtz.processor.codegen.RuntimeTypes.ADVERSARIAL_PASS;
import static dev.helmholtz.processor.codegen.RuntimeTypes.ADVERSARIAL_SPEC;
import static dev.helmholtz.processor.codegen.RuntimeTypes.DATASET;
import static dev.helmholtz.processor.codegen.RuntimeTypes.DISCRIMINATOR_PASS;
import static dev.helmholtz.processor.codegen.RuntimeTypes.FLOAT_OPERAND;
import static dev.helmholtz.processor.codegen.RuntimeTypes.GAN_LOSS;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.helmholtz.processor.model.AnnotationMirrors;
import dev.helmholtz.processor.model.NodeFamily;
import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NetworkDescriptor;
import dev.helmholtz.processor.model.NetworkRole;
import dev.helmholtz.processor.model.NodeDescriptor;
import dev.helmholtz.processor.model.ParameterDescriptor;
import dev.helmholtz.processor.validation.ValidatedModel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.lang.model.element.Modifier;

/**
 * Phase three for adversarial models: writes {@code <Model>Model}, a subclass of the runtime's
 * {@code AdversarialModel}. Like {@link VariationalModelWriter} it only wires networks and nodes: the noise
 * latents drawn in generative order, the labels read, the generated node computed, and the
 * discriminator called on the node and the labels; the game is the runtime's.
 */
public final class AdversarialModelWriter {
  private final ValidatedModel validated;
  private final ModelDescriptor model;
  private final ClassName modelType;
  private final ClassName generatedType;
  private final boolean generatedAnnotationAvailable;
  private final NetworkDescriptor discriminator;
  private final NodeDescriptor judged;

  public AdversarialModelWriter(ValidatedModel validated, boolean generatedAnnotationAvailable) {
    this.validated = validated;
    this.model = validated.model();
    this.modelType = ClassName.get(model.type());
    this.generatedType = ClassName.get(model.packageName(), model.generatedName());
    this.generatedAnnotationAvailable = generatedAnnotationAvailable;
    this.discriminator = model.networks(NetworkRole.DISCRIMINATOR).get(0);
    this.judged = validated.node(discriminator.target());
  }

  public JavaFile write() {
    TypeSpec.Builder type = GeneratedClass.start(validated, ADVERSARIAL_MODEL,
        CodeBlock.of("The adversarial model defined by {@link $T}, compiled to a TensorFlow graph by Helmholtz.\n\n",
            modelType),
        ADVERSARIAL_SPEC, spec(), generatedAnnotationAvailable);
    type.addMethods(GeneratedClass.seededConstructorAndFactories(modelType, generatedType));
    type.addMethods(typedApi());
    type.addMethod(SelfCheckMethod.adversarial(validated));
    type.addMethod(defineGeneration());
    type.addMethod(defineDiscriminator());
    return GeneratedClass.file(model, type.build());
  }

  private List<NodeDescriptor> labels() {
    return validated.observed().stream().filter(n -> !n.name().equals(judged.name())).toList();
  }

  private CodeBlock spec() {
    var d = discriminator.annotation();
    String loss = AnnotationMirrors.enumValue(d, "loss").orElse("NON_SATURATING");
    CodeBlock.Builder b = CodeBlock.builder()
        .add("$T.builder($S)\n", ADVERSARIAL_SPEC, model.type().getQualifiedName().toString())
        .indent().indent()
        .add(".game($T.$L, $L, $L)\n", GAN_LOSS, loss, AnnotationMirrors.intValue(d, "steps", 1),
            Double.toString(AnnotationMirrors.doubleValue(d, "gradientPenalty", 10.0)));
    for (NodeDescriptor node : model.nodes()) {
      String role = node.isLatent() ? "latent" : node.name().equals(judged.name()) ? "generated" : "label";
      b.add(".$L($S, $L)\n", role, node.name(), GeneratedClass.shapeArguments(node));
    }
    return b.add(".build()").unindent().unindent().build();
  }

  /** Array-typed conveniences: sample (from n, or from the labels) and discriminate. */
  private List<MethodSpec> typedApi() {
    TypeName matrix = ArrayTypeName.of(ArrayTypeName.of(TypeName.FLOAT));
    String xDoc = SourceText.javadoc(judged.name());
    List<NodeDescriptor> labels = labels();
    List<MethodSpec> methods = new ArrayList<>();
    NameAllocator parameters = new NameAllocator();
    MethodSpec.Builder sample = MethodSpec.methodBuilder("sample")
        .addModifiers(Modifier.PUBLIC)
        .returns(matrix);
    if (labels.isEmpty()) {
      methods.add(sample.addParameter(TypeName.INT, "n")
          .addJavadoc("Draws {@code n} generated examples of $L: {@code [n][$L]}$L.\n", xDoc, judged.width(),
              GeneratedClass.rowLayout(judged))
          .addStatement("return generate(n).get($S)", judged.name())
          .build());
    } else {
      List<String> names = labels.stream()
          .map(y -> parameters.newName(SourceText.identifier(y.name()), y)).toList();
      names.forEach(n -> sample.addParameter(matrix, n));
      methods.add(sample
          .addJavadoc("Draws one generated example of $L per row of the labels: {@code [rows][$L]}$L.\n",
              xDoc, judged.width(), GeneratedClass.rowLayout(judged))
          .addStatement("return generate($L).get($S)", dataset(labels, names), judged.name())
          .build());
    }
    NameAllocator discriminateNames = new NameAllocator();
    List<NodeDescriptor> observed = new ArrayList<>(List.of(judged));
    observed.addAll(labels);
    List<String> names = observed.stream()
        .map(n -> discriminateNames.newName(SourceText.identifier(n.name()), n)).toList();
    MethodSpec.Builder discriminate = MethodSpec.methodBuilder("discriminate")
        .addModifiers(Modifier.PUBLIC)
        .returns(ArrayTypeName.of(TypeName.FLOAT))
        .addJavadoc("The discriminator's logit that each row of $L is data: {@code [rows]}.\n", xDoc);
    names.forEach(n -> discriminate.addParameter(matrix, n));
    methods.add(discriminate.addStatement("return discriminate($L)", dataset(observed, names)).build());
    return methods;
  }

  private static CodeBlock dataset(List<NodeDescriptor> nodes, List<String> names) {
    CodeBlock.Builder b = CodeBlock.builder().add("$T.of($S, $N)", DATASET, nodes.get(0).name(), names.get(0));
    for (int i = 1; i < nodes.size(); i++) {
      b.add(".with($S, $N)", nodes.get(i).name(), names.get(i));
    }
    return b.build();
  }

  private MethodSpec defineGeneration() {
    NameAllocator names = new NameAllocator();
    names.newName("pass");
    names.newName("model");
    CodeBlock.Builder body = CodeBlock.builder();
    for (NodeDescriptor node : validated.generativeOrder()) {
      var generator = validated.generator(node);
      String value = names.newName(SourceText.identifier(node.name()), node);
      if (node.isLatent()) {
        NodeFamily family = validated.family(node);
        String p = names.newName("p" + SourceText.capitalize(SourceText.identifier(node.name())), "p/" + node.name());
        CodeBlock distribution = generator.isPresent() ? call(generator.get(), names, "pass")
            : VariationalModelWriter.prior(node, family, CodeBlock.of("pass.shape($S)", node.name()));
        body.addStatement("$T $N = $L", generator.map(RuntimeTypes::returnedBy).orElse(RuntimeTypes.of(family)), p,
            distribution);
        body.addStatement("$T $N = pass.draw($S, $N)", FLOAT_OPERAND, value, node.name(), p);
      } else if (generator.isPresent()) {
        body.add("// $L by $L(): implicit\n", SourceText.lineComment(node.name()), generator.get().methodName());
        body.addStatement("$T $N = pass.generate($S, $L)", FLOAT_OPERAND, value, node.name(),
            call(generator.get(), names, "pass"));
      } else {
        body.addStatement("$T $N = pass.label($S)", FLOAT_OPERAND, value, node.name());
      }
    }
    return MethodSpec.methodBuilder("defineGeneration")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PROTECTED)
        .addParameter(ADVERSARIAL_PASS, "pass")
        .addCode(body.build())
        .build();
  }

  private MethodSpec defineDiscriminator() {
    CodeBlock arguments = discriminator.parameters().stream()
        .map(p -> p.kind() == ParameterDescriptor.Kind.LAYER_HELPER
            ? CodeBlock.of("pass.network($S)", discriminator.methodName())
            : CodeBlock.of("pass.node($S)", p.name()))
        .collect(CodeBlock.joining(", "));
    return MethodSpec.methodBuilder("defineDiscriminator")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PROTECTED)
        .returns(FLOAT_OPERAND)
        .addParameter(DISCRIMINATOR_PASS, "pass")
        .addStatement("return model.$N($L)", discriminator.methodName(), arguments)
        .build();
  }

  private CodeBlock call(NetworkDescriptor network, NameAllocator names, String pass) {
    Function<ParameterDescriptor, CodeBlock> argument = p -> p.kind() == ParameterDescriptor.Kind.LAYER_HELPER
        ? CodeBlock.of("$L.network($S)", pass, network.methodName())
        : CodeBlock.of("$N", names.get(validated.node(p.name())));
    return CodeBlock.of("model.$N($L)", network.methodName(),
        network.parameters().stream().map(argument).collect(CodeBlock.joining(", ")));
  }
}
