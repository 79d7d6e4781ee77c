package dev.helmholtz.infer;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.SplittableRandom;

/**
 * One chain's NUTS transition (Hoffman &amp; Gelman 2014) as Stan runs it: multinomial sampling of
 * the trajectory's states with weights exp(-H), uniform within a subtree and biased towards the
 * newest subtree at the top (Betancourt 2017, appendix A), and the generalized no-U-turn
 * criterion on the summed momenta rho with the "sharp" momenta M^-1 p at a segment's ends,
 * checked on every merged segment and, as Stan does since 2.26, across each merge's seam
 * (left segment plus the first state of the right, and the last state of the left plus the
 * right segment).
 *
 * <p>The recursion of the paper is unrolled into a stack: the leapfrog states of a subtree arrive
 * in the order they are built, each is pushed as a segment of one state, and two segments of the
 * same size on top of the stack merge, exactly the merges the recursive build_tree makes. A
 * segment that fails the criterion, or a divergent state, makes the subtree invalid and ends the
 * transition (Stan's early exit: the states that {@link NutsLeapfrog} computed past it in the
 * same chunk are ignored). The tree itself lives in Java in double precision; the leapfrog steps
 * and their gradients run in the graph.
 */
final class NutsTree {
  /** A state of the trajectory: position, log pi and its gradient there. */
  record Point(float[] position, float[] gradient, double logProb) {}

  /** A stretch of the trajectory in build order: begin is the end nearest the tree's start. */
  private static final class Segment {
    final int level;
    double logSumWeight;
    Point proposal;
    final double[] rho;
    final double[] pBegin;
    final double[] pEnd;
    final double[] sharpBegin;
    final double[] sharpEnd;

    Segment(int level, double logSumWeight, Point proposal, double[] rho, double[] pBegin, double[] pEnd,
        double[] sharpBegin, double[] sharpEnd) {
      this.level = level;
      this.logSumWeight = logSumWeight;
      this.proposal = proposal;
      this.rho = rho;
      this.pBegin = pBegin;
      this.pEnd = pEnd;
      this.sharpBegin = sharpBegin;
      this.sharpEnd = sharpEnd;
    }
  }

  private final double[] inverseMass;
  private final SplittableRandom random;
  private final double h0;
  private final int maxDepth;

  // The whole tree in time order: back is the earliest state, forward the latest.
  private double[] rho;
  private double logSumWeight;
  private double[] pBack;
  private double[] pForward;
  private Point back;
  private Point forward;
  private float[] momentumBack;
  private float[] momentumForward;
  private Point sample;

  private int depth;
  private boolean running = true;
  private boolean divergent;
  private boolean hitMaxDepth;
  private int leapfrogSteps;
  private double sumAcceptProbability;

  // The subtree being built.
  private int direction;
  private final Deque<Segment> stack = new ArrayDeque<>();
  private boolean subtreeValid;
  private Point subtreeLast;
  private float[] subtreeLastMomentum;

  /**
   * @param start the chain's current state
   * @param momentum its fresh momentum, drawn from N(0, M)
   */
  NutsTree(Point start, float[] momentum, double[] inverseMass, SplittableRandom random, int maxDepth) {
    this.inverseMass = inverseMass;
    this.random = random;
    this.maxDepth = maxDepth;
    double[] p = toDouble(momentum);
    this.h0 = energy(start.logProb(), p);
    this.rho = p.clone();
    this.logSumWeight = 0; // log exp(H0 - H0)
    this.pBack = p;
    this.pForward = p;
    this.back = start;
    this.forward = start;
    this.momentumBack = momentum;
    this.momentumForward = momentum;
    this.sample = start;
  }

  /** Whether the trajectory grows further. */
  boolean running() {
    return running;
  }

  /** Starts a subtree of 2^depth states in a random direction; returns it (+1 forward, -1 back). */
  int startSubtree() {
    direction = random.nextDouble() > 0.5 ? 1 : -1;
    stack.clear();
    subtreeValid = true;
    subtreeLast = null;
    return direction;
  }

  /** The state the subtree grows from: the tree's end in its direction. */
  Point growFrom() {
    return direction > 0 ? forward : back;
  }

  float[] growFromMomentum() {
    return direction > 0 ? momentumForward : momentumBack;
  }

  /** Whether the subtree being built still takes states (it has not failed). */
  boolean building() {
    return subtreeValid;
  }

  /**
   * The subtree's next state. Returns false when the subtree just became invalid (divergence or
   * a U-turn inside it): later states of it are to be ignored.
   */
  boolean addLeaf(Point point, float[] momentum) {
    double[] p = toDouble(momentum);
    double h = energy(point.logProb(), p);
    if (Double.isNaN(h)) {
      h = Double.POSITIVE_INFINITY;
    }
    leapfrogSteps++;
    double logWeight = h0 - h;
    sumAcceptProbability += logWeight > 0 ? 1 : Math.exp(logWeight);
    subtreeLast = point;
    subtreeLastMomentum = momentum;
    if (h - h0 > HmcTransition.DIVERGENCE_THRESHOLD) {
      divergent = true;
      subtreeValid = false;
      return false;
    }
    double[] sharp = sharp(p);
    Segment segment = new Segment(0, logWeight, point, p.clone(), p, p, sharp, sharp);
    while (!stack.isEmpty() && stack.peek().level == segment.level) {
      Segment left = stack.pop();
      segment = mergeInSubtree(left, segment);
      if (segment == null) {
        subtreeValid = false;
        return false;
      }
    }
    stack.push(segment);
    return true;
  }

