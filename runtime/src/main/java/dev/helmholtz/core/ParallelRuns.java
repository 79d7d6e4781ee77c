package dev.helmholtz.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Work items taken in order from a source and handed to a few threads at once: how independent
 * session runs (evaluation batches) keep several cores busy when each run alone is a chain of
 * ops on one thread. Items are taken one at a time under a lock, each with its index, so the
 * source needs no thread safety and each item knows its place.
 */
public final class ParallelRuns {
  private ParallelRuns() {}

  /** Work on one item, which may throw. */
  @FunctionalInterface
  public interface Work<T> {
    /** Processes {@code item}, the {@code index}-th (from 0) taken from the source. */
    void accept(int index, T item) throws Exception;
  }

  /**
   * Takes {@code count} items from {@code next} and runs {@code work} on each, {@code workers} at
   * a time (1: on the calling thread). The first failure stops the taking of items and is
   * rethrown once every worker has stopped.
   */
  public static <T> void forEach(int count, int workers, Supplier<T> next, Work<T> work) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be >= 1, was " + workers);
    }
    Object lock = new Object();
    int[] taken = {0};
    AtomicBoolean failed = new AtomicBoolean();
    Runnable worker = () -> {
      while (!failed.get()) {
        int index;
        T item;
        synchronized (lock) {
          if (taken[0] >= count) {
            return;
          }
          index = taken[0]++;
          item = next.get();
        }
        try {
          work.accept(index, item);
        } catch (Exception e) {
          failed.set(true);
          throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        } catch (Error e) {
          failed.set(true);
          throw e;
        }
      }
    };
    if (workers == 1 || count <= 1) {
      worker.run();
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "helmholtz-parallel-runs");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        futures.add(pool.submit(worker));
      }
      RuntimeException first = null;
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          if (first == null) {
            Throwable cause = e.getCause();
            if (cause instanceof Error error) {
              throw error;
            }
            first = cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          failed.set(true);
          throw new IllegalStateException("interrupted while waiting for parallel runs", e);
        }
      }
      if (first != null) {
        throw first;
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
