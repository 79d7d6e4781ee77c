package dev.helmholtz.processor.model;

import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeParameterTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.source.util.Trees;
import dev.helmholtz.processor.model.ReturnedDistribution.Argument;
import dev.helmholtz.processor.model.ReturnedDistribution.DenseLayer;
import dev.helmholtz.processor.model.ReturnedDistribution.Layered;
import dev.helmholtz.processor.model.ReturnedDistribution.NodeValue;
import dev.helmholtz.processor.model.ReturnedDistribution.Unknown;
import dev.helmholtz.processor.model.ReturnedDistribution.Width;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.util.Elements;

/**
 * Reads what a network's {@code return} statements prove about the distribution it returns, from
 * the method's source tree (javac's {@link Trees}).
 *
 * <p>During annotation processing method bodies are parsed but not attributed: no expression has a
 * type or a symbol yet. So names are resolved here by the language's scoping rules, and
 * conservatively: whatever could mean something else (a name that a local variable, a field or a
 * static import might obscure, an ambiguous import, a local class) is left unknown. What this
 * reader proves is therefore only what javac will also conclude; everything else is
 * {@link Unknown}, and validation skips it.
 */
final class NetworkBodyReader {
  private static final String PADDING = "dev.helmholtz.nn.Padding";
  private final Trees trees;
  private final Elements elements;

  NetworkBodyReader(Trees trees, Elements elements) {
    this.trees = trees;
    this.elements = elements;
  }

  /** The factory calls the method's return statements make; empty when its source is not at hand. */
  List<ReturnedDistribution> read(ExecutableElement method, List<ParameterDescriptor> parameters) {
    if (!(method.getEnclosingElement() instanceof TypeElement owner)
        || owner.getNestingKind() == NestingKind.LOCAL || owner.getNestingKind() == NestingKind.ANONYMOUS) {
      return List.of(); // the enclosing method's locals would be in scope too
    }
    try {
      TreePath path = trees.getPath(method);
      if (path == null || !(path.getLeaf() instanceof MethodTree tree) || tree.getBody() == null) {
        return List.of();
      }
      return new Body(path.getCompilationUnit(), tree, owner, parameters).returned();
    } catch (RuntimeException e) {
      // What bodies show is a bonus: a tree this reader cannot follow (or a compiler's own
      // failure to hand one over) must not turn a model that is otherwise fine into an error.
      return List.of();
    }
  }

  /** One method body and the names in scope in it. */
  private final class Body {
    private final CompilationUnitTree unit;
    private final MethodTree method;
    private final List<TypeElement> enclosingTypes = new ArrayList<>();
    private final String packageName;
    private final String layerHelper;
    private final Set<String> nodeParameters = new HashSet<>();
    /** Every parameter, local variable, lambda parameter... declared anywhere in the method. */
    private final Set<String> localNames = new HashSet<>();
    /** Method type parameters and local classes: types the imports and members cannot see. */
    private final Set<String> localTypes = new HashSet<>();
    /** Simple names assigned to (or incremented) anywhere in the method. */
    private final Set<String> assigned = new HashSet<>();
    private final SourcePositions positions;
    private CharSequence content;

    Body(CompilationUnitTree unit, MethodTree method, TypeElement owner, List<ParameterDescriptor> parameters) {
      this.unit = unit;
      this.method = method;
      for (Element e = owner; e instanceof TypeElement t; e = t.getEnclosingElement()) {
        enclosingTypes.add(t);
      }
      PackageElement p = elements.getPackageOf(owner);
      this.packageName = p.isUnnamed() ? "" : p.getQualifiedName().toString();
      String helper = null;
      for (ParameterDescriptor parameter : parameters) {
        localNames.add(parameter.name());
        if (parameter.kind() == ParameterDescriptor.Kind.LAYER_HELPER && helper == null) {
          helper = parameter.name();
        } else if (parameter.kind() == ParameterDescriptor.Kind.NODE) {
          nodeParameters.add(parameter.name());
        }
      }
      this.layerHelper = helper;
      for (TypeParameterTree t : method.getTypeParameters()) {
        localTypes.add(t.getName().toString());
      }
      new TreeScanner<Void, Void>() {
        @Override
        public Void visitVariable(VariableTree node, Void unused) {
          localNames.add(node.getName().toString());
          return super.visitVariable(node, unused);
        }

        @Override
        public Void visitClass(ClassTree node, Void unused) {
          localTypes.add(node.getSimpleName().toString());
          return super.visitClass(node, unused);
        }

        @Override
        public Void visitTypeParameter(TypeParameterTree node, Void unused) {
          localTypes.add(node.getName().toString());
          return super.visitTypeParameter(node, unused);
        }

        @Override
        public Void visitAssignment(AssignmentTree node, Void unused) {
          assignedName(node.getVariable());
          return super.visitAssignment(node, unused);
        }

        @Override
        public Void visitCompoundAssignment(CompoundAssignmentTree node, Void unused) {
          assignedName(node.getVariable());
          return super.visitCompoundAssignment(node, unused);
        }

        @Override
        public Void visitUnary(UnaryTree node, Void unused) {
          switch (node.getKind()) {
            case PREFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_INCREMENT, POSTFIX_DECREMENT ->
                assignedName(node.getExpression());
            default -> { }
          }
          return super.visitUnary(node, unused);
        }
      }.scan(method.getBody(), null);
      this.positions = trees.getSourcePositions();
    }

