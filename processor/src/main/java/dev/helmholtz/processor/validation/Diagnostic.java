package dev.helmholtz.processor.validation;

import java.util.Locale;
import javax.tools.Diagnostic.Kind;

/**
 * Every message the processor can report, in one place. Each has a stable tag users can search
 * for (and, for warnings, silence with {@code @SuppressWarnings("helmholtz:<tag>")}); the message
 * names the model's nodes and says how to fix the problem. Arguments are {@link String#format}
 * arguments.
 */
public enum Diagnostic {
  // --- The model class -------------------------------------------------------------------
  MODEL_CLASS_NOT_INSTANTIABLE("ModelClass", Kind.ERROR,
      "model class %s %s; generated code must create it with `new %s()`: %s"),
  MODEL_CLASS_GENERIC("ModelClassGeneric", Kind.ERROR,
      "model class %s declares type parameters %s; a model class cannot be generic, because the "
          + "generated code must name one concrete type"),
  GENERATED_NAME_INVALID("GeneratedName", Kind.ERROR,
      "@Model(name = \"%s\") %s; give the simple name of the class to generate"),
  GENERATED_NAME_TAKEN("GeneratedNameTaken", Kind.ERROR,
      "cannot generate class %s: %s; give the generated class another name with @Model(name = \"...\")"),
  GENERATED_NAME_RESERVED("GeneratedNameReserved", Kind.ERROR,
      "cannot generate class %s: %s is the simple name of %s, which generated code uses, and the "
          + "generated class would shadow it in %s (`import %s.*;` would find the generated class "
          + "instead); give the generated class another name with @Model(name = \"...\")"),
  NO_OBSERVED_NODE("NoObservedNode", Kind.ERROR,
      "model %s declares no @Observed node; a generative model needs at least one node to fit to data"),
  SAMPLES_INVALID("Samples", Kind.ERROR,
      "samples = %d, but the %s objective %s"),
  ANNOTATION_OUTSIDE_MODEL("NotInModel", Kind.ERROR,
      "%s is used in %s, which is not annotated @Model; annotate the class with @Model or remove %s"),

