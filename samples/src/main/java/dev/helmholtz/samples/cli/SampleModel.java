package dev.helmholtz.samples.cli;

import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.flow.IafVae;
import dev.helmholtz.samples.flow.IafVaeModel;
import dev.helmholtz.samples.flow.PlanarFlowVae;
import dev.helmholtz.samples.flow.PlanarFlowVaeModel;
import dev.helmholtz.samples.gumbel.GumbelSoftmaxVae;
import dev.helmholtz.samples.gumbel.GumbelSoftmaxVaeModel;
import dev.helmholtz.samples.iwae.IwaeK50;
import dev.helmholtz.samples.iwae.IwaeK50Model;
import dev.helmholtz.samples.iwae.IwaeK5;
import dev.helmholtz.samples.iwae.IwaeK5Model;
import dev.helmholtz.samples.iwae.VaeK50;
import dev.helmholtz.samples.iwae.VaeK50Model;
import dev.helmholtz.samples.iwae.VaeK5;
import dev.helmholtz.samples.iwae.VaeK5Model;
import dev.helmholtz.samples.sbn.SbnAdaptiveIs;
import dev.helmholtz.samples.sbn.SbnAdaptiveIsModel;
import dev.helmholtz.samples.sbn.SbnNvil;
import dev.helmholtz.samples.sbn.SbnNvilModel;
import dev.helmholtz.samples.sbn.SbnReweightedWakeSleep;
import dev.helmholtz.samples.sbn.SbnReweightedWakeSleepModel;
import dev.helmholtz.samples.sbn.SbnVimco;
import dev.helmholtz.samples.sbn.SbnVimcoModel;
import dev.helmholtz.samples.sbn.SbnWakeSleep;
import dev.helmholtz.samples.sbn.SbnWakeSleepModel;
import dev.helmholtz.samples.vae.Vae;
import dev.helmholtz.samples.vae.VaeModel;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.variational.VariationalModel;
import dev.helmholtz.samples.bayesvae.BayesianDecoderVae;
import dev.helmholtz.samples.bayesvae.BayesianDecoderVaeModel;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/** The sample models the command line trains on MNIST, by the name {@code --model} takes. */
public enum SampleModel {
  VAE("vae", "VAE, ELBO k=1 (Burda et al.'s 784-200-200-50 tanh)",
      (seed, threads) -> VaeModel.create(new Vae(), seed, threads)),
  VAE_K5("vae-k5", "VAE, ELBO averaged over k=5", (seed, threads) -> VaeK5Model.create(new VaeK5(), seed, threads)),
  VAE_K50("vae-k50", "VAE, ELBO averaged over k=50", (seed, threads) -> VaeK50Model.create(new VaeK50(), seed, threads)),
  IWAE_K5("iwae-k5", "IWAE, k=5", (seed, threads) -> IwaeK5Model.create(new IwaeK5(), seed, threads)),
  IWAE_K50("iwae-k50", "IWAE, k=50", (seed, threads) -> IwaeK50Model.create(new IwaeK50(), seed, threads)),
  SBN_NVIL("sbn-nvil", "sigmoid belief net (200 binary latents), NVIL",
      (seed, threads) -> SbnNvilModel.create(new SbnNvil(), seed, threads)),
  SBN_VIMCO("sbn-vimco", "sigmoid belief net (200 binary latents), VIMCO k=5",
      (seed, threads) -> SbnVimcoModel.create(new SbnVimco(), seed, threads)),
  SBN_WAKE_SLEEP("sbn-wake-sleep", "sigmoid belief net (200 binary latents), wake-sleep",
      (seed, threads) -> SbnWakeSleepModel.create(new SbnWakeSleep(), seed, threads)),
  SBN_REWEIGHTED_WAKE_SLEEP("sbn-rws", "sigmoid belief net (200 binary latents), reweighted wake-sleep k=5",
      (seed, threads) -> SbnReweightedWakeSleepModel.create(new SbnReweightedWakeSleep(), seed, threads)),
  SBN_ADAPTIVE_IS("sbn-adaptive-is", "sigmoid belief net (200 binary latents), adaptive importance sampling k=5",
      (seed, threads) -> SbnAdaptiveIsModel.create(new SbnAdaptiveIs(), seed, threads)),
  VAE_PLANAR("vae-planar", "VAE, ELBO k=1, posterior a Normal through 10 planar flows",
      (seed, threads) -> PlanarFlowVaeModel.create(new PlanarFlowVae(), seed, threads)),
  VAE_IAF("vae-iaf", "VAE, ELBO k=1, posterior a Normal through 2 IAF steps (MADE 200-200, context h)",
      (seed, threads) -> IafVaeModel.create(new IafVae(), seed, threads)),
  GUMBEL_SOFTMAX_VAE("gumbel", "categorical VAE (20x10), Gumbel-softmax, temperature 0.5",
      (seed, threads) -> GumbelSoftmaxVaeModel.create(new GumbelSoftmaxVae(), seed, threads)),
  BAYES_VAE("bayes-vae", "VAE with a Bayesian decoder (20-100-784 tanh, weights global latents, mean-field Normal"
      + " posterior), ELBO k=1",
      (seed, threads) -> BayesianDecoderVaeModel.create(new BayesianDecoderVae(), seed, threads));

  private final String cliName;
  private final String description;
  private final BiFunction<Seed, ThreadSettings, VariationalModel> factory;

  SampleModel(String cliName, String description, BiFunction<Seed, ThreadSettings, VariationalModel> factory) {
    this.cliName = cliName;
    this.description = description;
    this.factory = factory;
  }

  public String cliName() {
    return cliName;
  }

  public String description() {
    return description;
  }

  /** Builds the model's graph and initializes it. */
  public VariationalModel create(Seed seed, ThreadSettings threads) {
    return factory.apply(seed, threads);
  }

  /** The model called {@code name} on the command line. */
  public static SampleModel named(String name) {
    return Arrays.stream(values())
        .filter(m -> m.cliName.equals(name.toLowerCase(Locale.ROOT)))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no sample model '" + name + "'; the models are "
            + Arrays.stream(values()).map(SampleModel::cliName).collect(Collectors.joining(", "))));
  }
}
