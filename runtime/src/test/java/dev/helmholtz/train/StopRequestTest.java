package dev.helmholtz.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Method;
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

  /** Raises SIGINT in this JVM: the handler requests the stop instead of ending the JVM. */
  @Test
  void sigintRequestsTheStopWhileTheHandlersAreInstalled() throws Exception {
    StopRequest r = new StopRequest();
    Class<?> signalClass = Class.forName("sun.misc.Signal");
    Method raise = signalClass.getMethod("raise", signalClass);
    Object sigint = signalClass.getConstructor(String.class).newInstance("INT");
    try (StopRequest.SignalHandlers handlers = r.onSignals()) {
      // A JVM started with SIGINT ignored (a background job) cannot handle it: nothing to test.
      assumeTrue(handlers.handles("SIGINT"), "SIGINT can be handled in this JVM");
      raise.invoke(null, sigint);
      for (int i = 0; i < 100 && !r.isRequested(); i++) {
        Thread.sleep(20);
      }
      assertEquals("SIGINT", r.reason().orElseThrow());
    }
  }
}
