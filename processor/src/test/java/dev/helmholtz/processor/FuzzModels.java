package dev.helmholtz.processor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Random model classes for {@link ProcessorFuzzTest}: well-formed models, decorated in ways that
 * must not matter (neutral changes); the same with one or more changes that must make them fail
 * to compile (invalid mutations); with changes whose verdict the fuzzer does not predict; and
 * "wild" classes drawn from pools of valid and invalid parts with no structure at all.
 *
 * <p>Each case lives in its own package {@code fuzz.c<index>}, in one file ({@code Case.java}, or
 * {@code Outer.java} when the model class is nested), so
 * that several cases can share one compilation and every diagnostic can be traced to its case.
 * A case depends only on its seed.
 */
final class FuzzModels {
  private FuzzModels() {}

  /** What the fuzzer predicts for a case. */
  enum Expect {
    /** A well-formed model (maybe decorated): must compile, generated class included. */
    VALID,
    /** A model with at least one change that makes it malformed: must fail in its own source. */
    INVALID,
    /** No prediction: must not crash, and must not fail in generated code only. */
    ANY
  }

  /**
   * One generated compilation unit.
   *
   * @param generatedClass the qualified name of the class the processor must generate for a
   *     VALID case, else null
   * @param solo whether to compile it alone (it has a syntax error, which stops javac early)
   * @param changes what was done to it, for reports
   */
  record Case(int index, long seed, String packageName, String topLevel, String source, Expect expect,
      String generatedClass, boolean solo, List<String> changes) {
    /** The file's top-level type: Case, or the class it is nested in. */
    String qualifiedName() {
      return packageName + "." + topLevel;
    }

    String describe() {
      return "case " + index + " (seed " + seed + ", " + expect + ", changes " + changes + ")";
    }
  }

  // ---------------------------------------------------------------------------------------
  // Pools
  // ---------------------------------------------------------------------------------------

  /**
   * Node names that are identifiers, including ones generated code also uses (pass, model, n,
   * SPEC, data, seed) and ones that differ only in case or in what an identifier mapping erases.
   */
  private static final String[] IDENTIFIERS = {
    "z", "x", "y", "h", "u", "v", "w", "z1", "z2", "z_1", "Z", "zTop", "code", "pixels", "label",
    "pass", "model", "n", "SPEC", "data", "seed", "threads", "tf", "q", "p", "pZ", "qZ", "x1",
    "sample", "encode", "build", "$z", "_z", "ζ", "π2", "var_", "Z1", "hidden", "obs", "lat",
    "string", "normal", "bernoulli", "Normal2", "node", "create", "network"
  };

  /** Network method names, including ones the generated class or Object also declares. */
  private static final String[] METHOD_NAMES = {
    "encode", "decode", "infer", "generate", "sample", "build", "create", "reconstruct",
    "defineInference", "defineGeneration", "network", "hashCode", "toString", "equals", "wait",
    "main", "q", "p", "encoderOfZ", "gen2", "e", "g", "$net", "_net", "netζ", "encode_1", "Encode"
  };

  /**
   * Odd node names, as Java string-literal bodies paired with what they denote. None is an
   * identifier, so a node so named can be the parent of no network.
   */
  private static final String[][] ODD_NAMES = {
    {"pixels/28x28", "pixels/28x28"}, {"a b", "a b"}, {"*/", "*/"}, {"/*", "/*"},
    {"\\u002A/ x", "*/ x"}, {"\\\\u0041", "\\u0041"}, {"line\\nbreak", "line\nbreak"},
    {"tab\\t", "tab\t"}, {"nul\\0", "nul\0"}, {"%s%n%d", "%s%n%d"}, {"${x}", "${x}"},
    {"<b>bold</b>", "<b>bold</b>"}, {"&amp;", "&amp;"}, {"{@code x}", "{@code x}"},
    {"@return", "@return"}, {"quote\\\"", "quote\""}, {"class", "class"}, {"null", "null"},
    {"1st", "1st"}, {"-", "-"}, {"z-1", "z-1"}, {"z.1", "z.1"}, {"\\uD800", "\uD800"},
    {"\\uFFFF", "\uFFFF"}, {"𝔷", "𝔷"}, {"ж", "ж"}, {" ", " "}, {"\\r\\n", "\r\n"},
    {"back\\\\slash", "back\\slash"}, {"$", "$"}, {"$$L", "$$L"}, {"$S", "$S"}, {"$N", "$N"},
    {"#", "#"}, {"..", ".."}, {"x".repeat(300), "x".repeat(300)}
  };

  /** Strings for network targets and names that name no node of a skeleton. */
  private static final String[] STRAY_STRINGS = {
    "", "nope", "Z ", " z", "latent", "z\\u0000", "\\u007a\\u007a\\u007a", "ObjectiveKind.ELBO",
    "@Latent", "*/", "\\n", "%s"
  };

  /** Methods of Object: a network of that name must overload them, not clash. */
  private static final Set<String> OBJECT_METHODS =
      Set.of("hashCode", "toString", "equals", "wait", "getClass", "notify", "notifyAll", "clone", "finalize");

  private static final String[] FAMILIES = {"Normal", "Bernoulli"};

  /** Field types that are not distribution families. */
  private static final String[] NON_FAMILY_TYPES = {
    "String", "int", "Object", "Distribution", "Operand<TFloat32>", "float[]", "Normal[]",
    "java.util.List<Normal>", "Nn", "Objective", "ObjectiveKind", "java.util.Optional<Bernoulli>",
    "Integer", "Runnable", "dev.helmholtz.dist.KlDivergence", "double"
  };

  /** Network parameter types that are neither a node's value nor the layer helper. */
  private static final String[] BAD_PARAMETER_TYPES = {
    "Operand<TInt32>", "Operand", "Operand<?>", "Operand<? extends TFloat32>", "int", "Normal",
    "String", "Nn[]", "Operand<TFloat32>[]", "Object", "org.tensorflow.types.TFloat32",
    "Operand<TFloat64>", "java.util.List<Operand<TFloat32>>", "float"
  };

  /**
   * Invalid event shapes, as annotation source. Events of rank above 1 ({28, 28}, {1, 1, 1}) are
   * valid since image events (an elementwise family scores them flat), so they are not here; sizes
   * whose product overflows an int are (the long run of issue 25 found them compiled).
   */
  private static final String[] BAD_SHAPES = {
    "{}", "0", "{0}", "-1", "{-3}", "Integer.MIN_VALUE", "{5, 0}",
    "{100000, 100000}", "{-1, -1}", "{65536, 65536}", "{2, -2}", "{46341, 46341}"
  };

  /** Valid widths, including extreme ones. */
  private static int width(Random r) {
    return switch (r.nextInt(10)) {
      case 0 -> 1;
      case 1 -> Integer.MAX_VALUE;
      case 2 -> 1 + r.nextInt(100_000);
      default -> 1 + r.nextInt(64);
    };
  }

  static <T> T pick(Random r, T[] values) {
    return values[r.nextInt(values.length)];
  }

  static <T> T pick(Random r, List<T> values) {
    return values.get(r.nextInt(values.size()));
  }

  private static String quote(String literalBody) {
    return "\"" + literalBody + "\"";
  }

  // ---------------------------------------------------------------------------------------
  // The model as a structure, rendered to source at the end
  // ---------------------------------------------------------------------------------------

  static final class Node {
    String field;
    String name;          // the node's name, as the processor will see it
    String nameLiteral;   // the body of name = "...", or null when absent
    boolean latent;
    String type;
    String shape;         // annotation source
    int width;
    List<String> annotations = new ArrayList<>(); // extra ones, source
    String modifiers = "";
    String initializer;   // source, or null
    boolean fullyQualified;
    boolean unicodeAt;
    boolean bothKinds;
    boolean noNodeAnnotation;
    /** More members of the node's annotation, source: {@code global = true}, {@code enumerate = true}. */
    List<String> flags = new ArrayList<>();
    Node copy() {
      Node n = new Node();
      n.field = field;
      n.name = name;
      n.nameLiteral = nameLiteral;
      n.latent = latent;
      n.type = type;
      n.shape = shape;
      n.width = width;
      n.annotations = new ArrayList<>(annotations);
      n.modifiers = modifiers;
      n.initializer = initializer;
      n.fullyQualified = fullyQualified;
      n.unicodeAt = unicodeAt;
      n.bothKinds = bothKinds;
      n.noNodeAnnotation = noNodeAnnotation;
      n.flags = new ArrayList<>(flags);
      return n;
    }
  }

  static final class Param {
    String type;
    String name;
    String modifiers = "";

    Param(String type, String name) {
      this.type = type;
      this.name = name;
    }
  }

  static final class Net {
    boolean encoder;
    String targetLiteral; // the body of the annotation's string, as source
    String target;        // what it denotes
    String method;
    String returnType;
    List<Param> params = new ArrayList<>();
    String modifiers = "";
    String typeParameters = "";
    String throwsClause = "";
    List<String> annotations = new ArrayList<>(); // extra ones, source
    String body;          // null: derived from the parameters when rendered
    boolean valueEquals;  // @Encoder(value = "z")
    int style;            // how the body is written, 0 to BODY_STYLES - 1
    int widthError;       // added to the width of the body's last layer: 0 for a correct body
    boolean alsoOtherRole;

