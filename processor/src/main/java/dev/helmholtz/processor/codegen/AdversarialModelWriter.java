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
import dev.helmholtz.processor.model.AnnotatedMethod;
import dev.helmholtz.processor.model.AnnotationMirrors;
import dev.helmholtz.processor.model.NodeFamily;
import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NetworkDescriptor;
import dev.helmholtz.processor.model.NetworkRole;
import dev.helmholtz.processor.model.NodeDescriptor;
import dev.helmholtz.processor.model.ParameterDescriptor;
import dev.helmholtz.processor.validation.EncoderGame;
import dev.helmholtz.processor.validation.ValidatedModel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.lang.model.element.Modifier;

/**
 * Phase three for adversarial models: writes {@code <Model>Model}, a subclass of the runtime's
 * {@code AdversarialModel}. Like {@link VariationalModelWriter} it only wires networks and nodes: the noise
 * latents drawn in generative order, the labels read, the generated node computed, and the
 * discriminator called on the node and the labels; the game is the runtime's. A
 * moment-matching model has no discriminator: its spec names the kernel's bandwidths instead.
 */
public final class AdversarialModelWriter {
  private final ValidatedModel validated;
  private final ModelDescriptor model;
  private final ClassName modelType;
  private final ClassName generatedType;
  private final boolean generatedAnnotationAvailable;
  /** Null for a moment-matching model, whose kernel takes the discriminator's place. */
  private final NetworkDescriptor discriminator;
  /** Its {@code @MomentMatching}, or null for a model with a discriminator. */
  private final AnnotatedMethod momentMatching;
  private final NodeDescriptor judged;
  /** ALI/BiGAN's or the adversarial autoencoder's encoder, or null. */
  private final NetworkDescriptor encoder;
  private final EncoderGame encoderGame;

  public AdversarialModelWriter(ValidatedModel validated, boolean generatedAnnotationAvailable) {
    this.validated = validated;
    this.model = validated.model();
    this.modelType = ClassName.get(model.type());
    this.generatedType = ClassName.get(model.packageName(), model.generatedName());
    this.generatedAnnotationAvailable = generatedAnnotationAvailable;
    this.momentMatching = model.momentMatching().isEmpty() ? null : model.momentMatching().get(0);
    this.encoderGame = EncoderGame.of(model).orElse(null);
    this.encoder = EncoderGame.encoder(model).orElse(null);
    if (momentMatching == null) {
      this.discriminator = model.networks(NetworkRole.DISCRIMINATOR).get(0);
      // The generated node: the judged one, but for an adversarial autoencoder, whose
      // discriminator judges the latent, the node its decoder generates.
      this.judged = encoderGame == EncoderGame.AUTOENCODER ? EncoderGame.generatedNode(model).orElseThrow()
          : validated.node(discriminator.target());
    } else {
      this.discriminator = null;
      this.judged = validated.node(model.networks(NetworkRole.GENERATOR).stream()
          .filter(g -> g.method().equals(momentMatching.method())).findFirst().orElseThrow().target());
    }
  }

  public JavaFile write() {
    TypeSpec.Builder type = GeneratedClass.start(validated, ADVERSARIAL_MODEL,
        CodeBlock.of("The $L model defined by {@link $T}, compiled to a TensorFlow graph by Helmholtz.\n\n",
            discriminator == null ? "moment-matching" : "adversarial", modelType),
        ADVERSARIAL_SPEC, spec(), generatedAnnotationAvailable);
    type.addMethods(GeneratedClass.seededConstructorAndFactories(modelType, generatedType));
    type.addMethods(typedApi());
    type.addMethod(SelfCheckMethod.adversarial(validated));
    type.addMethod(defineGeneration());
    if (discriminator != null) {
      type.addMethod(defineDiscriminator());
    }
    if (!qHeads().isEmpty()) {
      type.addMethod(defineCodePosteriors());
    }
    if (encoder != null) {
      type.addMethod(defineEncoding());
    }
    return GeneratedClass.file(model, type.build());
  }

  private List<NodeDescriptor> labels() {
    return validated.observed().stream().filter(n -> !n.name().equals(judged.name())).toList();
  }

