package dev.helmholtz.train;

import java.util.Locale;
import java.util.Objects;

/**
 * How the learning rate changes during training: a pure function of the base rate ({@link
 * Training#adam(double)}), the global step and the epoch, so a resumed run uses exactly the rates
 * the uninterrupted run would have.
 *
 * <pre>{@code
 * Training.epochs(100).adam(1e-3).learningRateSchedule(LearningRateSchedule.stepDecay(30, 0.1));
 * }</pre>
 */
public sealed interface LearningRateSchedule
    permits LearningRateSchedule.Constant,
        LearningRateSchedule.StepDecay,
        LearningRateSchedule.ExponentialDecay {

  /**
   * The learning rate of one step.
   *
   * @param base the configured learning rate
   * @param step the global step about to run, counted from 0
   * @param epoch the epoch it belongs to, counted from 1
   */
  double rate(double base, long step, int epoch);

  /** The base rate throughout (the default). */
  static LearningRateSchedule constant() {
    return Constant.INSTANCE;
  }

  /**
   * Staircase decay by epoch: {@code base * factor^floor((epoch - 1) / everyEpochs)}, e.g. {@code
   * stepDecay(30, 0.1)} divides the rate by 10 after epochs 30, 60, ...
   *
   * @param everyEpochs epochs between two drops, &ge; 1
   * @param factor multiplier at each drop, in (0, 1]
   */
  static LearningRateSchedule stepDecay(int everyEpochs, double factor) {
    return new StepDecay(everyEpochs, factor);
  }

  /**
   * Smooth decay by step, as {@code tf.train.exponential_decay}: {@code base * rate^(step /
   * decaySteps)}.
   *
   * @param rate multiplier per {@code decaySteps} steps, in (0, 1]
   * @param decaySteps steps over which the rate is multiplied by {@code rate}, &ge; 1
   */
  static LearningRateSchedule exponentialDecay(double rate, long decaySteps) {
    return new ExponentialDecay(rate, decaySteps);
  }

  /**
   * Parses the command-line form: {@code constant}, {@code step:EVERY_EPOCHS:FACTOR} (e.g. {@code
   * step:30:0.1}) or {@code exp:RATE:DECAY_STEPS} (e.g. {@code exp:0.96:1000}).
   *
   * @throws IllegalArgumentException naming the text and the accepted forms
   */
  static LearningRateSchedule parse(String text) {
    Objects.requireNonNull(text, "text");
    String[] parts = text.strip().split(":", -1);
    String forms = "; use constant, step:EVERY_EPOCHS:FACTOR (e.g. step:30:0.1) or"
        + " exp:RATE:DECAY_STEPS (e.g. exp:0.96:1000)";
    try {
      switch (parts[0].toLowerCase(Locale.ROOT)) {
        case "constant":
          if (parts.length == 1) {
            return constant();
          }
          break;
        case "step":
          if (parts.length == 3) {
            return stepDecay(Integer.parseInt(parts[1]), Double.parseDouble(parts[2]));
          }
          break;
        case "exp":
        case "exponential":
          if (parts.length == 3) {
            return exponentialDecay(Double.parseDouble(parts[1]), Long.parseLong(parts[2]));
          }
          break;
        default:
          break;
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "learning-rate schedule '" + text + "': " + e.getMessage() + forms, e);
    }
    throw new IllegalArgumentException("unknown learning-rate schedule '" + text + "'" + forms);
  }

  /** The base rate throughout. */
  record Constant() implements LearningRateSchedule {
    static final Constant INSTANCE = new Constant();

    @Override
    public double rate(double base, long step, int epoch) {
      return base;
    }

    @Override
    public String toString() {
      return "constant";
    }
  }

  /** {@code base * factor^floor((epoch - 1) / everyEpochs)}. */
  record StepDecay(int everyEpochs, double factor) implements LearningRateSchedule {
    public StepDecay {
      if (everyEpochs < 1) {
        throw new IllegalArgumentException(
            "step decay: everyEpochs must be >= 1, was " + everyEpochs);
      }
      if (!(factor > 0 && factor <= 1)) {
        throw new IllegalArgumentException("step decay: factor must be in (0, 1], was " + factor);
      }
    }

    @Override
    public double rate(double base, long step, int epoch) {
      return base * Math.pow(factor, Math.max(0, epoch - 1) / everyEpochs);
    }

    @Override
    public String toString() {
      return "step:" + everyEpochs + ":" + factor;
    }
  }

  /** {@code base * rate^(step / decaySteps)}. */
  record ExponentialDecay(double rate, long decaySteps) implements LearningRateSchedule {
    public ExponentialDecay {
      if (!(rate > 0 && rate <= 1)) {
        throw new IllegalArgumentException("exponential decay: rate must be in (0, 1], was " + rate);
      }
      if (decaySteps < 1) {
        throw new IllegalArgumentException(
            "exponential decay: decaySteps must be >= 1, was " + decaySteps);
      }
    }

    @Override
    public double rate(double base, long step, int epoch) {
      return base * Math.pow(rate, (double) step / decaySteps);
    }

    @Override
    public String toString() {
      return "exp:" + rate + ":" + decaySteps;
    }
  }
}
