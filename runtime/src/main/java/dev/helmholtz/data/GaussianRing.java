package dev.helmholtz.data;

import java.util.Random;

/**
 * The ring of Gaussians used to show mode collapse in GANs (Metz et al. 2017, Gulrajani et al.
 * 2017): an even mixture of {@code modes} isotropic 2-D Gaussians with standard deviation
 * {@code std}, centred evenly on a circle of radius {@code radius}. {@link #coverage} scores
 * samples against it: a sample is of high quality when it lies within 3 standard deviations of
 * a centre, and a mode is covered when at least {@link #MIN_SHARE} of the expected share of
 * samples (1 / modes) is of high quality at it.
 */
public final class GaussianRing {
  /** A mode counts as covered with at least this fraction of its even share of high-quality samples. */
  public static final double MIN_SHARE = 0.2;

  private final int modes;
  private final double radius;
  private final double std;

  /**
   * @throws IllegalArgumentException unless {@code modes >= 1}, {@code radius > 0} and {@code std > 0}
   */
  public GaussianRing(int modes, double radius, double std) {
    if (modes < 1 || !(radius > 0) || !(std > 0)) {
      throw new IllegalArgumentException("a ring needs modes >= 1, radius > 0 and std > 0; got modes = "
          + modes + ", radius = " + radius + ", std = " + std);
    }
    this.modes = modes;
    this.radius = radius;
    this.std = std;
  }

  /** The ring of 8 Gaussians of radius 2 and standard deviation 0.05. */
  public static GaussianRing eight() {
    return new GaussianRing(8, 2.0, 0.05);
  }

  public int modes() {
    return modes;
  }

  /** The centre of mode {@code i}: angle {@code 2 pi i / modes}. */
  public double[] centre(int i) {
    double angle = 2 * Math.PI * i / modes;
    return new double[] {radius * Math.cos(angle), radius * Math.sin(angle)};
  }

  /** {@code n} draws, {@code [n][2]}, seeded. */
  public float[][] sample(int n, long seed) {
    Random random = new Random(seed);
    float[][] out = new float[n][2];
    for (float[] row : out) {
      double[] c = centre(random.nextInt(modes));
      row[0] = (float) (c[0] + std * random.nextGaussian());
      row[1] = (float) (c[1] + std * random.nextGaussian());
    }
    return out;
  }

  /** The draws as a dataset with one column of event shape [2]. */
  public Dataset dataset(String column, int n, long seed) {
    return Dataset.of(column, sample(n, seed));
  }

  /**
   * How samples cover the ring.
   *
   * @param modesCovered modes with at least {@link #MIN_SHARE} of their share of high-quality samples
   * @param highQuality the fraction of samples within 3 standard deviations of some centre
   * @param perMode high-quality samples at each mode
   */
  public record Coverage(int modesCovered, double highQuality, int[] perMode) {}

  /** Scores {@code samples} ({@code [n][2]}) against the ring. */
  public Coverage coverage(float[][] samples) {
    if (samples.length == 0) {
      throw new IllegalArgumentException("no samples to score");
    }
    int[] perMode = new int[modes];
    int good = 0;
    for (float[] s : samples) {
      if (s.length != 2) {
        throw new IllegalArgumentException("ring samples are 2-D, got one of " + s.length + " values");
      }
      for (int i = 0; i < modes; i++) {
        double[] c = centre(i);
        if (Math.hypot(s[0] - c[0], s[1] - c[1]) <= 3 * std) {
          perMode[i]++;
          good++;
          break;
        }
      }
    }
    double needed = MIN_SHARE * samples.length / modes;
    int covered = 0;
    for (int count : perMode) {
      covered += count >= needed ? 1 : 0;
    }
    return new Coverage(covered, (double) good / samples.length, perMode);
  }
}
