package dev.helmholtz.samples.cli;

import dev.helmholtz.train.ScalarSchedule;
import dev.helmholtz.train.Training;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --schedule NAME=SCHEDULE}: anneal a model hyperparameter during training. */
final class ScheduleOptions {
  @Option(names = "--schedule", paramLabel = "NAME=SCHEDULE",
      description = "Anneal the model's hyperparameter NAME during training, repeatable; SCHEDULE is VALUE,"
          + " linear:FROM:TO:STEPS or exp:INITIAL:RATE:EVERY:FLOOR. ELBO models have kl_weight (KL warm-up:"
          + " kl_weight=linear:0:1:10000); gumbel has temperature (Jang et al.: temperature=exp:1:1e-4:500:0.5).")
  List<String> schedules = new ArrayList<>();

  /** {@code training} with every {@code --schedule}; a malformed one is an IllegalArgumentException naming it. */
  Training apply(Training training) {
    Training t = training;
    for (String s : schedules) {
      int eq = s.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException("--schedule: '" + s + "' is not NAME=SCHEDULE (e.g. kl_weight=linear:0:1:10000)");
      }
      try {
        t = t.schedule(s.substring(0, eq), ScalarSchedule.parse(s.substring(eq + 1)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--schedule " + s + ": " + e.getMessage(), e);
      }
    }
    return t;
  }
}
