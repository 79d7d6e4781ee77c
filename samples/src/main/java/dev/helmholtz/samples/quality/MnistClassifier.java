package dev.helmholtz.samples.quality;

import dev.helmholtz.data.Batch;
import dev.helmholtz.data.Batches;
import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.RandomSource;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.nn.Activation;
import dev.helmholtz.nn.Nn;
import dev.helmholtz.nn.VariableStore;
import dev.helmholtz.train.Adam;
import dev.helmholtz.train.ThreadSettings;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * A small MNIST classifier (784-256-64-10, ReLU) whose 64 penultimate activations serve as the
 * features of a Fréchet distance for generated digits, and whose predictions give their class
 * histogram (a collapsed GAN shows there). Trained once and saved; {@link #loadOrTrain} reuses it.
 */
public final class MnistClassifier implements AutoCloseable {
  /** Width of the feature layer. */
  public static final int FEATURES = 64;
  private static final int MAGIC = 0x484d4331; // "HMC1"
  private static final int BATCH = 500;

  private final Graph graph;
  private final Session session;
  private final Placeholder<TFloat32> images;
  private final Placeholder<TFloat32> labels;
  private final Operand<TFloat32> features;
  private final Operand<TFloat32> logits;
  private final Operand<TFloat32> loss;
  private final List<Variable<TFloat32>> variables;
  private final Op step;

  private MnistClassifier(long seed, ThreadSettings threads) {
    graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      VariableStore store = new VariableStore(tf, new RandomSource(tf, Seed.of(seed)));
      images = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, Mnist.IMAGE_SIZE)));
      labels = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(Shape.UNKNOWN_SIZE, 10)));
      Nn nn = new Nn(store, "classifier");
      features = nn.dense(nn.dense(images, 256, Activation.RELU), FEATURES, Activation.RELU);
      logits = nn.dense(features, 10);
      var perExample = tf.reduceSum(tf.math.mul(labels, tf.nn.logSoftmax(logits)), tf.constant(1));
      loss = tf.math.neg(tf.math.mean(perExample, tf.constant(0)));
      variables = store.trainableVariables();
      Adam adam = Adam.create(tf, "adam", loss, variables, tf.constant(1e-3f));
      step = adam.step();
      session = new Session(graph, threads.toConfig());
      Session.Runner init = session.runner();
      store.initializers().forEach(init::addTarget);
      adam.initializers().forEach(init::addTarget);
      init.run().close();
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /** Trains a classifier on {@code train} for {@code epochs} epochs of Adam at 1e-3, batches of 100. */
  public static MnistClassifier train(Mnist.Split train, int epochs, long seed, ThreadSettings threads) {
    MnistClassifier c = new MnistClassifier(seed, threads);
    try {
      Dataset data = train.dataset("x").with("y", oneHot(train.labels()));
      for (int epoch = 1; epoch <= epochs; epoch++) {
        Batches batches = data.batches(100, true, seed + epoch, "x", "y");
        while (batches.hasNext()) {
          Batch b = batches.next();
          try (TFloat32 x = tensor(b.column("x"), b.size(), Mnist.IMAGE_SIZE);
              TFloat32 y = tensor(b.column("y"), b.size(), 10)) {
            c.session.runner().feed(c.images, x).feed(c.labels, y).addTarget(c.step).run().close();
          }
        }
      }
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /**
   * The classifier saved at {@code file}, or, when there is none, one trained for 3 epochs on
   * {@code train} and saved there.
   */
  public static MnistClassifier loadOrTrain(Path file, Mnist.Split train, ThreadSettings threads,
      java.io.PrintStream log) throws IOException {
    if (Files.exists(file)) {
      log.println("classifier: loading " + file);
      return load(file, threads);
    }
    log.println("classifier: training 784-256-64-10 on " + train.size() + " images, 3 epochs");
    MnistClassifier c = train(train, 3, 1, threads);
    c.save(file);
    log.println("classifier: saved to " + file);
    return c;
  }

  /** Writes the weights, atomically: a crash never leaves a partial file in place. */
  public void save(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
    try {
      try (OutputStream os = Files.newOutputStream(tmp); DataOutputStream out = new DataOutputStream(
          new java.io.BufferedOutputStream(os))) {
        out.writeInt(MAGIC);
        out.writeInt(variables.size());
        for (Variable<TFloat32> v : variables) {
          float[] values = read(v);
          out.writeUTF(v.op().name());
          out.writeInt(values.length);
          for (float f : values) {
            out.writeFloat(f);
          }
        }
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Reads weights written by {@link #save}.
   *
   * @throws IOException when the file is not such a classifier; the message names the file
   */
  public static MnistClassifier load(Path file, ThreadSettings threads) throws IOException {
    MnistClassifier c = new MnistClassifier(1, threads);
    try (InputStream is = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(is))) {
      if (in.readInt() != MAGIC || in.readInt() != c.variables.size()) {
        throw new IOException(file + " is not a saved Helmholtz MNIST classifier");
      }
      Ops tf = Ops.create(c.graph);
      for (Variable<TFloat32> v : c.variables) {
        String name = in.readUTF();
        int n = in.readInt();
        if (!name.equals(v.op().name()) || n != v.shape().size()) {
          throw new IOException(file + ": expected variable " + v.op().name() + " of " + v.shape().size()
              + " values, found " + name + " of " + n);
        }
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
          values[i] = in.readFloat();
        }
        try (TFloat32 t = TFloat32.tensorOf(v.shape(), DataBuffers.of(values, true, false))) {
          Placeholder<TFloat32> p = tf.placeholder(TFloat32.class);
          c.session.runner().feed(p, t).addTarget(tf.assign(v, p)).run().close();
        }
      }
    } catch (java.io.EOFException e) {
      c.close();
      throw new IOException(file + " is truncated", e);
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** The 64 penultimate activations of each image, {@code [n][64]}. */
  public float[][] features(float[][] x) {
    return run(x, features, FEATURES);
  }

  /** The most probable digit of each image. */
  public int[] classify(float[][] x) {
    float[][] scores = run(x, logits, 10);
    int[] out = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      int best = 0;
      for (int k = 1; k < 10; k++) {
        best = scores[i][k] > scores[i][best] ? k : best;
      }
      out[i] = best;
    }
    return out;
  }

  /** The fraction of images classified as their label. */
  public double accuracy(float[][] x, int[] y) {
    int[] predicted = classify(x);
    int right = 0;
    for (int i = 0; i < y.length; i++) {
      right += predicted[i] == y[i] ? 1 : 0;
    }
    return (double) right / y.length;
  }

  /** One-hot rows for digit labels. */
  public static float[][] oneHot(int[] digits) {
    float[][] out = new float[digits.length][10];
    for (int i = 0; i < digits.length; i++) {
      out[i][digits[i]] = 1f;
    }
    return out;
  }

  private float[][] run(float[][] x, Operand<TFloat32> fetch, int width) {
    List<float[]> rows = new ArrayList<>(x.length);
    for (int from = 0; from < x.length; from += BATCH) {
      int n = Math.min(BATCH, x.length - from);
      float[] flat = new float[n * Mnist.IMAGE_SIZE];
      for (int i = 0; i < n; i++) {
        System.arraycopy(x[from + i], 0, flat, i * Mnist.IMAGE_SIZE, Mnist.IMAGE_SIZE);
      }
      try (TFloat32 in = tensor(flat, n, Mnist.IMAGE_SIZE);
          Result r = session.runner().feed(images, in).fetch(fetch).run()) {
        float[] out = new float[n * width];
        ((TFloat32) r.get(0)).copyTo(DataBuffers.of(out, false, false));
        for (int i = 0; i < n; i++) {
          rows.add(Arrays.copyOfRange(out, i * width, (i + 1) * width));
        }
      }
    }
    return rows.toArray(float[][]::new);
  }

  private float[] read(Variable<TFloat32> v) {
    try (Result r = session.runner().fetch(v).run()) {
      TFloat32 t = (TFloat32) r.get(0);
      float[] out = new float[(int) t.shape().size()];
      t.copyTo(DataBuffers.of(out, false, false));
      return out;
    }
  }

  private static TFloat32 tensor(float[] flat, int rows, int width) {
    return TFloat32.tensorOf(Shape.of(rows, width), DataBuffers.of(flat, true, false).narrow((long) rows * width));
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
