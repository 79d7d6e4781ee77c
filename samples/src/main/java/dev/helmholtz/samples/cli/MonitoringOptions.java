package dev.helmholtz.samples.cli;

import dev.helmholtz.train.Training;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** TensorBoard options shared by the training commands. */
final class MonitoringOptions {
  @Option(names = "--tensorboard", paramLabel = "DIR",
      description = "Write TensorBoard event files here (tensorboard --logdir DIR): scalars every"
          + " --tensorboard-every steps, objectives and a grid of samples every epoch.")
  Path tensorBoard;

  @Option(names = "--tensorboard-every", defaultValue = "100", paramLabel = "STEPS",
      description = "Steps between TensorBoard scalar writes (default: ${DEFAULT-VALUE}).")
  int tensorBoardEvery;

  Training apply(Training base) {
    Training t = base.tensorBoardEvery(tensorBoardEvery);
    return tensorBoard == null ? t : t.tensorBoard(tensorBoard);
  }
}
