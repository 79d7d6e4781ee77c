package dev.helmholtz.core;

import dev.helmholtz.data.Dataset;
import dev.helmholtz.dist.Support;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/** The check every model makes before it runs on data: a column of the right width per node. */
public final class DataColumns {
  /**
   * The supports each column array has passed, by the array's identity (arrays hash by identity;
   * weakly held, so a data set's entry goes with it). A {@link Dataset} is immutable and keeps its
   * arrays by reference, so an array that passed once passes again: every later {@code fit},
   * evaluation or self-check on the same data skips the pass over it (60,000 MNIST rows: 47
   * million values, 15-50 ms a call, which a loop of short fits paid each time).
   */
  private static final Map<float[], Set<Support>> PASSED = Collections.synchronizedMap(new WeakHashMap<>());

  private DataColumns() {}

  /**
   * The columns for {@code widths} (node name to event width, in order), checked against
   * {@code data} before anything runs; the messages name the node and the model.
   */
  public static String[] require(String modelName, Dataset data, Map<String, Integer> widths) {
    List<String> columns = new ArrayList<>();
    for (Map.Entry<String, Integer> node : widths.entrySet()) {
      String name = node.getKey();
      if (!data.has(name)) {
        throw new IllegalArgumentException("the data has no column '" + name + "' for observed node '"
            + name + "' of " + modelName + "; its columns are " + data.columns());
      }
      if (data.width(name) != node.getValue()) {
        throw new IllegalArgumentException("column '" + name + "' has "
            + Arrays.toString(data.eventShape(name)) + " values per example, but node '"
            + name + "' of " + modelName + " declares " + node.getValue());
      }
      columns.add(name);
    }
    if (data.size() == 0) {
      throw new IllegalArgumentException("the data set is empty");
    }
    return columns.toArray(String[]::new);
  }

  /**
   * As {@link #require(String, Dataset, Map)} for nodes of any event shape (node name to shape, in
   * order): a node of shape {@code [28, 28, 1]} takes a column of that shape, or a flat column of
   * its width (the same values row-major, as {@code Dataset.of(name, rows)} makes from flat rows);
   * a column of the same width in another shape, such as {@code [1, 28, 28]} (channels first), is
   * refused, since its values would be read in the wrong order. A vector node takes any column of
   * its width, as it always has.
   */
  public static String[] requireShapes(String modelName, Dataset data, Map<String, List<Integer>> shapes) {
    Map<String, Integer> widths = new java.util.LinkedHashMap<>();
    shapes.forEach((name, shape) -> widths.put(name, EventAxes.width(shape)));
    String[] columns = require(modelName, data, widths);
    shapes.forEach((name, shape) -> {
      int[] column = data.eventShape(name);
      boolean flat = column.length == 1;
      if (shape.size() > 1 && !flat && !Arrays.equals(column, shape.stream().mapToInt(Integer::intValue).toArray())) {
        throw new IllegalArgumentException("column '" + name + "' has event shape " + Arrays.toString(column)
            + ", but node '" + name + "' of " + modelName + " declares " + shape
            + "; give the column that shape (channels last) or flat rows of " + EventAxes.width(shape)
            + " values, row-major");
      }
    });
    return columns;
  }

  /**
   * Checks that every value of column {@code name} of {@code data} lies in {@code support}, the
   * fixed support of observed node {@code name}'s family (named {@code family}).
   *
   * @throws IllegalArgumentException naming the node, the column, the family, the first value
   *     outside the support, its row and position, and how many values are outside
   */
  public static void requireSupport(String modelName, Dataset data, String name, String family, Support support) {
    float[] flat = data.flat(name);
    Set<Support> passed = PASSED.get(flat);
    if (passed != null && passed.contains(support)) {
      return;
    }
    int width = data.width(name);
    int first = -1;
    long outside = 0;
    for (int i = 0; i < flat.length; i++) {
      if (!support.contains(flat[i])) {
        outside++;
        if (first < 0) {
          first = i;
        }
      }
    }
    if (first >= 0) {
      throw new IllegalArgumentException("column '" + name + "' holds " + flat[first] + " at row " + first / width
          + ", position " + first % width + " (" + outside + " of its " + flat.length + " values are outside the "
          + "support), but observed node '" + name + "' of " + modelName + " is " + family + ", whose values are "
          + support.description());
    }
    // Supports compare by identity: the families' constants, or a user family's own object.
    PASSED.computeIfAbsent(flat, f -> Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>())))
        .add(support);
  }

  /**
   * Checks that column {@code name} of {@code data} holds labels of {@code classes} classes: per
   * row one-hot (a labelled example) or all zeros (an unlabelled one).
   *
   * @throws IllegalArgumentException naming the column, the first bad row and its values
   */
  public static void requireLabels(String modelName, Dataset data, String name, int classes) {
    if (data.width(name) != classes) {
      throw new IllegalArgumentException("column '" + name + "' has "
          + Arrays.toString(data.eventShape(name)) + " values per example, but the enumerated latent '"
          + name + "' of " + modelName + " has " + classes + " classes");
    }
    float[] flat = data.flat(name);
    for (int row = 0; row < data.size(); row++) {
      int ones = 0;
      boolean valid = true;
      for (int j = 0; j < classes; j++) {
        float v = flat[row * classes + j];
        if (v == 1f) {
          ones++;
        } else if (v != 0f) {
          valid = false;
        }
      }
      if (!valid || ones > 1) {
        throw new IllegalArgumentException("row " + row + " of column '" + name + "' is "
            + Arrays.toString(Arrays.copyOfRange(flat, row * classes, (row + 1) * classes))
            + ": labels of the enumerated latent '" + name + "' of " + modelName
            + " are one-hot rows (labelled) or all zeros (unlabelled)");
      }
    }
  }
}
