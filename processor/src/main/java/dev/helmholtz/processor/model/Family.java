package dev.helmholtz.processor.model;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
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
  // The likelihood of 8-bit intensities (PixelCNN++): discrete, so not reparameterized.
  DISCRETIZED_LOGISTIC("dev.helmholtz.dist", "DiscretizedLogistic", false, false, null,
      new Factory("locScale", "loc", "scale"), new Factory("locLogScale", "loc", "logScale")),
  // Its factory takes the component count first and parameters of K entries per element, not
  // elementwise tensors of the event's width: the shape check does not read it.
  DISCRETIZED_LOGISTIC_MIXTURE("dev.helmholtz.dist", "DiscretizedLogisticMixture", false, false, null);

  /**
   * The families reparameterized by implicit differentiation of the CDF (Figurnov et al. 2018);
   * the others that reparameterize transform parameter-free noise.
   */
  private static final Set<Family> IMPLICIT_REPARAMETERIZATION = EnumSet.noneOf(Family.class);

  /** The families whose KL to themselves has no closed form: the runtime estimates it. */
  private static final Set<Family> MONTE_CARLO_SELF_KL = EnumSet.of(LOGISTIC, HALF_CAUCHY, DISCRETIZED_LOGISTIC,
      DISCRETIZED_LOGISTIC_MIXTURE);

  /**
   * A static factory of the runtime class whose parameters are all elementwise tensors: the
   * distribution's event shape is theirs, broadcast against each other.
   */
  public record Factory(String method, List<String> parameters) {
    Factory(String method, String... parameters) {
      this(method, List.of(parameters));
    }
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

  @Override
  public boolean implicitlyReparameterized() {
    return IMPLICIT_REPARAMETERIZATION.contains(this);
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
   * Logistic, HalfCauchy and the discretized logistics), and a relaxed family and its discrete one (whose KL it is).
   */
  public boolean hasAnalyticKlTo(Family prior) {
    return (this == prior && !MONTE_CARLO_SELF_KL.contains(this)) || relaxationOf == prior;
  }

  /**
   * Why a latent of this family cannot go without a {@code @Generator}, when the family has no
   * standard prior; empty when it has one (the generated code then uses it).
   */
  public Optional<String> noStandardPrior() {
    return switch (this) {
      case POISSON -> Optional.of("no rate is a natural default");
      case DISCRETIZED_LOGISTIC, DISCRETIZED_LOGISTIC_MIXTURE -> Optional.of("it is a likelihood of 8-bit intensities, with no natural "
          + "location and scale");
      case BINOMIAL, MULTINOMIAL ->
          Optional.of("its total count is given where the distribution is built, not by the node");
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