    boolean hasParam(String name) {
      return params.stream().anyMatch(p -> p.name.equals(name));
    }

    boolean hasNodeParam(String name) {
      return nodeParams().stream().anyMatch(p -> p.name.equals(name));
    }

    List<Param> nodeParams() {
      return params.stream().filter(p -> p.type.equals("Operand<TFloat32>")).toList();
    }
  }

  static final class Spec {
    String packageName;
    String className = "Case";
    String kind = "class";              // class, interface, enum, record, @interface
    String classModifiers = "";
    String typeParameters = "";
    String supertypes = "";
    String modelAnnotation;             // the source of the @Model annotation; null: derived
    String objectiveKind;               // null: absent
    String samples;                     // null: absent
    String generatedName;               // the body of name = "...", or null
    Set<String> classAnnotations = new LinkedHashSet<>();
    List<Node> nodes = new ArrayList<>();
    List<Net> nets = new ArrayList<>();
    Set<String> constants = new LinkedHashSet<>(); // declared first, source
    Set<String> members = new LinkedHashSet<>();   // extra members, source
    Set<String> constructors = new LinkedHashSet<>();
    Set<String> otherTypes = new LinkedHashSet<>(); // other top-level types in the file
    List<String> imports = new ArrayList<>();
    String outer;                       // enclosing type declaration opener, or null
    boolean nestedStatic;               // whether the model class, when nested, says static
    String outerName;
    boolean starImports = true;

    Node node(String name) {
      return nodes.stream().filter(n -> n.name.equals(name)).findFirst().orElse(null);
    }

    List<Node> latents() {
      return nodes.stream().filter(n -> n.latent).toList();
    }

    List<Node> observed() {
      return nodes.stream().filter(n -> !n.latent).toList();
    }

    Net network(boolean encoder, String target) {
      return nets.stream().filter(n -> n.encoder == encoder && n.target.equals(target)).findFirst().orElse(null);
    }

    String generatedSimpleName() {
      if (generatedName != null && !generatedName.isEmpty()) {
        return generatedName;
      }
      return (outerName == null ? "" : outerName + "_") + className + "Model";
    }
  }

  // ---------------------------------------------------------------------------------------
  // Cases
  // ---------------------------------------------------------------------------------------

  static Case generate(int index, long seed) {
    Random r = new Random(seed);
    String pkg = "fuzz.c" + index;
    int roll = r.nextInt(100);
    List<String> changes = new ArrayList<>();
    if (roll < 15) {
      return wild(index, seed, pkg, r);
    }
    if (r.nextInt(6) == 0) {
      return latentKinds(index, seed, pkg, r);
    }
    if (r.nextInt(5) == 0) {
      return FuzzGames.generate(index, seed, pkg, r);
    }
    Spec spec = skeleton(r, pkg);
    int neutral = r.nextInt(4);
    for (int i = 0; i < neutral; i++) {
      changes.add(neutral(spec, r));
    }
    Expect expect;
    boolean solo = false;
    if (roll < 50) {
      expect = Expect.VALID;
    } else if (roll < 88) {
      expect = Expect.INVALID;
      int count = 1 + (r.nextInt(4) == 0 ? r.nextInt(3) : 0);
      for (int i = 0; i < count; i++) {
        changes.add(invalid(spec, r));
      }
    } else if (roll < 95) {
      expect = Expect.ANY;
      changes.add(unpredicted(spec, r));
    } else {
      expect = Expect.INVALID;
      solo = true;
      changes.add(javacError(spec, r));
    }
    String generated = expect == Expect.VALID ? pkg + "." + spec.generatedSimpleName() : null;
    return new Case(index, seed, pkg, spec.outer == null ? "Case" : "Outer", render(spec), expect, generated,
        solo, List.copyOf(changes));
  }

  /**
   * A case of the latent kinds the skeleton does not make: global latents ({@code @Latent(global =
   * true)}, a model of model parameters with priors) and an enumerated categorical latent ({@code
   * enumerate = true}, summed out as M2 does). Well-formed models of each kind must compile; a
   * global latent with an encoder and an enumerated Normal latent must not; flags set at random on
   * any of the three skeletons get no prediction.
   */
  static Case latentKinds(int index, long seed, String pkg, Random r) {
    int which = r.nextInt(5);
    Spec s;
    Expect expect;
    List<String> changes = new ArrayList<>();
    switch (which) {
      case 0 -> {
        s = globalSkeleton(r, pkg);
        expect = Expect.VALID;
        changes.add("global latents " + s.latents().stream().map(n -> n.name).toList());
      }
      case 1 -> {
        s = enumeratedSkeleton(r, pkg);
        expect = Expect.VALID;
        changes.add("enumerated latent " + s.latents().get(0).name);
      }
      case 2 -> {
        s = skeleton(r, pkg);
        Node z = pick(r, s.latents().toArray(Node[]::new));
        z.flags.add("global = true");
        expect = Expect.INVALID;
        changes.add("global latent " + z.name + " with an encoder");
      }
      case 3 -> {
        s = skeleton(r, pkg);
        Node z = pick(r, s.latents().toArray(Node[]::new));
        z.flags.add(r.nextBoolean() ? "enumerate = true" : "global = false, enumerate = true");
        expect = Expect.INVALID;
        changes.add("enumerated Normal latent " + z.name);
      }
      default -> {
        s = switch (r.nextInt(3)) {
          case 0 -> globalSkeleton(r, pkg);
          case 1 -> enumeratedSkeleton(r, pkg);
          default -> skeleton(r, pkg);
        };
        expect = Expect.ANY;
        int flips = 1 + r.nextInt(3);
        for (int i = 0; i < flips; i++) {
          Node n = pick(r, s.nodes.toArray(Node[]::new));
          String flag = pick(r, new String[] {"global = true", "enumerate = true", "global = false",
              "enumerate = false", "global = true, enumerate = true"});
          if (n.latent) {
            n.flags.clear();
            n.flags.add(flag);
            if (flag.contains("enumerate = true") && r.nextBoolean()) {
              n.type = "Categorical";
            }
          } else {
            n.flags.add("given = " + r.nextBoolean());
            n.flags = new ArrayList<>(new LinkedHashSet<>(n.flags));
            if (n.flags.stream().filter(f -> f.startsWith("given")).count() > 1) {
              n.flags.removeIf(f -> f.startsWith("given"));
            }
          }
          changes.add("flags of " + n.name + ": " + n.flags + " (" + n.type + ")");
        }
      }
    }
    String generated = expect == Expect.VALID ? pkg + "." + s.generatedSimpleName() : null;
    return new Case(index, seed, pkg, "Case", render(s), expect, generated, false, List.copyOf(changes));
  }

  /**
   * A well-formed model of global latents (a Bayesian model): Normal global latents, each with the
   * standard prior or a prior network of earlier global latents; given observed nodes; generated
   * observed nodes whose networks take global latents (at least one) and given nodes. No encoders
   * and no objective.
   */
  static Spec globalSkeleton(Random r, String pkg) {
    Spec s = new Spec();
    s.packageName = pkg;
    Set<String> used = new HashSet<>();
    Set<String> methods = new HashSet<>();
    List<Node> globals = new ArrayList<>();
    List<Node> givens = new ArrayList<>();
    List<Node> generated = new ArrayList<>();
    int count = 1 + r.nextInt(3);
    int givenCount = r.nextInt(3);
    int generatedCount = 1 + r.nextInt(2);
    for (int i = 0; i < count + givenCount + generatedCount; i++) {
      Node n = new Node();
      String name;
      do {
        name = pick(r, IDENTIFIERS);
      } while (!used.add(name));
      n.name = name;
      n.field = name;
      n.latent = i < count;
      n.width = 1 + r.nextInt(4);
      n.shape = shapeSource(r, n.width);
      if (n.latent) {
        n.type = "Normal";
        n.flags.add("global = true");
        globals.add(n);
      } else if (i < count + givenCount) {
        n.type = "Normal";
        n.flags.add("given = true");
        givens.add(n);
      } else {
        n.type = pick(r, FAMILIES);
        generated.add(n);
      }
    }
    for (int i = 1; i < globals.size(); i++) {
      if (r.nextBoolean()) {
        List<Node> parents = new ArrayList<>(globals.subList(0, 1 + r.nextInt(i)));
        s.nets.add(network(r, false, globals.get(i), parents, methods));
      }
    }
    for (Node x : generated) {
      List<Node> parents = new ArrayList<>();
      parents.add(pick(r, globals.toArray(Node[]::new)));
      for (Node other : globals) {
        if (!parents.contains(other) && r.nextBoolean()) {
          parents.add(other);
        }
      }
      for (Node given : givens) {
        if (r.nextBoolean()) {
          parents.add(given);
        }
      }
      java.util.Collections.shuffle(parents, r);
      s.nets.add(network(r, false, x, parents, methods));
    }
    List<Node> all = new ArrayList<>(globals);
    all.addAll(givens);
    all.addAll(generated);
    java.util.Collections.shuffle(all, r);
    s.nodes.addAll(all);
    java.util.Collections.shuffle(s.nets, r);
    return s;
  }

