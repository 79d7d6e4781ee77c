package dev.helmholtz.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Check 6 of a self-check: a network's output, as it ran, against its node's declared event shape.
 * A distribution's shape is the broadcast of its parameters' shapes; its trailing axes must be the
 * event's, and what leads them must be the rows it was run on, or nothing (a distribution of no
 * batch axes, such as a learned prior). A parameter that broadcast silently (one logit where the
 * event has 784) is what this catches: the graph runs, and the model is not the one declared.
 */
public final class EventShapes {
  private EventShapes() {}

  /**
   * The row of one network output.
   *
   * @param subject what ran, e.g. {@code q(z | ...) of node z}
   * @param parameterShapes each parameter's shape at run time
   * @param event the node's declared event shape
   * @param rows the rows the output was computed for
   */
  public static SelfCheckReport.Row compare(String subject, List<long[]> parameterShapes, List<Integer> event,
      long rows) {
    long[] shape = broadcast(parameterShapes);
    String detail = "shape " + Arrays.toString(shape) + ", event shape " + event + ", " + rows + " rows";
    if (shape == null) {
      return new SelfCheckReport.Row("shape", subject, Double.NaN, 0, SelfCheckReport.Status.FAIL,
          "its parameters' shapes " + describe(parameterShapes) + " do not broadcast");
    }
    int lead = shape.length - event.size();
    boolean ok = lead >= 0;
    for (int i = 0; ok && i < event.size(); i++) {
      ok = shape[lead + i] == event.get(i);
    }
    long leading = 1;
    for (int i = 0; ok && i < lead; i++) {
      leading *= shape[i];
    }
    ok = ok && (leading == rows || leading == 1);
    // The figure counts the axes that differ from the declared ones, so 0 passes.
    double mismatched = 0;
    if (!ok) {
      mismatched = Math.max(1, Math.abs(lead));
      for (int i = 0; i < event.size(); i++) {
        int j = lead + i;
        if (j < 0 || j >= shape.length || shape[j] != event.get(i)) {
          mismatched++;
        }
      }
    }
    return SelfCheckReport.Row.measured("shape", subject, mismatched, 0, detail);
  }

  private static String describe(List<long[]> shapes) {
    List<String> out = new ArrayList<>();
    shapes.forEach(s -> out.add(Arrays.toString(s)));
    return out.toString();
  }

  /** NumPy's broadcast of {@code shapes}, or null when they do not broadcast. */
  static long[] broadcast(List<long[]> shapes) {
    int rank = 0;
    for (long[] s : shapes) {
      rank = Math.max(rank, s.length);
    }
    long[] out = new long[rank];
    Arrays.fill(out, 1);
    for (long[] s : shapes) {
      for (int i = 0; i < s.length; i++) {
        int j = rank - s.length + i;
        if (out[j] == 1) {
          out[j] = s[i];
        } else if (s[i] != 1 && s[i] != out[j]) {
          return null;
        }
      }
    }
    return out;
  }
}
