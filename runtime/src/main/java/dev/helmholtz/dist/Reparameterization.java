package dev.helmholtz.dist;

/** Whether a distribution's draws can be written as a differentiable function of its parameters. */
public enum Reparameterization {
  REPARAMETERIZED,
  NOT_REPARAMETERIZED
}
