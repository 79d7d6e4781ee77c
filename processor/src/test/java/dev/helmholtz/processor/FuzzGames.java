package dev.helmholtz.processor;

import static dev.helmholtz.processor.FuzzModels.pick;

import dev.helmholtz.processor.FuzzModels.Case;
import dev.helmholtz.processor.FuzzModels.Expect;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Fuzz cases of the model kinds {@link FuzzModels}' skeletons do not make: adversarial games
 * (GANs, conditional GANs, ALI/BiGAN, the adversarial autoencoder, CycleGAN, Triple-GAN) and
 * energy-based models (an {@code @Energy} method). Each case is a well-formed model of one kind
 * (must compile, generated class included), the same with a change that must make it fail in its
 * own source, or the same with random changes that get no prediction (must not crash, and must
 * not fail in generated code only).
 */
final class FuzzGames {
  private FuzzGames() {}

  /** Node names: identifiers, some of which generated code also uses. */
  private static final String[] NAMES = {
    "z", "x", "y", "c", "h", "v", "w", "z1", "zTop", "code", "pixels", "label", "model", "n", "data", "seed",
    "tf", "sample", "encode", "$z", "_z", "ζ", "hidden", "obs", "lat", "node", "network", "real", "fake", "pass"
  };

  /** Method names, some of which the generated class or Object also declares. */
  private static final String[] METHODS = {
    "generate", "discriminate", "judge", "encode", "decode", "classify", "translate", "toX", "toY", "energy",
    "critic", "build", "sample", "hashCode", "toString", "wait", "q", "p", "$net", "netζ", "reconstruct"
  };

  private static final String[] LOSSES = {"MINIMAX", "NON_SATURATING", "LEAST_SQUARES", "HINGE"};

  private static final String[] STRAY = {"", "nope", "Z ", " x", "latent", "*/", "%s"};

  /** The kinds of model made here. */
  enum Kind { GAN, CONDITIONAL_GAN, BIGAN, ALI, AAE, CYCLE_GAN, TRIPLE_GAN, ENERGY }

  /** A field or a method of the model class, as source lines (annotations first). */
  private static final class Member {
    final List<String> annotations = new ArrayList<>();
    String declaration;
    /** The node it declares, or the node its network annotation targets. */
    String node;
    boolean method;
    /** The annotation that makes it a network or the energy, e.g. "Discriminator". */
    String role;

    Member(String declaration) {
      this.declaration = declaration;
    }
  }

  /** A model class under construction. */
  private static final class Model {
    Kind kind;
    final List<Member> members = new ArrayList<>();
    String modelAnnotation = "@Model";
    final Set<String> usedNames = new HashSet<>();
    final Set<String> usedMethods = new HashSet<>();
    final Random r;

    Model(Random r) {
      this.r = r;
    }

    String name() {
      String name;
      do {
        name = pick(r, NAMES);
      } while (!usedNames.add(name));
      return name;
    }

    String method() {
      String name;
      do {
        name = pick(r, METHODS);
      } while (!usedMethods.add(name));
      return name;
    }

    Member node(boolean latent, String family, String name, int width, String flags) {
      Member m = new Member("@" + (latent ? "Latent" : "Observed") + "(shape = " + width + flags + ") " + family + " "
          + name + ";");
      m.node = name;
      members.add(m);
      return m;
    }

    Member network(String annotation, String returnType, String target, List<String> params, String body) {
      String name = method();
      List<String> declared = new ArrayList<>();
      declared.add("Nn nn");
      params.forEach(p -> declared.add("Operand<TFloat32> " + p));
      Member m = new Member(returnType + " " + name + "(" + String.join(", ", declared) + ") {\n    return " + body
          + ";\n  }");
      m.annotations.add(annotation);
      m.node = target;
      m.method = true;
      m.role = annotation.substring(1, annotation.contains("(") ? annotation.indexOf('(') : annotation.length());
      members.add(m);
      return m;
    }

    List<Member> networks() {
      return members.stream().filter(m -> m.method).toList();
    }