    private void assignedName(ExpressionTree variable) {
      if (unparenthesized(variable) instanceof IdentifierTree id) {
        assigned.add(id.getName().toString());
      }
    }

    /** The factory calls among the values the method's own return statements return. */
    List<ReturnedDistribution> returned() {
      List<ExpressionTree> values = new ArrayList<>();
      new TreeScanner<Void, Void>() {
        @Override
        public Void visitReturn(ReturnTree node, Void unused) {
          if (node.getExpression() != null) {
            values.add(node.getExpression());
          }
          return null;
        }

        // A return inside a lambda or a local or anonymous class returns from that, not the network.
        @Override
        public Void visitLambdaExpression(LambdaExpressionTree node, Void unused) {
          return null;
        }

        @Override
        public Void visitClass(ClassTree node, Void unused) {
          return null;
        }
      }.scan(method.getBody(), null);
      List<ReturnedDistribution> found = new ArrayList<>();
      for (ExpressionTree value : values) {
        collect(value, found);
      }
      return found;
    }

    private void collect(ExpressionTree value, List<ReturnedDistribution> found) {
      ExpressionTree e = unparenthesized(value);
      if (e instanceof ConditionalExpressionTree c) {
        collect(c.getTrueExpression(), found);
        collect(c.getFalseExpression(), found);
        return;
      }
      if (!(e instanceof MethodInvocationTree call) || !call.getTypeArguments().isEmpty()
          || !(call.getMethodSelect() instanceof MemberSelectTree select)) {
        return;
      }
      TypeElement type = type(select.getExpression());
      if (type == null) {
        return;
      }
      Optional<NodeFamily> family = ModelReader.familyOf(type.asType());
      Optional<Family.Factory> factory = family.flatMap(
          f -> f.factory(select.getIdentifier().toString(), call.getArguments().size()));
      if (factory.isEmpty()) {
        return;
      }
      List<Argument> arguments = new ArrayList<>();
      for (int i = 0; i < call.getArguments().size(); i++) {
        arguments.add(new Argument(factory.get().parameters().get(i), width(call.getArguments().get(i))));
      }
      found.add(new ReturnedDistribution(family.get(), factory.get().method(), arguments));
    }

    /** What the source proves about the width of a factory argument. */
    private Width width(ExpressionTree argument) {
      ExpressionTree e = unparenthesized(argument);
      if (e instanceof IdentifierTree id && nodeParameters.contains(id.getName().toString())
          && !assigned.contains(id.getName().toString())) {
        return new NodeValue(id.getName().toString(), location(e));
      }
      if (layerHelper != null && e instanceof MethodInvocationTree call
          && call.getTypeArguments().isEmpty()
          && call.getMethodSelect() instanceof MemberSelectTree select
          && select.getIdentifier().contentEquals("dense")
          && select.getExpression() instanceof IdentifierTree receiver
          && receiver.getName().contentEquals(layerHelper)
          && (call.getArguments().size() == 2 || call.getArguments().size() == 3)) {
        // Nn is final and its dense overloads are (input, units) and (input, units, activation).
        ExpressionTree units = call.getArguments().get(1);
        Integer value = constant(units);
        if (value != null) {
          return new DenseLayer(value, source(units), source(receiver),
              call.getArguments().stream().map(this::source).toList(), location(call), layerShape(call, 0));
        }
      }
      LayerShape shape = layerShape(e, 0);
      if (shape instanceof LayerShape.Layer || shape instanceof LayerShape.Fixed) {
        return new Layered(shape, location(e));
      }
      return new Unknown();
    }