  // --- Nodes -----------------------------------------------------------------------------
  DUPLICATE_NODE("DuplicateNode", Kind.ERROR,
      "node '%s' is declared twice (first by field '%s'); give one of them a different name"),
  NODE_REDECLARED("NodeRedeclared", Kind.ERROR,
      "node '%s' is already declared by field '%s' of superclass %s; a model class inherits its "
          + "superclasses' nodes and cannot redeclare one: remove field '%s', or give it another name"),
  LATENT_AND_OBSERVED("NodeKind", Kind.ERROR,
      "field '%s' is annotated both @Latent and @Observed; a node is either inferred or observed"),
  UNKNOWN_FAMILY("UnknownFamily", Kind.ERROR,
      "node '%s' has type %s, which is not a distribution family; declare it as one of: %s; or "
          + "write a family of your own: a class extending dev.helmholtz.dist.Distribution, marked @Family"),
  FAMILY_NOT_MARKED("FamilyNotMarked", Kind.ERROR,
      "node '%s' has type %s, which extends Distribution but is not marked as a family; annotate "
          + "%s with @Family(reparameterization = ..., factories = {...}) to say what the processor "
          + "cannot infer from its code: whether its draws carry gradients, the static factories "
          + "networks build it with, and its standard prior if it has one"),
  FAMILY_NOT_DISTRIBUTION("FamilyNotDistribution", Kind.ERROR,
      "node '%s' has type %s, which is marked @Family but does not extend "
          + "dev.helmholtz.dist.Distribution; a family implements the runtime's distribution contract "
          + "(logProb, sample, rsample, reparameterization, entropy, mean, shape, mapParameters): "
          + "make %s extend Distribution"),
  FAMILY_CLASS("FamilyClass", Kind.ERROR,
      "node '%s' has type %s, which %s; generated code declares variables of a family's type and "
          + "calls its static methods: make it a public, concrete, non-generic class (static, if nested)"),
  FAMILY_FACTORY("FamilyFactory", Kind.ERROR,
      "node '%s' has type %s, whose @Family(factories) %s; a factory is a public static method of "
          + "the family that returns it and takes only Operand<TFloat32> parameters of the node's "
          + "event shape (or broadcasting to it), which networks build the family from: the "
          + "processor checks the widths of what they pass"),
  FAMILY_STANDARD_PRIOR("FamilyStandardPrior", Kind.ERROR,
      "node '%s' has type %s, whose @Family(standardPrior = \"%s\") %s; a standard prior is a "
          + "public static method (Ops tf, Operand<TInt64> shape) returning the family's standard "
          + "member of that shape: fix it, or remove standardPrior and give each latent of %s a @Generator"),
  FAMILY_KL("FamilyKl", Kind.ERROR,
      "node '%s' has type %s, whose @Family(kl = \"%s\") %s; an analytic KL is a public static "
          + "method (%s q, %s p) returning Operand<TFloat32>, KL(q || p) summed over the event axis: fix "
          + "it, or remove kl for the Monte Carlo estimate"),
  EVENT_SHAPE_INVALID("EventShape", Kind.ERROR,
      "node '%s' has event shape %s; an event shape lists one or more sizes, each at least 1, "
          + "whose product (the scalars in one event) is at most 2147483647"),
  EVENT_RANK_UNSUPPORTED("EventRank", Kind.ERROR,
      "node '%s' has event shape %s of rank %d, but %s; %s"),
  MIXTURE_COMPONENTS("MixtureComponents", Kind.ERROR,
      "node '%s' is declared %s; a mixture names its components' family as its type argument, "
          + "one of the other families: declare it MixtureSameFamily<Normal>, for example"),
  NOT_REPARAMETERIZED("NotReparameterized", Kind.ERROR,
      "latent '%s' is %s, which has no reparameterized sampler, so the %s objective cannot "
          + "differentiate through its samples; %s"),
  RELAXED_OBJECTIVE("RelaxedObjective", Kind.ERROR,
      "latent '%s' is %s, a Concrete relaxation of %s trained by the ELBO with the analytic KL of "
          + "the discrete latent (Jang et al. 2017), but %s; %s"),
  CLASSES_INVALID("Classes", Kind.ERROR,
      "@Latent(classes = %d) on node '%s': %s"),
  ENUMERATE_INVALID("Enumerate", Kind.ERROR,
      "@Latent(%s) on node '%s': %s"),
  ENUMERATED_ENCODER_INPUT("EnumeratedEncoderInput", Kind.ERROR,
      "parameter '%s' of %s() is a latent, but '%s' is summed out by enumeration, so its encoder runs "
          + "once per example on observed nodes only: q(%s | observed nodes); remove the parameter"),

  // --- Networks --------------------------------------------------------------------------
  UNKNOWN_TARGET("UnknownNode", Kind.ERROR,
      "%s(\"%s\") names no node; the model declares: %s"),
  DUPLICATE_NETWORK("DuplicateNetwork", Kind.ERROR,
      "node '%s' already has an %s, %s(); declare one %s per node"),
  ENCODER_FOR_OBSERVED("EncoderForObserved", Kind.ERROR,
      "@Encoder(\"%s\") targets an observed node; encoders infer latents: q(latent | observed nodes)"),
  NO_ENCODER("NoEncoder", Kind.ERROR,
      "latent '%s' has no @Encoder, so the %s objective cannot infer it; add a method "
          + "annotated @Encoder(\"%s\") that returns q(%s | observed nodes)"),
  OBSERVED_NOT_GENERATED("ObservedNotGenerated", Kind.ERROR,
      "observed node '%s' has no @Generator, so its likelihood p(%s | ...) is undefined; add a "
          + "method annotated @Generator(\"%s\")"),
  NO_STANDARD_PRIOR("NoStandardPrior", Kind.ERROR,
      "latent '%s' is %s, which has no standard prior (%s), so its prior must be written: add a "
          + "method annotated @Generator(\"%s\") that returns p(%s | ...)"),
  GIVEN_NODE_GENERATED("GivenGenerated", Kind.ERROR,
      "@Generator(\"%s\") targets a given node; node '%s' is declared @Observed(given = true), which "
          + "the model conditions on without modelling it: remove %s() or given = true"),
  RETURN_TYPE_MISMATCH("ReturnType", Kind.ERROR,
      "%s(\"%s\") method %s() returns %s, but node '%s' is declared %s; return %s"),
  UNBOUND_PARAMETER("UnboundParameter", Kind.ERROR,
      "parameter '%s' of %s() names no node; network parameters are bound to nodes by name, and "
          + "the model declares: %s"),
  SELF_PARAMETER("SelfParameter", Kind.ERROR,
      "parameter '%s' of %s() is the node the network defines; %s(%s | ...) cannot condition on %s itself"),
  PARAMETER_TYPE("ParameterType", Kind.ERROR,
      "parameter '%s' of %s() has type %s; a network parameter is Operand<TFloat32> (a node's "
          + "value) or Nn (the layer helper)"),
  SECOND_LAYER_HELPER("LayerHelper", Kind.ERROR,
      "parameter '%s' of %s() is a second Nn; a network takes at most one layer helper"),
  NETWORK_NAME_SHARED("NetworkName", Kind.ERROR,
      "%s method %s() has the same name as %s method %s(); a network's variables are scoped by "
          + "its method's name, so the two would share or clash over weights: rename one"),
  SHAPE_MISMATCH("ShapeMismatch", Kind.ERROR,
      "%s(\"%s\") %s() returns %s.%s whose %s, but %s '%s' declares shape %s; %s"),
  NETWORK_OVERRIDE("NetworkOverride", Kind.ERROR,
      "%s(\"%s\") on %s() conflicts with the method it overrides, %s(\"%s\") %s() of %s: an "
          + "override of a network method stays that network; remove the annotation, or make it %s(\"%s\")"),
  NETWORK_NOT_CALLABLE("NetworkAccess", Kind.ERROR,
      "%s method %s() %s; generated code calls it on a model instance: %s"),

