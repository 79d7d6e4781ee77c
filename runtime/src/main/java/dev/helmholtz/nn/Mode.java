package dev.helmholtz.nn;

/**
 * Whether a network is built for a training step or for everything else. Batch normalization
 * normalizes by the batch's statistics and updates its moving averages in {@code TRAINING}, by
 * the moving averages in {@code EVALUATION}; dropout drops units only in {@code TRAINING}. The
 * pass that builds a network fixes its mode: the loss a training step minimizes is built in
 * {@code TRAINING}, the ELBO, log-likelihood, sampling, encoding and export graphs in {@code
 * EVALUATION}.
 */
public enum Mode {
  /** Built for a training step: batch statistics, moving-average updates, dropout on. */
  TRAINING,
  /** Built for evaluation, sampling, encoding and export: moving averages, dropout off. */
  EVALUATION
}
