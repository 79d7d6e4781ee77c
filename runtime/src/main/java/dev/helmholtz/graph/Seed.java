package dev.helmholtz.graph;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A 64-bit random seed, as an immutable value.
 *
 * <p>{@link #derive(String)} gives independent-looking child seeds for separate random streams
 * (shuffling, binarization, graph ops, ...). Derivation is a pure function of the parent value and
 * the purpose string, stable across JVMs and platforms.
 */
public final class Seed {

  private final long value;

  private Seed(long value) {
    this.value = value;
  }

  public static Seed of(long value) {
    return new Seed(value);
  }

  public long value() {
    return value;
  }

  /**
   * A deterministic child seed for the stream named {@code purpose}: different purposes (and
   * different parents) give unrelated values.
   */
  public Seed derive(String purpose) {
    Objects.requireNonNull(purpose, "purpose");
    return new Seed(mix64(mix64(value ^ 0x6A09E667F3BCC909L) + fnv1a64(purpose)));
  }

  /** SplitMix64 finalizer: a bijective avalanche mix of 64 bits. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** FNV-1a over the UTF-8 bytes: stable, unlike identity hash codes. */
  static long fnv1a64(String s) {
    long h = 0xCBF29CE484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xFF);
      h *= 0x100000001B3L;
    }
    return h;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Seed other && other.value == value;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(value);
  }

  @Override
  public String toString() {
    return "Seed(" + value + ")";
  }
}
