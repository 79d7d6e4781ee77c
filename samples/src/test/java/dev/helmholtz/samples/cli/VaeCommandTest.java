package dev.helmholtz.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.train.CheckpointFailedException;
import dev.helmholtz.train.Checkpoints;
import dev.helmholtz.train.TrainingDivergedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;
import picocli.CommandLine;

/** The main job end to end on a small subset, and its answers to bad input. */
class VaeCommandTest {
  @Test
  void writesImagesAndMetricsOnASmallSubset(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("new/out");
    int exit = HelmholtzCli.commandLine().execute("vae", "--epochs", "1", "--train-examples", "300",
        "--test-examples", "10", "--k", "5", "--output", output.toString());
    assertEquals(0, exit);
    for (String file : new String[] {"samples.png", "reconstructions.png", "metrics.json", "training-curves.png"}) {
      assertTrue(Files.size(output.resolve(file)) > 0, file);
    }
    String metrics = Files.readString(output.resolve("metrics.json"));
    assertTrue(metrics.contains("\"test_log_likelihood_k\": 5"), metrics);
    assertTrue(metrics.contains("\"data_path\": \"resident\""), metrics);
    // Finite and sane: between an untrained VAE's ELBO (about -545 nats) and a good one's (about -90);
    // the importance-sampled estimate is a bound of the same model.
    Metrics.number(metrics, "train_elbo", -800, -50);
    Metrics.number(metrics, "test_elbo", -800, -50);
    Metrics.number(metrics, "test_log_likelihood", -800, -50);
    assertTrue(Checkpoints.isCheckpoint(output.resolve("checkpoints/step-0000000003")), "the final checkpoint");
  }

