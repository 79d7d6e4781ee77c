package dev.helmholtz.processor.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.SimpleAnnotationValueVisitor14;
import javax.lang.model.element.AnnotationValueVisitor;

/**
 * Reads annotations through their mirrors (never {@code getAnnotation()}, which fails for
 * Class-valued members and hides where a value was written).
 */
public final class AnnotationMirrors {
  private AnnotationMirrors() {}

  public static Optional<AnnotationMirror> find(Element element, String annotationName) {
    for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
      TypeElement type = (TypeElement) mirror.getAnnotationType().asElement();
      if (type.getQualifiedName().contentEquals(annotationName)) {
        return Optional.of(mirror);
      }
    }
    return Optional.empty();
  }

  /** The value written explicitly for a member, or empty when the default applies. */
  public static Optional<AnnotationValue> explicitValue(AnnotationMirror mirror, String member) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e :
        mirror.getElementValues().entrySet()) {
      if (e.getKey().getSimpleName().contentEquals(member)) {
        return Optional.of(e.getValue());
      }
    }
    return Optional.empty();
  }

  /**
   * The value written for a member; absent when the default applies. Defaults are not read
   * from the annotation type: javac may hand back an unfinished class-file attribute for them
   * during processing. Callers pass the annotation's declared default as their fallback
   * ({@code AnnotationDefaultsTest} keeps the two in step).
   */
  private static Optional<AnnotationValue> value(AnnotationMirror mirror, String member) {
    return explicitValue(mirror, member);
  }

  public static String stringValue(AnnotationMirror mirror, String member, String fallback) {
    String s = value(mirror, member).map(v -> v.accept(STRING, null)).orElse(null);
    return s == null ? fallback : s;
  }

  public static int intValue(AnnotationMirror mirror, String member, int fallback) {
    Integer i = value(mirror, member).map(v -> v.accept(INT, null)).orElse(null);
    return i == null ? fallback : i;
  }

  public static boolean booleanValue(AnnotationMirror mirror, String member, boolean fallback) {
    Boolean b = value(mirror, member).map(v -> v.accept(BOOLEAN, null)).orElse(null);
    return b == null ? fallback : b;
  }

  /** An int[] member (a single int is accepted too); entries that are not ints are skipped. */
  public static List<Integer> intArrayValue(AnnotationMirror mirror, String member) {
    return value(mirror, member).map(v -> v.accept(INT_LIST, null)).orElse(List.of());
  }

  /** A String[] member (a single String is accepted too); entries that are not strings are skipped. */
  public static List<String> stringArrayValue(AnnotationMirror mirror, String member) {
    return value(mirror, member).map(v -> v.accept(STRING_LIST, null)).orElse(List.of());
  }

  /** A double member (an int literal is widened). */
  public static double doubleValue(AnnotationMirror mirror, String member, double fallback) {
    Double d = value(mirror, member).map(v -> v.accept(DOUBLE, null)).orElse(null);
    return d == null ? fallback : d;
  }

  /** A double[] member (a single value is accepted too, int literals widened); other entries are skipped. */
  public static List<Double> doubleArrayValue(AnnotationMirror mirror, String member) {
    return value(mirror, member).map(v -> v.accept(DOUBLE_LIST, null)).orElse(List.of());
  }

  /** A nested annotation member, such as {@code @Model(objective = @Objective(...))}. */
  public static Optional<AnnotationMirror> annotationValue(AnnotationMirror mirror, String member) {
    return value(mirror, member).map(v -> v.accept(ANNOTATION, null));
  }

  /** The constant name of an enum member, such as {@code "ELBO"}. */
  public static Optional<String> enumValue(AnnotationMirror mirror, String member) {
    return value(mirror, member).map(v -> v.accept(ENUM, null));
  }

  // Visitors rather than getValue(): javac represents erroneous and some class-file values with
  // attributes whose getValue() throws; a visitor's default action just yields null.
  private static final AnnotationValueVisitor<String, Void> STRING = new SimpleAnnotationValueVisitor14<>() {
    @Override
    public String visitString(String s, Void p) {
      return s;
    }
  };
  private static final AnnotationValueVisitor<Boolean, Void> BOOLEAN = new SimpleAnnotationValueVisitor14<>() {
    @Override
    public Boolean visitBoolean(boolean b, Void p) {
      return b;
    }
  };
  private static final AnnotationValueVisitor<Integer, Void> INT = new SimpleAnnotationValueVisitor14<>() {
    @Override
    public Integer visitInt(int i, Void p) {
      return i;
    }
  };
  private static final AnnotationValueVisitor<Double, Void> DOUBLE = new SimpleAnnotationValueVisitor14<>() {
    @Override
    public Double visitDouble(double d, Void p) {
      return d;
    }

    @Override
    public Double visitInt(int i, Void p) {
      return (double) i;
    }
  };
  private static final AnnotationValueVisitor<List<Double>, Void> DOUBLE_LIST =
      new SimpleAnnotationValueVisitor14<>(List.of()) {
        @Override
        public List<Double> visitDouble(double d, Void p) {
          return List.of(d);
        }

        @Override
        public List<Double> visitInt(int i, Void p) {
          return List.of((double) i);
        }

        @Override
        public List<Double> visitArray(List<? extends AnnotationValue> values, Void p) {
          List<Double> doubles = new ArrayList<>();
          for (AnnotationValue v : values) {
            Double d = v.accept(DOUBLE, null);
            if (d != null) {
              doubles.add(d);
            }
          }
          return doubles;
        }
      };
  private static final AnnotationValueVisitor<List<Integer>, Void> INT_LIST =
      new SimpleAnnotationValueVisitor14<>(List.of()) {
        @Override
        public List<Integer> visitInt(int i, Void p) {
          return List.of(i);
        }

        @Override
        public List<Integer> visitArray(List<? extends AnnotationValue> values, Void p) {
          List<Integer> ints = new ArrayList<>();
          for (AnnotationValue v : values) {
            Integer i = v.accept(INT, null);
            if (i != null) {
              ints.add(i);
            }
          }
          return ints;
        }
      };
  private static final AnnotationValueVisitor<List<String>, Void> STRING_LIST =
      new SimpleAnnotationValueVisitor14<>(List.of()) {
        @Override
        public List<String> visitString(String s, Void p) {
          return List.of(s);
        }

        @Override
        public List<String> visitArray(List<? extends AnnotationValue> values, Void p) {
          List<String> strings = new ArrayList<>();
          for (AnnotationValue v : values) {
            String s = v.accept(STRING, null);
            if (s != null) {
              strings.add(s);
            }
          }
          return strings;
        }
      };
  private static final AnnotationValueVisitor<AnnotationMirror, Void> ANNOTATION =
      new SimpleAnnotationValueVisitor14<>() {
        @Override
        public AnnotationMirror visitAnnotation(AnnotationMirror a, Void p) {
          return a;
        }
      };
  private static final AnnotationValueVisitor<String, Void> ENUM = new SimpleAnnotationValueVisitor14<>() {
    @Override
    public String visitEnumConstant(VariableElement c, Void p) {
      return c.getSimpleName().toString();
    }
  };
}
