package dev.helmholtz.graph;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TInt64;

/**
 * Some of a graph's random streams ({@link RandomSource#runCounters()}), run with their counters
 * fed rather than incremented: the n-th of a sequence of runs is fed each counter's value before
 * the sequence plus n + 1, what the graph's own increments would have given it had the runs gone
 * one at a time, so the runs may go in any order or at the same time and draw the same numbers.
 * Afterwards {@link #advance} leaves the counters where the one-at-a-time sequence would have.
 *
 * <p>Only streams every run of the sequence draws from belong here: the one-at-a-time order
 * increments exactly those, once a run.
 */
public final class RunCounters {
  private final List<Variable<TInt64>> counters;
  private final List<Operand<TInt64>> counts;
  private final List<Placeholder<TInt64>> values = new ArrayList<>();
  private final List<Op> assigns = new ArrayList<>();

  /** The streams of {@code counters}, whose seeds read {@code counts} (same order), with ops to set them. */
  public RunCounters(Ops tf, List<Variable<TInt64>> counters, List<Operand<TInt64>> counts) {
    if (counters.size() != counts.size()) {
      throw new IllegalArgumentException(counters.size() + " counters but " + counts.size() + " counts");
    }
    this.counters = List.copyOf(counters);
    this.counts = List.copyOf(counts);
    Ops state = tf.withSubScope(RandomSource.STATE_SCOPE);
    for (Variable<TInt64> counter : this.counters) {
      Placeholder<TInt64> value = state.placeholder(TInt64.class);
      values.add(value);
      assigns.add(state.assign(counter, value));
    }
  }

  /** How many streams these are. */
  public int size() {
    return counters.size();
  }

  /** Each counter's value now. */
  public long[] read(Session session) {
    long[] start = new long[counters.size()];
    if (start.length == 0) {
      return start;
    }
    Session.Runner runner = session.runner();
    counters.forEach(runner::fetch);
    try (Result result = runner.run()) {
      for (int i = 0; i < start.length; i++) {
        start[i] = ((TInt64) result.get(i)).getLong();
      }
    }
    return start;
  }

  /** The counts run {@code run} (from 0) of a sequence begun at {@code start} draws with; close them after the run. */
  public Feeds feeds(long[] start, long run) {
    List<TInt64> tensors = new ArrayList<>(counts.size());
    for (long s : start) {
      tensors.add(TInt64.scalarOf(s + run + 1));
    }
    return new Feeds(tensors);
  }

  /** Sets each counter to its {@code start} value plus {@code runs}: where {@code runs} one-at-a-time runs leave it. */
  public void advance(Session session, long[] start, long runs) {
    if (counters.isEmpty()) {
      return;
    }
    List<TInt64> tensors = new ArrayList<>();
    try {
      Session.Runner runner = session.runner();
      for (int i = 0; i < counters.size(); i++) {
        TInt64 value = TInt64.scalarOf(start[i] + runs);
        tensors.add(value);
        runner.feed(values.get(i), value).addTarget(assigns.get(i));
      }
      runner.run().close();
    } finally {
      tensors.forEach(Tensor::close);
    }
  }

  /** One run's fed counts. */
  public final class Feeds implements AutoCloseable {
    private final List<TInt64> tensors;

    private Feeds(List<TInt64> tensors) {
      this.tensors = tensors;
    }

    /** Feeds each stream's count to {@code runner}. */
    public Session.Runner feed(Session.Runner runner) {
      for (int i = 0; i < tensors.size(); i++) {
        runner.feed(counts.get(i), tensors.get(i));
      }
      return runner;
    }

    @Override
    public void close() {
      tensors.forEach(Tensor::close);
    }
  }
}
