package dev.helmholtz.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A cluster's configuration as a worker reads it, and the free ports workers are started on. */
class ClusterTest {
  @Test
  void parsesAddressesAndNamesThisWorkersPlace() {
    Cluster c = Cluster.parse("127.0.0.1:2222,127.0.0.1:2223,localhost:9", 1);
    assertEquals(3, c.size());
    assertEquals("127.0.0.1:2223", c.address());
    assertFalse(c.isChief());
    assertTrue(Cluster.parse("a:1,b:2", 0).isChief());
    assertEquals("/job:worker/replica:0/task:1/device:CPU:0", c.device());
    assertEquals("127.0.0.1:2222,127.0.0.1:2223,localhost:9", c.addresses());
    assertEquals(Cluster.DEFAULT_STEP_TIMEOUT, c.stepTimeout());
    assertEquals(2.5f, c.withStepTimeout(Duration.ofMillis(2500)).stepTimeoutSeconds());
  }

  @Test
  void refusesWhatNoClusterCanBe() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cluster.parse("a:1,b:2", 2));
    assertEquals("worker index must be in [0, 1], was 2", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Cluster.parse("a:1,a:1", 0), "the same address twice");
    assertEquals("a worker address must be host:port, was 'hostonly'",
        assertThrows(IllegalArgumentException.class, () -> Cluster.parse("hostonly", 0)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Cluster(List.of(), 0));
    assertThrows(IllegalArgumentException.class, () -> Cluster.parse("a:1", 0).withStepTimeout(Duration.ZERO));
  }

  @Test
  void freePortsAreDistinct() {
    List<Integer> ports = LocalWorkers.freePorts(4);
    assertEquals(4, new HashSet<>(ports).size());
    ports.forEach(p -> assertNotEquals(0, (int) p));
  }
}
