package dev.helmholtz.samples.cli;

import dev.helmholtz.check.SelfCheckOptions;
import dev.helmholtz.check.SelfCheckReport;
import dev.helmholtz.core.CompiledModel;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.bayes.LogisticRegressionModel;
import dev.helmholtz.samples.bayes.DiabetesNetworkModel;
import dev.helmholtz.samples.bayes.EightSchools;
import dev.helmholtz.samples.bayes.EightSchoolsModel;
import dev.helmholtz.samples.bayes.MatrixFactorizationModel;
import dev.helmholtz.samples.bayes.TanhRegressionNetworkModel;
import dev.helmholtz.samples.continuous.ContinuousVaeModel;
import dev.helmholtz.samples.conv.ConvVaeModel;
import dev.helmholtz.samples.cvae.ConditionalVaeModel;
import dev.helmholtz.samples.aae.MnistAaeModel;
import dev.helmholtz.samples.bigan.MnistBiganModel;
import dev.helmholtz.samples.gan.ConditionalMnistGanModel;
import dev.helmholtz.samples.gan.ConvWganGpModel;
import dev.helmholtz.samples.gan.DcGanModel;
import dev.helmholtz.samples.gan.MnistGanModel;
import dev.helmholtz.samples.gan.RingWganModel;
import dev.helmholtz.samples.mixture.VaeMixturePriorModel;
import dev.helmholtz.samples.rbm.RbmCd10Model;
import dev.helmholtz.samples.rbm.RbmCd1Model;
import dev.helmholtz.samples.rbm.RbmPcdModel;
import dev.helmholtz.samples.ssvae.SemiSupervisedVaeAdaptiveIsModel;
import dev.helmholtz.samples.ssvae.SemiSupervisedVaeModel;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.variational.VariationalModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Every generated sample model by the name {@code check --model} takes: the {@link SampleModel}s
 * of {@code train}, and the models of the other commands, named like their command (with {@code
 * -cd1}, {@code -cd10}, {@code -pcd} for the three RBMs).
 */
final class CheckedModels {
  /** Runs one model's self-check on synthetic data: builds it, checks it, frees it. */
  interface Check {
    SelfCheckReport run(Seed seed, SelfCheckOptions options);
  }

  private static final Map<String, Check> MODELS = new LinkedHashMap<>();

  static {
    for (SampleModel model : SampleModel.values()) {
      MODELS.put(model.cliName(), (seed, options) -> {
        try (VariationalModel m = model.create(seed, ThreadSettings.defaults())) {
          return m.selfCheck(null, options);
        }
      });
    }
    compiled("conv-vae", ConvVaeModel::create, (m, o) -> m.selfCheck(null, o));
    compiled("cvae", ConditionalVaeModel::create, (m, o) -> m.selfCheck(null, o));
    compiled("ssvae", SemiSupervisedVaeModel::create, (m, o) -> m.selfCheck(null, o));
    compiled("ssvae-adaptive-is", SemiSupervisedVaeAdaptiveIsModel::create, (m, o) -> m.selfCheck(null, o));
    compiled("vae-mixture-prior", VaeMixturePriorModel::create, (m, o) -> m.selfCheck(null, o));
    compiled("vae-continuous", ContinuousVaeModel::create, (m, o) -> m.selfCheck(null, o));
    compiled("gan", MnistGanModel::create, (m, o) -> m.selfCheck(null, o));
    compiled("cgan", ConditionalMnistGanModel::create, (m, o) -> m.selfCheck(null, o));
    compiled("wgan-gp-ring", RingWganModel::create, (m, o) -> m.selfCheck(null, o));
    compiled("dcgan", DcGanModel::create, (m, o) -> m.selfCheck(null, o));
    compiled("wgan-gp-conv", ConvWganGpModel::create, (m, o) -> m.selfCheck(null, o));
    compiled("bigan", MnistBiganModel::create, (m, o) -> m.selfCheck(null, o));
    compiled("aae", MnistAaeModel::create, (m, o) -> m.selfCheck(null, o));
    compiled("cyclegan", dev.helmholtz.samples.game.CycleGanModel::create, (m, o) -> m.selfCheck(Math.max(2, o.examples())));
    compiled("triple-gan", dev.helmholtz.samples.game.TripleGanModel::create, (m, o) -> m.selfCheck(Math.max(2, o.examples())));
    compiled("rbm-cd1", RbmCd1Model::create, (m, o) -> m.selfCheck(null, o));
    compiled("rbm-cd10", RbmCd10Model::create, (m, o) -> m.selfCheck(null, o));
    compiled("rbm-pcd", RbmPcdModel::create, (m, o) -> m.selfCheck(null, o));
    MODELS.put("bayes-logreg", (seed, options) -> LogisticRegressionModel.create().selfCheck(null, options));
    MODELS.put("bnn-regression", (seed, options) -> TanhRegressionNetworkModel.create().selfCheck(null, options));
    MODELS.put("bnn", (seed, options) -> DiabetesNetworkModel.create().selfCheck(null, options));
    // On its own data: synthetic given columns would make sigma, a scale, negative.
    MODELS.put("eight-schools", (seed, options) -> EightSchoolsModel.create().selfCheck(EightSchools.dataset(), options));
    MODELS.put("pmf-hmc", (seed, options) -> MatrixFactorizationModel.create().selfCheck(null, options));
  }

  private static <M extends CompiledModel> void compiled(String name, Function<Seed, M> create,
      BiFunction<M, SelfCheckOptions, SelfCheckReport> check) {
    MODELS.put(name, (seed, options) -> {
      try (M model = create.apply(seed)) {
        return check.apply(model, options);
      }
    });
  }

  private CheckedModels() {}

  /** The names, in the order {@code --help} lists them. */
  static List<String> names() {
    return Collections.unmodifiableList(new ArrayList<>(MODELS.keySet()));
  }

  /** The check of the model called {@code name}. */
  static Check named(String name) {
    Check check = MODELS.get(name.toLowerCase(Locale.ROOT));
    if (check == null) {
      throw new IllegalArgumentException("no sample model '" + name + "'; the models are "
          + String.join(", ", MODELS.keySet()));
    }
    return check;
  }
}
