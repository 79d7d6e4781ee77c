package dev.helmholtz.samples.game;

import dev.helmholtz.adversarial.GameModel;
import dev.helmholtz.adversarial.GamePass;
import dev.helmholtz.adversarial.GameSpec;
import dev.helmholtz.annotations.GanLoss;
import dev.helmholtz.dist.Categorical;
import dev.helmholtz.dist.Normal;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ThreadSettings;
import java.util.Objects;
import javax.annotation.processing.Generated;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The game of several players defined by {@link TripleGan}, compiled to a TensorFlow graph by Helmholtz.
 *
 * <h2>Model report</h2>
 * <p>Objective: a game of several players: 1 discriminator(s), each its own optimizer, the generators one optimizer, the classifier one; 1 discriminator step per generator step.
 * <ul>
 * <li>{@code z}: latent Normal, event shape [100]; p(z): standard prior; noise
 * <li>{@code y}: observed Categorical, event shape [10]; label, one-hot where given, all zero where not; classified by classify() (Triple-GAN)
 * <li>{@code x}: observed Bernoulli, event shape [784]; x = generate(z, y), implicit; judged by judge()
 * </ul>
 * <p>Generative order: z, y, x.
 */
@Generated("dev.helmholtz.processor.HelmholtzProcessor")
public final class TripleGanModel extends GameModel {
  private static final GameSpec SPEC = GameSpec.builder("dev.helmholtz.samples.game.TripleGan")
      .latent("z", 100)
      .observed("x", 784)
      .observed("y", 10)
      // generate(): x from noise
      .generator("x")
      .discriminator("x", GanLoss.NON_SATURATING, "y")
      // Triple-GAN: classify() is the classifier p_c(y | x)
      .classifier("y", "x", 0.5, 1.0, 0.1)
      .steps(1)
      .build();

  private final TripleGan model;

  private TripleGanModel(TripleGan model, Seed seed, ThreadSettings threads) {
    super(SPEC, seed, threads);
    this.model = Objects.requireNonNull(model, "model");
    build();
  }

  /**
   * Builds the model's graph and initializes its variables from {@code seed}, with a new
   * {@link TripleGan} and the default thread settings.
   */
  public static TripleGanModel create(Seed seed) {
    return new TripleGanModel(new TripleGan(), seed, ThreadSettings.defaults());
  }

  /**
   * Builds the model's graph around {@code model}'s networks and initializes its variables
   * from {@code seed}; the same seed and thread settings give the same numbers.
   */
  public static TripleGanModel create(TripleGan model, Seed seed, ThreadSettings threads) {
    return new TripleGanModel(model, seed, threads);
  }

  @Override
  protected Operand<TFloat32> defineGenerator(GamePass pass, String target) {
    switch (target) {
      case "x": {
        Normal pZ = Normal.standard(pass.tf(), pass.shape("z"));
        Operand<TFloat32> z = pass.draw("z", pZ);
        return model.generate(pass.network("generate"), z, pass.node("y"));
      }
      default: throw new IllegalArgumentException("no generator of " + target);
    }
  }

  @Override
  protected Operand<TFloat32> defineDiscriminator(GamePass pass, String target) {
    switch (target) {
      case "x": return model.judge(pass.network("judge"), pass.node("x"), pass.node("y"));
      default: throw new IllegalArgumentException("no discriminator of " + target);
    }
  }

  @Override
  protected Categorical defineClassifier(GamePass pass, String target) {
    return model.classify(pass.network("classify"), pass.node("x"));
  }
}
