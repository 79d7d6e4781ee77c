package dev.helmholtz.data;

import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.Objects;

/**
 * Between flat rows and Java arrays in an event's shape: an event of shape {@code [28, 28, 1]}
 * is a row of 784 values laid out row-major (channels last, TensorFlow's layout), or one
 * {@code float[28][28][1]}; n of them are {@code float[n][784]} or {@code float[n][28][28][1]}.
 * The generated models' typed methods ({@code sample}, {@code reconstruct}, {@code encode}) use
 * it for image-shaped nodes; it is public for a user's own data too.
 */
public final class EventArrays {
  private EventArrays() {}

  /**
   * {@code rows} ({@code [n][product of eventShape]}) as arrays in the event's shape: {@code type}
   * is the array type of n events, one dimension more than {@code eventShape} has, e.g. {@code
   * float[][][][].class} for {@code [28, 28, 1]}.
   *
   * @throws IllegalArgumentException if a row's length is not the event's size, or {@code type}'s
   *     rank does not match
   */
  public static <T> T unflatten(float[][] rows, Class<T> type, int... eventShape) {
    Objects.requireNonNull(rows, "rows");
    checkShape(eventShape);
    int rank = rankOf(type);
    if (rank != eventShape.length + 1) {
      throw new IllegalArgumentException(type.getSimpleName() + " has " + rank + " dimensions; events of shape "
          + Arrays.toString(eventShape) + " need " + (eventShape.length + 1));
    }
    int size = size(eventShape);
    Object[] out = (Object[]) Array.newInstance(type.getComponentType(), rows.length);
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] == null || rows[i].length != size) {
        throw new IllegalArgumentException("row " + i + " has " + (rows[i] == null ? "no values" : rows[i].length
            + " values") + "; an event of shape " + Arrays.toString(eventShape) + " has " + size);
      }
      out[i] = event(rows[i], 0, eventShape, 0);
    }
    return type.cast(out);
  }

  /**
   * {@code events} ({@code [n][eventShape...]}, e.g. a {@code float[n][28][28][1]}) as flat rows
   * {@code [n][product of eventShape]}, row-major.
   *
   * @throws IllegalArgumentException if {@code events} is not an array of n events of exactly
   *     that shape (the message names the first index at fault)
   */
  public static float[][] flatten(Object events, int... eventShape) {
    Objects.requireNonNull(events, "events");
    checkShape(eventShape);
    if (!(events instanceof Object[] array) || rankOf(events.getClass()) != eventShape.length + 1) {
      throw new IllegalArgumentException("expected " + (eventShape.length + 1) + "-dimensional float arrays of"
          + " events of shape " + Arrays.toString(eventShape) + ", got " + events.getClass().getSimpleName());
    }
    int size = size(eventShape);
    float[][] rows = new float[array.length][size];
    for (int i = 0; i < array.length; i++) {
      copy(array[i], "[" + i + "]", eventShape, 0, rows[i], 0);
    }
    return rows;
  }

  private static Object event(float[] row, int offset, int[] shape, int axis) {
    if (axis == shape.length - 1) {
      return Arrays.copyOfRange(row, offset, offset + shape[axis]);
    }
    int stride = size(Arrays.copyOfRange(shape, axis + 1, shape.length));
    Object[] out = (Object[]) Array.newInstance(componentType(shape.length - axis - 1), shape[axis]);
    for (int j = 0; j < shape[axis]; j++) {
      out[j] = event(row, offset + j * stride, shape, axis + 1);
    }
    return out;
  }

  /** Copies the sub-array at {@code path} (of {@code shape[axis..]}) into {@code row} from {@code offset}; returns the next offset. */
  private static int copy(Object sub, String path, int[] shape, int axis, float[] row, int offset) {
    if (sub == null) {
      throw new IllegalArgumentException("events" + path + " is null");
    }
    int length = Array.getLength(sub);
    if (length != shape[axis]) {
      throw new IllegalArgumentException("events" + path + " has length " + length + "; the event shape "
          + Arrays.toString(shape) + " needs " + shape[axis]);
    }
    if (axis == shape.length - 1) {
      System.arraycopy((float[]) sub, 0, row, offset, length);
      return offset + length;
    }
    Object[] parts = (Object[]) sub;
    for (int j = 0; j < length; j++) {
      offset = copy(parts[j], path + "[" + j + "]", shape, axis + 1, row, offset);
    }
    return offset;
  }

  /** The array class of {@code dimensions} dimensions of float: {@code float[]} for 1. */
  private static Class<?> componentType(int dimensions) {
    Class<?> type = float.class;
    for (int i = 0; i < dimensions; i++) {
      type = type.arrayType();
    }
    return type;
  }

  /** How many array dimensions {@code type} has over {@code float}; 0 if it is not a float array. */
  private static int rankOf(Class<?> type) {
    int rank = 0;
    while (type.isArray()) {
      type = type.getComponentType();
      rank++;
    }
    return type == float.class ? rank : 0;
  }

  private static void checkShape(int[] eventShape) {
    if (eventShape.length == 0) {
      throw new IllegalArgumentException("an event shape needs at least one size");
    }
    for (int s : eventShape) {
      if (s < 1) {
        throw new IllegalArgumentException("event shape " + Arrays.toString(eventShape) + " has a size below 1");
      }
    }
  }

  private static int size(int[] shape) {
    int size = 1;
    for (int s : shape) {
      size = Math.multiplyExact(size, s);
    }
    return size;
  }
}