  // --- Normalizing flows -----------------------------------------------------------------
  FLOW_NODE_TYPE("FlowNodeType", Kind.ERROR,
      "node '%s' is declared TransformedDistribution, but a flow is a latent's posterior or prior, "
          + "not its family: declare '%s' with its prior's family (Normal, whose standard prior it then "
          + "takes) and return the flow from its @Encoder (a flow posterior) or its @Generator (a flow prior)"),
  FLOW_BASE("FlowBase", Kind.ERROR,
      "%s(\"%s\") %s() returns a TransformedDistribution for latent '%s', which is %s: %s; declare "
          + "'%s' Normal (or another reparameterized continuous family) to give it a flow"),
  FLOW_TARGET("FlowTarget", Kind.ERROR,
      "%s(\"%s\") %s() returns a TransformedDistribution for %s"),
  FLOW_OBJECTIVE("FlowObjective", Kind.ERROR,
      "@Encoder(\"%s\") %s() returns a flow posterior, but the %s objective scores values %s under "
          + "q(%s | ...), which a flow can do only through its inverse (d passes of an "
          + "autoregressive network, and none at all for planar flows): train it with ELBO, IWAE, NVIL "
          + "or VIMCO, or return %s"),

  // --- The graph -------------------------------------------------------------------------
  GENERATIVE_CYCLE("Cycle", Kind.ERROR,
      "the generative graph has a cycle: %s; a node cannot be generated from itself, directly "
          + "or through other nodes"),
  INFERENCE_CYCLE("InferenceCycle", Kind.ERROR,
      "the encoders form a cycle: %s; each latent must be inferable from observed nodes and "
          + "latents inferred before it"),

