package dev.helmholtz.processor;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.processing.Processor;
import javax.tools.JavaFileObject;

/** Compiles test models with the processor under test, as users' builds do. */
final class Compilations {
  private Compilations() {}

  static Compilation compile(JavaFileObject... sources) {
    return compile(new HelmholtzProcessor(), List.of(), sources);
  }

  static Compilation compile(Processor processor, List<String> options, JavaFileObject... sources) {
    List<String> all = new ArrayList<>(List.of("-Xlint:all", "-Xlint:-processing"));
    all.addAll(options);
    return Compiler.javac().withProcessors(processor).withOptions(all).compile(sources);
  }

  /**
   * A model class in package {@code test} with the imports every model uses, so a test shows only
   * its model. Line numbers in messages count from the class body's first line given.
   */
  static JavaFileObject model(String simpleName, String... body) {
    List<String> lines = new ArrayList<>(List.of(
        "package test;",
        "import static dev.helmholtz.nn.Activation.*;",
        "import dev.helmholtz.annotations.*;",
        "import dev.helmholtz.dist.*;",
        "import dev.helmholtz.nn.Nn;",
        "import org.tensorflow.Operand;",
        "import org.tensorflow.types.TFloat32;"));
    lines.addAll(List.of(body));
    return JavaFileObjects.forSourceLines("test." + simpleName, lines);
  }
}