  /**
   * A well-formed model with an enumerated categorical latent (M2's shape): {@code y} of 2 to 10
   * classes summed out, one or two Normal latents, one observed node; y's encoder takes the
   * observed node, each Normal latent's encoder the observed node and maybe y, the observed
   * node's generator the Normal latents (at least one) and maybe y. Standard priors.
   */
  static Spec enumeratedSkeleton(Random r, String pkg) {
    Spec s = new Spec();
    s.packageName = pkg;
    Set<String> used = new HashSet<>();
    Set<String> methods = new HashSet<>();
    List<Node> all = new ArrayList<>();
    int normals = 1 + r.nextInt(2);
    for (int i = 0; i < normals + 2; i++) {
      Node n = new Node();
      String name;
      do {
        name = pick(r, IDENTIFIERS);
      } while (!used.add(name));
      n.name = name;
      n.field = name;
      n.latent = i <= normals;
      if (i == 0) {
        n.type = "Categorical";
        n.width = 2 + r.nextInt(9);
        n.flags.add(r.nextInt(4) == 0 ? "enumerate = true, classificationWeight = " + (1 + r.nextInt(100))
            : "enumerate = true");
      } else {
        n.type = n.latent ? "Normal" : pick(r, FAMILIES);
        n.width = 1 + r.nextInt(6);
      }
      n.shape = shapeSource(r, n.width);
      all.add(n);
    }
    Node y = all.get(0);
    Node x = all.get(all.size() - 1);
    List<Node> zs = all.subList(1, all.size() - 1);
    s.nets.add(network(r, true, y, List.of(x), methods));
    for (Node z : zs) {
      List<Node> parents = new ArrayList<>(List.of(x));
      if (r.nextBoolean()) {
        parents.add(y);
      }
      java.util.Collections.shuffle(parents, r);
      s.nets.add(network(r, true, z, parents, methods));
    }
    List<Node> parents = new ArrayList<>(List.of(pick(r, zs.toArray(Node[]::new))));
    for (Node z : zs) {
      if (!parents.contains(z) && r.nextBoolean()) {
        parents.add(z);
      }
    }
    if (r.nextBoolean()) {
      parents.add(y);
    }
    java.util.Collections.shuffle(parents, r);
    s.nets.add(network(r, false, x, parents, methods));
    List<Node> shuffled = new ArrayList<>(all);
    java.util.Collections.shuffle(shuffled, r);
    s.nodes.addAll(shuffled);
    java.util.Collections.shuffle(s.nets, r);
    return s;
  }

  /** A well-formed model: nodes, a generative DAG, an inference DAG, networks with real bodies. */
  static Spec skeleton(Random r, String pkg) {
    Spec s = new Spec();
    s.packageName = pkg;
    int latents = 1 + r.nextInt(3);
    int observed = 1 + (r.nextInt(4) == 0 ? r.nextInt(3) : 0);
    Set<String> used = new HashSet<>();
    List<Node> all = new ArrayList<>();
    for (int i = 0; i < latents + observed; i++) {
      Node n = new Node();
      n.latent = i < latents;
      String name;
      do {
        name = pick(r, IDENTIFIERS);
      } while (!used.add(name));
      n.name = name;
      n.field = name;
      if (r.nextInt(4) == 0) {
        n.field = "f" + i + "_" + (r.nextBoolean() ? name.replace("$", "D") : "field");
        n.nameLiteral = name;
      } else if (r.nextInt(10) == 0) {
        n.nameLiteral = r.nextBoolean() ? "" : name;
      }
      n.type = n.latent ? "Normal" : pick(r, FAMILIES);
      n.width = width(r);
      n.shape = shapeSource(r, n.width);
      all.add(n);
    }
    // Fields in a random order.
    List<Node> shuffled = new ArrayList<>(all);
    java.util.Collections.shuffle(shuffled, r);
    s.nodes.addAll(shuffled);

    // Generative DAG over a random order of all nodes.
    List<Node> order = new ArrayList<>(all);
    java.util.Collections.shuffle(order, r);
    Set<String> methods = new HashSet<>();
    for (int i = 0; i < order.size(); i++) {
      Node n = order.get(i);
      if (n.latent && r.nextInt(5) < 2) {
        continue; // standard prior
      }
      List<Node> parents = new ArrayList<>();
      for (int j = 0; j < i; j++) {
        if (r.nextInt(3) == 0 || (j == i - 1 && parents.isEmpty() && r.nextInt(4) != 0)) {
          parents.add(order.get(j));
        }
      }
      s.nets.add(network(r, false, n, parents, methods));
    }
    // Inference DAG over a random order of the latents.
    List<Node> latentOrder = new ArrayList<>(all.subList(0, latents));
    java.util.Collections.shuffle(latentOrder, r);
    for (int i = 0; i < latentOrder.size(); i++) {
      Node z = latentOrder.get(i);
      List<Node> parents = new ArrayList<>();
      for (Node x : all.subList(latents, all.size())) {
        if (r.nextInt(3) != 0) {
          parents.add(x);
        }
      }
      for (int j = 0; j < i; j++) {
        if (r.nextInt(3) == 0) {
          parents.add(latentOrder.get(j));
        }
      }
      java.util.Collections.shuffle(parents, r);
      s.nets.add(network(r, true, z, parents, methods));
    }
    java.util.Collections.shuffle(s.nets, r);

    // Leaves may have names that are no identifier.
    Set<String> parentNames = new HashSet<>();
    for (Net net : s.nets) {
      net.nodeParams().forEach(p -> parentNames.add(p.name));
    }
    for (Node n : all) {
      if (!parentNames.contains(n.name) && r.nextInt(4) == 0) {
        String[] odd = pick(r, ODD_NAMES);
        if (s.node(odd[1]) == null) {
          for (Net net : s.nets) {
            if (net.target.equals(n.name)) {
              net.target = odd[1];
              net.targetLiteral = odd[0];
            }
          }
          n.name = odd[1];
          n.nameLiteral = odd[0];
        }
      }
    }

    if (r.nextInt(3) == 0) {
      s.objectiveKind = r.nextBoolean() ? "IWAE" : "ELBO";
    }
    if (r.nextInt(3) == 0) {
      s.samples = switch (r.nextInt(5)) {
        case 0 -> "Integer.MAX_VALUE";
        case 1 -> "1";
        case 2 -> "2 * 3";
        default -> String.valueOf(1 + r.nextInt(50));
      };
    }
    return s;
  }

  private static String shapeSource(Random r, int width) {
    String w = width == Integer.MAX_VALUE && r.nextBoolean() ? "Integer.MAX_VALUE" : String.valueOf(width);
    return switch (r.nextInt(8)) {
      case 0 -> "{" + w + "}";
      case 1 -> "{ " + w + ", }";
      case 2 -> "(" + w + ")";
      case 3 -> width > 1 && width < 1000 ? (width - 1) + " + 1" : w;
      default -> w;
    };
  }

  private static Net network(Random r, boolean encoder, Node target, List<Node> parents, Set<String> methods) {
    Net net = new Net();
    net.encoder = encoder;
    net.target = target.name;
    net.targetLiteral = target.nameLiteral != null && !target.nameLiteral.isEmpty()
        ? target.nameLiteral : target.name;
    String method;
    do {
      method = r.nextInt(3) == 0 ? pick(r, METHOD_NAMES)
          : (encoder ? "encode" : "decode") + (methods.size() + 1);
    } while (!methods.add(method));
    net.method = method;
    net.returnType = r.nextInt(8) == 0 ? "dev.helmholtz.dist." + target.type : target.type;
    for (Node p : parents) {
      net.params.add(new Param("Operand<TFloat32>", p.name));
    }
    if (r.nextInt(6) != 0) {
      String nnName = switch (r.nextInt(5)) {
        case 0 -> "layers";
        case 1 -> parents.isEmpty() ? "nn" : parents.get(0).name + "Helper";
        default -> "nn";
      };
      if (!net.hasParam(nnName)) {
        net.params.add(r.nextInt(net.params.size() + 1), new Param("Nn", nnName));
      }
    }
    if (net.params.isEmpty() && OBJECT_METHODS.contains(method)) {
      net.params.add(new Param("Nn", "nn"));
    }
    if (r.nextInt(8) == 0) {
      net.modifiers = pick(r, new String[] {"public", "protected", "final", "synchronized", "public final"});
    }
    if (r.nextInt(10) == 0) {
      net.valueEquals = true;
    }
    net.style = r.nextInt(2) == 0 ? 0 : r.nextInt(BODY_STYLES);
    if (r.nextInt(12) == 0 && !net.params.isEmpty()) {
      net.params.get(0).modifiers = "final";
    }
    return net;
  }

  /** Ways of writing a network body; each returns a distribution of the node's width. */
  static final int BODY_STYLES = 11;

