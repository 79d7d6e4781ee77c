package dev.helmholtz.data;

/**
 * Bernoulli draws {@code x ~ Bernoulli(p)} per element, the kernel of dynamic and fixed
 * binarization.
 *
 * <p>The generator is SplitMix64 (a Weyl sequence with golden-ratio increment, finalised by a
 * 64-bit mixing function), kept in a {@code long} that the caller threads through, so the inner
 * loop touches no object fields. Each 64-bit output gives two 24-bit uniforms
 * {@code u = k / 2^24}, and {@code x = (u < p) ? 1 : 0} (computed without a branch), so {@code p = 0} always gives 0,
 * {@code p = 1} always gives 1 and {@code P(x = 1)} is within {@code 2^-24} of {@code p}.
 */
final class Binarizer {
  static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
  private static final float TWO_POW_MINUS_24 = 0x1.0p-24f;

  private Binarizer() {}

  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /**
   * Writes {@code dst[d + j] = Bernoulli(src[s + j])} for {@code j < n} and returns the generator
   * state after the draws. The draws depend only on {@code state} and {@code n}.
   */
  static long binarize(float[] src, int s, float[] dst, int d, int n, long state) {
    int j = 0;
    for (; j + 1 < n; j += 2) {
      state += GOLDEN_GAMMA;
      long r = mix64(state);
      float u0 = (int) (r >>> 40) * TWO_POW_MINUS_24;
      float u1 = ((int) r >>> 8) * TWO_POW_MINUS_24;
      dst[d + j] = lessThan(u0, src[s + j]);
      dst[d + j + 1] = lessThan(u1, src[s + j + 1]);
    }
    if (j < n) {
      state += GOLDEN_GAMMA;
      long r = mix64(state);
      float u0 = (int) (r >>> 40) * TWO_POW_MINUS_24;
      dst[d + j] = lessThan(u0, src[s + j]);
    }
    return state;
  }

  /**
   * {@code u < p ? 1 : 0} without a branch (a branch on random outcomes mispredicts often and
   * halves the speed): the sign of {@code u - p}, exact in sign because a float difference is
   * zero only when the operands are equal, and {@code u == p} gives +0.
   */
  private static float lessThan(float u, float p) {
    return Float.floatToRawIntBits(u - p) >>> 31;
  }
}
