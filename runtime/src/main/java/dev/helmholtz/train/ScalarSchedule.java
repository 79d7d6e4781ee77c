package dev.helmholtz.train;

import java.util.Locale;

/**
 * The value a model's hyperparameter ({@code Nn.hyperparameter}) takes at each training step,
 * given by {@link Training#schedule(String, ScalarSchedule)}: a pure function of the global step
 * and the epoch, so a resumed run feeds exactly the values the uninterrupted run would have.
 *
 * <pre>{@code
 * // Jang et al. (2017): the Gumbel-softmax temperature max(0.5, exp(-1e-4 t)), t updated every 500 steps
 * Training.epochs(100).schedule("temperature", ScalarSchedule.exponentialDecay(1.0, 1e-4, 500, 0.5));
 * // a KL weight warmed up from 0 to 1 over 10,000 steps (Bowman et al. 2016)
 * Training.epochs(100).schedule("kl_weight", ScalarSchedule.linear(0, 1, 10_000));
 * }</pre>
 */
public sealed interface ScalarSchedule
    permits ScalarSchedule.Constant, ScalarSchedule.Linear, ScalarSchedule.ExponentialDecay {

  /**
   * The value for one step.
   *
   * @param step the global step about to run, counted from 0
   * @param epoch the epoch it belongs to, counted from 1
   */
  double value(long step, int epoch);

  /** {@code value} throughout. */
  static ScalarSchedule constant(double value) {
    return new Constant(value);
  }

  /**
   * From {@code from} to {@code to} in a straight line over the first {@code steps} steps, then
   * {@code to}: {@code from + (to - from) min(step, steps) / steps}.
   */
  static ScalarSchedule linear(double from, double to, long steps) {
    return new Linear(from, to, steps);
  }

  /**
   * {@code max(floor, initial exp(-rate t))} with {@code t} the step rounded down to a multiple of
   * {@code every}, the temperature schedule of Jang et al. (2017).
   */
  static ScalarSchedule exponentialDecay(double initial, double rate, long every, double floor) {
    return new ExponentialDecay(initial, rate, every, floor);
  }

  /**
   * Parses the command-line form: {@code VALUE} (a constant), {@code linear:FROM:TO:STEPS} or
   * {@code exp:INITIAL:RATE:EVERY:FLOOR} (e.g. {@code exp:1:1e-4:500:0.5}).
   *
   * @throws IllegalArgumentException naming the text and the accepted forms
   */
  static ScalarSchedule parse(String text) {
    String[] f = text.trim().split(":");
    try {
      switch (f[0].toLowerCase(Locale.ROOT)) {
        case "linear" -> {
          if (f.length == 4) {
            return linear(Double.parseDouble(f[1]), Double.parseDouble(f[2]), Long.parseLong(f[3]));
          }
        }
        case "exp" -> {
          if (f.length == 5) {
            return exponentialDecay(Double.parseDouble(f[1]), Double.parseDouble(f[2]), Long.parseLong(f[3]),
                Double.parseDouble(f[4]));
          }
        }
        default -> {
          if (f.length == 1) {
            return constant(Double.parseDouble(f[0]));
          }
        }
      }
    } catch (NumberFormatException e) {
      // reported below with the accepted forms
    }
    throw new IllegalArgumentException("'" + text + "' is not a schedule: use VALUE, linear:FROM:TO:STEPS"
        + " or exp:INITIAL:RATE:EVERY:FLOOR (e.g. exp:1:1e-4:500:0.5)");
  }

  private static double finite(String what, double v) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException(what + " must be finite, was " + v);
    }
    return v;
  }

  /** {@link #constant(double)}. */
  record Constant(double value) implements ScalarSchedule {
    public Constant {
      finite("constant schedule value", value);
    }

    @Override
    public double value(long step, int epoch) {
      return value;
    }

    @Override
    public String toString() {
      return Double.toString(value);
    }
  }

  /** {@link #linear(double, double, long)}. */
  record Linear(double from, double to, long steps) implements ScalarSchedule {
    public Linear {
      finite("linear schedule start", from);
      finite("linear schedule end", to);
      if (steps < 1) {
        throw new IllegalArgumentException("linear schedule steps must be >= 1, was " + steps);
      }
    }

    @Override
    public double value(long step, int epoch) {
      return from + (to - from) * Math.min(Math.max(step, 0), steps) / steps;
    }

    @Override
    public String toString() {
      return "linear(" + from + " -> " + to + " over " + steps + " steps)";
    }
  }

  /** {@link #exponentialDecay(double, double, long, double)}. */
  record ExponentialDecay(double initial, double rate, long every, double floor) implements ScalarSchedule {
    public ExponentialDecay {
      finite("exponential schedule initial value", initial);
      finite("exponential schedule floor", floor);
      if (!(Double.isFinite(rate) && rate >= 0)) {
        throw new IllegalArgumentException("exponential schedule rate must be finite and >= 0, was " + rate);
      }
      if (every < 1) {
        throw new IllegalArgumentException("exponential schedule update interval must be >= 1 step, was " + every);
      }
    }

    @Override
    public double value(long step, int epoch) {
      long t = Math.max(step, 0) / every * every;
      return Math.max(floor, initial * Math.exp(-rate * t));
    }

    @Override
    public String toString() {
      return "max(" + floor + ", " + initial + " exp(-" + rate + " t)), t every " + every + " steps";
    }
  }
}
