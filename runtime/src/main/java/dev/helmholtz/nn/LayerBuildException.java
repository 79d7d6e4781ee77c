package dev.helmholtz.nn;

/**
 * A layer that cannot be built (an input shape that does not fit it), named by its network and
 * its layer: {@code network 'critic', layer conv2d_1 (the 2nd conv2d): ...}.
 */
public final class LayerBuildException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String network;
  private final String layer;

  LayerBuildException(String network, String kind, int index, String detail, Throwable cause) {
    super("network '" + network + "', layer " + kind + "_" + index + " (" + kind + " number " + index
        + " of this network, counting from 0): " + detail, cause);
    this.network = network;
    this.layer = kind + "_" + index;
  }

  /** The network's scope, e.g. {@code critic}. */
  public String network() {
    return network;
  }

  /** The layer's name within the network, e.g. {@code conv2d_1}. */
  public String layer() {
    return layer;
  }
}
