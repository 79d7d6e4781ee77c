package dev.helmholtz.graph;

/**
 * Turns off JavaCPP's physical-memory check, which TensorFlow Java's native calls go through.
 *
 * <p>JavaCPP reads the process's resident size (from {@code /proc}) on every native allocation,
 * to call the garbage collector when it exceeds {@code org.bytedeco.javacpp.maxPhysicalBytes}.
 * Building a graph or running a session allocates such pointers for every operation, name and
 * feed, and the reads took a quarter of a self-check's time and a third of its CPU time (JFR,
 * {@code check --model vae-planar --quick}: 16.1 s of CPU with the check, 11.3 s without).
 * Helmholtz closes every tensor and result it makes, so the garbage collector is not what frees
 * native memory here. The setting must be made before JavaCPP's {@code Pointer} class is
 * initialized (the first TensorFlow call); a value the user set is kept.
 */
public final class NativeMemorySettings {
  /** JavaCPP's system property: the resident size above which it collects garbage; 0 turns the check off. */
  public static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";

  private NativeMemorySettings() {}

  /** Sets {@link #MAX_PHYSICAL_BYTES} to 0 unless it is set already; takes effect before the first TensorFlow call. */
  public static void apply() {
    if (System.getProperty(MAX_PHYSICAL_BYTES) == null) {
      System.setProperty(MAX_PHYSICAL_BYTES, "0");
    }
  }
}