    Member role(String role) {
      return members.stream().filter(m -> role.equals(m.role)).findFirst().orElseThrow();
    }

    String render(String pkg) {
      StringBuilder b = new StringBuilder();
      b.append("package ").append(pkg).append(";\n\n");
      b.append("import static dev.helmholtz.nn.Activation.*;\n");
      b.append("import dev.helmholtz.annotations.*;\n");
      b.append("import dev.helmholtz.dist.*;\n");
      b.append("import dev.helmholtz.nn.Nn;\n");
      b.append("import org.tensorflow.Operand;\n");
      b.append("import org.tensorflow.types.*;\n\n");
      b.append(modelAnnotation).append("\nclass Case {\n");
      for (Member m : members) {
        for (String a : m.annotations) {
          b.append("  ").append(a).append('\n');
        }
        b.append("  ").append(m.declaration).append("\n\n");
      }
      b.append("}\n");
      return b.toString();
    }
  }

  /** A case of a random kind, with a random verdict. */
  static Case generate(int index, long seed, String pkg, Random r) {
    Model m = skeleton(r);
    List<String> changes = new ArrayList<>();
    changes.add(m.kind.toString());
    int roll = r.nextInt(10);
    Expect expect;
    if (roll < 4) {
      expect = Expect.VALID;
    } else if (roll < 8) {
      expect = Expect.INVALID;
      changes.add(invalid(m, r));
    } else {
      expect = Expect.ANY;
      int count = 1 + r.nextInt(3);
      for (int i = 0; i < count; i++) {
        changes.add(unpredicted(m, r));
      }
    }
    String generated = expect == Expect.VALID ? pkg + ".CaseModel" : null;
    return new Case(index, seed, pkg, "Case", m.render(pkg), expect, generated, false, List.copyOf(changes));
  }

  private static int width(Random r) {
    return r.nextInt(8) == 0 ? 1 + r.nextInt(1000) : 1 + r.nextInt(24);
  }

  private static String dense(Random r, String input, int width, String activation) {
    String hidden = r.nextBoolean() ? "nn.dense(" + input + ", " + (1 + r.nextInt(16)) + ", RELU)" : input;
    return "nn.dense(" + hidden + ", " + width + (activation == null ? "" : ", " + activation) + ")";
  }

  private static String concat(List<String> parts) {
    return parts.size() == 1 ? parts.get(0)
        : "nn.tf().concat(java.util.List.of(" + String.join(", ", parts) + "), nn.tf().constant(1))";
  }

  private static String discriminator(Random r, String target, boolean game) {
    List<String> members = new ArrayList<>();
    members.add("\"" + target + "\"");
    if (r.nextBoolean()) {
      members.add("loss = GanLoss." + (!game && r.nextInt(5) == 0 ? "WASSERSTEIN_GP" : pick(r, LOSSES)));
    }
    if (!game && r.nextInt(4) == 0) {
      members.add("steps = " + (1 + r.nextInt(5)));
    }
    if (r.nextInt(5) == 0) {
      members.add("gradientPenalty = " + r.nextInt(20));
    }
    if (members.size() > 1) {
      members.set(0, "value = " + members.get(0));
    }
    return "@Discriminator(" + String.join(", ", members) + ")";
  }

