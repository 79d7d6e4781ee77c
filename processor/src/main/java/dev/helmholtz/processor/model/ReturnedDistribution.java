package dev.helmholtz.processor.model;

import java.util.List;

/**
 * A distribution a network returns, read from its source: a {@code return} statement whose value
 * is a call of one of the family's {@link NodeFamily#factories() factories}, such as
 * {@code return Normal.meanLogStd(nn.dense(h, 50), nn.dense(h, 50));}. Each argument records
 * its width (the size of its last axis) where the source proves it, and nothing where it does not.
 *
 * @param family the family whose factory is called
 * @param factory the factory's method name, such as {@code meanLogStd}
 * @param arguments one per factory parameter, in order
 */
public record ReturnedDistribution(NodeFamily family, String factory, List<Argument> arguments) {

  public ReturnedDistribution {
    arguments = List.copyOf(arguments);
  }

  /** One argument: the factory parameter it is passed for (such as {@code mean}) and its width. */
  public record Argument(String parameter, Width width) {}

  /** What the source proves about an argument's width. */
  public sealed interface Width permits Unknown, DenseLayer, NodeValue, Layered {}

  /** Nothing: a helper method's result, a local variable, a dense layer of non-constant units... */
  public record Unknown() implements Width {}

  /**
   * The argument is written {@code receiver.dense(input, units[, activation])}, with the method's
   * {@code Nn} parameter as receiver and units a compile-time constant: its width is units.
   *
   * @param unitsSource the units argument as written, such as {@code 50} or {@code LATENT}
   * @param receiverSource the receiver as written, such as {@code nn}
   * @param argumentSources every argument of the call as written
   * @param shape what the source proves about its output's event shape ({@code [..., units]})
   */
  public record DenseLayer(
      int units,
      String unitsSource,
      String receiverSource,
      List<String> argumentSources,
      SourceLocation location,
      LayerShape shape) implements Width {

    public DenseLayer {
      argumentSources = List.copyOf(argumentSources);
    }
  }

  /**
   * The argument is a network parameter bound to a node, passed unchanged (the parameter is never
   * assigned in the method): its width is the node's.
   */
  public record NodeValue(String node, SourceLocation location) implements Width {}

  /**
   * The argument is the output of one of the layer helper's shape-changing layers (a
   * convolution, a transposed convolution, pooling, flatten, reshape), whose event shape {@code
   * shape} proves as far as the constants go (see {@link LayerShape}).
   */
  public record Layered(LayerShape shape, SourceLocation location) implements Width {}
}
