package dev.helmholtz.train;

/** How training data reaches the graph. */
public enum DataPath {
  /** Resident when the observed columns fit in {@link #RESIDENT_LIMIT_BYTES}, fed otherwise. */
  AUTO,
  /**
   * Uploaded to the graph once per data set; each step feeds only the batch's row indices, and
   * the graph gathers the rows and binarizes them (for dynamically binarized columns).
   */
  RESIDENT,
  /** Each step copies its batch from Java into a tensor (binarized in Java): for data that does not fit. */
  FED;

  /** The size up to which {@link #AUTO} keeps data resident: 1 GiB of float32 values. */
  public static final long RESIDENT_LIMIT_BYTES = 1L << 30;

  /** The path for data of this many bytes. */
  public DataPath resolve(long bytes) {
    return this != AUTO ? this : bytes <= RESIDENT_LIMIT_BYTES ? RESIDENT : FED;
  }
}