  /** A well-formed model of a random kind, with random names, widths and settings. */
  static Model skeleton(Random r) {
    Model m = new Model(r);
    m.kind = pick(r, Kind.values());
    String x = m.name();
    int xw = width(r);
    switch (m.kind) {
      case GAN, CONDITIONAL_GAN -> {
        String z = m.name();
        int zw = width(r);
        m.node(true, "Normal", z, zw, "");
        m.node(false, r.nextBoolean() ? "Bernoulli" : "Normal", x, xw, "");
        List<String> gen = new ArrayList<>(List.of(z));
        List<String> dis = new ArrayList<>(List.of(x));
        if (m.kind == Kind.CONDITIONAL_GAN) {
          String y = m.name();
          m.node(false, "Categorical", y, 2 + r.nextInt(9), ", given = true");
          gen.add(y);
          dis.add(y);
          java.util.Collections.shuffle(gen, r);
          java.util.Collections.shuffle(dis, r);
        }
        m.network("@Generator(\"" + x + "\")", "Operand<TFloat32>", x, gen,
            dense(r, concat(gen), xw, r.nextBoolean() ? "TANH" : null));
        m.network(discriminator(r, x, false), "Operand<TFloat32>", x, dis, dense(r, concat(dis), 1, null));
      }
      case BIGAN, ALI -> {
        String z = m.name();
        int zw = width(r);
        m.node(true, "Normal", z, zw, "");
        m.node(false, r.nextBoolean() ? "Bernoulli" : "Normal", x, xw, "");
        m.network("@Generator(\"" + x + "\")", "Operand<TFloat32>", x, List.of(z), dense(r, z, xw, null));
        if (m.kind == Kind.BIGAN) {
          m.network("@Encoder(\"" + z + "\")", "Operand<TFloat32>", z, List.of(x), dense(r, x, zw, null));
        } else {
          m.network("@Encoder(\"" + z + "\")", "Normal", z, List.of(x),
              "Normal.meanLogStd(" + dense(r, x, zw, null) + ", " + dense(r, x, zw, null) + ")");
        }
        List<String> dis = new ArrayList<>(List.of(x, z));
        java.util.Collections.shuffle(dis, r);
        m.network(discriminator(r, x, true), "Operand<TFloat32>", x, dis, dense(r, concat(dis), 1, null));
      }
      case AAE -> {
        String z = m.name();
        int zw = width(r);
        m.node(true, "Normal", z, zw, "");
        m.node(false, "Bernoulli", x, xw, "");
        m.network("@Encoder(\"" + z + "\")", "Normal", z, List.of(x),
            "Normal.meanLogStd(" + dense(r, x, zw, null) + ", " + dense(r, x, zw, null) + ")");
        m.network("@Generator(\"" + x + "\")", "Bernoulli", x, List.of(z), "Bernoulli.logits(" + dense(r, z, xw, null)
            + ")");
        m.network(discriminator(r, z, true), "Operand<TFloat32>", z, List.of(z), dense(r, z, 1, null));
      }
      case CYCLE_GAN -> {
        String y = m.name();
        m.node(false, r.nextBoolean() ? "Bernoulli" : "Normal", x, xw, "");
        m.node(false, r.nextBoolean() ? "Bernoulli" : "Normal", y, xw, "");
        String steps = r.nextInt(4) == 0 ? ", steps = " + (2 + r.nextInt(3)) : "";
        for (String[] pair : new String[][] {{x, y}, {y, x}}) {
          Member g = m.network("@Generator(\"" + pair[1] + "\")", "Operand<TFloat32>", pair[1], List.of(pair[0]),
              dense(r, pair[0], xw, null));
          if (r.nextInt(4) != 0) {
            g.annotations.add(r.nextBoolean() ? "@CycleConsistency"
                : "@CycleConsistency(weight = " + r.nextInt(20) + ", identityWeight = " + (r.nextInt(3) * 0.5) + ")");
          }
        }
        for (String node : new String[] {x, y}) {
          String loss = r.nextBoolean() ? "" : ", loss = GanLoss." + pick(r, LOSSES);
          m.network("@Discriminator(value = \"" + node + "\"" + loss + steps + ")", "Operand<TFloat32>", node,
              List.of(node), dense(r, node, 1, null));
        }
      }
      case TRIPLE_GAN -> {
        String z = m.name();
        String y = m.name();
        int classes = 2 + r.nextInt(9);
        m.node(true, "Normal", z, width(r), "");
        m.node(false, "Bernoulli", x, xw, "");
        m.node(false, "Categorical", y, classes, "");
        List<String> gen = new ArrayList<>(List.of(z, y));
        List<String> dis = new ArrayList<>(List.of(x, y));
        java.util.Collections.shuffle(gen, r);
        java.util.Collections.shuffle(dis, r);
        m.network("@Generator(\"" + x + "\")", "Operand<TFloat32>", x, gen, dense(r, concat(gen), xw, "TANH"));
        m.network(discriminator(r, x, true), "Operand<TFloat32>", x, dis, dense(r, concat(dis), 1, null));
        Member c = m.network("@Encoder(\"" + y + "\")", "Categorical", y, List.of(x),
            "Categorical.logits(" + dense(r, x, classes, null) + ")");
        c.annotations.add(r.nextBoolean() ? "@Classifier"
            : "@Classifier(alpha = " + (r.nextInt(5) * 0.25) + ", supervisedWeight = " + r.nextInt(3)
                + ", pseudoWeight = " + (r.nextInt(3) * 0.1) + ")");
      }
      case ENERGY -> {
        String h = m.name();
        int hw = width(r);
        m.node(false, r.nextInt(3) == 0 ? "Normal" : "Bernoulli", x, xw, "");
        m.node(true, "Bernoulli", h, hw, "");
        String settings = switch (r.nextInt(5)) {
          case 0 -> "(gibbsSteps = " + (1 + r.nextInt(10)) + ")";
          case 1 -> "(persistentChains = " + (1 + r.nextInt(50)) + ")";
          case 2 -> "(gibbsSteps = " + (1 + r.nextInt(10)) + ", persistentChains = " + r.nextInt(50) + ")";
          case 3 -> "(gibbsSteps = " + (1 + r.nextInt(10)) + ", meanReconstruction = " + r.nextBoolean() + ")";
          default -> "";
        };
        List<String> params = new ArrayList<>(List.of(x, h));
        java.util.Collections.shuffle(params, r);
        Member e = m.network("@Energy" + settings, "Operand<TFloat32>", null, params,
            "nn.tf().math.neg(nn.tf().math.add(nn.tf().reduceSum(nn.tf().math.mul(" + x + ", nn.dense(" + h + ", " + xw
                + ")), nn.tf().constant(1)), nn.tf().reduceSum(nn.tf().math.mul(" + h + ", nn.variable(\"bias\", " + hw
                + ")), nn.tf().constant(1))))");
        e.role = "Energy";
      }
      default -> throw new AssertionError(m.kind);
    }
    java.util.Collections.shuffle(m.members, r);
    return m;
  }

