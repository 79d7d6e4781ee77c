package dev.helmholtz.bayesian;

import dev.helmholtz.infer.ParameterLayout;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a generated model of global latents declares: its global latents (the parameter vector
 * theta, in declaration order), the given nodes it conditions on and the observed nodes it
 * models, each with its event width. Generated code builds one; the runtime checks data against
 * it.
 *
 * @param modelName the model class's qualified name, for messages
 * @param parameters where each global latent lives in theta
 * @param given given node name to width, in declaration order
 * @param observed modelled observed node name to width, in declaration order
 */
public record BayesianSpec(String modelName, ParameterLayout parameters, Map<String, Integer> given,
    Map<String, Integer> observed) {

  public BayesianSpec {
    Objects.requireNonNull(modelName, "modelName");
    Objects.requireNonNull(parameters, "parameters");
    given = Collections.unmodifiableMap(new LinkedHashMap<>(given));
    observed = Collections.unmodifiableMap(new LinkedHashMap<>(observed));
  }

  public static Builder builder(String modelName) {
    return new Builder(modelName);
  }

  /** The given and observed nodes: the columns a data set for the log posterior needs. */
  public Map<String, Integer> columns() {
    Map<String, Integer> all = new LinkedHashMap<>(given);
    all.putAll(observed);
    return all;
  }

  /** Nodes in the order generated code declares them. */
  public static final class Builder {
    private final String modelName;
    private final ParameterLayout.Builder parameters = ParameterLayout.builder();
    private final Map<String, Integer> given = new LinkedHashMap<>();
    private final Map<String, Integer> observed = new LinkedHashMap<>();

    private Builder(String modelName) {
      this.modelName = Objects.requireNonNull(modelName, "modelName");
    }

    /** A global latent of {@code width} values: the next part of theta. */
    public Builder global(String name, int width) {
      parameters.add(name, width);
      return this;
    }

    public Builder given(String name, int width) {
      given.put(name, width);
      return this;
    }

    public Builder observed(String name, int width) {
      observed.put(name, width);
      return this;
    }

    public BayesianSpec build() {
      return new BayesianSpec(modelName, parameters.build(), given, observed);
    }
  }
}