  private CodeBlock spec() {
    CodeBlock.Builder b = CodeBlock.builder()
        .add("$T.builder($S)\n", ADVERSARIAL_SPEC, model.type().getQualifiedName().toString())
        .indent().indent();
    if (discriminator != null) {
      var d = discriminator.annotation();
      String loss = AnnotationMirrors.enumValue(d, "loss").orElse("NON_SATURATING");
      b.add(".game($T.$L, $L, $L)\n", GAN_LOSS, loss, AnnotationMirrors.intValue(d, "steps", 1),
          Double.toString(AnnotationMirrors.doubleValue(d, "gradientPenalty", 10.0)));
      for (NetworkDescriptor q : qHeads()) {
        b.add("// InfoGAN: $L() is Q($L | $L); both players maximize the bound on their mutual information\n",
            q.methodName(), SourceText.lineComment(q.target()), SourceText.lineComment(judged.name()));
        b.add(".mutualInformation($S, $L)\n", q.target(), Double.toString(AnnotationMirrors.doubleValue(
            model.mutualInformation(q.method()).orElseThrow().annotation(), "weight", 1.0)));
      }
      if (encoderGame == EncoderGame.BIDIRECTIONAL) {
        b.add("// ALI/BiGAN: $L() infers $L; $L() judges ($L, $L) pairs\n", encoder.methodName(),
            SourceText.lineComment(encoder.target()), discriminator.methodName(), SourceText.lineComment(judged.name()),
            SourceText.lineComment(encoder.target()));
        b.add(".bidirectional($S)\n", encoder.target());
      } else if (encoderGame == EncoderGame.AUTOENCODER) {
        b.add("// adversarial autoencoder: $L() infers $L, $L() judges it against its prior\n", encoder.methodName(),
            SourceText.lineComment(encoder.target()), discriminator.methodName());
        b.add(".adversarialAutoencoder($S)\n", encoder.target());
      }
    } else {
      b.add("// no discriminator: the generator minimizes the kernel MMD^2 to the data of $L\n",
          SourceText.lineComment(judged.name()));
      b.add(".momentMatching($L)\n", AnnotationMirrors.doubleArrayValue(momentMatching.annotation(), "bandwidths")
          .stream().map(bw -> CodeBlock.of("$L", Double.toString(bw))).collect(CodeBlock.joining(", ")));
    }
    for (NodeDescriptor node : model.nodes()) {
      String role = node.isLatent() ? "latent" : node.name().equals(judged.name()) ? "generated" : "label";
      b.add(".$L($S, $L)\n", role, node.name(), GeneratedClass.shapeArguments(node));
    }
    return b.add(".build()").unindent().unindent().build();
  }