  /** A change that must make the model fail to compile, in its own source. */
  static String invalid(Model m, Random r) {
    List<String> options = new ArrayList<>(List.of("objective"));
    if (m.kind == Kind.ENERGY) {
      options.addAll(List.of("gibbsSteps", "chains", "energyReturn", "energyEncoder", "energyNodeMissing",
          "latentFamily"));
    } else {
      options.addAll(List.of("discriminatorTarget", "discriminatorReturn", "discriminatorSteps", "penalty"));
    }
    switch (m.kind) {
      case GAN, CONDITIONAL_GAN -> options.add("generatorReturn");
      case BIGAN, ALI -> options.add("encoderReturn");
      case CYCLE_GAN -> options.addAll(List.of("cycleWeight", "gameLoss"));
      case TRIPLE_GAN -> options.addAll(List.of("classifierWeight", "gameLoss"));
      default -> { }
    }
    String which = pick(r, options);
    switch (which) {
      case "objective" -> m.modelAnnotation = "@Model(objective = @Objective(kind = ObjectiveKind."
          + (r.nextBoolean() ? "ELBO" : "IWAE") + "))";
      case "gibbsSteps" -> replaceAnnotation(m.role("Energy"), "@Energy",
          "@Energy(gibbsSteps = " + (r.nextBoolean() ? 0 : -1 - r.nextInt(5)) + ")");
      case "chains" -> replaceAnnotation(m.role("Energy"), "@Energy", "@Energy(persistentChains = -" + (1 + r.nextInt(9))
          + ")");
      case "energyReturn" -> {
        Member e = m.role("Energy");
        e.declaration = "Bernoulli" + e.declaration.substring(e.declaration.indexOf(' '))
            .replaceFirst("return ", "return Bernoulli.logits(").replaceFirst(";\n  }$", ");\n  }");
      }
      case "energyEncoder" -> {
        Member latent = m.members.stream().filter(n -> !n.method && n.declaration.startsWith("@Latent")).findFirst()
            .orElseThrow();
        Member observed = m.members.stream().filter(n -> !n.method && n.declaration.startsWith("@Observed"))
            .findFirst().orElseThrow();
        m.network("@Encoder(\"" + latent.node + "\")", "Bernoulli", latent.node, List.of(observed.node),
            "Bernoulli.logits(nn.dense(" + observed.node + ", 1))");
      }
      case "energyNodeMissing" -> m.node(false, "Bernoulli", m.name(), width(r), "");
      case "latentFamily" -> {
        Member latent = m.members.stream().filter(n -> !n.method && n.declaration.startsWith("@Latent")).findFirst()
            .orElseThrow();
        latent.declaration = latent.declaration.replace(") Bernoulli ", ") " + (r.nextBoolean() ? "Normal" : "Categorical")
            + " ");
      }
      case "discriminatorTarget" -> {
        Member d = m.role("Discriminator");
        String stray = pick(r, STRAY);
        d.annotations.set(0, d.annotations.get(0).replace("\"" + d.node + "\"", "\"" + stray + "\""));
      }
      case "discriminatorReturn" -> {
        Member d = m.role("Discriminator");
        d.declaration = "Bernoulli" + d.declaration.substring(d.declaration.indexOf(' '))
            .replaceFirst("return ", "return Bernoulli.logits(").replaceFirst(";\n  }$", ");\n  }");
      }
      case "discriminatorSteps" -> addMember(m.role("Discriminator"), "steps = " + (r.nextBoolean() ? 0 : -r.nextInt(5)));
      case "penalty" -> addMember(m.role("Discriminator"), "gradientPenalty = "
          + pick(r, new String[] {"-1", "Double.NaN", "Double.POSITIVE_INFINITY", "-0.5"}));
      case "generatorReturn" -> {
        Member g = m.role("Generator");
        g.declaration = "Bernoulli" + g.declaration.substring(g.declaration.indexOf(' '))
            .replaceFirst("return ", "return Bernoulli.logits(").replaceFirst(";\n  }$", ");\n  }");
      }
      case "encoderReturn" -> {
        Member e = m.role("Encoder");
        String input = m.members.stream().filter(n -> !n.method && n.declaration.startsWith("@Observed")).findFirst()
            .orElseThrow().node;
        e.declaration = "Bernoulli" + e.declaration.substring(e.declaration.indexOf(' '), e.declaration.indexOf("return "))
            + "return Bernoulli.logits(nn.dense(" + input + ", 1));\n  }";
      }
      case "cycleWeight" -> {
        Member g = m.role("Generator");
        g.annotations.removeIf(a -> a.startsWith("@CycleConsistency"));
        String member = r.nextBoolean() ? "weight" : "identityWeight";
        g.annotations.add("@CycleConsistency(" + member + " = "
            + pick(r, new String[] {"-1", "Double.NaN", "Double.POSITIVE_INFINITY", "-0.001"}) + ")");
      }
      case "classifierWeight" -> {
        Member c = m.role("Encoder");
        c.annotations.removeIf(a -> a.startsWith("@Classifier"));
        String member = pick(r, new String[] {"alpha", "supervisedWeight", "pseudoWeight"});
        String value = member.equals("alpha")
            ? pick(r, new String[] {"-0.1", "1.5", "Double.NaN", "2"})
            : pick(r, new String[] {"-1", "Double.NaN", "Double.POSITIVE_INFINITY"});
        c.annotations.add("@Classifier(" + member + " = " + value + ")");
      }
      case "gameLoss" -> addMember(m.role("Discriminator"), "loss = GanLoss.WASSERSTEIN_GP");
      default -> throw new AssertionError(which);
    }
    return which;
  }

