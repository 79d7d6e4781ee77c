package dev.helmholtz.processor.model;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The distribution families the processor knows, by the runtime class that implements each.
 * What is decided at compile time from a family (reparameterizable or not, which KL divergences
 * are analytic) must agree with the runtime; {@code FamilyCatalogConsistencyTest} checks it.
 */
public enum Family implements NodeFamily {
  NORMAL("dev.helmholtz.dist", "Normal", true, false, null,
      new Factory("meanLogStd", "mean", "logStd"), new Factory("meanScale", "mean", "scale")),
  BERNOULLI("dev.helmholtz.dist", "Bernoulli", false, false, null,
      new Factory("logits", "logits"), new Factory("probs", "probs")),
  CATEGORICAL("dev.helmholtz.dist", "Categorical", false, true, null,
      new Factory("logits", "logits")),
  // The relaxed families' factories take a temperature first: not elementwise tensors, so the
  // shape check does not read them.
  RELAXED_BERNOULLI("dev.helmholtz.dist", "RelaxedBernoulli", true, false, BERNOULLI),
  RELAXED_ONE_HOT_CATEGORICAL("dev.helmholtz.dist", "RelaxedOneHotCategorical", true, true, CATEGORICAL),
  // Continuous elementwise families, reparameterized by location-scale or inverse-CDF draws.
  LAPLACE("dev.helmholtz.dist", "Laplace", true, false, null,
      new Factory("locScale", "loc", "scale"), new Factory("locLogScale", "loc", "logScale")),
  LOGISTIC("dev.helmholtz.dist", "Logistic", true, false, null,
      new Factory("locScale", "loc", "scale"), new Factory("locLogScale", "loc", "logScale")),
  CAUCHY("dev.helmholtz.dist", "Cauchy", true, false, null,
      new Factory("locScale", "loc", "scale"), new Factory("locLogScale", "loc", "logScale")),
  HALF_NORMAL("dev.helmholtz.dist", "HalfNormal", true, false, null,
      new Factory("scale", "scale"), new Factory("logScale", "logScale")),
  HALF_CAUCHY("dev.helmholtz.dist", "HalfCauchy", true, false, null,
      new Factory("scale", "scale"), new Factory("logScale", "logScale")),
  LOG_NORMAL("dev.helmholtz.dist", "LogNormal", true, false, null,
      new Factory("locScale", "loc", "scale"), new Factory("locLogScale", "loc", "logScale")),
  EXPONENTIAL("dev.helmholtz.dist", "Exponential", true, false, null,
      new Factory("rate", "rate"), new Factory("logRate", "logRate")),
  UNIFORM("dev.helmholtz.dist", "Uniform", true, false, null,
      new Factory("lowHigh", "low", "high")),
  // The count families: likelihoods of counts, and latents trained by score-function objectives.
  // Binomial's and Multinomial's factories take the total count first, not an elementwise tensor, so the shape check
  // does not read them.
  POISSON("dev.helmholtz.dist", "Poisson", false, false, null,
      new Factory("rate", "rate"), new Factory("logRate", "logRate")),
  BINOMIAL("dev.helmholtz.dist", "Binomial", false, false, null),
  GEOMETRIC("dev.helmholtz.dist", "Geometric", false, false, null,
      new Factory("logits", "logits"), new Factory("probs", "probs")),
  MULTINOMIAL("dev.helmholtz.dist", "Multinomial", false, false, null),
  // The gamma-based families, reparameterized by implicit differentiation of a gamma draw
  // (Figurnov et al. 2018); Student's t through its chi-square draw.
  STUDENT_T("dev.helmholtz.dist", "StudentT", true, false, null,
      new Factory("dfLocScale", "df", "loc", "scale"), new Factory("dfLocLogScale", "df", "loc", "logScale")),
  GAMMA("dev.helmholtz.dist", "Gamma", true, false, null,
      new Factory("concentrationRate", "concentration", "rate"),
      new Factory("logConcentrationLogRate", "logConcentration", "logRate")),
  INVERSE_GAMMA("dev.helmholtz.dist", "InverseGamma", true, false, null,
      new Factory("concentrationScale", "concentration", "scale"),
      new Factory("logConcentrationLogScale", "logConcentration", "logScale")),
  BETA("dev.helmholtz.dist", "Beta", true, false, null,
      new Factory("concentrations", "concentration1", "concentration0"),
      new Factory("logConcentrations", "logConcentration1", "logConcentration0")),
  // The concentrations have the event's shape: one simplex per event.
  DIRICHLET("dev.helmholtz.dist", "Dirichlet", true, false, null,
      new Factory("concentration", "concentration"), new Factory("logConcentration", "logConcentration")),
  // A full covariance over the vector event: a lower-triangular scale or a low rank plus a
  // diagonal. lowRankPacked comes first: every argument is a vector, which is how the catalog's
  // consistency test builds a family by its first factory.
  MULTIVARIATE_NORMAL("dev.helmholtz.dist", "MultivariateNormal", true, false, null,
      new Factory("lowRankPacked", List.of("loc", "packedFactor", "logCovDiag"),
          List.of(Width.EVENT, Width.MULTIPLE_OF_EVENT, Width.EVENT)),
      new Factory("locPackedTril", List.of("loc", "packed"), List.of(Width.EVENT, Width.TRIANGLE)),
      new Factory("locScaleTril", List.of("loc", "scaleTril"), List.of(Width.EVENT, Width.UNCHECKED)),
      new Factory("locUnconstrainedTril", List.of("loc", "matrix"), List.of(Width.EVENT, Width.UNCHECKED)),
      new Factory("lowRank", List.of("loc", "covFactor", "covDiag"),
          List.of(Width.EVENT, Width.UNCHECKED, Width.EVENT))),
  // A mixture of one family, which the declared type names as its type argument
  // (MixtureSameFamily<Normal>); a generator may also return a mixture of its node's family.
  MIXTURE_SAME_FAMILY("dev.helmholtz.dist", "MixtureSameFamily", false, false, null),
  // The likelihood of 8-bit intensities (PixelCNN++): discrete, so not reparameterized.
  DISCRETIZED_LOGISTIC("dev.helmholtz.dist", "DiscretizedLogistic", false, false, null,
      new Factory("locScale", "loc", "scale"), new Factory("locLogScale", "loc", "logScale")),
  // Its factory takes the component count first and parameters of K entries per element, not
  // elementwise tensors of the event's width: the shape check does not read it.
  DISCRETIZED_LOGISTIC_MIXTURE("dev.helmholtz.dist", "DiscretizedLogisticMixture", false, false, null);