  // --- Global latents (model parameters with priors) ------------------------------------
  GLOBAL_FAMILY("GlobalFamily", Kind.ERROR,
      "global latent '%s' is %s; HMC and variational inference over global latents need a "
          + "continuous latent on the whole real line: declare it Normal"),
  GLOBAL_ENCODER("GlobalEncoder", Kind.ERROR,
      "@Encoder(\"%s\") %s() would infer global latent '%s' per example, but a global latent has one "
          + "value for the whole data set, inferred from all of it (by HMC or VI in a model of global latents "
          + "only; by a mean-field posterior trained with the encoders beside per-example latents): remove "
          + "%s(), or remove global = true to make '%s' a per-example latent"),
  GLOBAL_PRIOR_PARENT("GlobalPriorParent", Kind.ERROR,
      "parameter '%s' of %s() is %s, but %s() is the prior of global latent '%s', which may depend "
          + "only on other global latents: one value for the whole data set cannot depend on a "
          + "per-example node; %s"),
  GLOBAL_OBSERVED_PARENT("GlobalObservedParent", Kind.ERROR,
      "parameter '%s' of %s() is observed node '%s', which the model generates; in a model of "
          + "global latents an observed node's @Generator takes global latents and given nodes, so "
          + "that the likelihood factorizes over examples given the global latents: declare '%s' "
          + "@Observed(given = true) to condition on it"),
  GLOBAL_MODEL_UNSUPPORTED("GlobalModel", Kind.ERROR,
      "model %s has global latents (%s) and %s; %s"),
  DRAW_AXIS_WITHOUT_GLOBAL("DrawAxis", Kind.ERROR,
      "@Generator(drawAxis = true) on %s(), the generator of '%s', which takes no global latent: the draw "
          + "axis is that of the global latents' draws, [R, width], so there is none to see; remove drawAxis, "
          + "or take a global latent"),
  GLOBAL_OBJECTIVE("GlobalObjective", Kind.ERROR,
      "@Model(objective) on model %s, whose latents are all global (%s): no per-example objective "
          + "trains it, since its posterior given the data set is sampled by HMC or fitted by VI (the "
          + "generated hmc(data) and variational(data)), so the objective would be ignored: remove it"),

