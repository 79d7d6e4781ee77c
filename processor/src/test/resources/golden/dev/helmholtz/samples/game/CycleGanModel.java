package dev.helmholtz.samples.game;

import dev.helmholtz.adversarial.GameModel;
import dev.helmholtz.adversarial.GamePass;
import dev.helmholtz.adversarial.GameSpec;
import dev.helmholtz.annotations.GanLoss;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.ThreadSettings;
import java.util.Objects;
import javax.annotation.processing.Generated;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The game of several players defined by {@link CycleGan}, compiled to a TensorFlow graph by Helmholtz.
 *
 * <h2>Model report</h2>
 * <p>Objective: a game of several players: 2 discriminator(s), each its own optimizer, the generators one optimizer; 1 discriminator step per generator step.
 * <ul>
 * <li>{@code x}: observed Bernoulli, event shape [784]; x = toX(y), implicit; judged by judgeX()
 * <li>{@code y}: observed Bernoulli, event shape [784]; y = toY(x), implicit; judged by judgeY()
 * </ul>
 * <p>Generative order: x, y.
 */
@Generated("dev.helmholtz.processor.HelmholtzProcessor")
public final class CycleGanModel extends GameModel {
  private static final GameSpec SPEC = GameSpec.builder("dev.helmholtz.samples.game.CycleGan")
      .observed("x", 784)
      .observed("y", 784)
      // toY(): x -> y, with the cycle back and its identity term
      .translation("y", "x", 10.0, 0.0)
      // toX(): y -> x, with the cycle back and its identity term
      .translation("x", "y", 10.0, 0.0)
      .discriminator("x", GanLoss.NON_SATURATING)
      .discriminator("y", GanLoss.NON_SATURATING)
      .steps(1)
      .build();

  private final CycleGan model;

  private CycleGanModel(CycleGan model, Seed seed, ThreadSettings threads) {
    super(SPEC, seed, threads);
    this.model = Objects.requireNonNull(model, "model");
    build();
  }

  /**
   * Builds the model's graph and initializes its variables from {@code seed}, with a new
   * {@link CycleGan} and the default thread settings.
   */
  public static CycleGanModel create(Seed seed) {
    return new CycleGanModel(new CycleGan(), seed, ThreadSettings.defaults());
  }

  /**
   * Builds the model's graph around {@code model}'s networks and initializes its variables
   * from {@code seed}; the same seed and thread settings give the same numbers.
   */
  public static CycleGanModel create(CycleGan model, Seed seed, ThreadSettings threads) {
    return new CycleGanModel(model, seed, threads);
  }

  @Override
  protected Operand<TFloat32> defineGenerator(GamePass pass, String target) {
    switch (target) {
      case "y": {
        return model.toY(pass.network("toY"), pass.node("x"));
      }
      case "x": {
        return model.toX(pass.network("toX"), pass.node("y"));
      }
      default: throw new IllegalArgumentException("no generator of " + target);
    }
  }

  @Override
  protected Operand<TFloat32> defineDiscriminator(GamePass pass, String target) {
    switch (target) {
      case "x": return model.judgeX(pass.network("judgeX"), pass.node("x"));
      case "y": return model.judgeY(pass.network("judgeY"), pass.node("y"));
      default: throw new IllegalArgumentException("no discriminator of " + target);
    }
  }
}
