package dev.helmholtz.train;

import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.ThreadPoolOptionProto;

/**
 * TensorFlow session threading, pinned so that a seeded run is reproducible.
 *
 * <p>{@code intraOp} is the number of threads one op (a MatMul, a reduction) may split its work
 * over; {@code interOp} the number of ops that may run at once. 0 lets TensorFlow choose (the
 * number of cores for both). Numerical results can depend on {@code intraOp} (how a reduction is
 * split), so a run is reproducible only with the same settings; with {@link Adam}'s race-free
 * update they are then bit-identical.
 *
 * <p><b>TF Java 1.1.0 caveat (measured):</b> the intra-op thread pool is <em>process-wide</em>
 * and sized by the <em>first</em> {@code Session} created in the JVM; later sessions' {@code
 * intraOp} is silently ignored (a 1024² MatMul ran at the single-thread speed in a session asking
 * for 2 threads after a session with 1, and vice versa). Create the training session first, or
 * use the same settings for every session of the process. Setting the environment variable {@code
 * TF_OVERRIDE_GLOBAL_THREADPOOL=true} before the JVM starts gives each session its own intra-op
 * pool. The inter-op pool would be process-wide too; {@link #toConfig()} asks for a per-session
 * one, so {@code interOp} is honoured.
 */
public final class ThreadSettings {

  private final int intraOp;
  private final int interOp;

  private ThreadSettings(int intraOp, int interOp) {
    this.intraOp = intraOp;
    this.interOp = interOp;
  }

  /**
   * Explicit thread counts.
   *
   * @param intraOp threads per op, &ge; 0 (0 = TensorFlow's choice)
   * @param interOp ops run concurrently, &ge; 0 (0 = TensorFlow's choice)
   */
  public static ThreadSettings of(int intraOp, int interOp) {
    if (intraOp < 0) {
      throw new IllegalArgumentException(
          "intraOp must be >= 0 (0 = TensorFlow chooses), was " + intraOp);
    }
    if (interOp < 0) {
      throw new IllegalArgumentException(
          "interOp must be >= 0 (0 = TensorFlow chooses), was " + interOp);
    }
    return new ThreadSettings(intraOp, interOp);
  }

  /**
   * The settings chosen by measurement: intraOp = 2, interOp = 2.
   *
   * <p>How it was measured (November 2026, the project's 2-core x86-64 build machine, TF Java
   * 1.1.0 with oneDNN on): a throwaway program timed one training step of a dense VAE — 784-500
   * encoder, 50-d mean and log-variance heads, 50-500-784 decoder, ReLU, sigmoid cross-entropy
   * plus KL, batch 128, {@link Adam} with a fed learning rate, fed data and fed noise — in a fresh
   * JVM per setting (the intra-op pool is per process, see the class comment): 100 warm-up steps,
   * then 5 timed rounds of 200 steps. The four settings were interleaved, 14 JVM runs each, over
   * three passes. The machine was shared with other builds (load average 2 to 6), so the
   * per-run minimum is the most telling figure:
   *
   * <table>
   *   <caption>ms per step</caption>
   *   <tr><th>intra/inter</th><th>best</th><th>median of run minima</th>
   *       <th>median of run medians</th><th>variables after 1,100 steps</th></tr>
   *   <tr><td>1/1</td><td>7.4</td><td>8.4</td><td>9.5</td><td>bit-identical, run to run</td></tr>
   *   <tr><td>2/1</td><td>5.5</td><td>9.1</td><td>10.3</td><td>bit-identical, = 2/2</td></tr>
   *   <tr><td>2/2</td><td>5.0</td><td>5.8</td><td>8.6</td><td>bit-identical, = 2/1</td></tr>
   *   <tr><td>0/0 (TF default)</td><td>5.4</td><td>7.0</td><td>9.2</td>
   *       <td>bit-identical, = 2/2</td></tr>
   * </table>
   *
   * <p>Every setting was reproducible: all 14 runs of a setting ended with the same bits. The
   * results depend on intraOp only (1 differs from 2; interOp changes nothing, and TF's default
   * is 2/2 on two cores). 2/2 was the fastest; it is pinned rather than left at 0/0 so that the
   * numerics do not change with the number of cores of the machine a run lands on.
   */
  public static ThreadSettings defaults() {
    return new ThreadSettings(DEFAULT_INTRA_OP, DEFAULT_INTER_OP);
  }

  private static final int DEFAULT_INTRA_OP = 2;
  private static final int DEFAULT_INTER_OP = 2;

  /** Threads per op; 0 = TensorFlow chooses. */
  public int intraOp() {
    return intraOp;
  }

  /** Ops run concurrently; 0 = TensorFlow chooses. */
  public int interOp() {
    return interOp;
  }

  /**
   * A session configuration with these thread counts, for {@code new Session(graph, config)}. The
   * inter-op pool is per session (one {@code session_inter_op_thread_pool}), so {@code interOp}
   * takes effect even when another session was created first; see the class comment for the
   * intra-op pool.
   */
  public ConfigProto toConfig() {
    return ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(intraOp)
        .setInterOpParallelismThreads(interOp)
        .addSessionInterOpThreadPool(ThreadPoolOptionProto.newBuilder().setNumThreads(interOp))
        .build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ThreadSettings t && t.intraOp == intraOp && t.interOp == interOp;
  }

  @Override
  public int hashCode() {
    return 31 * intraOp + interOp;
  }

  @Override
  public String toString() {
    return "ThreadSettings[intraOp=" + intraOp + ", interOp=" + interOp + "]";
  }
}
