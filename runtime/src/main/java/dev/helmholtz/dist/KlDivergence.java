package dev.helmholtz.dist;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * KL(q || p): a thread-safe registry of analytic formulas keyed by the pair of classes, plus a
 * single-sample Monte Carlo estimate. All results are summed over the event (last) axis.
 *
 * <p>Lookup is by exact class pair first, then by superclasses of q and p (q's chain outermost).
 * Registering a pair again replaces the earlier formula.
 *
 * <p>Built in: Normal || Normal, Bernoulli || Bernoulli, Categorical || Categorical (same classes
 * per variable), and for the relaxed families the KL of their discrete distributions:
 * RelaxedBernoulli || RelaxedBernoulli, RelaxedBernoulli || Bernoulli, RelaxedOneHotCategorical ||
 * RelaxedOneHotCategorical and RelaxedOneHotCategorical || Categorical. That is the objective of
 * the Gumbel-softmax VAE (Jang et al. 2017): the KL of the discrete latent, not the KL between the
 * relaxed densities. The elementwise continuous families' pairs with a closed form are in {@link
 * ElementwiseKl}: Laplace, Cauchy, HalfNormal, LogNormal, Exponential and Uniform, each with
 * itself; the gamma-based families' in {@link GammaFamilyKl}: Gamma, InverseGamma, Beta and
 * Dirichlet, each with itself. The multivariate Normal's are in {@link MultivariateKl}: with
 * itself and with a diagonal Normal either way. Pairs of two different families with a closed
 * form are in {@link CrossFamilyKl}: Exponential and Gamma either way, HalfNormal and Exponential
 * either way, Laplace and Normal either way, Uniform against Normal, Laplace, Exponential and
 * HalfNormal, and Beta against Uniform.
 */
public final class KlDivergence {

  private record Key(Class<?> q, Class<?> p) {}

  private static final Map<Key, BiFunction<Distribution, Distribution, Operand<TFloat32>>>
      REGISTRY = new ConcurrentHashMap<>();

  static {
    register(Normal.class, Normal.class, KlDivergence::normalNormal);
    register(Bernoulli.class, Bernoulli.class, KlDivergence::bernoulliBernoulli);
    register(Categorical.class, Categorical.class, KlDivergence::categoricalCategorical);
    // The relaxed families are discrete models trained through a relaxation: their KL is their
    // discrete distributions' (the Gumbel-softmax VAE objective of Jang et al. 2017), not the KL
    // between the relaxed densities (which has no closed form).
    register(RelaxedBernoulli.class, RelaxedBernoulli.class,
        (q, p) -> bernoulliBernoulli(q.discrete(), p.discrete()));
    register(RelaxedBernoulli.class, Bernoulli.class,
        (q, p) -> bernoulliBernoulli(q.discrete(), p));
    register(RelaxedOneHotCategorical.class, RelaxedOneHotCategorical.class,
        (q, p) -> categoricalCategorical(q.discrete(), p.discrete()));
    register(RelaxedOneHotCategorical.class, Categorical.class,
        (q, p) -> categoricalCategorical(q.discrete(), p));
    // The count families, each against itself (Binomial only for the same total count).
    register(Poisson.class, Poisson.class, KlDivergence::poissonPoisson);
    register(Binomial.class, Binomial.class, KlDivergence::binomialBinomial);
    register(Geometric.class, Geometric.class, KlDivergence::geometricGeometric);
    register(Multinomial.class, Multinomial.class, KlDivergence::multinomialMultinomial);
    ElementwiseKl.registerAll();
    GammaFamilyKl.registerAll();
    MultivariateKl.registerAll();
    CrossFamilyKl.registerAll();
  }

  private KlDivergence() {}

  public static boolean hasAnalytic(
      Class<? extends Distribution> q, Class<? extends Distribution> p) {
    return lookup(Objects.requireNonNull(q, "q"), Objects.requireNonNull(p, "p")) != null;
  }

