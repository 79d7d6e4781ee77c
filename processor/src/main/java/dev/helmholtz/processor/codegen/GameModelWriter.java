package dev.helmholtz.processor.codegen;

import static dev.helmholtz.processor.codegen.RuntimeTypes.FLOAT_OPERAND;
import static dev.helmholtz.processor.codegen.RuntimeTypes.GAN_LOSS;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.TypeSpec;
import dev.helmholtz.processor.model.AnnotationMirrors;
import dev.helmholtz.processor.model.GameAnnotations;
import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NetworkDescriptor;
import dev.helmholtz.processor.model.NetworkRole;
import dev.helmholtz.processor.model.NodeDescriptor;
import dev.helmholtz.processor.model.ParameterDescriptor;
import dev.helmholtz.processor.validation.ValidatedModel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Phase three for games of more than two networks (several discriminators, CycleGAN's
 * translations, Triple-GAN's classifier): writes {@code <Model>Model}, a subclass of the
 * runtime's {@code GameModel}. It declares the players in the spec and wires each network's
 * call, by the node it serves; the losses and the schedule are the runtime's.
 */
public final class GameModelWriter {
  static final ClassName GAME_MODEL = ClassName.get("dev.helmholtz.adversarial", "GameModel");
  static final ClassName GAME_SPEC = ClassName.get("dev.helmholtz.adversarial", "GameSpec");
  static final ClassName GAME_PASS = ClassName.get("dev.helmholtz.adversarial", "GamePass");
  static final ClassName CATEGORICAL = ClassName.get("dev.helmholtz.dist", "Categorical");

  private final ValidatedModel validated;
  private final ModelDescriptor model;
  private final boolean generatedAnnotationAvailable;

  public GameModelWriter(ValidatedModel validated, boolean generatedAnnotationAvailable) {
    this.validated = validated;
    this.model = validated.model();
    this.generatedAnnotationAvailable = generatedAnnotationAvailable;
  }

  /** Whether {@code model} is a game this writer generates, rather than a two-player GAN. */
  public static boolean writes(ValidatedModel model) {
    return GameAnnotations.isGame(model.model());
  }

  public JavaFile write() {
    ClassName modelType = ClassName.get(model.type());
    ClassName generatedType = ClassName.get(model.packageName(), model.generatedName());
    TypeSpec.Builder type = GeneratedClass.start(validated, GAME_MODEL,
        CodeBlock.of("The game of several players defined by {@link $T}, compiled to a TensorFlow graph by Helmholtz.\n\n",
            modelType),
        GAME_SPEC, spec(), generatedAnnotationAvailable);
    type.addMethods(GeneratedClass.seededConstructorAndFactories(modelType, generatedType));
    type.addMethod(defineGenerator());
    type.addMethod(defineDiscriminator());
    classifier().ifPresent(c -> type.addMethod(defineClassifier(c)));
    return GeneratedClass.file(model, type.build());
  }

  private java.util.Optional<NetworkDescriptor> classifier() {
    return model.networks(NetworkRole.ENCODER).stream().filter(e -> GameAnnotations.classifier(e).isPresent()).findFirst();
  }

  private List<NetworkDescriptor> discriminators() {
    Set<String> seen = new LinkedHashSet<>();
    return model.networks(NetworkRole.DISCRIMINATOR).stream().filter(d -> seen.add(d.target())).toList();
  }

  private CodeBlock spec() {
    CodeBlock.Builder b = CodeBlock.builder()
        .add("$T.builder($S)\n", GAME_SPEC, model.type().getQualifiedName().toString())
        .indent().indent();
    for (NodeDescriptor node : model.nodes()) {
      b.add(".$L($S, $L)\n", node.isLatent() ? "latent" : "observed", node.name(), GeneratedClass.shapeArguments(node));
    }
    for (NetworkDescriptor g : model.networks(NetworkRole.GENERATOR)) {
      List<String> sources = g.nodeParameters().stream().map(ParameterDescriptor::name)
          .filter(p -> GameAnnotations.translatesFrom(model, g, p)).toList();
      if (sources.isEmpty()) {
        b.add("// $L(): $L from noise\n", g.methodName(), SourceText.lineComment(g.target()));
        b.add(".generator($S)\n", g.target());
      } else {
        var cycle = GameAnnotations.cycleConsistency(g);
        double weight = cycle.map(a -> AnnotationMirrors.doubleValue(a, "weight", 10.0)).orElse(0.0);
        double identity = cycle.map(a -> AnnotationMirrors.doubleValue(a, "identityWeight", 0.0)).orElse(0.0);
        b.add("// $L(): $L -> $L$L\n", g.methodName(), SourceText.lineComment(sources.get(0)),
            SourceText.lineComment(g.target()), cycle.isPresent() ? ", with the cycle back and its identity term" : "");
        b.add(".translation($S, $S, $L, $L)\n", g.target(), sources.get(0), Double.toString(weight),
            Double.toString(identity));
      }
    }
    List<NetworkDescriptor> discriminators = discriminators();
    for (NetworkDescriptor d : discriminators) {
      String loss = AnnotationMirrors.enumValue(d.annotation(), "loss").orElse("NON_SATURATING");
      List<CodeBlock> arguments = new ArrayList<>();
      arguments.add(CodeBlock.of("$S", d.target()));
      arguments.add(CodeBlock.of("$T.$L", GAN_LOSS, loss));
      d.nodeParameters().stream().map(ParameterDescriptor::name).filter(p -> !p.equals(d.target()))
          .forEach(p -> arguments.add(CodeBlock.of("$S", p)));
      b.add(".discriminator($L)\n", CodeBlock.join(arguments, ", "));
    }
    classifier().ifPresent(c -> {
      var a = GameAnnotations.classifier(c).orElseThrow();
      b.add("// Triple-GAN: $L() is the classifier p_c($L | $L)\n", c.methodName(), SourceText.lineComment(c.target()),
          SourceText.lineComment(c.nodeParameters().get(0).name()));
      b.add(".classifier($S, $S, $L, $L, $L)\n", c.target(), c.nodeParameters().get(0).name(),
          Double.toString(AnnotationMirrors.doubleValue(a, "alpha", 0.5)),
          Double.toString(AnnotationMirrors.doubleValue(a, "supervisedWeight", 1.0)),
          Double.toString(AnnotationMirrors.doubleValue(a, "pseudoWeight", 0.1)));
    });
    b.add(".steps($L)\n", AnnotationMirrors.intValue(discriminators.get(0).annotation(), "steps", 1));
    return b.add(".build()").unindent().unindent().build();
  }

  private MethodSpec defineGenerator() {
    CodeBlock.Builder body = CodeBlock.builder().beginControlFlow("switch (target)");
    for (NetworkDescriptor g : model.networks(NetworkRole.GENERATOR)) {
      body.beginControlFlow("case $S:", g.target());
      NameAllocator names = new NameAllocator();
      names.newName("pass");
      names.newName("target");
      names.newName("model");
      List<CodeBlock> arguments = new ArrayList<>();
      for (ParameterDescriptor p : g.parameters()) {
        if (p.kind() == ParameterDescriptor.Kind.LAYER_HELPER) {
          arguments.add(CodeBlock.of("pass.network($S)", g.methodName()));
          continue;
        }
        NodeDescriptor node = validated.node(p.name());
        if (!node.isLatent()) {
          arguments.add(CodeBlock.of("pass.node($S)", node.name()));
          continue;
        }
        String value = names.newName(SourceText.identifier(node.name()), node);
        String prior = names.newName("p" + SourceText.capitalize(SourceText.identifier(node.name())), "p/" + node.name());
        var family = validated.family(node);
        body.addStatement("$T $N = $L", RuntimeTypes.of(family), prior,
            VariationalModelWriter.prior(node, family, CodeBlock.of("pass.shape($S)", node.name())));
        body.addStatement("$T $N = pass.draw($S, $N)", FLOAT_OPERAND, value, node.name(), prior);
        arguments.add(CodeBlock.of("$N", value));
      }
      body.addStatement("return model.$N($L)", g.methodName(), CodeBlock.join(arguments, ", "));
      body.endControlFlow();
    }
    body.addStatement("default: throw new $T($S + target)", IllegalArgumentException.class, "no generator of ");
    return MethodSpec.methodBuilder("defineGenerator")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PROTECTED)
        .returns(FLOAT_OPERAND)
        .addParameter(GAME_PASS, "pass")
        .addParameter(String.class, "target")
        .addCode(body.endControlFlow().build())
        .build();
  }

  private MethodSpec defineDiscriminator() {
    CodeBlock.Builder body = CodeBlock.builder().beginControlFlow("switch (target)");
    for (NetworkDescriptor d : discriminators()) {
      body.addStatement("case $S: return model.$N($L)", d.target(), d.methodName(), arguments(d));
    }
    body.addStatement("default: throw new $T($S + target)", IllegalArgumentException.class, "no discriminator of ");
    return MethodSpec.methodBuilder("defineDiscriminator")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PROTECTED)
        .returns(FLOAT_OPERAND)
        .addParameter(GAME_PASS, "pass")
        .addParameter(String.class, "target")
        .addCode(body.endControlFlow().build())
        .build();
  }

  private MethodSpec defineClassifier(NetworkDescriptor c) {
    return MethodSpec.methodBuilder("defineClassifier")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PROTECTED)
        .returns(CATEGORICAL)
        .addParameter(GAME_PASS, "pass")
        .addParameter(String.class, "target")
        .addStatement("return model.$N($L)", c.methodName(), arguments(c))
        .build();
  }

  private static CodeBlock arguments(NetworkDescriptor network) {
    return network.parameters().stream()
        .map(p -> p.kind() == ParameterDescriptor.Kind.LAYER_HELPER
            ? CodeBlock.of("pass.network($S)", network.methodName())
            : CodeBlock.of("pass.node($S)", p.name()))
        .collect(CodeBlock.joining(", "));
  }
}