    // --- Layer chains: what the layer helper's calls prove about a value's event shape ------

    /** Local variables declared once, with an initializer, and never assigned: name to initializer. */
    private java.util.Map<String, ExpressionTree> finalLocals;

    private java.util.Map<String, ExpressionTree> finalLocals() {
      if (finalLocals == null) {
        java.util.Map<String, Integer> declarations = new java.util.HashMap<>();
        java.util.Map<String, ExpressionTree> initializers = new java.util.HashMap<>();
        new TreeScanner<Void, Void>() {
          @Override
          public Void visitVariable(VariableTree node, Void unused) {
            String name = node.getName().toString();
            declarations.merge(name, 1, Integer::sum);
            if (node.getInitializer() != null) {
              initializers.put(name, node.getInitializer());
            }
            return super.visitVariable(node, unused);
          }

          @Override
          public Void visitLambdaExpression(LambdaExpressionTree node, Void unused) {
            node.getParameters().forEach(p -> declarations.merge(p.getName().toString(), 2, Integer::sum));
            return super.visitLambdaExpression(node, unused);
          }
        }.scan(method.getBody(), null);
        finalLocals = new java.util.HashMap<>();
        initializers.forEach((name, init) -> {
          if (declarations.get(name) == 1 && !assigned.contains(name) && !nodeParameters.contains(name)) {
            finalLocals.put(name, init);
          }
        });
      }
      return finalLocals;
    }

    /**
     * What the source proves about the event shape of {@code tree}: a node parameter, a local
     * variable initialized once and never assigned, or a call of the layer helper's {@code dense},
     * {@code reshape}, {@code flatten}, {@code conv2d}, {@code conv2dTranspose}, {@code maxPool},
     * {@code avgPool}, {@code residualBlock} or {@code residualBlockTranspose}, or of one that keeps
     * its input's shape ({@code activate}, {@code batchNorm}, {@code layerNorm}, {@code dropout},
     * {@code residual}), on such a value; anything else (a user's own helper method among it) is
     * unknown. Depth-limited against cycles of
     * locals, which javac rejects anyway.
     */
    private LayerShape layerShape(ExpressionTree tree, int depth) {
      ExpressionTree e = unparenthesized(tree);
      if (depth > 64) {
        return new LayerShape.Unknown(source(e));
      }
      if (e instanceof IdentifierTree id) {
        String name = id.getName().toString();
        if (nodeParameters.contains(name) && !assigned.contains(name)) {
          return new LayerShape.Node(name, name);
        }
        ExpressionTree init = finalLocals().get(name);
        return init == null ? new LayerShape.Unknown(name) : layerShape(init, depth + 1);
      }
      if (layerHelper == null || !(e instanceof MethodInvocationTree call) || !call.getTypeArguments().isEmpty()
          || !(call.getMethodSelect() instanceof MemberSelectTree select)
          || !(select.getExpression() instanceof IdentifierTree receiver)
          || !receiver.getName().contentEquals(layerHelper) || call.getArguments().isEmpty()) {
        return new LayerShape.Unknown(source(e));
      }
      List<? extends ExpressionTree> args = call.getArguments();
      String text = source(e).replaceAll("\\s+", " "); // a call over several lines, as one
      int n = args.size();
      switch (select.getIdentifier().toString()) {
        case "dense":
          if (n == 2 || n == 3) {
            return new LayerShape.Layer(LayerShape.Kind.DENSE, layerShape(args.get(0), depth + 1),
                orUnknown(constant(args.get(1))), 1, 1, true, 1, text);
          }
          break;
        case "flatten":
          if (n == 1) {
            return new LayerShape.Layer(LayerShape.Kind.FLATTEN, layerShape(args.get(0), depth + 1), 0, 1, 1, true, 1,
                text);
          }
          break;
        case "reshape": {
          List<Integer> sizes = new ArrayList<>();
          for (ExpressionTree arg : args.subList(1, n)) {
            Integer size = constant(arg);
            sizes.add(size == null ? LayerShape.UNKNOWN : size);
          }
          if (!sizes.isEmpty()) {
            return new LayerShape.Fixed(sizes, text);
          }
          break;
        }
        case "conv2d":
        case "conv2dTranspose":
          // (x, filters, kernel, stride, padding[, activation]) and conv2d's (..., padding, dilation, activation).
          if (n >= 5 && n <= 7) {
            boolean transpose = select.getIdentifier().contentEquals("conv2dTranspose");
            int dilation = n == 7 ? orUnknown(constant(args.get(5))) : 1;
            return new LayerShape.Layer(transpose ? LayerShape.Kind.CONV2D_TRANSPOSE : LayerShape.Kind.CONV2D,
                layerShape(args.get(0), depth + 1), orUnknown(constant(args.get(1))),
                orUnknown(constant(args.get(2))), orUnknown(constant(args.get(3))), padding(args.get(4)), dilation, text);
          }
          break;
        case "residualBlock":
        case "residualBlockTranspose":
          // (x, filters, kernel, stride, activation), SAME padding: the shape of its strided first convolution.
          if (n == 5) {
            boolean transpose = select.getIdentifier().contentEquals("residualBlockTranspose");
            return new LayerShape.Layer(transpose ? LayerShape.Kind.CONV2D_TRANSPOSE : LayerShape.Kind.CONV2D,
                layerShape(args.get(0), depth + 1), orUnknown(constant(args.get(1))),
                orUnknown(constant(args.get(2))), orUnknown(constant(args.get(3))), true, 1, text);
          }
          break;
        case "activate":
        case "batchNorm":
        case "layerNorm":
        case "dropout":
        case "residual":
          // Each keeps its input's shape (residual refuses a body that changes it).
          return new LayerShape.Layer(LayerShape.Kind.KEEP, layerShape(args.get(0), depth + 1), 0, 1, 1, true, 1, text);
        case "maxPool":
        case "avgPool":
          if (n == 4) {
            return new LayerShape.Layer(LayerShape.Kind.POOL, layerShape(args.get(0), depth + 1), 0,
                orUnknown(constant(args.get(1))), orUnknown(constant(args.get(2))), padding(args.get(3)), 1, text);
          }
          break;
        default:
          break;
      }
      return new LayerShape.Unknown(text);
    }

