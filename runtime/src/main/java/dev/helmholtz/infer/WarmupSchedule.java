package dev.helmholtz.infer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Stan's warm-up windows for adapting a diagonal mass matrix: a fast initial buffer (step size
 * only, while the chains find the typical set), then slow windows of doubling length (25, 50,
 * 100, ... iterations) at the end of each of which the mass matrix is set from the variance of
 * the draws in that window and the step-size adaptation restarts, then a fast terminal buffer
 * (step size only, for the final mass matrix). Defaults: 75 / 25 / 50 iterations; when the
 * warm-up is shorter than their sum, 15% / 75% / 10% of it, as in Stan. A window that would
 * leave less than twice its successor's length before the terminal buffer absorbs the rest.
 * Below 20 iterations only the step size is adapted.
 */
final class WarmupSchedule {
  static final int INITIAL_BUFFER = 75;
  static final int BASE_WINDOW = 25;
  static final int TERMINAL_BUFFER = 50;

  /** Warm-up iterations {@code [start, end)}, counted from 0, whose draws set the mass matrix. */
  record Window(int start, int end) {}

  private final List<Window> windows;

  private WarmupSchedule(List<Window> windows) {
    this.windows = Collections.unmodifiableList(windows);
  }

  static WarmupSchedule of(int warmup) {
    List<Window> windows = new ArrayList<>();
    if (warmup < 20) {
      return new WarmupSchedule(windows);
    }
    int initial = INITIAL_BUFFER;
    int terminal = TERMINAL_BUFFER;
    int length = BASE_WINDOW;
    if (initial + length + terminal > warmup) {
      initial = (int) (0.15 * warmup);
      terminal = (int) (0.1 * warmup);
      length = warmup - initial - terminal;
    }
    int lastEnd = warmup - terminal;
    int start = initial;
    while (start < lastEnd) {
      int end = start + length;
      if (end + 2 * length > lastEnd) {
        end = lastEnd;
      }
      windows.add(new Window(start, end));
      start = end;
      length *= 2;
    }
    return new WarmupSchedule(windows);
  }

  /** The slow windows in order; empty when the mass matrix is not adapted. */
  List<Window> windows() {
    return windows;
  }
}
