package dev.helmholtz.train;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.summary.SummaryWriter;
import org.tensorflow.op.summary.WriteImageSummary;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * TensorBoard event files written with TensorFlow's own summary ops ({@code
 * CreateSummaryFileWriter}, {@code WriteScalarSummary}, {@code WriteImageSummary}) in a small graph
 * and session of their own, so the model's graph is untouched. Point TensorBoard at the directory:
 * {@code tensorboard --logdir DIR}.
 *
 * <p>Each write is one short session run (tens of microseconds); TensorFlow queues events and
 * flushes them every few seconds, on {@link #flush()} and on {@link #close()}. Not thread-safe.
 */
public final class TensorBoardWriter implements AutoCloseable {
  private static final AtomicLong INSTANCES = new AtomicLong();

  private final Path directory;
  private final Graph graph;
  private final Session session;
  private final Placeholder<TInt64> step;
  private final Placeholder<TString> tag;
  private final Placeholder<TFloat32> value;
  private final Placeholder<TUint8> image;
  private final Op writeScalar;
  private final Op writeImage;
  private final Op flush;
  private final Op closeWriter;
  private boolean closed;

  private TensorBoardWriter(Path directory) {
    this.directory = directory;
    graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      SummaryWriter writer = tf.summary.summaryWriter(
          SummaryWriter.sharedName("helmholtz_tensorboard_" + INSTANCES.incrementAndGet()));
      Op create = tf.summary.createSummaryFileWriter(writer, tf.constant(directory.toString()),
          tf.constant(10), tf.constant(5_000), tf.constant(".v2"));
      step = tf.placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
      tag = tf.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
      value = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      image = tf.placeholder(TUint8.class, Placeholder.shape(Shape.of(1, -1, -1, 1)));
      writeScalar = tf.summary.writeScalarSummary(writer, step, tag, value);
      writeImage = tf.summary.writeImageSummary(writer, step, tag, image,
          tf.constant(TUint8.vectorOf((byte) 255)), WriteImageSummary.maxImages(1L));
      flush = tf.summary.flushSummaryWriter(writer);
      closeWriter = tf.summary.closeSummaryWriter(writer);
      // A session of one thread each way: these ops are tiny, and no pool should compete with training.
      session = new Session(graph, ThreadSettings.of(1, 1).toConfig());
      session.runner().addTarget(create).run().close();
    } catch (RuntimeException | Error e) {
      graph.close();
      throw e;
    }
  }

  /**
   * Opens an event-file writer in {@code directory}, creating it if absent.
   *
   * @throws IOException naming the directory if it cannot be created
   */
  public static TensorBoardWriter open(Path directory) throws IOException {
    Path absolute = directory.toAbsolutePath().normalize();
    try {
      Files.createDirectories(absolute);
    } catch (FileSystemException e) {
      throw new NotDirectoryException(absolute + ": cannot create the TensorBoard directory ("
          + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName()) + ")");
    }
    return new TensorBoardWriter(absolute);
  }

  public Path directory() {
    return directory;
  }

  /** Writes one scalar; non-finite values are written as they are (TensorBoard shows them). */
  public void scalar(String name, long atStep, double v) {
    requireOpen();
    Objects.requireNonNull(name, "name");
    try (TInt64 s = TInt64.scalarOf(atStep);
        TString t = TString.scalarOf(name);
        TFloat32 x = TFloat32.scalarOf((float) v)) {
      session.runner().feed(step, s).feed(tag, t).feed(value, x).addTarget(writeScalar).run().close();
    }
  }

  /** Writes several scalars at one step, in the map's order. */
  public void scalars(long atStep, Map<String, Double> values) {
    values.forEach((name, v) -> scalar(name, atStep, v));
  }

  /**
   * Writes a grayscale image of {@code height} rows of {@code width} pixels (row-major, 0 black,
   * 255 white).
   */
  public void image(String name, long atStep, byte[] pixels, int height, int width) {
    requireOpen();
    Objects.requireNonNull(name, "name");
    if (height < 1 || width < 1 || pixels.length != (long) height * width) {
      throw new IllegalArgumentException("image '" + name + "': " + pixels.length
          + " pixels do not make " + height + " rows of " + width);
    }
    try (TInt64 s = TInt64.scalarOf(atStep);
        TString t = TString.scalarOf(name);
        TUint8 img = TUint8.tensorOf(Shape.of(1, height, width, 1), DataBuffers.of(pixels, true, false))) {
      session.runner().feed(step, s).feed(tag, t).feed(image, img).addTarget(writeImage).run().close();
    }
  }

  /** Writes queued events to the file now. */
  public void flush() {
    requireOpen();
    session.runner().addTarget(flush).run().close();
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("TensorBoard writer for " + directory + " is closed");
    }
  }

  /** Flushes and closes the event file, then frees the graph. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      session.runner().addTarget(closeWriter).run().close();
    } finally {
      session.close();
      graph.close();
    }
  }
}
