package dev.helmholtz.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.JavaFile;
import dev.helmholtz.processor.codegen.ModelReport;
import dev.helmholtz.processor.codegen.ModelWriters;
import dev.helmholtz.processor.model.AnnotationMirrors;
import dev.helmholtz.processor.model.ModelDescriptor;
import dev.helmholtz.processor.model.ModelReader;
import dev.helmholtz.processor.model.SourceTrees;
import dev.helmholtz.processor.model.UserFamily;
import dev.helmholtz.processor.validation.Diagnostic;
import dev.helmholtz.processor.validation.ModelValidator;
import dev.helmholtz.processor.validation.Reporter;
import dev.helmholtz.processor.validation.ValidatedModel;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.FilerException;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * The Helmholtz annotation processor: for each {@code @Model} class, read (model/), validate
 * (validation/), generate (codegen/). Isolating: a model's generated class depends only on that
 * model's class.
 *
 * <p>Option {@code -Ahelmholtz.verbose=true} prints each model's report as a NOTE.
 */
@AutoService(Processor.class)
public final class HelmholtzProcessor extends AbstractProcessor {
  public static final String VERBOSE_OPTION = "helmholtz.verbose";

  /** Models whose types were not yet resolvable (made by another processor): by name, not Element. */
  private final Set<String> deferred = new LinkedHashSet<>();

  /** Runs on every model as read; tests use it to make the processor fail from inside. */
  private final java.util.function.Consumer<ModelDescriptor> afterRead;

  public HelmholtzProcessor() {
    this(model -> {});
  }

  HelmholtzProcessor(java.util.function.Consumer<ModelDescriptor> afterRead) {
    this.afterRead = afterRead;
  }

  /** The {@code @Generated} that the generated classes carry (when the JDK has it). */
  static final String GENERATED = "javax.annotation.processing.Generated";

