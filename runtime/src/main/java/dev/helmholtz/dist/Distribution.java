package dev.helmholtz.dist;

import dev.helmholtz.graph.RandomSource;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * A batch of float32 distributions with event rank 1.
 *
 * <p>The last axis is the event axis; every leading axis is a batch (or sample) axis. {@link
 * #logProb}, {@link #entropy} and KL divergences sum over the last axis, so a value of shape {@code
 * [k, B, d]} gives {@code [k, B]}. Parameters broadcast against values: parameters {@code [B, d]}
 * with a value {@code [k, B, d]} give {@code [k, B]}.
 */
public abstract class Distribution {

  private final Ops tf;

  protected Distribution(Ops tf) {
    this.tf = Objects.requireNonNull(tf, "tf");
  }

  public Ops tf() {
    return tf;
  }

  /** Log density (or mass) of {@code value}, summed over the event (last) axis. */
  public abstract Operand<TFloat32> logProb(Operand<TFloat32> value);

  /**
   * {@link #logProb}, equal to float tolerance, in the form fastest to evaluate where no training
   * step differentiates it: what importance-sampled evaluation scores its samples with. A family
   * overrides it where another form of its density takes fewer or cheaper elementwise passes;
   * training keeps {@link #logProb}, so trained numbers do not move with it.
   */
  public Operand<TFloat32> evaluationLogProb(Operand<TFloat32> value) {
    return logProb(value);
  }

  /**
   * {@link #logProb} in its textbook form, equal to float tolerance: what evaluation's reference
   * path scores with ({@code VariationalModel#referenceLogLikelihoodWithError}), so that the tests
   * and the {@code eval} benchmark compare the evaluation with the one before issue 24. A family
   * overrides it where {@link #logProb} took a faster form since.
   */
  public Operand<TFloat32> referenceLogProb(Operand<TFloat32> value) {
    return logProb(value);
  }

  /** A draw of shape {@link #shape()}; no gradient flows through it. */
  public abstract Operand<TFloat32> sample(RandomSource rng);

  /**
   * A reparameterized draw of shape {@link #shape()}: gradients flow to the parameters.
   *
   * @throws IllegalStateException when the family is not reparameterizable
   */
  public abstract Operand<TFloat32> rsample(RandomSource rng);

  public abstract Reparameterization reparameterization();

  /** Entropy, summed over the event (last) axis. */
  public abstract Operand<TFloat32> entropy();

  /** The mean, of shape {@link #shape()}. */
  public abstract Operand<TFloat32> mean();

  /** The shape of one draw (the broadcast parameter shape), as a runtime int64 vector. */
  public abstract Operand<TInt64> shape();

  /**
   * The same family with {@code f} applied to every parameter, e.g. to reshape {@code [k*B, d]}
   * to {@code [k, B, d]} or to broadcast.
   */
  public abstract Distribution mapParameters(UnaryOperator<Operand<TFloat32>> f);

  /**
   * The values this family gives positive probability whatever its parameters: a data column of
   * an observed node of it is checked against it, once, in Java, when the data are fed to a model
   * (variational or Bayesian), naming the node, the column and the row. {@link Support#REAL} (no
   * check) unless a family narrows it.
   */
  public Support support() {
    return Support.REAL;
  }

  /**
   * Elementwise, whether {@code value} lies in a support that depends on the parameters (such as
   * Uniform's [low, high]), which only the graph can check; empty, the default, when {@link
   * #support()} says it all. An observed node's pass asserts it in the graph ({@link
   * Supports#checked}), naming the node.
   */
  public Optional<Operand<TBool>> supportCheck(Operand<TFloat32> value) {
    return Optional.empty();
  }

  /** Family name used in messages: the class's simple name. */
  public String familyName() {
    return getClass().getSimpleName();
  }
}