  /** The families whose KL to themselves has no closed form: the runtime estimates it. */
  private static final Set<Family> MONTE_CARLO_SELF_KL = EnumSet.of(LOGISTIC, HALF_CAUCHY, STUDENT_T, MIXTURE_SAME_FAMILY,
      DISCRETIZED_LOGISTIC, DISCRETIZED_LOGISTIC_MIXTURE);

  /** The families whose draws are reparameterized by implicit differentiation of a gamma draw. */
  private static final Set<Family> IMPLICITLY_REPARAMETERIZED =
      EnumSet.of(STUDENT_T, GAMMA, INVERSE_GAMMA, BETA, DIRICHLET);

  /**
   * A static factory of the runtime class whose parameters are tensors the shape check reads:
   * each of a width that the node's event width fixes (see {@link Width}). Most families' are all
   * elementwise: the distribution's event shape is theirs, broadcast against each other.
   */
  public record Factory(String method, List<String> parameters, List<Width> widths) {
    public Factory {
      parameters = List.copyOf(parameters);
      widths = List.copyOf(widths);
      if (parameters.size() != widths.size()) {
        throw new IllegalArgumentException("one width per parameter of " + method);
      }
    }

    public Factory(String method, List<String> parameters) {
      this(method, parameters, parameters.stream().map(p -> Width.EVENT).toList());
    }

    Factory(String method, String... parameters) {
      this(method, List.of(parameters));
    }
  }

  /** What a factory argument's last axis must be for a node of event width d. */
  public enum Width {
    /** d, or 1 to broadcast: an elementwise parameter. */
    EVENT,
    /** d (d + 1) / 2: a packed lower triangle of a d x d scale. */
    TRIANGLE,
    /** A multiple r d of d: a d x r factor read row by row. */
    MULTIPLE_OF_EVENT,
    /** Not a vector the check can read (a [n, d, d] matrix). */
    UNCHECKED
  }

  private final String packageName;
  private final String simpleName;
  private final boolean reparameterized;
  private final boolean categorical;
  private final Family relaxationOf;
  private final List<Factory> factories;

  Family(String packageName, String simpleName, boolean reparameterized, boolean categorical,
      Family relaxationOf, Factory... factories) {
    this.packageName = packageName;
    this.simpleName = simpleName;
    this.reparameterized = reparameterized;
    this.categorical = categorical;
    this.relaxationOf = relaxationOf;
    this.factories = List.of(factories);
  }

  /** The factories that build the family from elementwise parameters (not the priors). */
  public List<Factory> factories() {
    return factories;
  }

  /** A runtime family's KLs are the pairs {@link #hasAnalyticKlTo(Family)} lists; a user's are Monte Carlo. */
  @Override
  public boolean analyticKlTo(NodeFamily prior) {
    return prior instanceof Family family && hasAnalyticKlTo(family);
  }