  /** What {@code vae} with {@code args} prints on standard output, and its exit code. */
  private static String vaeOutput(String... args) {
    java.io.PrintStream saved = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      System.setOut(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
      int exit = HelmholtzCli.commandLine().execute(Stream.concat(Stream.of("vae"), Stream.of(args))
          .toArray(String[]::new));
      assertEquals(0, exit, bytes.toString(java.nio.charset.StandardCharsets.UTF_8));
    } finally {
      System.setOut(saved);
    }
    return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void theLastCheckpointIsReportedOnceAndAResumeWithNothingLeftSaysSo(@TempDir Path dir) {
    String[] args = {"--epochs", "1", "--train-examples", "300", "--test-examples", "10", "--k", "2",
        "--checkpoint-every", "3", "--progress", "lines", "--output", dir.toString()};
    // 3 steps: the periodic checkpoint of step 3 is the final one.
    String trained = vaeOutput(args);
    assertEquals(1, trained.lines().filter(l -> l.startsWith("checkpoint after step 3:")).count(), trained);

    String resumed = vaeOutput(Stream.concat(Stream.of(args), Stream.of("--resume")).toArray(String[]::new));
    assertTrue(resumed.contains("nothing trained: the checkpoint " + dir.resolve("checkpoints/step-0000000003")
        + " had already finished the requested epochs (1 epoch, 3 steps, objective "), resumed);
    assertTrue(resumed.contains("trained nothing: the checkpoint had already finished the requested epochs"
        + " (1 epoch, 3 steps); raise --epochs to train on"), resumed);
    assertFalse(resumed.contains("checkpoint after") || resumed.contains(" 0 ex/s")
        || resumed.contains(" 0 examples/s"), resumed);
  }

  /** Tags of every summary value in the event files of a TensorBoard directory. */
  private static Set<String> tensorBoardTags(Path directory) throws IOException {
    Set<String> tags = new HashSet<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.toList()) {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        while (in.remaining() > 0) {
          byte[] record = new byte[(int) in.getLong()];
          in.getInt();
          in.get(record);
          in.getInt();
          for (Summary.Value v : Event.parseFrom(record).getSummary().getValueList()) {
            tags.add(v.getTag().replaceAll("/image(/\\d+)?$", ""));
          }
        }
      }
    }
    return tags;
  }

  @Test
  void trainingControlsMonitoringCheckpointsAndExportWorkTogether(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("out");
    StringWriter err = new StringWriter();
    CommandLine cli = HelmholtzCli.commandLine();
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute("vae", "--epochs", "2", "--train-examples", "500", "--validation", "100",
        "--early-stopping", "3", "--test-examples", "10", "--k", "3", "--lr-schedule", "step:1:0.5",
        "--clip-norm", "100", "--tensorboard", dir.resolve("tb").toString(), "--tensorboard-every", "2",
        "--checkpoint-every", "2", "--keep", "2", "--export", dir.resolve("served/1").toString(),
        "--schedule", "kl_weight=linear:0:1:6", "--progress", "none", "--output", output.toString());
    assertEquals(0, exit, err.toString());
    // 400 training images, batch 100: 4 steps per epoch, 8 in all; checkpoints at 6 and 8 kept.
    assertEquals(java.util.List.of(output.resolve("checkpoints/step-0000000006"),
        output.resolve("checkpoints/step-0000000008")), Checkpoints.list(output.resolve("checkpoints")));
    Set<String> tags = tensorBoardTags(dir.resolve("tb"));
    for (String tag : new String[] {"train/objective", "train/kl/z", "train/log_likelihood/x",
        "train/learning_rate", "train/gradient_norm", "train/examples_per_second", "train/kl_weight",
        "epoch/train_objective", "epoch/validation_objective", "samples/x"}) {
      assertTrue(tags.contains(tag), tag + " in " + tags);
    }
    assertTrue(Files.isRegularFile(dir.resolve("served/1/saved_model.pb")));
    String metrics = Files.readString(output.resolve("metrics.json"));
    assertTrue(metrics.contains("\"best_validation_epoch\": ") && metrics.contains("\"stop_reason\": \"completed\"")
        && metrics.contains("\"learning_rate_schedule\": \"step:1:0.5\"")
        && metrics.contains("\"schedule_kl_weight\": \"linear(0.0 -> 1.0 over 6 steps)\""), metrics);
  }

  @Test
  void badInputIsAMessageAndAnExitCodeNotAStackTrace(@TempDir Path dir) throws IOException {
    StringWriter err = new StringWriter();
    CommandLine cli = HelmholtzCli.commandLine();
    cli.setErr(new PrintWriter(err));
    Path out = dir.resolve("out");
    assertEquals(2, cli.execute("vae", "--data", dir.resolve("missing").toString(),
        "--output", out.toString()));
    assertTrue(err.toString().startsWith("error: ") && err.toString().contains("missing"), err.toString());
    assertEquals(2, cli.execute("vae", "--epochs", "0", "--output", out.toString()));
    assertTrue(err.toString().contains("epochs must be in [1,"), err.toString());
    assertEquals(2, cli.execute("vae", "--k", "0"));
    assertTrue(err.toString().contains("--k must be at least 1"), err.toString());
    assertEquals(2, cli.execute("vae", "--epochs", "abc"));
    assertEquals(2, cli.execute("vae", "--lr-schedule", "cosine", "--output", out.toString()));
    assertTrue(err.toString().contains("unknown learning-rate schedule 'cosine'"), err.toString());
    assertEquals(2, cli.execute("vae", "--clip-norm", "-1", "--output", out.toString()));
    assertTrue(err.toString().contains("--clip-norm must be > 0"), err.toString());
    assertEquals(2, cli.execute("vae", "--early-stopping", "3", "--output", out.toString()));
    assertTrue(err.toString().contains("--early-stopping needs a validation set"), err.toString());
    assertEquals(2, cli.execute("vae", "--progress", "fancy", "--output", out.toString()));
    assertTrue(err.toString().contains("--progress must be bar, lines, none or auto"), err.toString());
    Path existing = Files.createDirectories(dir.resolve("already/1"));
    assertEquals(2, cli.execute("vae", "--export", existing.toString(), "--output", out.toString()));
    assertTrue(err.toString().contains("--export: the directory exists"), err.toString());
    Path file = Files.writeString(dir.resolve("a-file"), "keep");
    assertEquals(2, cli.execute("vae", "--output", file.resolve("out").toString()));
    assertTrue(err.toString().contains("--output " + file.resolve("out") + ": cannot create the directory: "
        + file + " is a file"), err.toString());
    assertEquals(2, cli.execute("vae", "--train-examples", "50", "--test-examples", "5", "--k", "2",
        "--checkpoint-dir", file.resolve("ckpt").toString(), "--output", out.toString()));
    assertTrue(err.toString().contains(file.resolve("ckpt") + ": cannot create the checkpoint directory"),
        err.toString());
    assertEquals(2, cli.execute("vae", "--train-examples", "50", "--test-examples", "5", "--k", "2",
        "--resume", "--output", dir.resolve("fresh").toString()));
    assertTrue(err.toString().contains("no checkpoint there"), err.toString());
    assertEquals(2, cli.execute("vae", "--train-examples", "50", "--test-examples", "5", "--k", "2",
        "--schedule", "temperature=0.5", "--output", dir.resolve("sched").toString()));
    assertTrue(err.toString().contains("Training schedules the hyperparameter 'temperature', but"
        + " dev.helmholtz.samples.vae.Vae declares only kl_weight"), err.toString());
    assertEquals("keep", Files.readString(file));
    assertFalse(err.toString().contains("Exception"), err.toString());
  }

  /** Small but valid MNIST files: images of 28 x 28 pixels and labels 0..9. */
  private static Path smallMnist(Path dir, int train, int test) throws IOException {
    Files.createDirectories(dir);
    write(dir.resolve("train-images-idx3-ubyte.gz"), images(train), true);
    write(dir.resolve("train-labels-idx1-ubyte.gz"), labels(train), true);
    write(dir.resolve("t10k-images-idx3-ubyte.gz"), images(test), true);
    write(dir.resolve("t10k-labels-idx1-ubyte.gz"), labels(test), true);
    return dir;
  }

  private static byte[] images(int count) {
    ByteBuffer b = ByteBuffer.allocate(16 + count * 784);
    b.putInt(0x00000803).putInt(count).putInt(28).putInt(28);
    for (int i = 0; i < count * 784; i++) {
      b.put((byte) (i * 7 % 256));
    }
    return b.array();
  }

  private static byte[] labels(int count) {
    ByteBuffer b = ByteBuffer.allocate(8 + count);
    b.putInt(0x00000801).putInt(count);
    for (int i = 0; i < count; i++) {
      b.put((byte) (i % 10));
    }
    return b.array();
  }

  private static void write(Path file, byte[] data, boolean gzip) throws IOException {
    if (!gzip) {
      Files.write(file, data);
      return;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(data);
    }
    Files.write(file, bytes.toByteArray());
  }

  @Test
  void truncatedOrCorruptDataFilesAreClearErrors(@TempDir Path dir) throws IOException {
    StringWriter err = new StringWriter();
    CommandLine cli = HelmholtzCli.commandLine();
    cli.setErr(new PrintWriter(err));
    Path out = dir.resolve("out");
    assertEquals(0, cli.execute("vae", "--data", smallMnist(dir.resolve("good"), 200, 20).toString(),
        "--epochs", "1", "--k", "2", "--progress", "none", "--output", out.toString()), err.toString());

    // Truncated gzip: the stream ends early.
    Path truncated = smallMnist(dir.resolve("truncated"), 200, 20);
    Path images = truncated.resolve("train-images-idx3-ubyte.gz");
    byte[] gz = Files.readAllBytes(images);
    Files.write(images, java.util.Arrays.copyOf(gz, gz.length / 2));
    assertEquals(2, cli.execute("vae", "--data", truncated.toString(), "--output", out.toString()));
    assertTrue(err.toString().contains(images.toString()) && err.toString().contains("truncated"), err.toString());

    // Uncompressed and short: the header promises more pixels than there are.
    Path shortPlain = smallMnist(dir.resolve("short"), 200, 20);
    Files.delete(shortPlain.resolve("train-images-idx3-ubyte.gz"));
    write(shortPlain.resolve("train-images-idx3-ubyte"), java.util.Arrays.copyOf(images(200), 16 + 784 * 150), false);
    assertEquals(2, cli.execute("vae", "--data", shortPlain.toString(), "--output", out.toString()));
    assertTrue(err.toString().contains("truncated: expected 156800 bytes of pixel data"), err.toString());

    // Corrupt: a labels file where the images should be.
    Path swapped = smallMnist(dir.resolve("swapped"), 200, 20);
    Files.copy(swapped.resolve("train-labels-idx1-ubyte.gz"), swapped.resolve("train-images-idx3-ubyte.gz"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertEquals(2, cli.execute("vae", "--data", swapped.toString(), "--output", out.toString()));
    assertTrue(err.toString().contains("a labels file was given where an images file was expected"), err.toString());
    assertFalse(err.toString().contains("Exception"), err.toString());
    // What the good run wrote is still there.
    assertTrue(Files.size(out.resolve("metrics.json")) > 0);
  }

  @Test
  void everyCommandHasHelpAndTheExitCodesAreDocumented() {
    for (String[] args : new String[][] {{"--help"}, {"vae", "--help"}, {"train", "--help"},
        {"soak", "--help"}, {"help", "vae"}}) {
      StringWriter out = new StringWriter();
      CommandLine cli = HelmholtzCli.commandLine();
      cli.setOut(new PrintWriter(out));
      assertEquals(0, cli.execute(args), String.join(" ", args));
      assertTrue(out.toString().startsWith("Usage: helmholtz"), out.toString());
    }
    StringWriter out = new StringWriter();
    CommandLine cli = HelmholtzCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.execute("vae", "--help");
    for (String flag : new String[] {"--checkpoint-dir", "--checkpoint-every", "--keep", "--resume",
        "--tensorboard", "--validation", "--early-stopping", "--lr-schedule", "--clip-norm", "--export",
        "130   Interrupted"}) {
      assertTrue(out.toString().contains(flag), flag);
    }
    assertEquals(ExitCodes.TRAINING_FAILED, ExitCodes.of(new TrainingDivergedException("nan", 3)));
    assertEquals(ExitCodes.TRAINING_FAILED, ExitCodes.of(
        new CheckpointFailedException("full", 3, new IOException("disk full"))));
    assertEquals(ExitCodes.BAD_INPUT, ExitCodes.of(new java.nio.file.NoSuchFileException("x")));
    assertEquals(ExitCodes.BAD_INPUT, ExitCodes.of(new IllegalArgumentException("x")));
  }
}
