package dev.helmholtz.train;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.train.ApplyAdam;
import org.tensorflow.types.TFloat32;

/**
 * Adam (Kingma &amp; Ba, 2015) built on the raw {@code ApplyAdam} op, over an <em>explicit</em>
 * list of variables.
 *
 * <p>Unlike the tensorflow-framework optimizers, this one
 *
 * <ul>
 *   <li>differentiates only the variables it is given (not every variable in the graph, which
 *       would include other optimizers' slots), so two optimizers over two variable sets — a GAN,
 *       say — can live in one graph;
 *   <li>takes the learning rate as a graph operand (typically a scalar placeholder fed every
 *       step), so schedules need no graph rebuild;
 *   <li>is race-free and so bit-reproducible for fixed {@link ThreadSettings}: in {@link #step()}
 *       each variable's {@code ApplyAdam} waits for the loss, for that variable's gradient and for
 *       every op of the backward pass that reads the variable (the ops of the forward pass that
 *       read it are done before the loss is); then the beta powers are updated. Legacy ref
 *       variables are read by aliasing their buffer, and {@code ApplyAdam} updates in place, so
 *       without this ordering an update could be seen by a gradient computation that has not
 *       finished reading the old value. A variable whose gradient is ready is updated while the
 *       backward pass goes on (the decoder's while the encoder's first layer, the step's last
 *       product, is differentiated), not after every gradient, so the updates take little of the
 *       step's time. {@link #clippedStep()} needs every gradient for the global norm first.
 * </ul>
 *
 * <p>The update is TensorFlow's: with {@code t} the step number (from 1),
 *
 * <pre>
 *   m   = beta1 * m + (1 - beta1) * g
 *   v   = beta2 * v + (1 - beta2) * g * g
 *   lrT = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
 *   var = var - lrT * m / (sqrt(v) + epsilon)
 * </pre>
 *
 * (epsilon is the "epsilon hat" of the paper's section 2, as in {@code tf.train.AdamOptimizer}).
 *
 * <p>Variables must be legacy ref variables ({@code tf.variable(Shape, TFloat32.class)}) with a
 * fully known shape, and the loss must read them through {@code tf.identity} (applying some ops
 * directly to a ref variable and differentiating crashes the JVM in TF Java 1.1.0).
 *
 * <p>Fetching the loss in the same {@code Session.run} as {@link #step()} returns the loss
 * <em>before</em> the update. Other fetches in that run that read the variables but are not part
 * of the loss may observe updated values; fetch them in a separate run. Likewise run the steps of
 * two optimizers (a GAN's generator and discriminator) in separate runs: nothing orders one
 * optimizer's updates against the other's gradients.
 *
 * <p>Gradient clipping by global norm (Pascanu et al., 2013; {@code tf.clip_by_global_norm}) is
 * optional: given a {@code maxGradientNorm} operand, {@link #clippedStep()} scales every gradient
 * by {@code maxNorm / max(globalNorm, maxNorm)} before the same race-free update, where {@code
 * globalNorm} is the Euclidean norm of all gradients together. {@link #step()} stays unclipped;
 * both update the same slots. {@link #gradientSquaredNorms()} gives each gradient's squared norm
 * (computed from the gradients, before any update), so a training loop can watch the norm and
 * catch a NaN or infinite gradient in the step it appears.
 *
 * <p>Graph op names, for {@code name = "Adam"} and a variable {@code enc/dense/kernel}: slots
 * {@code Adam/enc/dense/kernel/m} and {@code .../v}, beta powers {@code Adam/beta1_power} and
 * {@code Adam/beta2_power}, the update {@code Adam/step} (clipped: {@code Adam/clipped_step}). A
 * second optimizer created with the same name in the same scope gets {@code Adam_1/...}.
 */
public final class Adam {

  /** Default exponential decay of the first-moment estimate. */
  public static final float DEFAULT_BETA1 = 0.9f;
  /** Default exponential decay of the second-moment estimate. */
  public static final float DEFAULT_BETA2 = 0.999f;
  /** Default epsilon. */
  public static final float DEFAULT_EPSILON = 1e-8f;

