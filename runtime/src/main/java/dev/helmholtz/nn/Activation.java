package dev.helmholtz.nn;

/**
 * Elementwise activations for {@link Nn#dense}. {@code LEAKY_RELU} uses slope 0.2 for negative
 * inputs (TensorFlow's default); {@code ELU} uses alpha 1.
 */
public enum Activation {
  LINEAR,
  RELU,
  TANH,
  SIGMOID,
  SOFTPLUS,
  ELU,
  LEAKY_RELU
}