  /**
   * The body a network gets when none was set, in the network's style: layers when it has a
   * helper and an input, whose last layer has the node's width (plus the network's width error,
   * normally 0); else an input of the node's width passed through; else null.
   */
  private static String body(Net net, Spec s) {
    String family = net.returnType.replace("dev.helmholtz.dist.", "");
    List<Param> inputs = net.nodeParams();
    Param nn = net.params.stream().filter(p -> p.type.equals("Nn")).findFirst().orElse(null);
    Node target = s.node(net.target);
    if (!family.equals("Normal") && !family.equals("Bernoulli") || target == null) {
      return "throw new UnsupportedOperationException();";
    }
    boolean normal = family.equals("Normal");
    String f = net.style == 4 ? "dev.helmholtz.dist." + family : family;
    int width = target.width + net.widthError;
    if (inputs.isEmpty() || nn == null) {
      for (Param p : inputs) {
        Node input = s.node(p.name);
        if (input != null && input.width == target.width) {
          return normal ? "return " + f + ".meanLogStd(" + p.name + ", " + p.name + ");"
              : "return " + f + ".logits(" + p.name + ");";
        }
      }
      return "return null;";
    }
    String h = nn.name;
    StringBuilder b = new StringBuilder();
    String hidden = "hidden__";
    if (net.style == 9 && inputs.get(0).modifiers.isEmpty()) {
      // The input itself reassigned: its width is no longer the node's.
      hidden = inputs.get(0).name;
      b.append(hidden).append(" = ").append(h).append(".dense(").append(hidden).append(", 8, TANH);\n    ");
    } else {
      b.append("Operand<TFloat32> hidden__ = ").append(h).append(".dense(")
          .append(inputs.get(0).name).append(", 8, TANH);\n    ");
    }
    for (Param p : inputs.subList(1, inputs.size())) {
      b.append(hidden).append(" = ").append(h).append(".tf().math.add(").append(hidden).append(", ").append(h)
          .append(".dense(").append(p.name).append(", 8));\n    ");
    }
    String w = switch (net.style) {
      case 5 -> width > 1 && width < 1_000_000 ? "(" + (width - 1) + " + 1) * 1" : String.valueOf(width);
      case 10 -> "Case.class.hashCode() == 0 ? " + width + " : " + width;
      default -> String.valueOf(width);
    };
    String dense = h + ".dense(" + hidden + ", " + w + ")";
    String value = normal
        ? switch (net.style) {
          case 7 -> f + ".meanScale(" + dense + ", " + h + ".tf().math.exp(" + dense + "))";
          case 8 -> f + ".meanLogStd(" + dense + ", " + h + ".dense(" + hidden + ", 1))";
          default -> f + ".meanLogStd(" + dense + ", " + dense + ")";
        }
        : switch (net.style) {
          case 7 -> f + ".probs(" + h + ".tf().math.sigmoid(" + dense + "))";
          default -> f + ".logits(" + dense + ")";
        };
    String type = net.returnType;
    switch (net.style) {
      case 1 -> b.append(type).append(" d__ = ").append(value).append(";\n    return d__;");
      case 2 -> b.append("return System.nanoTime() > 0 ? ").append(value).append(" : (").append(value).append(");");
      case 3 -> b.append("if (").append(hidden).append(" == null) {\n      return ").append(value)
          .append(";\n    } else {\n      return ").append(value).append(";\n    }");
      case 6 -> b.append("final Operand<TFloat32> captured__ = ").append(hidden).append(";\n    ")
          .append("java.util.function.Supplier<").append(type).append("> other__ = () -> { return ")
          .append(normal ? f + ".meanLogStd(" + h + ".dense(captured__, 987654), " + h + ".dense(captured__, 3))"
              : f + ".logits(" + h + ".dense(captured__, 987654))")
          .append("; };\n    Object anonymous__ = new Object() { ").append(type).append(" x() { return ")
          .append(normal ? f + ".meanLogStd(" + h + ".dense(captured__, 5), " + h + ".dense(captured__, 5))"
              : f + ".logits(" + h + ".dense(captured__, 5))")
          .append("; } };\n    return ").append(value).append(";");
      default -> b.append("return ").append(value).append(";");
    }
    return b.toString();
  }

  // ---------------------------------------------------------------------------------------
  // Changes
  // ---------------------------------------------------------------------------------------

  /** A change after which the model must still compile. */
  static String neutral(Spec s, Random r) {
    switch (r.nextInt(22)) {
      case 0 -> {
        s.classModifiers = pick(r, new String[] {"public", "final", "public final"});
        return "class modifiers " + s.classModifiers;
      }
      case 1 -> {
        if (s.outer != null) {
          return "already nested";
        }
        String kind = pick(r, new String[] {"class", "interface", "static class", "enum"});
        s.outerName = "Outer";
        s.outer = switch (kind) {
          case "interface" -> "interface Outer {";
          case "enum" -> "enum Outer { A, B;";
          case "static class" -> "class Outer { static class Middle {} ";
          default -> "public class Outer {";
        };
        s.nestedStatic = !kind.equals("interface") || r.nextBoolean();
        return "nested in " + kind;
      }
      case 2 -> {
        if (!s.constructors.isEmpty()) {
          return "constructor kept";
        }
        s.constructors.add(pick(r, new String[] {"public Case() {}", "Case() { super(); }",
            "protected Case() {}", "Case() throws RuntimeException {}", "Case(int a) {} Case() { this(1); }",
            "private Case(String s) {} public Case() {}", "Case() throws IllegalStateException, Error {}"}));
        return "constructor";
      }
      case 3 -> {
        // Names that neither the model's file nor generated code uses for another type.
        s.generatedName = pick(r, new String[] {"VaeModel", "Gen$1", "ΔModel", "_G", "Outer_CaseModel2",
            "Case2", "Override2", "Model2", "caseModel", "M"});
        return "generated name " + s.generatedName;
      }
      case 4 -> {
        for (Node n : s.nodes) {
          n.fullyQualified = r.nextBoolean();
          n.unicodeAt = r.nextInt(4) == 0;
        }
        return "annotation spellings";
      }
      case 5 -> {
        Node n = pick(r, s.nodes);
        n.modifiers = pick(r, new String[] {"private", "static", "transient", "volatile", "public",
            "protected", "final", "private static final"});
        if (n.modifiers.contains("final")) {
          n.initializer = "null";
        }
        return "field modifiers " + n.modifiers;
      }
      case 6 -> {
        s.members.add(pick(r, new String[] {
          "static final int K = 3;",
          "int counter;",
          "static { System.getProperty(\"x\"); }",
          "{ counter(); }\n  void counter() {}",
          "enum Inner { A }",
          "interface Hook {}",
          "record Pair(int a, int b) {}",
          "@Override public String toString() { return \"Case\"; }",
          "Normal notANode;",
          "Operand<TFloat32> scratch(Operand<TFloat32> x) { return x; }",
          "static Normal helper(Nn nn, Operand<TFloat32> x) { return null; }",
          "class Inner { Normal z; }",
          "static class StaticInner { @SuppressWarnings(\"unused\") int q; }"
        }));
        return "extra member";
      }
      case 7 -> {
        // A non-network overload of a network's name.
        Net net = pick(r, s.nets);
        if (OBJECT_METHODS.contains(net.method)) {
          return "no overload of " + net.method;
        }
        s.members.add("Normal " + net.method + "(int unrelated) { return null; }");
        return "non-network overload of " + net.method;
      }
      case 8 -> {
        String a = pick(r, new String[] {"@SuppressWarnings(\"all\")", "@SuppressWarnings(\"helmholtz:all\")",
            "@Marker", "@java.lang.SuppressWarnings({})"});
        if (a.equals("@Marker")) {
          s.otherTypes.add("@interface Marker {}");
        }
        if (s.classAnnotations.stream().anyMatch(x -> x.startsWith("@SuppressWarnings") || x.startsWith("@java.lang.Supp"))
            && a.contains("SuppressWarnings")) {
          return "class annotation kept";
        }
        s.classAnnotations.add(a);
        return "class annotation " + a;
      }
      case 9 -> {
        s.otherTypes.add(pick(r, new String[] {
          "class Helper { Normal z; void encode() {} }",
          "interface Api { default void x() {} }",
          "enum Mode { A, B }",
          "record Point(double x, double y) {}",
          "@interface Tag { String value() default \"\"; }",
          "class Normal2 {}"
        }));
        return "other type in file";
      }
      case 10 -> {
        Node n = pick(r, s.nodes);
        if (!n.annotations.isEmpty()) {
          return "field annotation kept";
        }
        n.annotations.add(pick(r, new String[] {"@Deprecated(forRemoval = false) @SuppressWarnings(\"deprecation\")",
            "@SuppressWarnings(\"unused\")", "/* comment */", "// line comment\n "}));
        return "field annotation";
      }
      case 11 -> {
        s.supertypes = pick(r, new String[] {"extends Object", "implements Cloneable",
            "implements Runnable { public void run() {} } class Ignored", "implements java.util.RandomAccess"});
        if (s.supertypes.contains("class Ignored")) {
          s.supertypes = "implements Runnable";
          s.members.add("public void run() {}");
        }
        return "supertypes";
      }
      case 12 -> {
        // A second model in the same file, nested and independent.
        s.members.add("@Model static class Second {\n"
            + "    @Latent(shape = 2) Normal z;\n"
            + "    @Observed(shape = 3) Bernoulli x;\n"
            + "    @Encoder(\"z\") Normal e(Nn nn, Operand<TFloat32> x) { return Normal.meanLogStd(nn.dense(x, 2), nn.dense(x, 2)); }\n"
            + "    @Generator(\"x\") Bernoulli g(Nn nn, Operand<TFloat32> z) { return Bernoulli.logits(nn.dense(z, 3)); }\n"
            + "  }");
        return "second model";
      }
      case 13 -> {
        s.objectiveKind = r.nextBoolean() ? "IWAE" : "ObjectiveKind.ELBO";
        s.samples = String.valueOf(1 + r.nextInt(100));
        return "objective";
      }
      case 14 -> {
        s.starImports = false;
        return "single-type imports";
      }
      case 15 -> {
        Net net = pick(r, s.nets);
        if (!net.annotations.isEmpty()) {
          return "network annotation kept";
        }
        net.annotations.add(pick(r, new String[] {"@SuppressWarnings(\"unchecked\")", "/** Javadoc {@code x} */"}));
        return "network annotation";
      }
      case 16 -> {
        Net net = pick(r, s.nets);
        net.throwsClause = pick(r, new String[] {"throws RuntimeException", "throws IllegalArgumentException, Error"});
        return "network throws unchecked";
      }
      case 17 -> {
        // The layer helper named like a node: it is the helper, not the node.
        Net net = pick(r, s.nets);
        String other = pick(r, s.nodes).name;
        if (net.body != null || !SourcesCheck.isIdentifier(other) || net.hasParam(other)) {
          return "layer helper unchanged";
        }
        for (Param p : net.params) {
          if (p.type.equals("Nn")) {
            p.name = other;
            return "layer helper named like node " + other;
          }
        }
        return "layer helper unchanged";
      }
      case 18 -> {
        s.constants.add("static final int WIDTH = 7;");
        Node n = pick(r, s.nodes);
        n.shape = r.nextBoolean() ? "WIDTH" : "{Case.WIDTH}";
        n.width = 7;
        return "constant shape";
      }
      case 19 -> {
        s.classAnnotations.add("/** A model. {@code @Latent} in Javadoc. */");
        return "javadoc";
      }
      case 20 -> {
        Net net = pick(r, s.nets);
        for (Param p : net.params) {
          if (p.type.equals("Operand<TFloat32>") && r.nextBoolean()) {
            p.modifiers = "final";
          }
        }
        return "final parameters";
      }
      default -> {
        s.members.add("Normal unrelated(Nn nn) { return null; }");
        return "non-network method";
      }
    }
  }

