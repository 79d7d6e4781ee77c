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
  private final int towers;

  private ThreadSettings(int intraOp, int interOp, int towers) {
    this.intraOp = intraOp;
    this.interOp = interOp;
    this.towers = towers;
  }

  /**
   * Explicit thread counts, with the training batch in one piece (one tower).
   *
   * @param intraOp threads per op, &ge; 0 (0 = TensorFlow's choice)
   * @param interOp ops run concurrently, &ge; 0 (0 = TensorFlow's choice)
   */
  public static ThreadSettings of(int intraOp, int interOp) {
    return of(intraOp, interOp, 1);
  }

  /**
   * Explicit thread counts, and the number of towers a training step splits its batch into.
   *
   * <p>A tower is one copy of the training pass over a contiguous block of the batch's rows (the
   * first blocks take the extra rows when the batch does not divide); the loss is the mean over
   * all rows, so the gradient is the same estimator as with one tower, and the towers' products
   * run at the same time on different inter-op threads. Only objectives that are a mean of
   * per-example terms are split (ELBO, M2's enumerated one included, IWAE, VIMCO); NVIL and
   * wake-sleep train in one tower whatever this says. A seeded run is reproducible for the same
   * settings, towers included: each tower draws its own noise.
   *
   * <p>A network sees one tower's rows at a time while training. The networks of {@code Nn} treat
   * rows independently, so nothing changes; a network of your own that mixes the rows of its input
   * (batch statistics, say) would compute them per tower: train it with one tower.
   *
   * @param towers row blocks per training batch, &ge; 1
   */
  public static ThreadSettings of(int intraOp, int interOp, int towers) {
    if (towers < 1) {
      throw new IllegalArgumentException("towers must be >= 1 (1 = the batch in one piece), was " + towers);
    }
    if (intraOp < 0) {
      throw new IllegalArgumentException(
          "intraOp must be >= 0 (0 = TensorFlow chooses), was " + intraOp);
    }
    if (interOp < 0) {
      throw new IllegalArgumentException(
          "interOp must be >= 0 (0 = TensorFlow chooses), was " + interOp);
    }
    return new ThreadSettings(intraOp, interOp, towers);
  }

  /**
   * Settings from a command line's {@code intra,inter[,towers]} list (an omitted inter-op count is
   * 1, omitted towers 1); {@code null} gives {@link #defaults()}.
   */
  public static ThreadSettings fromCounts(int[] counts) {
    if (counts == null) {
      return defaults();
    }
    if (counts.length < 1 || counts.length > 3) {
      throw new IllegalArgumentException("thread settings are intra,inter[,towers]: 1 to 3 numbers, got "
          + counts.length);
    }
    return of(counts[0], counts.length > 1 ? counts[1] : 1, counts.length > 2 ? counts[2] : 1);
  }

  /**
   * The settings chosen by measurement: intraOp = 1, interOp = 2, towers = 2.
   *
   * <p>How it was measured (December 2026, the project's 2-core x86-64 machine, load average 1.7
   * to 2.3; TF Java 1.1.0, oneDNN on): {@code java -jar helmholtz-bench.jar bench --sections
   * threads --thread-settings "1,2,2;1,2,1;2,2,2;2,2,1;1,2,3;0,0,1" --thread-passes 2}, which trains
   * the sample VAE (784-200-200-50, tanh, Adam, resident dynamically binarized MNIST) in a fresh
   * JVM per setting and batch size (the intra-op pool is per process, see the class comment): 100
   * warm-up steps, then the median of 5 blocks of 50 steps; settings interleaved, two passes.
   * Median over the JVMs, ms/step:
   *
   * <table>
   *   <caption>ms per step (two JVMs per cell)</caption>
   *   <tr><th>intra/inter/towers</th><th>batch 32</th><th>batch 128</th><th>batch 512</th></tr>
   *   <tr><td>1/2/2</td><td>2.23</td><td>4.65</td><td>13.5</td></tr>
   *   <tr><td>1/2/1</td><td>2.50</td><td>6.02</td><td>18.9</td></tr>
   *   <tr><td>1/2/3</td><td>2.56</td><td>5.13</td><td>15.5</td></tr>
   *   <tr><td>2/2/2</td><td>3.29</td><td>6.36</td><td>16.4</td></tr>
   *   <tr><td>2/2/1</td><td>3.25</td><td>6.96</td><td>15.5</td></tr>
   *   <tr><td>0/0/1 (TensorFlow's choice)</td><td>3.37</td><td>6.77</td><td>18.6</td></tr>
   * </table>
   *
   * <p>1/2/2 was the fastest at every batch size: one thread per op avoids the hand-offs of
   * splitting small ops, two ops at a time keep both cores busy, and two towers give each core a
   * chain of products of its own in the forward pass, where one tower leaves the second core idle.
   * An earlier measurement without towers (load 7 to 17) found 1/2 faster than 1/1 (2.0 times at
   * batch 128), 2/1 and 2/2.
   *
   * <p>Results depend on intraOp, not interOp (how a reduction is split), and on the towers (each
   * draws its own noise); with intraOp = 1 no op is split, so a seeded run gives the same bits
   * whatever the machine's core count. The settings are pinned rather than left to TensorFlow for
   * the same reason.
   */
  public static ThreadSettings defaults() {
    return new ThreadSettings(DEFAULT_INTRA_OP, DEFAULT_INTER_OP, DEFAULT_TOWERS);
  }

  private static final int DEFAULT_INTRA_OP = 1;
  private static final int DEFAULT_INTER_OP = 2;
  private static final int DEFAULT_TOWERS = 2;

  /**
   * The rows tower {@code tower} of {@code towers} takes from a batch of {@code batch}: the
   * batch's share, the first {@code batch % towers} towers one more (a tower may get none).
   */
  public static int towerRows(int batch, int towers, int tower) {
    if (batch < 0 || towers < 1 || tower < 0 || tower >= towers) {
      throw new IllegalArgumentException("towerRows needs batch >= 0 and 0 <= tower < towers, got batch "
          + batch + ", tower " + tower + " of " + towers);
    }
    return (batch + towers - 1 - tower) / towers;
  }

  /** Row blocks a training batch is split into, each its own copy of the training pass. */
  public int towers() {
    return towers;
  }

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
    return o instanceof ThreadSettings t && t.intraOp == intraOp && t.interOp == interOp && t.towers == towers;
  }

  @Override
  public int hashCode() {
    return (31 * intraOp + interOp) * 31 + towers;
  }

  @Override
  public String toString() {
    return "ThreadSettings[intraOp=" + intraOp + ", interOp=" + interOp + ", towers=" + towers + "]";
  }
}