  // --- Adversarial models ----------------------------------------------------------------
  DISCRIMINATOR_NOT_GENERATED("DiscriminatorNotGenerated", Kind.ERROR,
      "@Discriminator(\"%s\") judges node '%s', which %s; a discriminator compares an observed "
          + "node's data with what a deterministic @Generator makes of noise: %s"),
  NO_NOISE_LATENT("NoNoiseLatent", Kind.ERROR,
      "@Generator(\"%s\") %s() takes no @Latent, so the adversarial model has no noise to push "
          + "forward and can only generate one example per label; add a latent such as "
          + "`@Latent(shape = 100) Normal z;` and a parameter `Operand<TFloat32> z`"),
  DISCRIMINATOR_RETURN_TYPE("DiscriminatorReturnType", Kind.ERROR,
      "@Discriminator(\"%s\") method %s() returns %s; a discriminator returns one logit per "
          + "example: Operand<TFloat32> of shape [n, 1] or [n]"),
  GENERATOR_NOT_DETERMINISTIC("ImplicitGenerator", Kind.ERROR,
      "@Generator(\"%s\") %s() returns %s, but node '%s' is judged by a @Discriminator, so its "
          + "generator is deterministic (an implicit distribution): return Operand<TFloat32>, the "
          + "generated examples [n, %d]"),
  SECOND_DISCRIMINATOR("SecondDiscriminator", Kind.ERROR,
      "@Discriminator(\"%s\") %s() is a second discriminator (the first is %s()): %s"),
  GENERATED_NOT_DISCRIMINATED("GeneratedNotDiscriminated", Kind.ERROR,
      "observed node '%s' has a @Generator in an adversarial model but no @Discriminator judges "
          + "it; the model generates only the node '%s' its discriminator judges, and other observed "
          + "nodes are labels both networks take: remove @Generator(\"%s\")"),
  DISCRIMINATOR_INPUT("DiscriminatorInput", Kind.ERROR,
      "%s() %s; a discriminator takes the node it judges and optionally observed label nodes"),
  ADVERSARIAL_ENCODER("AdversarialEncoder", Kind.ERROR,
      "@Encoder(\"%s\") %s() in an adversarial model plays no part in its game: an encoder plays in "
          + "ALI/BiGAN, where the @Discriminator of the generated node also takes the encoder's latent as a "
          + "parameter and judges (x, z) pairs, or in an adversarial autoencoder, whose @Discriminator judges "
          + "the encoder's latent; an InfoGAN Q head is an @Encoder of a code the generator takes, marked "
          + "@MutualInformation; otherwise remove it"),
  DISCRIMINATOR_SETTINGS("DiscriminatorSettings", Kind.ERROR,
      "@Discriminator(%s = %s): %s"),
  MOMENT_MATCHING_TARGET("MomentMatchingTarget", Kind.ERROR,
      "@MomentMatching on %s(): %s"),
  MOMENT_MATCHING_BANDWIDTHS("MomentMatchingBandwidths", Kind.ERROR,
      "@MomentMatching(bandwidths = %s) on %s(): %s; give the Gaussian kernels' scales in the data's "
          + "units, such as {2, 5, 10, 20, 40, 80} for pixels in [0, 1] (Li et al. 2015)"),
  MOMENT_MATCHING_NETWORK("MomentMatchingNetwork", Kind.ERROR,
      "@%s(\"%s\") %s() in a moment-matching model (@MomentMatching on %s()): %s; remove it"),
  MOMENT_MATCHING_OBJECTIVE("MomentMatchingObjective", Kind.ERROR,
      "@Model(objective = @Objective(kind = %s)) on a moment-matching model: @MomentMatching on %s() trains "
          + "its generator by the kernel two-sample loss (MMD^2), so the objective would be ignored; remove it"),
  MOMENT_MATCHING_NODE("MomentMatchingNode", Kind.ERROR,
      "observed node '%s' in a moment-matching model that fits '%s': the kernel two-sample loss "
          + "compares unconditional samples with the data of '%s' alone, so '%s' would be neither "
          + "generated nor conditioned on; remove it"),
  MUTUAL_INFORMATION_TARGET("MutualInformationTarget", Kind.ERROR,
      "@MutualInformation on %s(): %s"),
  MUTUAL_INFORMATION_WEIGHT("MutualInformationWeight", Kind.ERROR,
      "@MutualInformation(weight = %s) on %s(): the bound's weight lambda is finite and positive "
          + "(InfoGAN uses 1)"),
  ADVERSARIAL_OBJECTIVE("AdversarialObjective", Kind.ERROR,
      "@Model(objective = @Objective(kind = %s)) on an adversarial model: @Discriminator(\"%s\") %s() makes it a "
          + "two-player game whose losses @Discriminator(loss = ...) chooses (now %s), so the "
          + "objective would be ignored; remove it"),
  ENCODER_GAME_LATENT("EncoderGameLatent", Kind.ERROR,
      "%s in %s: %s"),
  ENCODER_GAME_INPUT("EncoderGameInput", Kind.ERROR,
      "@Encoder(\"%s\") %s() %s; in %s the encoder infers the latent from the generated node's data: add `Operand<TFloat32> %s`"),
  ENCODER_GAME_RETURN("EncoderGameReturn", Kind.ERROR,
      "@Encoder(\"%s\") %s() returns %s, which does not reparameterize, so %s's gradient cannot reach the "
          + "encoder through its draws; return Operand<TFloat32> (a deterministic encoder, BiGAN's) or a "
          + "reparameterized family such as Normal (ALI's)"),
  ENCODER_GAME_DISCRIMINATOR("EncoderGameDiscriminator", Kind.ERROR,
      "@Discriminator(\"%s\") %s() %s; in %s it takes %s"),
  AUTOENCODER_DECODER("AutoencoderDecoder", Kind.ERROR,
      "%s; an adversarial autoencoder's decoder is the @Generator of the observed node, returning its "
          + "distribution p(x | %s), such as `@Generator(\"x\") Bernoulli decode(Nn nn, Operand<TFloat32> %s)`"),
  ENCODER_GAME_UNSUPPORTED("EncoderGameUnsupported", Kind.ERROR,
      "%s in %s: %s"),
  GAME_LOSS("GameLoss", Kind.ERROR,
      "@Discriminator(\"%s\", loss = %s) %s() in a game of several players: %s"),
  GAME_STEPS("GameSteps", Kind.ERROR,
      "@Discriminator(\"%s\", steps = %d) %s(), but %s() takes %d: a game's discriminators all update "
          + "together, %s steps per generator step for all of them; give every discriminator the same steps"),
  GAME_GENERATOR("GameGenerator", Kind.ERROR,
      "@Generator(\"%s\") %s() in a game of several players: %s"),
  CYCLE_CONSISTENCY_TARGET("CycleConsistencyTarget", Kind.ERROR,
      "@CycleConsistency on %s(): %s"),
  CYCLE_CONSISTENCY_WEIGHT("CycleConsistencyWeight", Kind.ERROR,
      "@CycleConsistency(%s = %s) on %s(): a loss weight is finite and at least 0 (CycleGAN weighs the "
          + "cycle 10 and the identity 0.5 of that)"),
  CLASSIFIER_TARGET("ClassifierTarget", Kind.ERROR,
      "@Classifier on %s(): %s"),
  CLASSIFIER_WEIGHT("ClassifierWeight", Kind.ERROR,
      "@Classifier(%s = %s) on %s(): %s"),