  private final Op step;
  private final Op clippedStep;
  private final Operand<TFloat32> gradientSquaredNorms;
  private final List<Op> initializers;
  private final List<Variable<?>> stateVariables;
  /** What another loss's update on the same state ({@link #forLoss}) is built from. */
  private final State state;

  /** The optimizer's variables and settings, shared by every update built on them. */
  private record State(Ops scoped, List<Variable<TFloat32>> variables, List<Variable<TFloat32>> ms,
      List<Variable<TFloat32>> vs, Variable<TFloat32> beta1Power, Variable<TFloat32> beta2Power,
      Operand<TFloat32> learningRate, float beta1, float beta2, float epsilon, Operand<TFloat32> maxGradientNorm,
      GradientReduction reduction) {
    /** The same state, with ops built under {@code other}. */
    State in(Ops other) {
      return new State(other, variables, ms, vs, beta1Power, beta2Power, learningRate, beta1, beta2, epsilon,
          maxGradientNorm, reduction);
    }
  }

  private Adam(Op step, Op clippedStep, Operand<TFloat32> gradientSquaredNorms,
      List<Op> initializers, List<Variable<?>> stateVariables, State state) {
    this.step = step;
    this.clippedStep = clippedStep;
    this.gradientSquaredNorms = gradientSquaredNorms;
    this.initializers = Collections.unmodifiableList(initializers);
    this.stateVariables = Collections.unmodifiableList(stateVariables);
    this.state = state;
  }

  /**
   * Adam with beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8.
   *
   * @see #create(Ops, String, Operand, List, Operand, float, float, float)
   */
  public static Adam create(
      Ops tf,
      String name,
      Operand<TFloat32> loss,
      List<Variable<TFloat32>> variables,
      Operand<TFloat32> learningRate) {
    return create(
        tf, name, loss, variables, learningRate, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON,
        null);
  }

  /**
   * Adam without gradient clipping.
   *
   * @see #create(Ops, String, Operand, List, Operand, float, float, float, Operand)
   */
  public static Adam create(
      Ops tf,
      String name,
      Operand<TFloat32> loss,
      List<Variable<TFloat32>> variables,
      Operand<TFloat32> learningRate,
      float beta1,
      float beta2,
      float epsilon) {
    return create(tf, name, loss, variables, learningRate, beta1, beta2, epsilon, null);
  }

  /**
   * Builds the Adam update of {@code variables} minimizing {@code loss}.
   *
   * @param tf ops of the graph holding the loss and the variables; the optimizer's ops go into
   *     the sub-scope {@code name} of its scope
   * @param name name of the sub-scope (a valid op name component, e.g. {@code "Adam"})
   * @param loss scalar loss to minimize
   * @param variables the variables to update, in a fixed order (which fixes the order of {@link
   *     #stateVariables()}); each must be reachable from the loss, no duplicates
   * @param learningRate scalar learning rate, evaluated every step (feed a placeholder for
   *     schedules)
   * @param beta1 first-moment decay, in [0, 1)
   * @param beta2 second-moment decay, in [0, 1)
   * @param epsilon numerical stabilizer, finite and &gt; 0
   * @param maxGradientNorm scalar bound on the global gradient norm, evaluated every {@link
   *     #clippedStep()} (feed a placeholder); {@code null} builds no clipped step
   * @throws IllegalArgumentException for a bad argument, including a variable the loss does not
   *     depend on, or one it reaches only through ops without gradient (e.g. {@code
   *     StopGradient}); the message names the variable
   */
  public static Adam create(
      Ops tf,
      String name,
      Operand<TFloat32> loss,
      List<Variable<TFloat32>> variables,
      Operand<TFloat32> learningRate,
      float beta1,
      float beta2,
      float epsilon,
      Operand<TFloat32> maxGradientNorm) {
    return create(tf, name, loss, variables, learningRate, beta1, beta2, epsilon, maxGradientNorm, null);
  }

