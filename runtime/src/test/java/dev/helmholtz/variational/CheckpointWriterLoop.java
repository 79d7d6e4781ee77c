package dev.helmholtz.variational;

import dev.helmholtz.annotations.ObjectiveKind;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.train.CheckpointManager;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Run in a child JVM by {@link CheckpointCrashTest}: writes checkpoints of a model into a root,
 * one after another, until it is killed. Prints {@code wrote <step>} after each.
 */
public final class CheckpointWriterLoop {
  public static void main(String[] args) throws Exception {
    CheckpointManager manager = CheckpointManager.open(Path.of(args[0]), 2);
    try (LinearGaussian model = new LinearGaussian(Seed.of(3), ObjectiveKind.ELBO, 1, true)) {
      for (long step = 1; ; step++) {
        Properties p = model.checkpointProperties(new Properties());
        manager.save(step, p, model::writeVariables);
        System.out.println("wrote " + step);
        System.out.flush();
      }
    }
  }
}
