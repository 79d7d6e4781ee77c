package dev.helmholtz.processor.codegen;

import static dev.helmholtz.processor.codegen.RuntimeTypes.GENERATED;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.validation.ValidatedModel;
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

  static JavaFile file(ModelDescriptor model, TypeSpec type) {
    return JavaFile.builder(model.packageName(), type)
        .skipJavaLangImports(true)
        .indent("  ")
        .build();
  }
}