  /**
   * Analytic KL(q || p), summed over the event axis.
   *
   * @throws IllegalArgumentException naming both families when no formula is registered
   */
  public static Operand<TFloat32> analytic(Distribution q, Distribution p) {
    Objects.requireNonNull(q, "q");
    Objects.requireNonNull(p, "p");
    BiFunction<Distribution, Distribution, Operand<TFloat32>> kl =
        lookup(q.getClass(), p.getClass());
    if (kl == null) {
      throw new IllegalArgumentException(
          "no analytic KL divergence registered for KL("
              + q.familyName()
              + " || "
              + p.familyName()
              + "); register one with KlDivergence.register or use KlDivergence.monteCarlo");
    }
    return kl.apply(q, p);
  }

  public static <Q extends Distribution, P extends Distribution> void register(
      Class<Q> q, Class<P> p, BiFunction<? super Q, ? super P, Operand<TFloat32>> kl) {
    Objects.requireNonNull(q, "q");
    Objects.requireNonNull(p, "p");
    Objects.requireNonNull(kl, "kl");
    REGISTRY.put(new Key(q, p), (a, b) -> kl.apply(q.cast(a), p.cast(b)));
  }

  /** Single-draw estimate {@code q.logProb(z) - p.logProb(z)} for a draw z from q. */
  public static Operand<TFloat32> monteCarlo(
      Distribution q, Distribution p, Operand<TFloat32> drawFromQ) {
    Objects.requireNonNull(q, "q");
    Objects.requireNonNull(p, "p");
    Objects.requireNonNull(drawFromQ, "drawFromQ");
    return q.tf().math.sub(q.logProb(drawFromQ), p.logProb(drawFromQ));
  }

  private static BiFunction<Distribution, Distribution, Operand<TFloat32>> lookup(
      Class<?> q, Class<?> p) {
    for (Class<?> qc = q; qc != null && Distribution.class.isAssignableFrom(qc);
        qc = qc.getSuperclass()) {
      for (Class<?> pc = p; pc != null && Distribution.class.isAssignableFrom(pc);
          pc = pc.getSuperclass()) {
        BiFunction<Distribution, Distribution, Operand<TFloat32>> kl =
            REGISTRY.get(new Key(qc, pc));
        if (kl != null) {
          return kl;
        }
      }
    }
    return null;
  }

  /**
   * With r = sq / sp: 0.5 * (r^2 + ((mq - mp) / sp)^2 - 1) - log r, where log r = log sq - log sp.
   */
  private static Operand<TFloat32> normalNormal(Normal q, Normal p) {
    Ops tf = q.tf();
    if (p.isStandard()) {
      // KL(q || N(0, 1)) = 0.5 * (sq^2 + mq^2 - 1) - log sq. sq^2 squares the scale q already
      // holds (exp(log sq) for meanLogStd), rather than a second Exp of 2 log sq, at every step.
      Operand<TFloat32> variance = tf.math.square(q.scale());
      Operand<TFloat32> kl = tf.math.sub(
          tf.math.mul(tf.constant(0.5f),
              tf.math.sub(tf.math.add(variance, tf.math.square(q.loc())), tf.constant(1f))),
          q.logScale());
      return DistOps.sumEvent(tf, kl);
    }
    Operand<TFloat32> logRatio = tf.math.sub(q.logScale(), p.logScale());
    Operand<TFloat32> ratioSq = tf.math.exp(tf.math.mul(tf.constant(2f), logRatio));
    Operand<TFloat32> diffSq =
        tf.math.square(tf.math.div(tf.math.sub(q.loc(), p.loc()), p.scale()));
    Operand<TFloat32> kl =
        tf.math.sub(
            tf.math.mul(
                tf.constant(0.5f), tf.math.sub(tf.math.add(ratioSq, diffSq), tf.constant(1f))),
            logRatio);
    return DistOps.sumEvent(tf, kl);
  }

  /**
   * sum(softmax(lq) * (logSoftmax(lq) - logSoftmax(lp))) within each group, summed over the event
   * axis.
   *
   * @throws IllegalArgumentException when q and p group the event axis by different class counts
   */
  private static Operand<TFloat32> categoricalCategorical(Categorical q, Categorical p) {
    if (q.classes() != p.classes()) {
      throw new IllegalArgumentException(
          "KL(Categorical || Categorical): q has " + q.classes() + " classes per variable and p "
              + p.classes() + "; both must group the event axis alike");
    }
    Ops tf = q.tf();
    Operand<TFloat32> kl =
        tf.math.mul(q.probs(), tf.math.sub(q.logProbs(), p.logProbs()));
    return DistOps.sumEvent(tf, kl);
  }