  /**
   * Builds the Adam update of {@code variables} minimizing {@code loss}, the gradients passed
   * through {@code reduction} before they are measured, clipped and applied (for data-parallel
   * training: averaged over the workers); {@code null} applies them as computed. The other
   * parameters are those of {@link #create(Ops, String, Operand, List, Operand, float, float,
   * float, Operand)}.
   *
   * @param reduction what becomes of the gradients before the update, or {@code null}
   */
  public static Adam create(
      Ops tf,
      String name,
      Operand<TFloat32> loss,
      List<Variable<TFloat32>> variables,
      Operand<TFloat32> learningRate,
      float beta1,
      float beta2,
      float epsilon,
      Operand<TFloat32> maxGradientNorm,
      GradientReduction reduction) {
    Objects.requireNonNull(tf, "tf");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(loss, "loss");
    Objects.requireNonNull(variables, "variables");
    Objects.requireNonNull(learningRate, "learningRate");
    if (!(tf.scope().env() instanceof Graph graph)) {
      throw new IllegalArgumentException("Adam needs graph mode: tf must be Ops.create(graph)");
    }
    if (name.isEmpty() || !name.matches("[A-Za-z0-9.][A-Za-z0-9_.\\-]*")) {
      throw new IllegalArgumentException(
          "name must match [A-Za-z0-9.][A-Za-z0-9_.\\-]* (no '/'), was '" + name + "'");
    }
    if (!(beta1 >= 0f && beta1 < 1f)) {
      throw new IllegalArgumentException("beta1 must be in [0, 1), was " + beta1);
    }
    if (!(beta2 >= 0f && beta2 < 1f)) {
      throw new IllegalArgumentException("beta2 must be in [0, 1), was " + beta2);
    }
    if (!(epsilon > 0f && Float.isFinite(epsilon))) {
      throw new IllegalArgumentException("epsilon must be finite and > 0, was " + epsilon);
    }
    if (variables.isEmpty()) {
      throw new IllegalArgumentException("variables must not be empty");
    }
    requireInGraph(graph, loss, "loss");
    requireInGraph(graph, learningRate, "learningRate");
    if (maxGradientNorm != null) {
      requireInGraph(graph, maxGradientNorm, "maxGradientNorm");
      if (maxGradientNorm.shape().numDimensions() > 0) {
        throw new IllegalArgumentException(
            "maxGradientNorm must be a scalar, has shape " + maxGradientNorm.shape());
      }
    }
    Shape lossShape = loss.shape();
    if (lossShape.numDimensions() > 0) {
      throw new IllegalArgumentException(
          "loss must be a scalar, has shape " + lossShape + " (reduce it, e.g. with tf.math.mean)");
    }
    Shape lrShape = learningRate.shape();
    if (lrShape.numDimensions() > 0) {
      throw new IllegalArgumentException("learningRate must be a scalar, has shape " + lrShape);
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < variables.size(); i++) {
      Variable<TFloat32> var = variables.get(i);
      if (var == null) {
        throw new IllegalArgumentException("variables[" + i + "] is null");
      }
      requireInGraph(graph, var, "variable '" + var.op().name() + "'");
      if (!seen.add(var.op().name())) {
        throw new IllegalArgumentException(
            "variable '" + var.op().name() + "' is listed more than once");
      }
      Shape s = var.shape();
      if (s.isUnknown() || s.hasUnknownDimension()) {
        throw new IllegalArgumentException(
            "variable '" + var.op().name() + "' must have a fully known shape, has " + s);
      }
    }
    requireReachable(loss, variables);

    Ops scoped = tf.withSubScope(name);
    List<Output<?>> dys = gradients(scoped, loss, variables);
    Op gradientsReady = gradientsReady(scoped, loss, dys);

    // 2. State: slots per variable, then the two beta powers.
    SlotScopes slotScopes = new SlotScopes(scoped);
    List<Variable<?>> state = new ArrayList<>();
    List<Op> inits = new ArrayList<>();
    List<Variable<TFloat32>> ms = new ArrayList<>();
    List<Variable<TFloat32>> vs = new ArrayList<>();
    for (Variable<TFloat32> var : variables) {
      Ops slotOps = slotScopes.forVariable(var.op().name());
      Variable<TFloat32> m = slotOps.withName("m").variable(var.shape(), TFloat32.class);
      Variable<TFloat32> v = slotOps.withName("v").variable(var.shape(), TFloat32.class);
      inits.add(
          slotOps
              .withName("m_init")
              .assign(m, slotOps.zeros(slotOps.constant(var.shape()), TFloat32.class)));
      inits.add(
          slotOps
              .withName("v_init")
              .assign(v, slotOps.zeros(slotOps.constant(var.shape()), TFloat32.class)));
      ms.add(m);
      vs.add(v);
      state.add(m);
      state.add(v);
    }
    Variable<TFloat32> beta1Power =
        scoped.withName("beta1_power").variable(Shape.scalar(), TFloat32.class);
    Variable<TFloat32> beta2Power =
        scoped.withName("beta2_power").variable(Shape.scalar(), TFloat32.class);
    inits.add(scoped.withName("beta1_power_init").assign(beta1Power, scoped.constant(beta1)));
    inits.add(scoped.withName("beta2_power_init").assign(beta2Power, scoped.constant(beta2)));
    state.add(beta1Power);
    state.add(beta2Power);

    return steps(new State(scoped, List.copyOf(variables), ms, vs, beta1Power, beta2Power, learningRate, beta1, beta2,
        epsilon, maxGradientNorm, reduction), loss, dys, gradientsReady, inits, state);
  }

