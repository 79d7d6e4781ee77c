package dev.helmholtz.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class StopRequestTest {

  @Test
  void theFirstReasonIsKept() {
    StopRequest r = new StopRequest();
    assertFalse(r.isRequested());
    assertTrue(r.reason().isEmpty());
    r.request("SIGTERM");
    r.request("SIGINT");
    assertTrue(r.isRequested());
    assertEquals("SIGTERM", r.reason().orElseThrow());
  }

  /**
   * Raises SIGINT in a JVM: the handler requests the stop instead of ending the JVM. Always in a
   * child JVM started with SIGINT's default disposition restored ({@code env --default-signal=INT},
   * GNU coreutils 8.31+), so the result does not depend on how this JVM was started: one started
   * with SIGINT ignored (a background job, some CI runners) installs the handler but never receives
   * the signal (measured: "no stop requested" under {@code env --ignore-signal=INT}).
   */
  @Test
  void sigintRequestsTheStopWhileTheHandlersAreInstalled() throws Exception {
    List<String> command = List.of("env", "--default-signal=INT",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        StopRequestTest.class.getName());
    Process child;
    try {
      child = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      assumeTrue(false, "no env to start a JVM with SIGINT's default disposition: " + e);
      return;
    }
    String said = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(child.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
    assumeTrue(child.exitValue() != 125 && child.exitValue() != 127,
        "env cannot restore SIGINT's default here (" + said.strip() + ")");
    assertEquals(0, child.exitValue(), said);
    List<String> lines = said.strip().lines().toList();
    assertEquals("SIGINT", lines.get(lines.size() - 1), said);
  }

  /** The child JVM's side: raises SIGINT under the handlers and prints the reason recorded. */
  public static void main(String[] args) throws Exception {
    System.out.println(raiseSigint());
  }

  private static String raiseSigint() throws Exception {
    StopRequest r = new StopRequest();
    Class<?> signalClass = Class.forName("sun.misc.Signal");
    Method raise = signalClass.getMethod("raise", signalClass);
    Object sigint = signalClass.getConstructor(String.class).newInstance("INT");
    try (StopRequest.SignalHandlers handlers = r.onSignals()) {
      if (!handlers.handles("SIGINT")) {
        return "SIGINT not handled in this JVM";
      }
      raise.invoke(null, sigint);
      // The JVM runs the handler on its Signal Dispatcher thread, whenever that thread is next
      // scheduled: on a loaded machine that took more than the 2 s this loop once allowed. A
      // handler that works returns at once; only a broken one waits out the minute.
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
      while (!r.isRequested() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      return r.reason().orElse("no stop requested");
    }
  }
}