  /** Uniform multinomial choice between two halves of a subtree, then the criterion; null if it fails. */
  private Segment mergeInSubtree(Segment left, Segment right) {
    double total = logSumExp(left.logSumWeight, right.logSumWeight);
    Point proposal = random.nextDouble() < Math.exp(right.logSumWeight - total) ? right.proposal : left.proposal;
    double[] rho = add(left.rho, right.rho);
    if (!persists(left.sharpBegin, left.pEnd, left.sharpEnd, left.rho, rho,
        right.sharpBegin, right.pBegin, right.sharpEnd, right.rho)) {
      return null;
    }
    return new Segment(left.level + 1, total, proposal, rho, left.pBegin, right.pEnd, left.sharpBegin,
        right.sharpEnd);
  }

  /**
   * Ends the subtree: an invalid one is dropped and ends the transition; a valid one joins the
   * tree, its proposal replaces the sample with probability min(1, w_subtree / w_tree), and the
   * criterion on the whole tree (and across the new seam) decides whether it grows again.
   */
  void finishSubtree() {
    if (!subtreeValid) {
      running = false;
      return;
    }
    Segment subtree = stack.pop();
    depth++;
    if (subtree.logSumWeight > logSumWeight
        || random.nextDouble() < Math.exp(subtree.logSumWeight - logSumWeight)) {
      sample = subtree.proposal;
    }
    logSumWeight = logSumExp(logSumWeight, subtree.logSumWeight);
    double[] merged = add(rho, subtree.rho);
    // The old tree in build order: its begin is the end away from the subtree.
    double[] treeBegin = direction > 0 ? pBack : pForward;
    double[] treeEnd = direction > 0 ? pForward : pBack;
    boolean persists = persists(sharp(treeBegin), treeEnd, sharp(treeEnd), rho, merged,
        subtree.sharpBegin, subtree.pBegin, subtree.sharpEnd, subtree.rho);
    rho = merged;
    if (direction > 0) {
      pForward = subtree.pEnd;
      forward = subtreeLast;
      momentumForward = subtreeLastMomentum;
    } else {
      pBack = subtree.pEnd;
      back = subtreeLast;
      momentumBack = subtreeLastMomentum;
    }
    if (!persists) {
      running = false;
    } else if (depth >= maxDepth) {
      hitMaxDepth = true;
      running = false;
    }
  }

  /**
   * The generalized no-U-turn criterion (Betancourt 2017) on the merge of a left and a right
   * segment (build order) and across its seam.
   */
  private static boolean persists(double[] leftSharpBegin, double[] leftPEnd, double[] leftSharpEnd,
      double[] leftRho, double[] rho, double[] rightSharpBegin, double[] rightPBegin, double[] rightSharpEnd,
      double[] rightRho) {
    return noUTurn(leftSharpBegin, rightSharpEnd, rho)
        && noUTurn(leftSharpBegin, rightSharpBegin, add(leftRho, rightPBegin))
        && noUTurn(leftSharpEnd, rightSharpEnd, add(rightRho, leftPEnd));
  }

  /** Both ends still move along rho: p#_begin . rho > 0 and p#_end . rho > 0. */
  static boolean noUTurn(double[] sharpBegin, double[] sharpEnd, double[] rho) {
    return dot(sharpBegin, rho) > 0 && dot(sharpEnd, rho) > 0;
  }

  private double energy(double logProb, double[] p) {
    double kinetic = 0;
    for (int d = 0; d < p.length; d++) {
      kinetic += p[d] * p[d] * inverseMass[d];
    }
    return -logProb + 0.5 * kinetic;
  }

  private double[] sharp(double[] p) {
    double[] out = new double[p.length];
    for (int d = 0; d < p.length; d++) {
      out[d] = inverseMass[d] * p[d];
    }
    return out;
  }

  Point sample() {
    return sample;
  }

  int depth() {
    return depth;
  }

  boolean divergent() {
    return divergent;
  }

  boolean hitMaxDepth() {
    return hitMaxDepth;
  }

  int leapfrogSteps() {
    return leapfrogSteps;
  }

  /** Stan's accept_stat: the mean of min(1, exp(H0 - H)) over every state built, rejected subtrees included. */
  double acceptStatistic() {
    return leapfrogSteps == 0 ? 0 : sumAcceptProbability / leapfrogSteps;
  }

  private static double[] toDouble(float[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i];
    }
    return out;
  }

  private static double[] add(double[] a, double[] b) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] + b[i];
    }
    return out;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  static double logSumExp(double a, double b) {
    double max = Math.max(a, b);
    if (max == Double.NEGATIVE_INFINITY) {
      return max;
    }
    return max + Math.log(Math.exp(a - max) + Math.exp(b - max));
  }
}