  /** A change after which the model must fail to compile, with an error in its source. */
  static String invalid(Spec s, Random r) {
    for (int attempt = 0; ; attempt++) {
      String done = tryInvalid(s, r, r.nextInt(29));
      if (done != null) {
        return done;
      }
      if (attempt > 50) {
        s.samples = "0";
        return "samples 0";
      }
    }
  }

  private static String tryInvalid(Spec s, Random r, int which) {
    switch (which) {
      case 0 -> {
        Node n = pick(r, s.nodes);
        n.type = pick(r, NON_FAMILY_TYPES);
        return "unknown family " + n.type + " for " + n.name;
      }
      case 1 -> {
        Node n = pick(r, s.nodes);
        n.shape = pick(r, BAD_SHAPES);
        return "shape " + n.shape + " for " + n.name;
      }
      case 2 -> {
        if (s.nodes.size() < 2) {
          return null;
        }
        Node a = pick(r, s.nodes);
        Node b = pick(r, s.nodes);
        if (a == b) {
          return null;
        }
        b.nameLiteral = a.nameLiteral != null && !a.nameLiteral.isEmpty() ? a.nameLiteral : a.name;
        b.name = a.name;
        return "duplicate name " + a.name;
      }
      case 3 -> {
        Node n = pick(r, s.nodes);
        n.bothKinds = true;
        return "latent and observed " + n.name;
      }
      case 4 -> {
        List<Node> latents = s.latents();
        if (latents.isEmpty()) {
          return null;
        }
        Node z = pick(r, latents);
        z.type = "Bernoulli";
        return "Bernoulli latent " + z.name;
      }
      case 5 -> {
        List<Node> latents = s.latents();
        if (latents.isEmpty()) {
          return null;
        }
        Node z = pick(r, latents);
        s.nets.removeIf(n -> n.encoder && n.target.equals(z.name));
        return "no encoder for " + z.name;
      }
      case 6 -> {
        List<Node> observed = s.observed();
        if (observed.isEmpty()) {
          return null;
        }
        Node x = pick(r, observed);
        s.nets.removeIf(n -> !n.encoder && n.target.equals(x.name));
        return "no generator for " + x.name;
      }
      case 7 -> {
        if (s.nets.isEmpty()) {
          return null;
        }
        Net net = pick(r, s.nets);
        String[] stray = {pick(r, STRAY_STRINGS), null};
        stray[1] = decode(stray[0]);
        if (s.node(stray[1]) != null) {
          return null;
        }
        net.targetLiteral = stray[0];
        net.target = stray[1];
        return "unknown target \"" + stray[0] + "\"";
      }
      case 8 -> {
        if (s.nets.isEmpty()) {
          return null;
        }
        Net net = copy(pick(r, s.nets));
        net.method = net.method + "Again";
        s.nets.add(r.nextInt(s.nets.size() + 1), net);
        return "second network for " + net.target;
      }
      case 9 -> {
        List<Node> observed = s.observed();
        if (observed.isEmpty()) {
          return null;
        }
        Node x = pick(r, observed);
        Net net = new Net();
        net.encoder = true;
        net.target = x.name;
        net.targetLiteral = x.nameLiteral != null && !x.nameLiteral.isEmpty() ? x.nameLiteral : x.name;
        net.method = "encodeObserved";
        net.returnType = x.type;
        net.params.add(new Param("Nn", "nn"));
        s.nets.add(net);
        return "encoder for observed " + x.name;
      }
      case 10 -> {
        if (s.nets.isEmpty()) {
          return null;
        }
        Net net = pick(r, s.nets);
        Node target = s.node(net.target);
        if (target == null) {
          return null;
        }
        String type = pick(r, new String[] {"Normal", "Bernoulli", "Object", "Distribution", "void",
            "Operand<TFloat32>", "int", "Normal[]"});
        if (type.equals(target.type)) {
          return null;
        }
        net.returnType = type;
        net.body = "throw new UnsupportedOperationException();";
        return "return type " + type + " for " + net.target;
      }
      case 11 -> {
        if (s.nets.isEmpty()) {
          return null;
        }
        Net net = pick(r, s.nets);
        String name = pick(r, new String[] {"unbound", "zz", "input", "X", "hidden"});
        if (s.node(name) != null || net.hasParam(name)) {
          return null;
        }
        net.params.add(r.nextInt(net.params.size() + 1), new Param("Operand<TFloat32>", name));
        return "unbound parameter " + name;
      }
      case 12 -> {
        if (s.nets.isEmpty()) {
          return null;
        }
        Net net = pick(r, s.nets);
        if (!SourcesCheck.isIdentifier(net.target) || net.hasParam(net.target)) {
          return null;
        }
        net.params.add(r.nextInt(net.params.size() + 1), new Param("Operand<TFloat32>", net.target));
        return "self parameter in " + net.method;
      }
      case 13 -> {
        if (s.nets.isEmpty()) {
          return null;
        }
        Net net = pick(r, s.nets);
        String type = pick(r, BAD_PARAMETER_TYPES);
        String name = net.nodeParams().isEmpty() || r.nextBoolean() ? "bad" : net.nodeParams().get(0).name;
        if (name.equals("bad") && net.hasParam("bad")) {
          return null;
        }
        if (name.equals("bad")) {
          net.params.add(new Param(type, name));
        } else {
          net.params.stream().filter(p -> p.name.equals(name)).findFirst().get().type = type;
          net.body = "throw new UnsupportedOperationException();";
        }
        return "parameter type " + type;
      }
      case 14 -> {
        if (s.nets.isEmpty()) {
          return null;
        }
        Net net = pick(r, s.nets);
        if (net.params.stream().noneMatch(p -> p.type.equals("Nn")) || net.hasParam("second")) {
          return null;
        }
        net.params.add(new Param("Nn", "second"));
        return "second Nn in " + net.method;
      }
      case 15 -> {
        if (s.nets.size() < 2) {
          return null;
        }
        Net a = pick(r, s.nets);
        Net b = pick(r, s.nets);
        if (a == b) {
          return null;
        }
        b.method = a.method;
        if (sameErasure(a, b)) {
          b.params.add(new Param("Nn", "distinct"));
          if (a.params.stream().filter(p -> p.type.equals("Nn")).count() > 0
              && b.params.stream().filter(p -> p.type.equals("Nn")).count() > 1
              && sameErasure(a, b)) {
            return null;
          }
        }
        return "shared method name " + a.method;
      }
      case 16 -> {
        if (s.nets.isEmpty()) {
          return null;
        }
        Net net = pick(r, s.nets);
        switch (r.nextInt(4)) {
          case 0 -> net.modifiers = "private";
          case 1 -> net.modifiers = "static";
          case 2 -> net.typeParameters = pick(r, new String[] {"<T>", "<T extends Number>", "<A, B extends Runnable & Cloneable>"});
          default -> {
            net.modifiers = "abstract";
            net.body = null;
            s.classModifiers = "abstract";
          }
        }
        if (net.modifiers.equals("static")) {
          net.body = "throw new UnsupportedOperationException();";
        }
        return "network " + net.method + " " + (net.modifiers.isEmpty() ? net.typeParameters : net.modifiers);
      }
      case 17 -> {
        // A generative cycle: two nodes generated from each other.
        Net net = s.nets.stream().filter(n -> !n.encoder && !n.nodeParams().isEmpty())
            .findFirst().orElse(null);
        if (net == null) {
          return null;
        }
        Param parent = net.nodeParams().get(0);
        Node parentNode = s.node(parent.name);
        Node child = s.node(net.target);
        if (parentNode == null || child == null || !SourcesCheck.isIdentifier(child.name)) {
          return null;
        }
        Net back = s.network(false, parentNode.name);
        if (back == null) {
          back = new Net();
          back.encoder = false;
          back.target = parentNode.name;
          back.targetLiteral = parentNode.nameLiteral != null && !parentNode.nameLiteral.isEmpty()
              ? parentNode.nameLiteral : parentNode.name;
          back.method = "backEdge";
          back.returnType = parentNode.type;
          s.nets.add(back);
        }
        if (back.hasParam(child.name) && !back.hasNodeParam(child.name)) {
          return null; // a layer helper has the name
        }
        if (!back.hasParam(child.name)) {
          back.params.add(new Param("Operand<TFloat32>", child.name));
        }
        return "generative cycle " + parentNode.name + " <-> " + child.name;
      }
      case 18 -> {
        List<Node> latents = s.latents();
        if (latents.size() < 2) {
          return null;
        }
        Node a = latents.get(0);
        Node b = latents.get(1);
        Net ea = s.network(true, a.name);
        Net eb = s.network(true, b.name);
        if (ea == null || eb == null || !SourcesCheck.isIdentifier(a.name) || !SourcesCheck.isIdentifier(b.name)) {
          return null;
        }
        if (ea.hasParam(b.name) && !ea.hasNodeParam(b.name) || eb.hasParam(a.name) && !eb.hasNodeParam(a.name)) {
          return null; // a layer helper has the name
        }
        if (!ea.hasParam(b.name)) {
          ea.params.add(new Param("Operand<TFloat32>", b.name));
        }
        if (!eb.hasParam(a.name)) {
          eb.params.add(new Param("Operand<TFloat32>", a.name));
        }
        return "inference cycle " + a.name + " <-> " + b.name;
      }
      case 19 -> {
        switch (r.nextInt(9)) {
          case 0 -> s.classModifiers = "abstract";
          // Each replaces the constructors a neutral change may have added: next to a usable
          // Case() {}, a Case(int a) {} is harmless (found by the long fuzz run, seed 42, cases
          // 7714 and 11546).
          case 1 -> {
            s.constructors.clear();
            s.constructors.add("private Case() {}");
          }
          case 2 -> {
            s.constructors.clear();
            s.constructors.add("Case(int a) {}");
          }
          case 3 -> {
            s.constructors.clear();
            s.constructors.add("Case() throws Exception {}");
          }
          case 4 -> {
            s.outer = "class Outer {";
            s.outerName = "Outer";
            s.nestedStatic = false;
            s.classModifiers = pick(r, new String[] {"", "public", "private static", "protected"});
          }
          case 5 -> s.kind = "interface";
          case 6 -> s.kind = "enum";
          case 7 -> s.kind = "record";
          default -> {
            s.outer = "class Outer { private static class Hidden {";
            s.outerName = "Outer_Hidden";
            s.nestedStatic = true;
            s.classModifiers = "static";
          }
        }
        return "model class " + s.kind + " " + s.classModifiers + " " + s.constructors;
      }
      case 20 -> {
        s.typeParameters = pick(r, new String[] {"<T>", "<T extends Number>", "<A, B>"});
        return "generic model class";
      }
      case 21 -> {
        s.generatedName = pick(r, new String[] {"class", "1x", "a.b", "a b", "Case", "-", "enum", "_",
            "x\\ny", "Gen*/"});
        if (s.generatedName.equals("Case") && s.outer != null) {
          // A nested Case leaves the top-level name Case free (found by the long fuzz run, seed 7,
          // cases 12141 and 16336); the name taken is the enclosing class's.
          s.generatedName = "Outer";
        }
        return "generated name \"" + s.generatedName + "\"";
      }
      case 22 -> {
        Set<String> removed = new HashSet<>();
        s.nodes.removeIf(n -> {
          if (!n.latent) {
            removed.add(n.name);
          }
          return !n.latent;
        });
        s.nets.removeIf(n -> removed.contains(n.target));
        return "no observed node";
      }
      case 23 -> {
        s.samples = pick(r, new String[] {"0", "-1", "Integer.MIN_VALUE", "-100"});
        if (r.nextBoolean()) {
          s.objectiveKind = pick(r, new String[] {"IWAE", "ELBO"});
        }
        return "samples " + s.samples;
      }
      case 24 -> {
        s.otherTypes.add(pick(r, new String[] {
          "class Helper { @Latent(shape = 1) Normal stray; }",
          "class Helper { @Generator(\"x\") Bernoulli stray() { return null; } }",
          "interface Helper { @Encoder(\"z\") Normal stray(); }",
          "enum Helper { @Observed(shape = 2) A }"
        }));
        return "stray annotation";
      }
      case 25 -> {
        s.members.add(pick(r, new String[] {
          "static class Helper { @Encoder(\"nothing\") Normal stray() { return null; } }",
          "class Inner { @Observed(shape = 1) Bernoulli stray; }",
          "interface Port { @Generator(\"z\") Normal stray(); }"
        }));
        return "stray annotation in nested class";
      }
      case 28 -> {
        // The last layer of a plainly written body one size off: neither 1 nor the node's width.
        if (s.nets.isEmpty()) {
          return null;
        }
        Net net = pick(r, s.nets);
        Node target = s.node(net.target);
        if (net.style != 0 || net.body != null || net.nodeParams().isEmpty() || target == null
            || net.params.stream().noneMatch(p -> p.type.equals("Nn")) || !net.returnType.endsWith(target.type)
            || target.width >= Integer.MAX_VALUE - 10) {
          return null;
        }
        net.widthError = 1 + r.nextInt(5);
        return "last layer of " + net.method + " " + net.widthError + " wider than " + target.width;
      }
      case 27 -> {
        if (s.nets.isEmpty()) {
          return null;
        }
        Net net = pick(r, s.nets);
        net.throwsClause = pick(r, new String[] {"throws Exception", "throws java.io.IOException",
            "throws InterruptedException, RuntimeException", "throws Throwable"});
        return "network throws checked: " + net.method;
      }
      default -> {
        s.otherTypes.add("class " + s.generatedSimpleName() + " {}");
        if (s.outer != null && s.generatedName == null) {
          return null; // the name depends on the nesting; keep it simple
        }
        return "generated name taken";
      }
    }
  }