  public String packageName() {
    return packageName;
  }

  public String simpleName() {
    return simpleName;
  }

  public String qualifiedName() {
    return packageName + "." + simpleName;
  }

  /** Whether the runtime family draws reparameterized samples (gradients pass through them). */
  public boolean reparameterized() {
    return reparameterized;
  }

  /**
   * Whether the family's log-density is a sum over the event's entries (or, for a categorical
   * family, over groups of {@code @Latent(classes)} entries), so that an event of any rank can be
   * scored as its flat row-major vector. False for a family whose last axis is one multivariate
   * variable (a Multinomial's categories): a family added here that couples the entries of its
   * last axis (a multivariate Normal, a Dirichlet) belongs in this list.
   */
  @Override
  public boolean elementwise() {
    return switch (this) {
      case MULTINOMIAL, DIRICHLET, MULTIVARIATE_NORMAL, MIXTURE_SAME_FAMILY, DISCRETIZED_LOGISTIC_MIXTURE -> false;
      default -> true;
    };
  }

  /**
   * Whether the draws' gradients are implicit (Figurnov et al. 2018): through a gamma draw, whose
   * derivative in its concentration is -(dF/d alpha) / f. For the objective such a family is
   * reparameterized like any other; the model report says which.
   */
  @Override
  public boolean implicitlyReparameterized() {
    return IMPLICITLY_REPARAMETERIZED.contains(this);
  }

  /** Whether events are one-hot groups of {@code @Latent(classes)} entries. */
  public boolean categorical() {
    return categorical;
  }

  /** The discrete family this one is a Concrete relaxation of, if it is one. */
  public Optional<Family> relaxationOf() {
    return Optional.ofNullable(relaxationOf);
  }

  /** The Concrete relaxation of this discrete family, if the runtime has one. */
  public Optional<Family> relaxation() {
    return Arrays.stream(values()).filter(f -> f.relaxationOf == this).findFirst();
  }

  /**
   * Whether the runtime registers an analytic KL(this || prior): for a family and itself (but
   * Logistic, HalfCauchy, StudentT, the mixture and the discretized logistics), a relaxed family and its
   * discrete one (whose KL it is), the multivariate Normal and the diagonal one either way, and
   * the runtime's {@code CrossFamilyKl} pairs of two different families.
   */
  public boolean hasAnalyticKlTo(Family prior) {
    boolean gaussians = (this == MULTIVARIATE_NORMAL && prior == NORMAL) || (this == NORMAL && prior == MULTIVARIATE_NORMAL);
    return (this == prior && !MONTE_CARLO_SELF_KL.contains(this)) || relaxationOf == prior || gaussians
        || CROSS_FAMILY_KL.getOrDefault(this, Set.of()).contains(prior);
  }

  /** The runtime's analytic KL(q || p) of two different families ({@code CrossFamilyKl}), by q. */
  private static final Map<Family, Set<Family>> CROSS_FAMILY_KL = Map.of(
      EXPONENTIAL, Set.of(GAMMA, HALF_NORMAL),
      GAMMA, Set.of(EXPONENTIAL),
      HALF_NORMAL, Set.of(EXPONENTIAL),
      LAPLACE, Set.of(NORMAL),
      NORMAL, Set.of(LAPLACE),
      UNIFORM, Set.of(NORMAL, LAPLACE, EXPONENTIAL, HALF_NORMAL),
      BETA, Set.of(UNIFORM));

  /**
   * Why a latent of this family cannot go without a {@code @Generator}, when the family has no
   * standard prior; empty when it has one (the generated code then uses it).
   */
  public Optional<String> noStandardPrior() {
    return switch (this) {
      case POISSON -> Optional.of("no rate is a natural default");
      case STUDENT_T -> Optional.of("no degrees of freedom are a natural default");
      case DISCRETIZED_LOGISTIC, DISCRETIZED_LOGISTIC_MIXTURE -> Optional.of("it is a likelihood of 8-bit intensities, with no natural "
          + "location and scale");
      case BINOMIAL, MULTINOMIAL ->
          Optional.of("its total count is given where the distribution is built, not by the node");
      case MIXTURE_SAME_FAMILY -> Optional.of("a mixture's components and weights are what its prior says");
      default -> Optional.empty();
    };
  }

  public static Optional<Family> forQualifiedName(String name) {
    return Arrays.stream(values()).filter(f -> f.qualifiedName().equals(name)).findFirst();
  }

  /** The family names, for messages: "Normal, Bernoulli". */
  public static String knownNames() {
    return String.join(", ", Arrays.stream(values()).map(Family::simpleName).toList());
  }
}