    private static int orUnknown(Integer value) {
      return value == null ? LayerShape.UNKNOWN : value;
    }

    /** True for {@code Padding.SAME}, false for {@code Padding.VALID}, null when not provably one of them. */
    private Boolean padding(ExpressionTree tree) {
      ExpressionTree e = unparenthesized(tree);
      String constant = null;
      if (e instanceof MemberSelectTree select) {
        TypeElement type = type(select.getExpression());
        if (type != null && type.getQualifiedName().contentEquals(PADDING)) {
          constant = select.getIdentifier().toString();
        }
      } else if (e instanceof IdentifierTree id && !isVariableOtherThanPadding(id.getName().toString())) {
        constant = id.getName().toString();
      }
      if ("SAME".equals(constant)) {
        return Boolean.TRUE;
      }
      return "VALID".equals(constant) ? Boolean.FALSE : null;
    }

    /** Whether a simple name may mean something other than a statically imported constant of Padding. */
    private boolean isVariableOtherThanPadding(String name) {
      if (localNames.contains(name)) {
        return true;
      }
      for (TypeElement type : enclosingTypes) {
        if (field(type, name).isPresent()) {
          return true;
        }
      }
      for (ImportTree i : unit.getImports()) {
        if (i.isStatic() && i.getQualifiedIdentifier() instanceof MemberSelectTree s
            && (s.getIdentifier().contentEquals(name) || s.getIdentifier().contentEquals("*"))
            && s.getExpression().toString().equals(PADDING)) {
          return false;
        }
      }
      return true;
    }

    // --- Compile-time constants (JLS 15.29), as far as this reader needs them --------------