  private static boolean sameErasure(Net a, Net b) {
    if (a.params.size() != b.params.size()) {
      return false;
    }
    for (int i = 0; i < a.params.size(); i++) {
      if (!erasure(a.params.get(i).type).equals(erasure(b.params.get(i).type))) {
        return false;
      }
    }
    return true;
  }

  private static String erasure(String type) {
    int lt = type.indexOf('<');
    return lt < 0 ? type : type.substring(0, lt);
  }

  /** A change whose verdict the fuzzer does not predict: odd, but maybe fine. */
  static String unpredicted(Spec s, Random r) {
    switch (r.nextInt(11)) {
      case 10 -> {
        // A body in some style whose last layer has a width that may or may not be provably wrong.
        Net net = pick(r, s.nets);
        net.style = r.nextInt(BODY_STYLES);
        net.widthError = pick(r, new Integer[] {-1, 1, 2, -2, 100, Integer.MIN_VALUE / 2});
        return "body style " + net.style + " of " + net.method + " off by " + net.widthError;
      }
      case 0 -> {
        // A generated class named like a type that the model's file uses through an on-demand
        // import (java.lang, dev.helmholtz.dist), or that generated code uses.
        s.generatedName = pick(r, new String[] {"String", "Object", "Override", "Normal", "Bernoulli",
            "TFloat32", "UnsupportedOperationException", "Integer", "System", "Generated", "Nn",
            "Operand", "Seed", "ModelSpec", "Dataset", "ThreadSettings", "Objects", "VariationalModel",
            "Activation", "InferencePass", "GenerativePass", "List", "Model", "Latent"});
        return "generated name shadows " + s.generatedName;
      }
      case 1 -> {
        Net net = pick(r, s.nets);
        net.annotations.add("@Deprecated");
        return "deprecated network " + net.method;
      }
      case 2 -> {
        s.classAnnotations.add("@Deprecated");
        return "deprecated model class";
      }
      case 3 -> {
        Net net = pick(r, s.nets);
        net.alsoOtherRole = true;
        return "network is both encoder and generator: " + net.method;
      }
      case 4 -> {
        Net net = pick(r, s.nets);
        net.params.add(new Param("Operand<TFloat32>...", "rest"));
        return "varargs network";
      }
      case 5 -> {
        s.otherTypes.add("class Normal {}");
        return "package class named Normal";
      }
      case 6 -> {
        s.supertypes = "extends Base";
        s.otherTypes.add("abstract class Base { abstract Normal inherited(Nn nn); Base() {} }");
        s.members.add("@Override Normal inherited(Nn nn) { return null; }");
        return "model class with a base class";
      }
      case 7 -> {
        s.classModifiers = s.classModifiers + " strictfp";
        return "strictfp";
      }
      case 8 -> {
        s.nodes.forEach(n -> n.width = 1);
        s.nodes.forEach(n -> n.shape = "{Integer.MAX_VALUE, 1}");
        return "rank-2 shape with huge width";
      }
      default -> {
        s.members.add("@Model static class Inner extends Case {}");
        return "nested model subclass without nodes";
      }
    }
  }

