package dev.helmholtz.bench;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.data.Mnist;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.vae.Vae;
import dev.helmholtz.samples.vae.VaeModel;
import dev.helmholtz.train.ProgressListener;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.train.Training;
import dev.helmholtz.train.TrainingSummary;
import dev.helmholtz.graph.NativeMemorySettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.tensorflow.TensorFlow;

/**
 * What the benchmark measures in a fresh JVM, because it cannot be measured in one that has run
 * TensorFlow already: the cold start (JVM start to the first training step) and training speed
 * under given thread settings (TensorFlow sizes its intra-op pool once per process, by the first
 * session). Run by {@link #run}; prints one {@code RESULT key=value ...} line.
 *
 * <pre>
 * cold                                      JVM start to the first step of the sample VAE
 * steps INTRA INTER BATCH WARMUP BLOCKS N   median ms/step over BLOCKS blocks of N steps
 * </pre>
 */
public final class BenchChild {
  private BenchChild() {}

  public static void main(String[] args) throws IOException {
    NativeMemorySettings.apply();
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    long mainMillis = System.currentTimeMillis();
    if (args.length == 1 && args[0].equals("cold")) {
      cold(jvmStart, mainMillis);
    } else if (args.length == 8 && args[0].equals("steps")) {
      int[] a = Arrays.stream(args, 1, 8).mapToInt(Integer::parseInt).toArray();
      steps(ThreadSettings.of(a[0], a[1], a[2]), a[3], a[4], a[5], a[6]);
    } else {
      System.err.println("usage: BenchChild cold | steps INTRA INTER TOWERS BATCH WARMUP BLOCKS STEPS");
      System.exit(2);
    }
  }

  private static void cold(long jvmStart, long mainMillis) throws IOException {
    Dataset train = Mnist.loadDefault().train().dataset("x").dynamicallyBinarized("x");
    long loaded = System.currentTimeMillis();
    TensorFlow.version(); // loads the native library
    long nativeLoaded = System.currentTimeMillis();
    try (VaeModel vae = VaeModel.create(new Vae(), Seed.of(1), ThreadSettings.defaults())) {
      long built = System.currentTimeMillis();
      TrainingSummary s = vae.fit(train, Training.epochs(1).batchSize(128).maxSteps(1)
          .progress(ProgressListener.silent()));
      long stepped = System.currentTimeMillis();
      System.out.printf(Locale.ROOT, "RESULT jvm_to_main_ms=%d mnist_ms=%d native_ms=%d build_ms=%d"
              + " first_step_ms=%d total_ms=%d first_step_at=%d data_path=%s%n",
          mainMillis - jvmStart, loaded - mainMillis, nativeLoaded - loaded, built - nativeLoaded,
          stepped - built, stepped - jvmStart, stepped, s.dataPath());
    }
  }

  private static void steps(ThreadSettings threads, int batch, int warmup, int blocks, int n)
      throws IOException {
    Dataset train = Mnist.loadDefault().train().dataset("x").dynamicallyBinarized("x");
    try (VaeModel vae = VaeModel.create(new Vae(), Seed.of(1), threads)) {
      Training base = Training.epochs(1).batchSize(batch).progress(ProgressListener.silent());
      vae.fit(train, base.maxSteps(warmup));
      double[] ms = new double[blocks];
      for (int b = 0; b < blocks; b++) {
        long start = System.nanoTime();
        TrainingSummary s = vae.fit(train, base.maxSteps(n).seed(b + 1));
        ms[b] = (System.nanoTime() - start) / 1e6 / s.steps();
      }
      System.out.printf(Locale.ROOT, "RESULT median_ms=%.4f min_ms=%.4f%n", median(ms),
          Arrays.stream(ms).min().orElse(Double.NaN));
    }
  }

  static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  /**
   * Runs {@code BenchChild args} in a fresh JVM on this JVM's class path and returns its RESULT
   * line's values, plus {@code launched_at}: when the process was started (epoch ms).
   *
   * @throws IOException when the child fails or prints no RESULT line; the message has its output
   */
  public static Map<String, String> run(List<String> args, long timeoutSeconds) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), BenchChild.class.getName()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "2");
    long launched = System.currentTimeMillis();
    Process process = builder.start();
    StringBuilder output = new StringBuilder();
    // Read on another thread, so that a child that hangs still meets the timeout.
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          synchronized (output) {
            output.append(line).append('\n');
          }
        }
      } catch (IOException e) {
        synchronized (output) {
          output.append("(reading the output failed: ").append(e).append(")\n");
        }
      }
    }, "bench-child-output");
    reader.setDaemon(true);
    reader.start();
    try {
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("benchmark child " + args + " ran over " + timeoutSeconds + " s");
      }
      reader.join(10_000);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for benchmark child " + args, e);
    }
    String result = null;
    synchronized (output) {
      for (String line : output.toString().split("\n")) {
        if (line.startsWith("RESULT ")) {
          result = line;
        }
      }
    }
    if (process.exitValue() != 0 || result == null) {
      throw new IOException("benchmark child " + args + " exited with " + process.exitValue()
          + (result == null ? " and no RESULT line" : "") + "; its output:\n" + output);
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String pair : result.substring("RESULT ".length()).trim().split("\\s+")) {
      int eq = pair.indexOf('=');
      values.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    values.put("launched_at", Long.toString(launched));
    return values;
  }
}