    /** The int value of a constant expression, or null when it is not one or is unknown. */
    private Integer constant(ExpressionTree tree) {
      ExpressionTree e = unparenthesized(tree);
      if (e instanceof LiteralTree literal) {
        return e.getKind() == Tree.Kind.INT_LITERAL && literal.getValue() instanceof Integer i ? i : null;
      }
      if (e instanceof UnaryTree unary) {
        Integer operand = constant(unary.getExpression());
        if (operand == null) {
          return null;
        }
        return switch (e.getKind()) {
          case UNARY_PLUS -> operand;
          case UNARY_MINUS -> -operand;
          default -> null;
        };
      }
      if (e instanceof BinaryTree binary) {
        Integer left = constant(binary.getLeftOperand());
        Integer right = constant(binary.getRightOperand());
        if (left == null || right == null) {
          return null;
        }
        return switch (e.getKind()) {
          case PLUS -> left + right;
          case MINUS -> left - right;
          case MULTIPLY -> left * right;
          case DIVIDE -> right == 0 ? null : left / right;
          case REMAINDER -> right == 0 ? null : left % right;
          default -> null;
        };
      }
      if (e instanceof IdentifierTree id) {
        return simpleConstant(id.getName().toString());
      }
      if (e instanceof MemberSelectTree select) {
        TypeElement type = type(select.getExpression());
        return type == null ? null : fieldConstant(type, select.getIdentifier().toString());
      }
      return null;
    }

    /** A constant named by a simple name: a field of an enclosing class, or a static import. */
    private Integer simpleConstant(String name) {
      if (localNames.contains(name)) {
        return null;
      }
      for (TypeElement type : enclosingTypes) {
        if (field(type, name).isPresent()) {
          return fieldConstant(type, name);
        }
      }
      for (ImportTree i : unit.getImports()) {
        if (i.isStatic() && i.getQualifiedIdentifier() instanceof MemberSelectTree s
            && s.getIdentifier().contentEquals(name)) {
          TypeElement type = canonicalType(s.getExpression().toString());
          if (type != null && field(type, name).isPresent()) {
            return fieldConstant(type, name);
          }
        }
      }
      Set<VariableElement> onDemand = new LinkedHashSet<>();
      for (TypeElement type : staticOnDemandTypes()) {
        field(type, name).ifPresent(onDemand::add);
      }
      return onDemand.size() == 1 ? intConstant(onDemand.iterator().next()) : null;
    }

    private Integer fieldConstant(TypeElement type, String name) {
      return field(type, name).map(this::intConstant).orElse(null);
    }

    private Integer intConstant(VariableElement field) {
      return field.asType().getKind() == TypeKind.INT && field.getConstantValue() instanceof Integer i ? i : null;
    }

    // --- Type names (JLS 6.5), resolved without attribution --------------------------------

    /** The type a name in a qualifier position denotes, or null when it is not provably a type. */
    private TypeElement type(ExpressionTree name) {
      Meaning m = meaning(name);
      return m == null ? null : m.type();
    }

    /** A name's meaning: a type, a package, or null when it may be a variable or is unknown. */
    private Meaning meaning(ExpressionTree name) {
      if (name instanceof IdentifierTree id) {
        return simpleMeaning(id.getName().toString());
      }
      if (name instanceof MemberSelectTree select) {
        Meaning qualifier = meaning(select.getExpression());
        String member = select.getIdentifier().toString();
        if (qualifier == null) {
          return null;
        }
        if (qualifier.type() != null) {
          if (field(qualifier.type(), member).isPresent()) {
            return null; // a field access, not a type
          }
          List<TypeElement> types = memberTypes(qualifier.type(), member);
          return types.size() == 1 ? new Meaning(types.get(0), null) : null;
        }
        String qualified = qualifier.packageName() + "." + member;
        TypeElement type = elements.getTypeElement(qualified);
        return type != null ? new Meaning(type, null) : new Meaning(null, qualified);
      }
      return null;
    }

