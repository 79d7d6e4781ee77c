package dev.helmholtz.processor.codegen;

import static dev.helmholtz.processor.codegen.RuntimeTypes.DATASET;
import static dev.helmholtz.processor.codegen.RuntimeTypes.ENERGY_MODEL;
import static dev.helmholtz.processor.codegen.RuntimeTypes.ENERGY_PASS;
import static dev.helmholtz.processor.codegen.RuntimeTypes.ENERGY_SPEC;
import static dev.helmholtz.processor.codegen.RuntimeTypes.FLOAT_OPERAND;
import static dev.helmholtz.processor.codegen.RuntimeTypes.UNITS;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.helmholtz.processor.model.AnnotationMirrors;
import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.ModelReader;
import dev.helmholtz.processor.model.NetworkDescriptor;
import dev.helmholtz.processor.model.NetworkRole;
import dev.helmholtz.processor.model.NodeDescriptor;
import dev.helmholtz.processor.model.ParameterDescriptor;
import dev.helmholtz.processor.validation.ValidatedModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.lang.model.element.Modifier;

/**
 * Phase three for energy-based models: writes {@code <Model>Model}, a subclass of the runtime's
 * {@code EnergyModel}. It declares the nodes with their units and the contrastive-divergence
 * settings, and calls the user's energy on the nodes a pass hands it; the conditionals, the free
 * energy, the training and AIS are the runtime's, derived from the energy.
 */
public final class EnergyModelWriter {
  private final ValidatedModel validated;
  private final ModelDescriptor model;
  private final ClassName modelType;
  private final ClassName generatedType;
  private final boolean generatedAnnotationAvailable;
  private final NetworkDescriptor energy;

  public EnergyModelWriter(ValidatedModel validated, boolean generatedAnnotationAvailable) {
    this.validated = validated;
    this.model = validated.model();
    this.modelType = ClassName.get(model.type());
    this.generatedType = ClassName.get(model.packageName(), model.generatedName());
    this.generatedAnnotationAvailable = generatedAnnotationAvailable;
    this.energy = model.networks(NetworkRole.ENERGY).get(0);
  }

  public JavaFile write() {
    TypeSpec.Builder type = GeneratedClass.start(validated, ENERGY_MODEL,
        CodeBlock.of("The energy-based model defined by {@link $T}, compiled to a TensorFlow graph by Helmholtz.\n\n",
            modelType),
        ENERGY_SPEC, spec(), generatedAnnotationAvailable);
    type.addMethods(GeneratedClass.seededConstructorAndFactories(modelType, generatedType));
    type.addMethods(typedApi());
    type.addMethod(SelfCheckMethod.energy(validated));
    type.addMethod(defineEnergy());
    return GeneratedClass.file(model, type.build());
  }

  /** The units of a node whose family the rules allowed: Bernoulli or Normal. */
  static String units(String family) {
    return family.equals("Normal") ? "GAUSSIAN" : "BERNOULLI";
  }

  private CodeBlock spec() {
    CodeBlock.Builder b = CodeBlock.builder()
        .add("$T.builder($S)\n", ENERGY_SPEC, model.type().getQualifiedName().toString())
        .indent().indent()
        .add(".contrastiveDivergence($L, $L)\n", AnnotationMirrors.intValue(energy.annotation(), "gibbsSteps", ModelReader.DEFAULT_GIBBS_STEPS),
            AnnotationMirrors.intValue(energy.annotation(), "persistentChains", ModelReader.DEFAULT_PERSISTENT_CHAINS));
    if (meanReconstruction(energy)) {
      b.add(".meanReconstruction()\n");
    }
    for (NodeDescriptor node : model.nodes()) {
      b.add(".$L($S, $T.$L, $L)\n", node.isLatent() ? "latent" : "observed", node.name(), UNITS,
          units(validated.family(node).simpleName()), node.width());
    }
    return b.add(".build()").unindent().unindent().build();
  }

  /** For a model of one observed node: its free energy and its latents' means, from arrays. */
  private List<MethodSpec> typedApi() {
    List<MethodSpec> methods = new ArrayList<>();
    List<NodeDescriptor> observed = validated.observed();
    if (observed.size() != 1) {
      return methods;
    }
    NodeDescriptor x = observed.get(0);
    TypeName matrix = ArrayTypeName.of(ArrayTypeName.of(TypeName.FLOAT));
    String parameter = SourceText.identifier(x.name());
    String xDoc = SourceText.javadoc(x.name());
    methods.add(MethodSpec.methodBuilder("freeEnergy")
        .addModifiers(Modifier.PUBLIC)
        .returns(ArrayTypeName.of(TypeName.FLOAT))
        .addParameter(matrix, parameter)
        .addJavadoc("The free energy of each row of $L ({@code [rows][$L]}), its latents summed out: {@code [rows]}.\n",
            xDoc, x.width())
        .addStatement("return freeEnergy($T.of($S, $N))", DATASET, x.name(), parameter)
        .build());
    return methods;
  }

  private MethodSpec defineEnergy() {
    CodeBlock arguments = energy.parameters().stream()
        .map(p -> p.kind() == ParameterDescriptor.Kind.LAYER_HELPER
            ? CodeBlock.of("pass.network($S)", energy.methodName())
            : CodeBlock.of("pass.node($S)", p.name()))
        .collect(CodeBlock.joining(", "));
    return MethodSpec.methodBuilder("defineEnergy")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PROTECTED)
        .returns(FLOAT_OPERAND)
        .addParameter(ENERGY_PASS, "pass")
        .addStatement("return model.$N($L)", energy.methodName(), arguments)
        .build();
  }

  /** The training the spec declares, for the model report: {@code CD-1}, or {@code PCD-1 with 100 chains}. */
  static String training(NetworkDescriptor energy) {
    int steps = AnnotationMirrors.intValue(energy.annotation(), "gibbsSteps", ModelReader.DEFAULT_GIBBS_STEPS);
    int chains = AnnotationMirrors.intValue(energy.annotation(), "persistentChains", ModelReader.DEFAULT_PERSISTENT_CHAINS);
    return (chains == 0 ? "contrastive divergence, CD-" + steps + " (chains start at the data)"
        : String.format(Locale.ROOT, "persistent contrastive divergence, PCD-%d with %d chains", steps, chains))
        + (meanReconstruction(energy) ? ", the negative statistics at the last sweep's visible means" : "");
  }

  private static boolean meanReconstruction(NetworkDescriptor energy) {
    return AnnotationMirrors.booleanValue(energy.annotation(), "meanReconstruction", false);
  }
}
