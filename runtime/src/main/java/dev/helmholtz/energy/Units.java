package dev.helmholtz.energy;

/**
 * The kind of units a node of an energy-based model has, which fixes its block-Gibbs conditional.
 * The energy must be affine in a {@link #BERNOULLI} node and quadratic with a diagonal, positive
 * curvature in a {@link #GAUSSIAN} node, given every other node; within one node the units must
 * not interact. Then each conditional follows from the energy's gradient with respect to the node.
 */
public enum Units {
  /**
   * Binary units in {0, 1}: p(x = 1 | rest) = sigmoid(-dE/dx), the logit read off the gradient of
   * an energy affine in x.
   */
  BERNOULLI,
  /**
   * Real units: x | rest is Normal with precision d^2E/dx^2 (the difference of the gradients at
   * x = 1 and x = 0) and mean -dE/dx(0) / precision, as for an energy quadratic in x.
   */
  GAUSSIAN
}