  /**
   * Array-typed conveniences: sample (from n, or from the labels) and discriminate. Each node's
   * values are arrays of its event shape ({@code float[n][28][28][1]} for [28, 28, 1]); a method
   * that takes an image-shaped node also has an overload on flat rows ({@code float[n][784]},
   * row-major) for every node, which answers in flat rows.
   */
  private List<MethodSpec> typedApi() {
    TypeName matrix = ArrayTypeName.of(ArrayTypeName.of(TypeName.FLOAT));
    String xDoc = SourceText.javadoc(judged.name());
    List<NodeDescriptor> labels = labels();
    List<MethodSpec> methods = new ArrayList<>();
    if (labels.isEmpty()) {
      methods.add(MethodSpec.methodBuilder("sample")
          .addModifiers(Modifier.PUBLIC)
          .returns(GeneratedClass.eventsType(judged))
          .addParameter(TypeName.INT, "n")
          .addJavadoc("Draws {@code n} generated examples of $L: {@code $L}$L.\n", xDoc,
              GeneratedClass.eventsDims("n", judged), GeneratedClass.shaped(judged)
                  ? ";\nthe generic {@code generate(n)} has the same values as flat rows of " + judged.width()
                      + " (row-major, channels last)" : "")
          .addStatement("return $L", GeneratedClass.toShape(
              CodeBlock.of("generate(n).get($S)", judged.name()), judged))
          .build());
    } else {
      NameAllocator parameters = new NameAllocator();
      List<String> names = labels.stream()
          .map(y -> parameters.newName(SourceText.identifier(y.name()), y)).toList();
      boolean anyShaped = labels.stream().anyMatch(GeneratedClass::shaped);
      if (anyShaped) {
        MethodSpec.Builder shaped = MethodSpec.methodBuilder("sample")
            .addModifiers(Modifier.PUBLIC)
            .returns(GeneratedClass.eventsType(judged))
            .addJavadoc("Draws one generated example of $L per example of the labels: {@code $L}.\n",
                xDoc, GeneratedClass.eventsDims("rows", judged));
        for (int i = 0; i < labels.size(); i++) {
          shaped.addParameter(GeneratedClass.eventsType(labels.get(i)), names.get(i));
        }
        CodeBlock rows = CodeBlock.of("sample($L)", flatArguments(labels, names));
        methods.add(shaped.addStatement("return $L", GeneratedClass.toShape(rows, judged)).build());
      }
      MethodSpec.Builder flat = MethodSpec.methodBuilder("sample")
          .addModifiers(Modifier.PUBLIC);
      names.forEach(n -> flat.addParameter(matrix, n));
      CodeBlock rows = CodeBlock.of("generate($L).get($S)", dataset(labels, names), judged.name());
      methods.add((anyShaped
          ? flat.returns(matrix)
              .addJavadoc("Draws one generated example of $L per row of the labels, all as flat rows: {@code [rows][$L]}$L.\n",
                  xDoc, judged.width(), GeneratedClass.rowLayout(judged))
              .addStatement("return $L", rows)
          : flat.returns(GeneratedClass.eventsType(judged))
              .addJavadoc("Draws one generated example of $L per row of the labels: {@code $L}.\n",
                  xDoc, GeneratedClass.eventsDims("rows", judged))
              .addStatement("return $L", GeneratedClass.toShape(rows, judged)))
          .build());
    }
    if (discriminator == null) {
      return methods;
    }
    if (encoder != null) {
      methods.addAll(encoderApi(matrix, xDoc));
    }
    NameAllocator discriminateNames = new NameAllocator();
    List<NodeDescriptor> observed = new ArrayList<>(List.of(judged));
    observed.addAll(labels);
    List<String> names = observed.stream()
        .map(n -> discriminateNames.newName(SourceText.identifier(n.name()), n)).toList();
    if (observed.stream().anyMatch(GeneratedClass::shaped)) {
      MethodSpec.Builder shaped = MethodSpec.methodBuilder("discriminate")
          .addModifiers(Modifier.PUBLIC)
          .returns(ArrayTypeName.of(TypeName.FLOAT))
          .addJavadoc("The discriminator's logit that each example of $L is data: {@code [rows]}.\n", xDoc);
      for (int i = 0; i < observed.size(); i++) {
        shaped.addParameter(GeneratedClass.eventsType(observed.get(i)), names.get(i));
      }
      methods.add(shaped.addStatement("return discriminate($L)", flatArguments(observed, names)).build());
    }
    MethodSpec.Builder discriminate = MethodSpec.methodBuilder("discriminate")
        .addModifiers(Modifier.PUBLIC)
        .returns(ArrayTypeName.of(TypeName.FLOAT))
        .addJavadoc(encoderGame == EncoderGame.AUTOENCODER
            ? "The discriminator's logit that the encoder's draw for each row of $L is a prior draw: {@code [rows]}$L.\n"
            : encoderGame == EncoderGame.BIDIRECTIONAL
            ? "The discriminator's logit that each row of $L, paired with the encoder's latent, is data: {@code [rows]}$L.\n"
            : "The discriminator's logit that each row of $L is data: {@code [rows]}$L.\n", xDoc,
            GeneratedClass.rowLayout(judged));
    names.forEach(n -> discriminate.addParameter(matrix, n));
    methods.add(discriminate.addStatement("return discriminate($L)", dataset(observed, names)).build());
    return methods;
  }

