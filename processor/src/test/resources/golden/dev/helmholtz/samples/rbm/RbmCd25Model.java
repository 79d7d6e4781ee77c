package dev.helmholtz.samples.rbm;

import dev.helmholtz.check.SelfCheckOptions;
import dev.helmholtz.check.SelfCheckReport;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.energy.EnergyModel;
import dev.helmholtz.energy.EnergyPass;
import dev.helmholtz.energy.EnergySpec;
import dev.helmholtz.energy.Units;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ThreadSettings;
import java.util.Objects;
import javax.annotation.processing.Generated;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The energy-based model defined by {@link RbmCd25}, compiled to a TensorFlow graph by Helmholtz.
 *
 * <h2>Model report</h2>
 * <p>Objective: contrastive divergence, CD-25 (chains start at the data), the negative statistics at the last sweep's visible means, by SGD with momentum.
 * <ul>
 * <li>{@code pixels}: observed Bernoulli, event shape [784]; binary units, Bernoulli given the rest; in energy()
 * <li>{@code features}: latent Bernoulli, event shape [500]; binary units, Bernoulli given the rest, summed out of the free energy; in energy()
 * </ul>
 * <p>Gibbs sweep: features given pixels, then pixels given features.
 */
@Generated("dev.helmholtz.processor.HelmholtzProcessor")
public final class RbmCd25Model extends EnergyModel {
  private static final EnergySpec SPEC = EnergySpec.builder("dev.helmholtz.samples.rbm.RbmCd25")
      .contrastiveDivergence(25, 0)
      .meanReconstruction()
      .observed("pixels", Units.BERNOULLI, 784)
      .latent("features", Units.BERNOULLI, 500)
      .build();

  private final RbmCd25 model;

  private RbmCd25Model(RbmCd25 model, Seed seed, ThreadSettings threads) {
    super(SPEC, seed, threads);
    this.model = Objects.requireNonNull(model, "model");
    build();
  }

  /**
   * Builds the model's graph and initializes its variables from {@code seed}, with a new
   * {@link RbmCd25} and the default thread settings.
   */
  public static RbmCd25Model create(Seed seed) {
    return new RbmCd25Model(new RbmCd25(), seed, ThreadSettings.defaults());
  }

  /**
   * Builds the model's graph around {@code model}'s networks and initializes its variables
   * from {@code seed}; the same seed and thread settings give the same numbers.
   */
  public static RbmCd25Model create(RbmCd25 model, Seed seed, ThreadSettings threads) {
    return new RbmCd25Model(model, seed, threads);
  }

  /**
   * The free energy of each row of pixels ({@code [rows][784]}), its latents summed out: {@code [rows]}.
   */
  public float[] freeEnergy(float[][] pixels) {
    return freeEnergy(Dataset.of("pixels", pixels));
  }

  /**
   * Checks this model on the first {@code options.examples()} rows of {@code data} (or, when it is
   * null, on random configurations of its units), in a graph of its own with this model's
   * variables copied in:
   * <ol>
   * <li>gradient: the mean energy at the data and fixed latent configurations, against central
   * finite differences over every trainable variable;
   * <li>shape: the energy against one value per configuration;
   * <li>kl, bounds, score-function: skipped, an energy model has no posterior network.
   * </ol>
   *
   * @return the report, a row per check; {@code assertPassed()} throws naming each failure
   */
  @Override
  public SelfCheckReport selfCheck(Dataset data, SelfCheckOptions options) {
    return super.selfCheck(data, options);
  }

  @Override
  protected Operand<TFloat32> defineEnergy(EnergyPass pass) {
    return model.energy(pass.network("energy"), pass.node("pixels"), pass.node("features"));
  }
}