  /**
   * Adam's update of the same variables minimizing {@code loss} instead, on this optimizer's slots
   * and beta powers: a step of either is a step of one optimizer (for a second copy of a loss
   * built otherwise, say with static shapes). Its {@link #initializers()} are empty (this one's
   * initialize the shared state); the learning rate, the clipping bound and the gradient
   * reduction are this one's.
   *
   * @param name the sub-scope of this optimizer's scope its ops go into
   * @param loss a scalar that depends on every variable of this optimizer
   * @throws IllegalArgumentException as {@link #create} does for a bad loss
   */
  public Adam forLoss(String name, Operand<TFloat32> loss) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(loss, "loss");
    requireInGraph((Graph) state.scoped().scope().env(), loss, "loss");
    if (loss.shape().numDimensions() > 0) {
      throw new IllegalArgumentException("loss must be a scalar, has shape " + loss.shape());
    }
    requireReachable(loss, state.variables());
    State shared = state.in(state.scoped().withSubScope(name));
    List<Output<?>> dys = gradients(shared.scoped(), loss, shared.variables());
    return steps(shared, loss, dys, gradientsReady(shared.scoped(), loss, dys), List.of(), stateVariables);
  }

  /** Each variable's gradient of {@code loss}; fails naming a variable no gradient reaches. */
  private static List<Output<?>> gradients(Ops scoped, Operand<TFloat32> loss, List<Variable<TFloat32>> variables) {
    // 1. Gradients, and a barrier that waits for all of them (and for the loss): the clipped
    // step's, whose global norm needs every gradient.
    Gradients grads = scoped.gradients(loss, variables);
    List<Output<?>> dys = grads.dy();
    for (int i = 0; i < variables.size(); i++) {
      Output<?> dy = dys.get(i);
      if (dy == null || dy.isClosed()) {
        throw new IllegalArgumentException(
            "no gradient flows from the loss to variable '"
                + variables.get(i).op().name()
                + "': it is reached only through ops without a gradient (StopGradient, random"
                + " sampling, ...)");
      }
    }
    return dys;
  }

  /** A barrier that waits for the loss and every gradient. */
  private static Op gradientsReady(Ops scoped, Operand<TFloat32> loss, List<Output<?>> dys) {
    Set<Operation> gradientOps = new LinkedHashSet<>();
    gradientOps.add(loss.op());
    dys.forEach(dy -> gradientOps.add(dy.op()));
    List<Op> gradientDeps = new ArrayList<>();
    for (Operation o : gradientOps) {
      gradientDeps.add(() -> o);
    }
    return scoped.withControlDependencies(gradientDeps).withName("gradients_ready").noOp();
  }

  /** The plain and the clipped step on {@code state} from the gradients {@code dys} of {@code loss}. */
  private static Adam steps(State state, Operand<TFloat32> loss, List<Output<?>> dys, Op gradientsReady,
      List<Op> inits, List<Variable<?>> stateVariables) {
    Ops scoped = state.scoped();
    List<Variable<TFloat32>> variables = state.variables();
    List<Variable<TFloat32>> ms = state.ms();
    List<Variable<TFloat32>> vs = state.vs();
    Variable<TFloat32> beta1Power = state.beta1Power();
    Variable<TFloat32> beta2Power = state.beta2Power();
    Operand<TFloat32> learningRate = state.learningRate();
    Operand<TFloat32> maxGradientNorm = state.maxGradientNorm();
    GradientReduction reduction = state.reduction();
    float beta1 = state.beta1();
    float beta2 = state.beta2();
    float epsilon = state.epsilon();
    List<Operand<TFloat32>> gradients = new ArrayList<>();
    for (Output<?> dy : dys) {
      @SuppressWarnings("unchecked")
      Operand<TFloat32> g = (Operand<TFloat32>) dy;
      gradients.add(g);
    }
    if (reduction != null) {
      gradients = List.copyOf(reduction.reduce(scoped.withSubScope("reduce"), gradients));
      if (gradients.size() != variables.size()) {
        throw new IllegalArgumentException("the gradient reduction returned " + gradients.size()
            + " gradients for " + variables.size() + " variables");
      }
    }

    // Each gradient's squared norm (L2Loss is half of it): read-only, for monitoring and clipping.
    List<Operand<TFloat32>> halfSquares = new ArrayList<>();
    for (Operand<TFloat32> g : gradients) {
      halfSquares.add(scoped.nn.l2Loss(g));
    }
    Operand<TFloat32> squaredNorms =
        scoped.withName("gradient_squared_norms").math.mul(scoped.constant(2f), scoped.stack(halfSquares));

    Operand<TFloat32> b1 = scoped.constant(beta1);
    Operand<TFloat32> b2 = scoped.constant(beta2);
    Operand<TFloat32> eps = scoped.constant(epsilon);
    List<Op> readyToApply = readyToApply(scoped, loss, variables, dys);
    Op step = update(scoped, "step", readyToApply, variables, ms, vs, beta1Power, beta2Power,
        learningRate, b1, b2, eps, gradients);

    Op clippedStep = null;
    if (maxGradientNorm != null) {
      Ops clip = scoped.withSubScope("clip");
      // tf.clip_by_global_norm: g * maxNorm / max(globalNorm, maxNorm), so no change below the bound.
      Operand<TFloat32> globalNorm = clip.math.sqrt(clip.sum(squaredNorms, clip.constant(0)));
      Operand<TFloat32> scale =
          clip.math.div(maxGradientNorm, clip.math.maximum(globalNorm, maxGradientNorm));
      List<Operand<TFloat32>> clipped = new ArrayList<>();
      for (Operand<TFloat32> g : gradients) {
        clipped.add(clip.math.mul(g, scale));
      }
      clippedStep = update(scoped, "clipped_step", Collections.nCopies(variables.size(), gradientsReady),
          variables, ms, vs, beta1Power, beta2Power, learningRate, b1, b2, eps, clipped);
    }
    return new Adam(step, clippedStep, squaredNorms, inits, stateVariables, state);
  }

  /** Ops whose values alias a variable's buffer rather than copy it (a read, a view). */
  private static final Set<String> ALIASING_TYPES = Set.of("Identity", "Snapshot", "StopGradient",
      "PreventGradient", "Reshape", "ExpandDims", "Squeeze", "Bitcast", "RefIdentity", "Enter", "Switch");

  /**
   * For each variable, a barrier that opens once its {@code ApplyAdam} may run: after the loss,
   * the variable's gradient and every op that reads the variable (through reads and views of its
   * buffer, {@link #ALIASING_TYPES}) on the way to any gradient but not to the loss: the backward
   * pass's readers, such as the product {@code dy W^T} that carries the gradient to a layer's
   * input. The forward pass's readers are ancestors of the loss, so done before it.
   */
  private static List<Op> readyToApply(Ops scoped, Operand<TFloat32> loss,
      List<Variable<TFloat32>> variables, List<Output<?>> dys) {
    Set<String> forward = ancestors(List.of((GraphOperation) loss.op()));
    List<GraphOperation> gradientOps = new ArrayList<>();
    dys.forEach(dy -> gradientOps.add((GraphOperation) dy.op()));
    Set<String> backward = ancestors(gradientOps);
    backward.removeAll(forward);
    Ops barriers = scoped.withSubScope("ready");
    List<Op> ready = new ArrayList<>();
    for (int i = 0; i < variables.size(); i++) {
      Set<Operation> deps = new LinkedHashSet<>();
      deps.add(loss.op());
      deps.add(dys.get(i).op());
      Set<String> seen = new HashSet<>();
      Deque<GraphOperation> views = new ArrayDeque<>(List.of((GraphOperation) variables.get(i).op()));
      while (!views.isEmpty()) {
        for (GraphOperation reader : views.pop().consumers()) {
          if (ALIASING_TYPES.contains(reader.type()) && seen.add(reader.name())) {
            views.push(reader);
          }
          if (backward.contains(reader.name())) {
            deps.add(reader);
          }
        }
      }
      List<Op> depOps = new ArrayList<>();
      for (Operation o : deps) {
        depOps.add(() -> o);
      }
      ready.add(barriers.withControlDependencies(depOps).withName("var_" + i).noOp());
    }
    return ready;
  }

  /** Names of {@code roots} and every op they depend on through data and control inputs. */
  private static Set<String> ancestors(List<GraphOperation> roots) {
    return ancestors(roots, true);
  }

  /** Names of {@code roots} and every op they depend on through data inputs, and control inputs if asked. */
  private static Set<String> ancestors(List<GraphOperation> roots, boolean throughControlInputs) {
    Set<String> reached = new HashSet<>();
    Deque<GraphOperation> todo = new ArrayDeque<>();
    for (GraphOperation root : roots) {
      if (reached.add(root.name())) {
        todo.push(root);
      }
    }
    while (!todo.isEmpty()) {
      GraphOperation op = todo.pop();
      for (int i = 0, n = op.numInputs(); i < n; i++) {
        GraphOperation in = (GraphOperation) op.input(i).op();
        if (reached.add(in.name())) {
          todo.push(in);
        }
      }
      if (throughControlInputs) {
        for (GraphOperation in : op.controlInputs()) {
          if (reached.add(in.name())) {
            todo.push(in);
          }
        }
      }
    }
    return reached;
  }

  /**
   * The race-free update with the given gradients: each variable's ApplyAdam after its barrier in
   * {@code ready}, then the beta powers after every ApplyAdam has read them; returns the op named
   * {@code name}.
   */
  private static Op update(
      Ops scoped,
      String name,
      List<Op> ready,
      List<Variable<TFloat32>> variables,
      List<Variable<TFloat32>> ms,
      List<Variable<TFloat32>> vs,
      Variable<TFloat32> beta1Power,
      Variable<TFloat32> beta2Power,
      Operand<TFloat32> learningRate,
      Operand<TFloat32> b1,
      Operand<TFloat32> b2,
      Operand<TFloat32> eps,
      List<Operand<TFloat32>> gradients) {
    // 3. Every ApplyAdam, once its variable's gradient is ready and nothing will read the variable.
    List<Op> applies = new ArrayList<>();
    for (int i = 0; i < variables.size(); i++) {
      ApplyAdam<TFloat32> apply =
          scoped.withControlDependencies(List.of(ready.get(i))).train.applyAdam(
              variables.get(i),
              ms.get(i),
              vs.get(i),
              beta1Power,
              beta2Power,
              learningRate,
              b1,
              b2,
              eps,
              gradients.get(i));
      applies.add(apply);
    }

    // 4. Beta powers, after every ApplyAdam has read them.
    String prefix = name.equals("step") ? "" : name + "_";
    Ops afterApplies = scoped.withControlDependencies(applies);
    Op updateBeta1 =
        afterApplies
            .withName(prefix + "beta1_power_update")
            .assign(beta1Power, afterApplies.math.mul(beta1Power, b1));
    Op updateBeta2 =
        afterApplies
            .withName(prefix + "beta2_power_update")
            .assign(beta2Power, afterApplies.math.mul(beta2Power, b2));

    return scoped.withControlDependencies(List.of(updateBeta1, updateBeta2)).withName(name).noOp();
  }

  /**
   * One Adam update of every variable. Run it as a target (fetching the loss alongside gives the
   * loss before the update): each variable's {@code ApplyAdam} runs once its gradient is computed
   * and no op of the backward pass still reads it, then the beta powers are advanced.
   */
  public Op step() {
    return step;
  }

  /**
   * One Adam update with the gradients clipped to the global norm fed to {@code
   * maxGradientNorm}; otherwise exactly {@link #step()}.
   *
   * @throws IllegalStateException if the optimizer was created without {@code maxGradientNorm}
   */
  public Op clippedStep() {
    if (clippedStep == null) {
      throw new IllegalStateException(
          "this Adam was created without maxGradientNorm, so it has no clipped step");
    }
    return clippedStep;
  }

  /**
   * {@code [variables]}: the squared Euclidean norm of each variable's gradient, in the order of
   * the variables given, computed from the same gradients as the update (fetch it in the step's
   * run). Its sum is the squared global norm; a NaN or infinity means the gradient has one.
   */
  public Operand<TFloat32> gradientSquaredNorms() {
    return gradientSquaredNorms;
  }

  /**
   * Initialize the slots to zero and the beta powers to beta1 and beta2. Run them together with
   * the model's own variable initializers, before the first {@link #step()}.
   */
  public List<Op> initializers() {
    return initializers;
  }

  /**
   * The optimizer's state, in a fixed order: for each variable in the order given, its {@code m}
   * then its {@code v} slot; then {@code beta1_power}, {@code beta2_power}.
   */
  public List<Variable<?>> stateVariables() {
    return stateVariables;
  }

  private static void requireInGraph(Graph graph, Operand<?> operand, String what) {
    if (operand.op().env() != graph) {
      throw new IllegalArgumentException(what + " is not in the graph of tf");
    }
  }

  /** Fails naming every variable the loss does not depend on through data edges. */
  private static void requireReachable(
      Operand<TFloat32> loss, List<Variable<TFloat32>> variables) {
    GraphOperation start = (GraphOperation) loss.op();
    Set<String> reached = ancestors(List.of(start), false);
    List<String> unreachable = new ArrayList<>();
    for (Variable<TFloat32> v : variables) {
      if (!reached.contains(v.op().name())) {
        unreachable.add("'" + v.op().name() + "'");
      }
    }
    if (!unreachable.isEmpty()) {
      throw new IllegalArgumentException(
          (unreachable.size() == 1 ? "variable " : "variables ")
              + String.join(", ", unreachable)
              + (unreachable.size() == 1 ? " is" : " are")
              + " not reachable from the loss '"
              + start.name()
              + "': remove "
              + (unreachable.size() == 1 ? "it" : "them")
              + " from the optimizer's list, or use "
              + (unreachable.size() == 1 ? "it" : "them")
              + " in the loss");
    }
  }

  /**
   * Sub-scopes mirroring variable op names ({@code enc/dense/kernel} gives {@code
   * <name>/enc/dense/kernel}). TF Java makes sub-scope names unique per parent, so each path
   * component is created once and reused.
   */
  private static final class SlotScopes {
    private final Ops root;
    private final Map<String, Ops> byPath = new HashMap<>();

    SlotScopes(Ops root) {
      this.root = root;
    }

    Ops forVariable(String opName) {
      Ops current = root;
      StringBuilder path = new StringBuilder();
      for (String part : opName.split("/")) {
        String safe = part.matches("[A-Za-z0-9.][A-Za-z0-9_.\\-]*") ? part : sanitize(part);
        path.append('/').append(safe);
        Ops parent = current;
        current = byPath.computeIfAbsent(path.toString(), k -> parent.withSubScope(safe));
      }
      return current;
    }

    private static String sanitize(String part) {
      String s = part.replaceAll("[^A-Za-z0-9_.\\-]", "_");
      return s.isEmpty() || !Character.isLetterOrDigit(s.charAt(0)) && s.charAt(0) != '.'
          ? "v" + s
          : s;
    }
  }
}