    /** JLS 6.5.2: a variable in scope obscures a type, and a type a package. */
    private Meaning simpleMeaning(String name) {
      if (isVariable(name) || localTypes.contains(name)) {
        return null;
      }
      for (TypeElement type : enclosingTypes) {
        List<TypeElement> members = memberTypes(type, name);
        if (members.size() > 1) {
          return null;
        }
        if (members.size() == 1) {
          return new Meaning(members.get(0), null);
        }
        if (type.getSimpleName().contentEquals(name)) {
          return new Meaning(type, null);
        }
      }
      for (ImportTree i : unit.getImports()) {
        if (i.getQualifiedIdentifier() instanceof MemberSelectTree s && s.getIdentifier().contentEquals(name)) {
          TypeElement imported;
          if (i.isStatic()) {
            TypeElement owner = canonicalType(s.getExpression().toString());
            List<TypeElement> members = owner == null ? List.of() : memberTypes(owner, name);
            imported = members.size() == 1 ? members.get(0) : null;
            if (owner != null && members.isEmpty()) {
              continue; // imports a static method of that name: no type
            }
          } else {
            imported = canonicalType(s.toString());
          }
          return imported == null ? null : new Meaning(imported, null);
        }
      }
      TypeElement samePackage = canonicalType(packageName.isEmpty() ? name : packageName + "." + name);
      if (samePackage != null) {
        return new Meaning(samePackage, null);
      }
      Set<TypeElement> onDemand = new LinkedHashSet<>();
      TypeElement javaLang = canonicalType("java.lang." + name);
      if (javaLang != null) {
        onDemand.add(javaLang);
      }
      for (ImportTree i : unit.getImports()) {
        if (!i.isStatic() && i.getQualifiedIdentifier() instanceof MemberSelectTree s
            && s.getIdentifier().contentEquals("*")) {
          TypeElement type = canonicalType(s.getExpression().toString() + "." + name);
          if (type != null) {
            onDemand.add(type);
          }
        }
      }
      for (TypeElement type : staticOnDemandTypes()) {
        onDemand.addAll(memberTypes(type, name));
      }
      if (onDemand.size() > 1) {
        return null; // ambiguous: javac reports it
      }
      return onDemand.size() == 1 ? new Meaning(onDemand.iterator().next(), null) : new Meaning(null, name);
    }

    /** Whether a simple name may denote a variable here: a local, a field, a static import. */
    private boolean isVariable(String name) {
      if (localNames.contains(name)) {
        return true;
      }
      for (TypeElement type : enclosingTypes) {
        if (field(type, name).isPresent()) {
          return true;
        }
      }
      for (ImportTree i : unit.getImports()) {
        if (i.isStatic() && i.getQualifiedIdentifier() instanceof MemberSelectTree s
            && s.getIdentifier().contentEquals(name)) {
          TypeElement owner = canonicalType(s.getExpression().toString());
          if (owner == null || field(owner, name).isPresent()) {
            return true;
          }
        }
      }
      for (ImportTree i : unit.getImports()) {
        if (i.isStatic() && i.getQualifiedIdentifier() instanceof MemberSelectTree s
            && s.getIdentifier().contentEquals("*")) {
          TypeElement owner = canonicalType(s.getExpression().toString());
          if (owner == null || field(owner, name).isPresent()) {
            return true;
          }
        }
      }
      return false;
    }

    private List<TypeElement> staticOnDemandTypes() {
      List<TypeElement> types = new ArrayList<>();
      for (ImportTree i : unit.getImports()) {
        if (i.isStatic() && i.getQualifiedIdentifier() instanceof MemberSelectTree s
            && s.getIdentifier().contentEquals("*")) {
          TypeElement type = canonicalType(s.getExpression().toString());
          if (type != null) {
            types.add(type);
          }
        }
      }
      return types;
    }

    private TypeElement canonicalType(String name) {
      return elements.getTypeElement(name);
    }

    private Optional<VariableElement> field(TypeElement type, String name) {
      return elements.getAllMembers(type).stream()
          .filter(e -> e.getKind().isField() && e.getSimpleName().contentEquals(name))
          .map(VariableElement.class::cast)
          .findFirst();
    }

    private List<TypeElement> memberTypes(TypeElement type, String name) {
      return elements.getAllMembers(type).stream()
          .filter(e -> (e.getKind().isClass() || e.getKind().isInterface())
              && e.getSimpleName().contentEquals(name))
          .map(TypeElement.class::cast)
          .toList();
    }

    // --- Source --------------------------------------------------------------------------

    private SourceLocation location(Tree tree) {
      return new SourceLocation(trees, tree, unit);
    }

    /** The tree as written, or as javac prints it when the source positions are not at hand. */
    private String source(Tree tree) {
      long start = positions.getStartPosition(unit, tree);
      long end = positions.getEndPosition(unit, tree);
      if (content == null) {
        try {
          content = unit.getSourceFile().getCharContent(true);
        } catch (IOException | RuntimeException e) {
          content = "";
        }
      }
      if (start >= 0 && end > start && end <= content.length()) {
        return content.subSequence((int) start, (int) end).toString();
      }
      return tree.toString();
    }
  }

  private static ExpressionTree unparenthesized(ExpressionTree tree) {
    ExpressionTree e = tree;
    while (e instanceof ParenthesizedTree p) {
      e = p.getExpression();
    }
    return e;
  }

  /** Exactly one of the two is set. */
  private record Meaning(TypeElement type, String packageName) {}
}