  // --- Energy-based models (an @Energy method) ---------------------------------------------
  SECOND_ENERGY("SecondEnergy", Kind.ERROR,
      "@Energy %s() is a second energy (the first is %s()); an energy-based model has one energy: "
          + "add its terms up in one method"),
  ENERGY_WITH_NETWORK("EnergyNetwork", Kind.ERROR,
      "%s(\"%s\") %s() in an energy-based model: p(x) = exp(-E(x)) / Z is defined by @Energy %s() "
          + "alone, its latents are inferred by block Gibbs sampling, and contrastive divergence "
          + "trains no directed network; remove it"),
  ENERGY_OBJECTIVE("EnergyObjective", Kind.ERROR,
      "@Model(objective = @Objective(kind = %s)) on an energy-based model: @Energy %s() makes it "
          + "trained by contrastive divergence, set by @Energy(gibbsSteps, persistentChains), so the "
          + "objective would be ignored; remove it"),
  ENERGY_UNKNOWN_NODE("EnergyUnknownNode", Kind.ERROR,
      "parameter '%s' of @Energy %s() names no node; the energy takes the model's nodes by name "
          + "(%s)"),
  ENERGY_PARAMETER("EnergyParameter", Kind.ERROR,
      "parameter '%s' of @Energy %s() %s; the energy takes each node as an Operand<TFloat32> named "
          + "like it, and optionally one Nn layer helper"),
  ENERGY_NODE_MISSING("EnergyNodeMissing", Kind.ERROR,
      "node '%s' is not a parameter of @Energy %s(), so the energy does not depend on it and it has "
          + "no Gibbs conditional; add the parameter `Operand<TFloat32> %s`, or remove the node"),
  ENERGY_UNITS("EnergyUnits", Kind.ERROR,
      "%s node '%s' is %s, which has no block-Gibbs conditional in an energy-based model; %s"),
  ENERGY_NODE_OPTION("EnergyNodeOption", Kind.ERROR,
      "%s on node '%s' has no meaning in an energy-based model: %s; remove it"),
  ENERGY_NO_LATENT("EnergyNoLatent", Kind.ERROR,
      "energy-based model %s declares no @Latent node; this version trains models with latent units "
          + "that sum out of the free energy (a restricted Boltzmann machine): declare a @Latent "
          + "Bernoulli node and give it to the energy"),
  ENERGY_RETURN_TYPE("EnergyReturnType", Kind.ERROR,
      "@Energy %s() returns %s; an energy is one value per configuration: return Operand<TFloat32> "
          + "of shape [n] or [n, 1]"),
  ENERGY_SETTINGS("EnergySettings", Kind.ERROR,
      "@Energy(%s = %d): %s"),

  // --- Advice: warnings, which never stop code generation ------------------------------
  UNUSED_LATENT("UnusedLatent", Kind.WARNING,
      "latent '%s' is a parameter of no @Generator (%s), so nothing in the generative model depends "
          + "on it and training only pulls q(%s | ...) toward its prior; %s, or remove the latent. If "
          + "it is unused on purpose, annotate it @SuppressWarnings(\"helmholtz:UnusedLatent\")"),

  // --- The processor itself --------------------------------------------------------------
  INTERNAL_ERROR("InternalError", Kind.ERROR,
      "Helmholtz failed on %s: %s. This is a bug in Helmholtz, not in your model; please report "
          + "it with this model class");

  private final String tag;
  private final Kind kind;
  private final String format;

  Diagnostic(String tag, Kind kind, String format) {
    this.tag = "Helmholtz" + tag;
    this.kind = kind;
    this.format = format;
  }

  /** The stable tag, for example {@code HelmholtzCycle}. */
  public String tag() {
    return tag;
  }

  public Kind kind() {
    return kind;
  }

  /** The name used in {@code @SuppressWarnings("helmholtz:<name>")}: the tag without its prefix. */
  public String suppressionKey() {
    return "helmholtz:" + tag.substring("Helmholtz".length());
  }

  public String format(Object... arguments) {
    return "[" + tag + "] " + String.format(Locale.ROOT, format, arguments);
  }
}