  /** An encoder game's {@code encode} (the encoder's features) and {@code reconstruct} (G(E(x))), on flat rows. */
  private List<MethodSpec> encoderApi(TypeName matrix, String xDoc) {
    String x = SourceText.identifier(judged.name());
    CodeBlock rows = CodeBlock.of("$T.of($S, $N)", DATASET, judged.name(), x);
    return List.of(
        MethodSpec.methodBuilder("encode")
            .addModifiers(Modifier.PUBLIC)
            .returns(matrix)
            .addParameter(matrix, x)
            .addJavadoc("The encoder's features of each row of $L: $L, {@code [rows][$L]}$L.\n", xDoc,
                encoder.returnsTensor() ? encoder.methodName() + "() of it"
                    : "the mean of " + encoder.methodName() + "()'s distribution",
                validated.node(encoder.target()).width(), GeneratedClass.rowLayout(judged))
            .addStatement("return encode($L)", rows)
            .build(),
        MethodSpec.methodBuilder("reconstruct")
            .addModifiers(Modifier.PUBLIC)
            .returns(matrix)
            .addParameter(matrix, x)
            .addJavadoc("Reconstructions of each row of $L through the encoder and $L: {@code [rows][$L]}$L.\n",
                xDoc, encoderGame == EncoderGame.AUTOENCODER ? "the decoder's mean" : "the generator",
                judged.width(), GeneratedClass.rowLayout(judged))
            .addStatement("return reconstruct($L)", rows)
            .build());
  }

  private MethodSpec defineEncoding() {
    CodeBlock arguments = encoder.parameters().stream()
        .map(p -> p.kind() == ParameterDescriptor.Kind.LAYER_HELPER
            ? CodeBlock.of("pass.network($S)", encoder.methodName())
            : CodeBlock.of("pass.node($S)", p.name()))
        .collect(CodeBlock.joining(", "));
    return MethodSpec.methodBuilder("defineEncoding")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PROTECTED)
        .addParameter(RuntimeTypes.ENCODER_PASS, "pass")
        .addComment("$L($L): $L", encoder.methodName(), SourceText.lineComment(judged.name()),
            encoder.returnsTensor() ? "deterministic" : "drawn by reparameterization in training, its mean otherwise")
        .addStatement("pass.encode($S, model.$N($L))", encoder.target(), encoder.methodName(), arguments)
        .build();
  }

  /** The parameters {@code names} of {@code nodes}, each as flat rows: the arguments of the flat overload. */
  private static CodeBlock flatArguments(List<NodeDescriptor> nodes, List<String> names) {
    List<CodeBlock> arguments = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      arguments.add(GeneratedClass.toRows(names.get(i), nodes.get(i)));
    }
    return CodeBlock.join(arguments, ", ");
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
        body.add("// $L by $L(): $L\n", SourceText.lineComment(node.name()), generator.get().methodName(),
            generator.get().returnsTensor() ? "implicit" : "the decoder, its mean generated");
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

  /** InfoGAN's Q heads: the encoders marked {@code @MutualInformation}, in declaration order. */
  private List<NetworkDescriptor> qHeads() {
    return model.networks(NetworkRole.ENCODER).stream()
        .filter(e -> model.mutualInformation(e.method()).isPresent()).toList();
  }

  private MethodSpec defineCodePosteriors() {
    CodeBlock.Builder body = CodeBlock.builder()
        .addStatement("$T<String, $T> q = new $T<>()", RuntimeTypes.MAP, RuntimeTypes.DISTRIBUTION,
            RuntimeTypes.LINKED_HASH_MAP);
    for (NetworkDescriptor q : qHeads()) {
      CodeBlock arguments = q.parameters().stream()
          .map(p -> p.kind() == ParameterDescriptor.Kind.LAYER_HELPER
              ? CodeBlock.of("pass.network($S)", q.methodName())
              : CodeBlock.of("pass.node($S)", p.name()))
          .collect(CodeBlock.joining(", "));
      body.addStatement("q.put($S, model.$N($L))", q.target(), q.methodName(), arguments);
    }
    return MethodSpec.methodBuilder("defineCodePosteriors")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PROTECTED)
        .returns(com.palantir.javapoet.ParameterizedTypeName.get(RuntimeTypes.MAP, ClassName.get(String.class),
            RuntimeTypes.DISTRIBUTION))
        .addParameter(DISCRIMINATOR_PASS, "pass")
        .addCode(body.addStatement("return q").build())
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