  /** A change that javac itself rejects. */
  static String javacError(Spec s, Random r) {
    switch (r.nextInt(9)) {
      case 0 -> {
        s.members.add("int broken = ;");
        return "syntax error";
      }
      case 1 -> {
        Net net = pick(r, s.nets);
        net.body = "return \"not a distribution\";";
        return "type error in body";
      }
      case 2 -> {
        Node n = pick(r, s.nodes);
        n.shape = "\"wide\"";
        return "shape of the wrong type";
      }
      case 3 -> {
        Node n = pick(r, s.nodes);
        n.shape = null;
        return "missing shape";
      }
      case 4 -> {
        Node n = pick(r, s.nodes);
        n.type = pick(r, new String[] {"Gamma", "dev.helmholtz.dist.Gamma", "Normal<Float>"});
        return "unresolvable type " + n.type;
      }
      case 5 -> {
        Node n = pick(r, s.nodes);
        n.annotations.add("@Latent(shape = 1)");
        return "repeated annotation";
      }
      case 6 -> {
        s.members.add("@Encoder(\"z\") Normal wrongTarget;");
        return "@Encoder on a field";
      }
      case 7 -> {
        Net net = pick(r, s.nets);
        net.params.add(new Param("Gamma", "unknownType"));
        return "unresolvable parameter type";
      }
      default -> {
        s.objectiveKind = pick(r, new String[] {"VAE", "null", "ObjectiveKind.ELBO, kind = IWAE"});
        return "bad objective kind " + s.objectiveKind;
      }
    }
  }

  private static Net copy(Net n) {
    Net c = new Net();
    c.encoder = n.encoder;
    c.targetLiteral = n.targetLiteral;
    c.target = n.target;
    c.method = n.method;
    c.returnType = n.returnType;
    for (Param p : n.params) {
      Param q = new Param(p.type, p.name);
      q.modifiers = p.modifiers;
      c.params.add(q);
    }
    c.modifiers = n.modifiers;
    c.typeParameters = n.typeParameters;
    c.throwsClause = n.throwsClause;
    c.annotations = new ArrayList<>(n.annotations);
    c.body = n.body;
    c.valueEquals = n.valueEquals;
    c.style = n.style;
    c.widthError = n.widthError;
    return c;
  }

