package dev.helmholtz.processor.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import dev.helmholtz.processor.model.Family;
import dev.helmholtz.processor.model.NetworkDescriptor;
import dev.helmholtz.processor.model.NodeFamily;
import dev.helmholtz.processor.model.UserFamily;

/** The runtime and TensorFlow types generated code names. Kept by name: the processor does not load them. */
final class RuntimeTypes {
  static final ClassName VARIATIONAL_MODEL = ClassName.get("dev.helmholtz.variational", "VariationalModel");
  static final ClassName MODEL_SPEC = ClassName.get("dev.helmholtz.variational", "ModelSpec");
  static final ClassName INFERENCE_PASS = ClassName.get("dev.helmholtz.variational", "InferencePass");
  static final ClassName GENERATIVE_PASS = ClassName.get("dev.helmholtz.variational", "GenerativePass");
  static final ClassName BAYESIAN_MODEL = ClassName.get("dev.helmholtz.bayesian", "BayesianModel");
  static final ClassName BAYESIAN_SPEC = ClassName.get("dev.helmholtz.bayesian", "BayesianSpec");
  static final ClassName BAYESIAN_PASS = ClassName.get("dev.helmholtz.bayesian", "BayesianPass");
  static final ClassName ADVERSARIAL_MODEL = ClassName.get("dev.helmholtz.adversarial", "AdversarialModel");
  static final ClassName ADVERSARIAL_SPEC = ClassName.get("dev.helmholtz.adversarial", "AdversarialSpec");
  static final ClassName ADVERSARIAL_PASS = ClassName.get("dev.helmholtz.adversarial", "AdversarialPass");
  static final ClassName DISCRIMINATOR_PASS = ClassName.get("dev.helmholtz.adversarial", "DiscriminatorPass");
  static final ClassName ENCODER_PASS = ClassName.get("dev.helmholtz.adversarial", "EncoderPass");
  static final ClassName GAN_LOSS = ClassName.get("dev.helmholtz.annotations", "GanLoss");
  static final ClassName ENERGY_MODEL = ClassName.get("dev.helmholtz.energy", "EnergyModel");
  static final ClassName ENERGY_SPEC = ClassName.get("dev.helmholtz.energy", "EnergySpec");
  static final ClassName ENERGY_PASS = ClassName.get("dev.helmholtz.energy", "EnergyPass");
  static final ClassName UNITS = ClassName.get("dev.helmholtz.energy", "Units");
  static final ClassName SEED = ClassName.get("dev.helmholtz.graph", "Seed");
  static final ClassName THREAD_SETTINGS = ClassName.get("dev.helmholtz.train", "ThreadSettings");
  static final ClassName DATASET = ClassName.get("dev.helmholtz.data", "Dataset");
  static final ClassName EVENT_ARRAYS = ClassName.get("dev.helmholtz.data", "EventArrays");
  static final ClassName SELF_CHECK_REPORT = ClassName.get("dev.helmholtz.check", "SelfCheckReport");
  static final ClassName SELF_CHECK_OPTIONS = ClassName.get("dev.helmholtz.check", "SelfCheckOptions");
  static final ClassName SELF_CHECK_PLAN = ClassName.get("dev.helmholtz.check", "SelfCheckPlan");
  static final ClassName OBJECTIVE_KIND = ClassName.get("dev.helmholtz.annotations", "ObjectiveKind");
  static final ClassName OPERAND = ClassName.get("org.tensorflow", "Operand");
  static final ClassName TFLOAT32 = ClassName.get("org.tensorflow.types", "TFloat32");
  static final TypeName FLOAT_OPERAND = ParameterizedTypeName.get(OPERAND, TFLOAT32);
  static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");
  static final ClassName OBJECTS = ClassName.get("java.util", "Objects");
  static final ClassName DISTRIBUTION = ClassName.get("dev.helmholtz.dist", "Distribution");
  static final ClassName MAP = ClassName.get("java.util", "Map");
  static final ClassName LINKED_HASH_MAP = ClassName.get("java.util", "LinkedHashMap");

  static final ClassName TRANSFORMED_DISTRIBUTION =
      ClassName.get("dev.helmholtz.dist", "TransformedDistribution");

  static ClassName of(Family family) {
    return ClassName.get(family.packageName(), family.simpleName());
  }

  /** The distribution type a network returns: its family, with its components for a mixture. */
  static TypeName returnedBy(NetworkDescriptor network) {
    ClassName family = of(network.returnFamily().orElseThrow());
    return network.returnComponents().<TypeName>map(c -> ParameterizedTypeName.get(family, of(c))).orElse(family);
  }

  /** A runtime family by its package and name; a user's own by its class (it may be nested). */
  static ClassName of(NodeFamily family) {
    return family instanceof UserFamily user ? ClassName.get(user.type()) : of((Family) family);
  }

  private RuntimeTypes() {}
}