  /**
   * Helmholtz's annotations, {@code @Family} included (a family's class may be compiled apart
   * from the models that use it), and the {@code @Generated} of the classes this processor
   * writes: {@link #process} claims them, so that {@code -Xlint:processing} finds none unclaimed.
   */
  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(ModelReader.MODEL, ModelReader.LATENT, ModelReader.OBSERVED, ModelReader.ENCODER,
        ModelReader.GENERATOR, ModelReader.DISCRIMINATOR, ModelReader.ENERGY, ModelReader.MOMENT_MATCHING,
        ModelReader.MUTUAL_INFORMATION, UserFamily.ANNOTATION, GENERATED);
  }

  @Override
  public Set<String> getSupportedOptions() {
    return Set.of(VERBOSE_OPTION);
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    Reporter reporter = new Reporter(processingEnv.getMessager());
    Set<TypeElement> models = new LinkedHashSet<>();
    for (String name : deferred) {
      TypeElement type = processingEnv.getElementUtils().getTypeElement(name);
      if (type != null) {
        models.add(type);
      }
    }
    deferred.clear();
    TypeElement modelAnnotation = processingEnv.getElementUtils().getTypeElement(ModelReader.MODEL);
    if (modelAnnotation != null) {
      for (Element e : round.getElementsAnnotatedWith(modelAnnotation)) {
        if (e instanceof TypeElement type) {
          models.add(type);
        }
      }
    }
    for (TypeElement type : models) {
      if (!round.processingOver() && referencesUnresolvedTypes(type)) {
        deferred.add(type.getQualifiedName().toString());
        continue;
      }
      processModel(type, reporter);
    }
    checkAnnotationsOutsideModels(round, models, reporter);
    return claims(annotations, round);
  }

  /**
   * Whether to claim this round's annotations: Helmholtz's own always, and {@code @Generated} when
   * every class that carries it is one this processor wrote. A round with another tool's
   * {@code @Generated} class claims nothing, leaving that annotation to its processors.
   */
  private static boolean claims(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    for (TypeElement annotation : annotations) {
      if (annotation.getQualifiedName().contentEquals(GENERATED)) {
        for (Element e : round.getElementsAnnotatedWith(annotation)) {
          boolean ours = AnnotationMirrors.find(e, GENERATED)
              .map(a -> AnnotationMirrors.stringArrayValue(a, "value").contains(HelmholtzProcessor.class.getName()))
              .orElse(false);
          if (!ours) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private void processModel(TypeElement type, Reporter reporter) {
    try {
      ModelDescriptor descriptor =
          new ModelReader(processingEnv.getElementUtils(), SourceTrees.of(processingEnv)).read(type);
      afterRead.accept(descriptor);
      Optional<ValidatedModel> validated = new ModelValidator(reporter).validate(descriptor);
      if (validated.isEmpty()) {
        return;
      }
      if (Boolean.parseBoolean(processingEnv.getOptions().get(VERBOSE_OPTION))) {
        reporter.note(new ModelReport(validated.get()).text(), type);
      }
      boolean generatedAvailable =
          processingEnv.getElementUtils().getTypeElement("javax.annotation.processing.Generated") != null;
      JavaFile file = ModelWriters.write(validated.get(), generatedAvailable);
      try {
        file.writeTo(processingEnv.getFiler());
      } catch (FilerException e) {
        // The Filer refuses a second source for one type name: another class of this build
        // (a source file or another model's generated class) already has the generated name.
        reporter.report(Diagnostic.GENERATED_NAME_TAKEN, type, descriptor.annotation(),
            descriptor.nameValue(), file.packageName().isEmpty()
                ? file.typeSpec().name() : file.packageName() + "." + file.typeSpec().name(),
            "another class compiled or generated in this build already has that name");
      }
    } catch (IOException | RuntimeException | Error e) {
      if (e instanceof VirtualMachineError vm && !(e instanceof StackOverflowError)) {
        throw vm;
      }
      reporter.report(Diagnostic.INTERNAL_ERROR, type, type.getQualifiedName(), describe(e));
    }
  }

  /** The exception and the innermost Helmholtz frame it passed through: enough for a bug report. */
  private static String describe(Throwable e) {
    StackTraceElement where = null;
    for (StackTraceElement frame : e.getStackTrace()) {
      if (frame.getClassName().startsWith("dev.helmholtz.")) {
        where = frame;
        break;
      }
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
        + (where == null ? "" : " at " + where);
  }

  /**
   * Node and network annotations only mean something inside a @Model class or a class models
   * inherit them from: a superclass of a model of this round, or an abstract class (a base for
   * models compiled later).
   */
  private void checkAnnotationsOutsideModels(RoundEnvironment round, Set<TypeElement> models, Reporter reporter) {
    Set<Element> bases = new java.util.HashSet<>();
    models.forEach(model -> bases.addAll(ModelReader.hierarchy(model)));
    for (String name : new String[] {ModelReader.LATENT, ModelReader.OBSERVED, ModelReader.ENCODER,
        ModelReader.GENERATOR, ModelReader.DISCRIMINATOR, ModelReader.ENERGY, ModelReader.MOMENT_MATCHING,
        ModelReader.MUTUAL_INFORMATION}) {
      TypeElement annotation = processingEnv.getElementUtils().getTypeElement(name);
      if (annotation == null) {
        continue;
      }
      for (Element e : round.getElementsAnnotatedWith(annotation)) {
        Element enclosing = e.getEnclosingElement();
        boolean inModel = enclosing != null && (AnnotationMirrors.find(enclosing, ModelReader.MODEL).isPresent()
            || bases.contains(enclosing) || isAbstractClass(enclosing));
        if (!inModel) {
          String simple = "@" + annotation.getSimpleName();
          reporter.report(Diagnostic.ANNOTATION_OUTSIDE_MODEL, e,
              AnnotationMirrors.find(e, name).orElse(null), simple,
              enclosing == null ? "its enclosing element" : enclosing.getSimpleName(), simple);
        }
      }
    }
  }

  private static boolean isAbstractClass(Element e) {
    return e.getKind() == ElementKind.CLASS && e.getModifiers().contains(Modifier.ABSTRACT);
  }

  /**
   * Whether a node or network of the model, or of a superclass it inherits them from, mentions a
   * type javac could not resolve (yet), or a superclass is not resolved.
   */
  private static boolean referencesUnresolvedTypes(TypeElement type) {
    for (TypeElement declaring : ModelReader.hierarchy(type)) {
      if (isError(declaring.getSuperclass()) || declaresUnresolvedTypes(declaring)) {
        return true;
      }
    }
    return false;
  }

  private static boolean declaresUnresolvedTypes(TypeElement type) {
    for (Element member : type.getEnclosedElements()) {
      if (member.getKind() == ElementKind.FIELD && isError(((VariableElement) member).asType())) {
        return true;
      }
      if (member.getKind() == ElementKind.METHOD) {
        ExecutableElement method = (ExecutableElement) member;
        if (isError(method.getReturnType())
            || method.getParameters().stream().anyMatch(p -> isError(p.asType()))) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean isError(TypeMirror type) {
    return type.getKind() == TypeKind.ERROR;
  }
}