  /** What a string-literal body of the pools denotes (the escapes the pools use). */
  static String decode(String literal) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (c == '\\' && i + 1 < literal.length()) {
        char e = literal.charAt(++i);
        switch (e) {
          case 'n' -> b.append('\n');
          case 't' -> b.append('\t');
          case 'r' -> b.append('\r');
          case '0' -> b.append('\0');
          case '"' -> b.append('"');
          case '\\' -> b.append('\\');
          case 'u' -> {
            b.append((char) Integer.parseInt(literal.substring(i + 1, i + 5), 16));
            i += 4;
          }
          default -> b.append(e);
        }
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  // ---------------------------------------------------------------------------------------
  // Wild classes: parts drawn from pools with no structure
  // ---------------------------------------------------------------------------------------

  static Case wild(int index, long seed, String pkg, Random r) {
    Spec s = new Spec();
    s.packageName = pkg;
    List<String> changes = new ArrayList<>(List.of("wild"));
    List<String> names = new ArrayList<>();
    int nodes = r.nextInt(6);
    for (int i = 0; i < nodes; i++) {
      Node n = new Node();
      n.field = "f" + i;
      n.latent = r.nextBoolean();
      n.type = r.nextInt(3) == 0 ? pick(r, NON_FAMILY_TYPES) : pick(r, FAMILIES);
      n.width = 1;
      n.shape = r.nextInt(3) == 0 ? pick(r, BAD_SHAPES) : String.valueOf(width(r));
      switch (r.nextInt(5)) {
        case 0 -> {
          String[] odd = pick(r, ODD_NAMES);
          n.nameLiteral = odd[0];
          n.name = odd[1];
        }
        case 1 -> {
          n.name = n.field;
        }
        case 2 -> {
          n.nameLiteral = names.isEmpty() ? "" : pick(r, names);
          n.name = n.nameLiteral.isEmpty() ? n.field : n.nameLiteral;
        }
        default -> {
          n.nameLiteral = pick(r, IDENTIFIERS);
          n.name = n.nameLiteral;
        }
      }
      if (r.nextInt(10) == 0) {
        n.bothKinds = true;
      }
      if (r.nextInt(15) == 0) {
        n.noNodeAnnotation = true;
      }
      names.add(n.nameLiteral == null ? n.field : n.nameLiteral);
      s.nodes.add(n);
    }
    int nets = r.nextInt(6);
    for (int i = 0; i < nets; i++) {
      Net net = new Net();
      net.encoder = r.nextBoolean();
      net.alsoOtherRole = r.nextInt(10) == 0;
      if (!names.isEmpty() && r.nextInt(4) != 0) {
        net.targetLiteral = pick(r, names);
      } else {
        net.targetLiteral = r.nextBoolean() ? pick(r, STRAY_STRINGS) : pick(r, ODD_NAMES)[0];
      }
      net.target = decode(net.targetLiteral);
      net.method = r.nextInt(5) == 0 ? "same" : pick(r, METHOD_NAMES) + i;
      net.returnType = r.nextInt(4) == 0 ? pick(r, new String[] {"void", "Object", "int", "Distribution",
          "Normal[]", "T", "Operand<TFloat32>"}) : pick(r, FAMILIES);
      int params = r.nextInt(5);
      for (int j = 0; j < params; j++) {
        String type = switch (r.nextInt(6)) {
          case 0 -> "Nn";
          case 1 -> pick(r, BAD_PARAMETER_TYPES);
          default -> "Operand<TFloat32>";
        };
        String name = names.isEmpty() || r.nextInt(4) == 0 ? "p" + j : identifierOr(pick(r, names), "p" + j);
        if (net.hasParam(name)) {
          name = name + j;
        }
        net.params.add(new Param(type, name));
      }
      net.modifiers = r.nextInt(4) == 0 ? pick(r, new String[] {"private", "static", "public", "final",
          "synchronized", "private static", "native"}) : "";
      if (r.nextInt(8) == 0) {
        net.typeParameters = "<T>";
      }
      if (r.nextInt(10) == 0) {
        net.throwsClause = "throws Exception";
      }
      net.body = net.modifiers.contains("native") ? null : "throw new UnsupportedOperationException();";
      if (net.returnType.equals("T") && net.typeParameters.isEmpty()) {
        net.typeParameters = "<T>";
      }
      s.nets.add(net);
    }
    if (r.nextInt(3) == 0) {
      s.objectiveKind = pick(r, new String[] {"ELBO", "IWAE"});
    }
    if (r.nextInt(3) == 0) {
      s.samples = pick(r, new String[] {"0", "1", "-5", "Integer.MAX_VALUE", "Integer.MIN_VALUE", "3"});
    }
    if (r.nextInt(4) == 0) {
      s.generatedName = r.nextBoolean() ? pick(r, STRAY_STRINGS) : pick(r, ODD_NAMES)[0];
    }
    if (r.nextInt(6) == 0) {
      s.kind = pick(r, new String[] {"interface", "enum", "record", "@interface", "abstract class"});
      if (s.kind.equals("abstract class")) {
        s.kind = "class";
        s.classModifiers = "abstract";
      }
      if (!s.kind.equals("class")) {
        // Fields in interfaces and annotation types are constants; records take no instance fields.
        for (Node n : s.nodes) {
          n.modifiers = "static";
          n.initializer = "null";
          if (n.type.equals("int") || n.type.equals("double")) {
            n.initializer = "0";
          }
          if (s.kind.equals("interface") || s.kind.equals("@interface")) {
            n.modifiers = "";
          }
        }
        for (Net net : s.nets) {
          if (s.kind.equals("interface") && !net.modifiers.contains("static")
              && !net.modifiers.contains("private")) {
            net.modifiers = "default";
          }
          if (s.kind.equals("@interface")) {
            net.modifiers = "static";
            net.params.clear();
            net.typeParameters = "";
          }
          if (net.modifiers.contains("native") || net.modifiers.contains("synchronized") && s.kind.equals("interface")) {
            net.modifiers = s.kind.equals("interface") ? "default" : "";
            net.body = "throw new UnsupportedOperationException();";
          }
        }
      }
    }
    if (r.nextInt(6) == 0) {
      s.typeParameters = "<T>";
    }
    if (r.nextInt(8) == 0) {
      s.outer = pick(r, new String[] {"class Outer {", "interface Outer {", "class Outer { class Mid {"});
      s.outerName = "Outer";
      s.classModifiers = pick(r, new String[] {"", "static", "private", "private static"});
    }
    if (r.nextInt(6) == 0) {
      s.otherTypes.add("class Other { @Latent(shape = 1) Normal z; @Encoder(\"z\") Normal e() { return null; } }");
    }
    if (r.nextInt(10) == 0) {
      s.modelAnnotation = "";  // no @Model at all: every node annotation is stray
    }
    if (r.nextInt(10) == 0) {
      s.constructors.add(pick(r, new String[] {"private Case() {}", "Case(int a) {}", "Case() throws Exception {}"}));
    }
    boolean typeVarUsed = s.nets.stream().anyMatch(n -> n.returnType.equals("T") && n.typeParameters.isEmpty());
    if (typeVarUsed && s.typeParameters.isEmpty()) {
      s.typeParameters = "<T>";
    }
    return new Case(index, seed, pkg, s.outer == null ? "Case" : "Outer", render(s), Expect.ANY, null, false,
        List.copyOf(changes));
  }

  private static String identifierOr(String literal, String fallback) {
    String value = decode(literal);
    return SourcesCheck.isIdentifier(value) ? value : fallback;
  }

  // ---------------------------------------------------------------------------------------
  // Rendering
  // ---------------------------------------------------------------------------------------

  static String render(Spec s) {
    StringBuilder b = new StringBuilder();
    b.append("package ").append(s.packageName).append(";\n\n");
    if (s.starImports) {
      b.append("import static dev.helmholtz.nn.Activation.*;\n");
      b.append("import dev.helmholtz.annotations.*;\n");
      b.append("import dev.helmholtz.dist.*;\n");
      b.append("import dev.helmholtz.nn.Nn;\n");
      b.append("import org.tensorflow.Operand;\n");
      b.append("import org.tensorflow.types.*;\n");
    } else {
      b.append("import static dev.helmholtz.nn.Activation.TANH;\n");
      for (String a : new String[] {"Encoder", "Generator", "Latent", "Model", "Objective", "ObjectiveKind", "Observed"}) {
        b.append("import dev.helmholtz.annotations.").append(a).append(";\n");
      }
      b.append("import dev.helmholtz.dist.Bernoulli;\nimport dev.helmholtz.dist.Distribution;\n"
          + "import dev.helmholtz.dist.Normal;\nimport dev.helmholtz.nn.Nn;\nimport org.tensorflow.Operand;\n"
          + "import org.tensorflow.types.TFloat32;\nimport org.tensorflow.types.TFloat64;\n"
          + "import org.tensorflow.types.TInt32;\n");
    }
    s.imports.forEach(i -> b.append(i).append('\n'));
    b.append('\n');
    String indent = "";
    int outerBraces = 0;
    if (s.outer != null) {
      b.append(s.outer).append('\n');
      outerBraces = (int) (s.outer.chars().filter(c -> c == '{').count() - s.outer.chars().filter(c -> c == '}').count());
      indent = "";
    }
    for (String a : s.classAnnotations) {
      b.append(indent).append(a).append('\n');
    }
    if (s.modelAnnotation == null) {
      b.append(modelAnnotation(s)).append('\n');
    } else if (!s.modelAnnotation.isEmpty()) {
      b.append(s.modelAnnotation).append('\n');
    }
    String modifiers = s.classModifiers;
    if (s.outer != null && s.nestedStatic && !modifiers.contains("static")) {
      modifiers = modifiers + " static";
    }
    String header = modifiers.isBlank() ? "" : modifiers.strip() + " ";
    String kind = s.kind;
    if (kind.equals("record")) {
      b.append(header).append("record Case").append(s.typeParameters).append("(int unused) ")
          .append(s.supertypes.startsWith("extends") ? "" : s.supertypes).append(" {\n");
    } else if (kind.equals("enum")) {
      b.append(header).append("enum Case ").append(s.supertypes.startsWith("extends") ? "" : s.supertypes)
          .append(" {\n  ONLY;\n");
    } else {
      b.append(header).append(kind).append(" Case").append(s.typeParameters).append(' ')
          .append(kind.equals("class") ? s.supertypes : "").append(" {\n");
    }
    for (String c : s.constants) {
      b.append("  ").append(c).append('\n');
    }
    // Interfaces and annotation types hold constants; records hold no instance fields.
    boolean constants = kind.equals("interface") || kind.equals("@interface");
    for (Node n : s.nodes) {
      if (kind.equals("record") && !n.modifiers.contains("static")) {
        Node c = n.copy();
        c.modifiers = (c.modifiers + " static").strip();
        renderNode(b, c, false);
      } else {
        renderNode(b, n, constants);
      }
    }
    for (String c : s.constructors) {
      if (kind.equals("class")) {
        b.append("  ").append(c).append('\n');
      }
    }
    for (Net net : s.nets) {
      if (kind.equals("interface") && net.modifiers.isEmpty()) {
        Net c = copy(net);
        c.modifiers = "default";
        c.alsoOtherRole = net.alsoOtherRole;
        renderNet(b, c, s);
      } else {
        renderNet(b, net, s);
      }
    }
    for (String m : s.members) {
      b.append("  ").append(m).append('\n');
    }
    b.append("}\n");
    b.append("}\n".repeat(outerBraces));
    for (String t : s.otherTypes) {
      b.append('\n').append(t).append('\n');
    }
    return b.toString();
  }

  private static String modelAnnotation(Spec s) {
    List<String> members = new ArrayList<>();
    if (s.objectiveKind != null || s.samples != null) {
      List<String> o = new ArrayList<>();
      if (s.objectiveKind != null) {
        String k = s.objectiveKind;
        o.add("kind = " + (k.contains(".") || k.equals("null") || k.equals("VAE") ? k : "ObjectiveKind." + k));
      }
      if (s.samples != null) {
        o.add("samples = " + s.samples);
      }
      members.add("objective = @Objective(" + String.join(", ", o) + ")");
    }
    if (s.generatedName != null) {
      members.add("name = " + quote(s.generatedName));
    }
    return members.isEmpty() ? "@Model" : "@Model(" + String.join(", ", members) + ")";
  }

  private static void renderNode(StringBuilder b, Node n, boolean constants) {
    b.append("  ");
    for (String a : n.annotations) {
      b.append(a).append(' ');
    }
    if (!n.noNodeAnnotation) {
      b.append(nodeAnnotation(n, n.latent));
      if (n.bothKinds) {
        b.append(nodeAnnotation(n, !n.latent));
      }
    }
    if (!n.modifiers.isEmpty()) {
      b.append(n.modifiers).append(' ');
    }
    b.append(n.type).append(' ').append(n.field);
    if (n.initializer != null) {
      b.append(" = ").append(n.initializer);
    } else if (constants) {
      b.append(" = ").append(n.type.equals("int") || n.type.equals("double") ? "0" : "null");
    }
    b.append(";\n");
  }

  private static String nodeAnnotation(Node n, boolean latent) {
    String simple = latent ? "Latent" : "Observed";
    String at = n.unicodeAt ? "\\u0040" : "@";
    String name = n.fullyQualified ? "dev.helmholtz.annotations." + simple : simple;
    List<String> members = new ArrayList<>();
    if (n.shape != null) {
      members.add("shape = " + n.shape);
    }
    if (n.nameLiteral != null) {
      members.add("name = " + quote(n.nameLiteral));
    }
    if (members.size() == 2 && n.field.hashCode() % 2 == 0) {
      java.util.Collections.reverse(members);
    }
    members.addAll(n.flags);
    return at + name + "(" + String.join(", ", members) + ") ";
  }

  private static void renderNet(StringBuilder b, Net net, Spec s) {
    b.append('\n');
    for (String a : net.annotations) {
      b.append("  ").append(a).append('\n');
    }
    String role = net.encoder ? "Encoder" : "Generator";
    b.append("  @").append(role).append('(').append(net.valueEquals ? "value = " : "")
        .append(quote(net.targetLiteral)).append(")\n");
    if (net.alsoOtherRole) {
      b.append("  @").append(net.encoder ? "Generator" : "Encoder").append('(')
          .append(quote(net.targetLiteral)).append(")\n");
    }
    b.append("  ");
    if (!net.modifiers.isEmpty()) {
      b.append(net.modifiers).append(' ');
    }
    if (!net.typeParameters.isEmpty()) {
      b.append(net.typeParameters).append(' ');
    }
    b.append(net.returnType).append(' ').append(net.method).append('(');
    List<String> params = new ArrayList<>();
    for (Param p : net.params) {
      params.add((p.modifiers.isEmpty() ? "" : p.modifiers + " ") + p.type + " " + p.name);
    }
    // A varargs parameter must come last.
    params.sort((x, y) -> Boolean.compare(x.contains("..."), y.contains("...")));
    b.append(String.join(", ", params)).append(')');
    if (!net.throwsClause.isEmpty()) {
      b.append(' ').append(net.throwsClause);
    }
    if (net.modifiers.contains("abstract") || net.modifiers.contains("native")) {
      b.append(";\n");
      return;
    }
    String body = net.body != null ? net.body : body(net, s);
    if (net.returnType.equals("void") && body.startsWith("return")) {
      body = "throw new UnsupportedOperationException();";
    }
    b.append(" {\n    ").append(body).append("\n  }\n");
  }

  /** Small checks on names. */
  static final class SourcesCheck {
    private SourcesCheck() {}

    static boolean isIdentifier(String s) {
      return javax.lang.model.SourceVersion.isName(s) && !s.contains(".");
    }
  }

}
