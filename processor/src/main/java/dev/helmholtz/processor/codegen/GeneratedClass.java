package dev.helmholtz.processor.codegen;

import static dev.helmholtz.processor.codegen.RuntimeTypes.EVENT_ARRAYS;
import static dev.helmholtz.processor.codegen.RuntimeTypes.GENERATED;
import static dev.helmholtz.processor.codegen.RuntimeTypes.OBJECTS;
import static dev.helmholtz.processor.codegen.RuntimeTypes.SEED;
import static dev.helmholtz.processor.codegen.RuntimeTypes.THREAD_SETTINGS;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.NodeDescriptor;
import dev.helmholtz.processor.validation.ValidatedModel;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * What every generated model class shares, whichever runtime base it extends: the class
 * declaration with its originating element, the Javadoc with the model report, the
 * {@code @Generated} annotation, the {@code SPEC} constant and the user's model instance; and the
 * file it is written to.
 */
final class GeneratedClass {
  /** The processor's name in the generated classes' {@code @Generated}. */
  static final String PROCESSOR = "dev.helmholtz.processor.HelmholtzProcessor";

  private GeneratedClass() {}

  /**
   * @param intro the Javadoc's first paragraph, ending in a blank line
   * @param spec the initializer of {@code SPEC}, of type {@code specType}
   */
  static TypeSpec.Builder start(ValidatedModel validated, ClassName superclass, CodeBlock intro,
      TypeName specType, CodeBlock spec, boolean generatedAnnotationAvailable) {
    ModelDescriptor model = validated.model();
    TypeSpec.Builder type = TypeSpec.classBuilder(ClassName.get(model.packageName(), model.generatedName()))
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .superclass(superclass)
        .addOriginatingElement(model.type())
        .addJavadoc(CodeBlock.builder()
            .add(intro)
            .add("<h2>Model report</h2>\n")
            // An argument, not a format: dollar signs in node names need no escaping.
            .add("$L", new ModelReport(validated).javadoc())
            .build());
    if (generatedAnnotationAvailable) {
      type.addAnnotation(AnnotationSpec.builder(GENERATED).addMember("value", "$S", PROCESSOR).build());
    }
    type.addField(FieldSpec.builder(specType, "SPEC", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .initializer(spec)
        .build());
    type.addField(ClassName.get(model.type()), "model", Modifier.PRIVATE, Modifier.FINAL);
    return type;
  }

  /**
   * The private constructor and the two {@code create} factories of a model drawn from a seed
   * (variational and adversarial models): {@code create(seed)}, with a new instance of the user's
   * class and the default thread settings, and {@code create(model, seed, threads)}.
   */
  static List<MethodSpec> seededConstructorAndFactories(ClassName modelType, ClassName generatedType) {
    MethodSpec constructor = MethodSpec.constructorBuilder()
        .addModifiers(Modifier.PRIVATE)
        .addParameter(modelType, "model")
        .addParameter(SEED, "seed")
        .addParameter(THREAD_SETTINGS, "threads")
        .addStatement("super(SPEC, seed, threads)")
        .addStatement("this.model = $T.requireNonNull(model, $S)", OBJECTS, "model")
        .addStatement("build()")
        .build();
    MethodSpec withSeed = MethodSpec.methodBuilder("create")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(generatedType)
        .addParameter(SEED, "seed")
        .addJavadoc("Builds the model's graph and initializes its variables from {@code seed}, with a new\n"
            + "{@link $T} and the default thread settings.\n", modelType)
        .addStatement("return new $T(new $T(), seed, $T.defaults())", generatedType, modelType, THREAD_SETTINGS)
        .build();
    MethodSpec full = MethodSpec.methodBuilder("create")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(generatedType)
        .addParameter(modelType, "model")
        .addParameter(SEED, "seed")
        .addParameter(THREAD_SETTINGS, "threads")
        .addJavadoc("Builds the model's graph around {@code model}'s networks and initializes its variables\n"
            + "from {@code seed}; the same seed and thread settings give the same numbers.\n")
        .addStatement("return new $T(model, seed, threads)", generatedType)
        .build();
    return List.of(constructor, withSeed, full);
  }

  /** A node's event shape as the spec builder's arguments: {@code 784}, or {@code 28, 28, 1}. */
  static String shapeArguments(NodeDescriptor node) {
    return String.join(", ", node.shape().stream().map(String::valueOf).toList());
  }

  /** For a row of an event of rank above 1, how its values are laid out; empty for a vector. */
  static String rowLayout(NodeDescriptor node) {
    return shaped(node)
        ? ",\neach row an event of shape " + node.shape() + " flattened row-major (channels last)" : "";
  }

  /** Whether the typed API hands the node's values as arrays of its shape, not as flat rows: rank above 1. */
  static boolean shaped(NodeDescriptor node) {
    return node.shape().size() > 1;
  }

  /** The Java type of n events of the node: {@code float[][]} for a vector, {@code float[][][][]} for [28, 28, 1]. */
  static TypeName eventsType(NodeDescriptor node) {
    TypeName type = TypeName.FLOAT;
    for (int i = 0; i <= node.shape().size(); i++) {
      type = ArrayTypeName.of(type);
    }
    return type;
  }

  /** The dimensions of n events of the node for Javadoc: {@code [n][784]}, or {@code [n][28][28][1]}. */
  static String eventsDims(String n, NodeDescriptor node) {
    StringBuilder b = new StringBuilder("[").append(n).append("]");
    node.shape().forEach(s -> b.append('[').append(s).append(']'));
    return b.toString();
  }

  /** {@code rows} (flat rows of the node) in the node's shape: unchanged for a vector. */
  static CodeBlock toShape(CodeBlock rows, NodeDescriptor node) {
    return shaped(node)
        ? CodeBlock.of("$T.unflatten($L, $T.class, $L)", EVENT_ARRAYS, rows, eventsType(node), shapeArguments(node))
        : rows;
  }

  /** The parameter {@code name} (events in the node's shape) as flat rows: unchanged for a vector. */
  static CodeBlock toRows(String name, NodeDescriptor node) {
    return shaped(node)
        ? CodeBlock.of("$T.flatten($N, $L)", EVENT_ARRAYS, name, shapeArguments(node))
        : CodeBlock.of("$N", name);
  }

  static JavaFile file(ModelDescriptor model, TypeSpec type) {
    return JavaFile.builder(model.packageName(), type)
        .skipJavaLangImports(true)
        .indent("  ")
        .build();
  }
}
