package dev.helmholtz.infer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Where each named parameter lives in a flat parameter vector theta, the space {@link
 * HamiltonianMonteCarlo} and {@link MeanFieldVariationalInference} work in: parameters laid end
 * to end in declaration order, each a vector of {@code width} values.
 *
 * <pre>{@code
 * ParameterLayout layout = ParameterLayout.builder().add("w", 10).add("logScale", 1).build();
 * double[] w = layout.slice(draw, "w");     // draw[0..10)
 * layout.label(10);                         // "logScale[0]"
 * }</pre>
 */
public final class ParameterLayout {
  /** One parameter: {@code theta[offset, offset + width)}. */
  public record Parameter(String name, int width, int offset) {}

  private final List<Parameter> parameters;
  private final int dims;

  private ParameterLayout(List<Parameter> parameters) {
    this.parameters = Collections.unmodifiableList(new ArrayList<>(parameters));
    this.dims = parameters.isEmpty() ? 0
        : parameters.get(parameters.size() - 1).offset() + parameters.get(parameters.size() - 1).width();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The parameters in layout order. */
  public List<Parameter> parameters() {
    return parameters;
  }

  /** The length of theta: the sum of the widths. */
  public int dims() {
    return dims;
  }

  /**
   * The parameter called {@code name}.
   *
   * @throws IllegalArgumentException naming the parameters there are, when there is none
   */
  public Parameter parameter(String name) {
    for (Parameter p : parameters) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException("no parameter '" + name + "'; the parameters are " + names());
  }

  public List<String> names() {
    return parameters.stream().map(Parameter::name).toList();
  }

  /**
   * Parameter {@code name}'s values in {@code theta}.
   *
   * @throws IllegalArgumentException if theta's length is not {@link #dims()}
   */
  public double[] slice(double[] theta, String name) {
    checkLength(theta.length);
    Parameter p = parameter(name);
    return Arrays.copyOfRange(theta, p.offset(), p.offset() + p.width());
  }

  /** The same for a float vector, as HMC's draws are. */
  public float[] slice(float[] theta, String name) {
    checkLength(theta.length);
    Parameter p = parameter(name);
    return Arrays.copyOfRange(theta, p.offset(), p.offset() + p.width());
  }

  /** The index in theta of element {@code i} of parameter {@code name}. */
  public int index(String name, int i) {
    Parameter p = parameter(name);
    if (i < 0 || i >= p.width()) {
      throw new IndexOutOfBoundsException("element " + i + " of parameter '" + name + "' of width " + p.width());
    }
    return p.offset() + i;
  }

  /** A name for theta's element {@code index}, such as {@code w[3]}, for reports. */
  public String label(int index) {
    for (Parameter p : parameters) {
      if (index >= p.offset() && index < p.offset() + p.width()) {
        return p.name() + "[" + (index - p.offset()) + "]";
      }
    }
    throw new IndexOutOfBoundsException("index " + index + " of a parameter vector of " + dims);
  }

  private void checkLength(int length) {
    if (length != dims) {
      throw new IllegalArgumentException("theta has " + length + " values, but the parameters " + names()
          + " take " + dims);
    }
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("ParameterLayout[");
    for (int i = 0; i < parameters.size(); i++) {
      Parameter p = parameters.get(i);
      b.append(i == 0 ? "" : ", ").append(p.name()).append(" [").append(p.offset()).append(", ")
          .append(p.offset() + p.width()).append(')');
    }
    return b.append(']').toString();
  }

  /** Adds parameters end to end; every name once, every width at least 1. */
  public static final class Builder {
    private final List<Parameter> parameters = new ArrayList<>();
    private int offset;

    private Builder() {}

    public Builder add(String name, int width) {
      Objects.requireNonNull(name, "name");
      if (width < 1) {
        throw new IllegalArgumentException("parameter '" + name + "' needs a width of at least 1, was " + width);
      }
      if (parameters.stream().anyMatch(p -> p.name().equals(name))) {
        throw new IllegalArgumentException("parameter '" + name + "' is added twice");
      }
      parameters.add(new Parameter(name, width, offset));
      offset += width;
      return this;
    }

    public ParameterLayout build() {
      return new ParameterLayout(parameters);
    }
  }
}