  /** A change whose verdict is not predicted: targets, parameters, families and annotations moved at random. */
  static String unpredicted(Model m, Random r) {
    List<Member> networks = new ArrayList<>(m.networks());
    List<String> nodes = m.members.stream().filter(n -> !n.method).map(n -> n.node).toList();
    if (networks.isEmpty()) {
      return "no network left to change";
    }
    Member net = pick(r, networks);
    switch (r.nextInt(9)) {
      case 0 -> {
        String other = pick(r, nodes);
        if (net.node != null) {
          net.annotations.set(0, net.annotations.get(0).replace("\"" + net.node + "\"", "\"" + other + "\""));
        }
        return "target of " + net.declaration.split("\\(")[0] + " -> " + other;
      }
      case 1 -> {
        m.members.remove(net);
        return "removed " + net.declaration.split("\\(")[0];
      }
      case 2 -> {
        String[] roles = {"@Encoder", "@Generator", "@Discriminator"};
        String role = pick(r, roles);
        String annotation = net.annotations.get(0);
        int open = annotation.indexOf('(');
        net.annotations.set(0, role + (open < 0 ? "(\"" + pick(r, nodes) + "\")" : annotation.substring(open)));
        return "role of " + net.declaration.split("\\(")[0] + " -> " + role;
      }
      case 3 -> {
        String extra = pick(r, new String[] {"@CycleConsistency", "@Classifier", "@MutualInformation",
            "@CycleConsistency(weight = 0)", "@Classifier(alpha = 1)", "@MomentMatching(bandwidths = {1, 2})"});
        net.annotations.add(extra);
        return extra + " on " + net.declaration.split("\\(")[0];
      }
      case 4 -> {
        Member node = pick(r, m.members.stream().filter(n -> !n.method).toList());
        String family = pick(r, new String[] {"Normal", "Bernoulli", "Categorical"});
        node.declaration = node.declaration.replaceFirst("\\) (Normal|Bernoulli|Categorical) ", ") " + family + " ");
        return "family of " + node.node + " -> " + family;
      }
      case 5 -> {
        Member node = pick(r, m.members.stream().filter(n -> !n.method).toList());
        node.declaration = node.declaration.startsWith("@Latent") ? node.declaration.replaceFirst("@Latent", "@Observed")
            : node.declaration.replaceFirst("@Observed", "@Latent");
        return "kind of " + node.node + " flipped";
      }
      case 6 -> {
        String other = pick(r, nodes);
        net.declaration = net.declaration.replace("Nn nn", "Nn nn, Operand<TFloat32> " + other);
        return "parameter " + other + " added to " + net.declaration.split("\\(")[0];
      }
      case 7 -> {
        Member node = pick(r, m.members.stream().filter(n -> !n.method).toList());
        node.declaration = node.declaration.replaceFirst("\\)", pick(r, new String[] {", given = true",
            ", global = true", ", enumerate = true", ", given = false"}) + ")");
        return "flag on " + node.node;
      }
      default -> {
        String loss = "GanLoss." + pick(r, new String[] {"MINIMAX", "NON_SATURATING", "LEAST_SQUARES",
            "HINGE", "WASSERSTEIN_GP"});
        for (Member d : networks) {
          if ("Discriminator".equals(d.role) && r.nextBoolean()) {
            addMember(d, "loss = " + loss);
          }
        }
        return "losses -> " + loss;
      }
    }
  }

  private static void replaceAnnotation(Member m, String prefix, String replacement) {
    m.annotations.replaceAll(a -> a.startsWith(prefix) ? replacement : a);
  }

  /** Adds (or replaces) one member of a network's first annotation, e.g. {@code steps = 0}. */
  private static void addMember(Member m, String member) {
    String annotation = m.annotations.get(0);
    String name = member.substring(0, member.indexOf('=')).strip();
    int open = annotation.indexOf('(');
    String inside = annotation.substring(open + 1, annotation.lastIndexOf(')'));
    List<String> parts = new ArrayList<>();
    for (String part : inside.split(", (?=[a-zA-Z]+ = )")) {
      String p = part.strip();
      if (p.startsWith("\"")) {
        p = "value = " + p;
      }
      if (!p.startsWith(name + " ")) {
        parts.add(p);
      }
    }
    parts.add(member);
    m.annotations.set(0, annotation.substring(0, open) + "(" + String.join(", ", parts) + ")");
  }
}