  /** sigmoid(lq) * (lq - lp) + softplus(lp) - softplus(lq). */
  private static Operand<TFloat32> bernoulliBernoulli(Bernoulli q, Bernoulli p) {
    Ops tf = q.tf();
    Operand<TFloat32> lq = q.logits();
    Operand<TFloat32> lp = p.logits();
    Operand<TFloat32> kl =
        tf.math.add(
            tf.math.mul(tf.math.sigmoid(lq), tf.math.sub(lq, lp)),
            tf.math.sub(tf.math.softplus(lp), tf.math.softplus(lq)));
    return DistOps.sumEvent(tf, kl);
  }

  /** rq (log rq - log rp) - rq + rp. */
  private static Operand<TFloat32> poissonPoisson(Poisson q, Poisson p) {
    Ops tf = q.tf();
    Operand<TFloat32> kl = tf.math.add(
        tf.math.sub(tf.math.mul(q.rate(), tf.math.sub(q.logRate(), p.logRate())), q.rate()),
        p.rate());
    return DistOps.sumEvent(tf, kl);
  }

  /**
   * n times the KL of one trial's Bernoulli distributions.
   *
   * @throws IllegalArgumentException when q and p have different total counts (the KL is then
   *     infinite, or a sum over counts with no closed form)
   */
  private static Operand<TFloat32> binomialBinomial(Binomial q, Binomial p) {
    if (q.totalCount() != p.totalCount()) {
      throw new IllegalArgumentException(
          "KL(Binomial || Binomial): q has total count " + q.totalCount() + " and p "
              + p.totalCount() + "; the analytic KL needs the same total count");
    }
    Ops tf = q.tf();
    Operand<TFloat32> lq = q.logits();
    Operand<TFloat32> lp = p.logits();
    Operand<TFloat32> trial =
        tf.math.add(
            tf.math.mul(tf.math.sigmoid(lq), tf.math.sub(lq, lp)),
            tf.math.sub(tf.math.softplus(lp), tf.math.softplus(lq)));
    return DistOps.sumEvent(tf, tf.math.mul(tf.constant((float) q.totalCount()), trial));
  }

  /**
   * log pq - log pp + E_q[k] (log(1 - pq) - log(1 - pp)), with log p = -softplus(-l), log(1 - p)
   * = -softplus(l) and E_q[k] = exp(-lq).
   */
  private static Operand<TFloat32> geometricGeometric(Geometric q, Geometric p) {
    Ops tf = q.tf();
    Operand<TFloat32> lq = q.logits();
    Operand<TFloat32> lp = p.logits();
    Operand<TFloat32> success = tf.math.sub(
        tf.math.softplus(tf.math.neg(lp)), tf.math.softplus(tf.math.neg(lq)));
    Operand<TFloat32> failures = tf.math.mul(tf.math.exp(tf.math.neg(lq)),
        tf.math.sub(tf.math.softplus(lp), tf.math.softplus(lq)));
    return DistOps.sumEvent(tf, tf.math.add(success, failures));
  }

  /**
   * n times the KL of one draw's categorical distributions.
   *
   * @throws IllegalArgumentException when q and p have different total counts or categories
   */
  private static Operand<TFloat32> multinomialMultinomial(Multinomial q, Multinomial p) {
    if (q.totalCount() != p.totalCount() || q.categories() != p.categories()) {
      throw new IllegalArgumentException(
          "KL(Multinomial || Multinomial): q has total count " + q.totalCount() + " over "
              + q.categories() + " categories and p " + p.totalCount() + " over " + p.categories()
              + "; the analytic KL needs the same of both");
    }
    Ops tf = q.tf();
    Operand<TFloat32> oneDraw = categoricalCategorical(
        Categorical.logits(q.logits(), q.categories()), Categorical.logits(p.logits(), p.categories()));
    return tf.math.mul(tf.constant((float) q.totalCount()), oneDraw);
  }
}
