package dev.helmholtz.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ConfigProto;

class ThreadSettingsTest {

  @Test
  void configCarriesThreadCounts() {
    ConfigProto c = ThreadSettings.of(3, 1).toConfig();
    assertEquals(3, c.getIntraOpParallelismThreads());
    assertEquals(1, c.getInterOpParallelismThreads());
    assertEquals(1, c.getSessionInterOpThreadPoolCount(), "per-session inter-op pool");
    assertEquals(1, c.getSessionInterOpThreadPool(0).getNumThreads());
  }

  @Test
  void defaultsArePinned() {
    ThreadSettings d = ThreadSettings.defaults();
    assertTrue(d.intraOp() > 0, "a fixed intra-op count, not TF's machine-dependent choice");
    assertTrue(d.interOp() > 0);
    assertTrue(d.towers() >= 1);
    assertEquals(ThreadSettings.of(d.intraOp(), d.interOp(), d.towers()), d);
    assertEquals(d, ThreadSettings.fromCounts(null));
  }

  @Test
  void towersDefaultToOneForExplicitThreadCountsAndAreChecked() {
    assertEquals(1, ThreadSettings.of(1, 2).towers());
    assertEquals(ThreadSettings.of(1, 2, 2), ThreadSettings.fromCounts(new int[] {1, 2, 2}));
    assertEquals(ThreadSettings.of(2, 1, 1), ThreadSettings.fromCounts(new int[] {2}));
    assertTrue(!ThreadSettings.of(1, 2, 1).equals(ThreadSettings.of(1, 2, 2)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ThreadSettings.of(1, 2, 0));
    assertTrue(e.getMessage().contains("towers must be >= 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ThreadSettings.fromCounts(new int[] {1, 2, 3, 4}));
    assertTrue(e.getMessage().contains("intra,inter[,towers]"), e.getMessage());
  }

  @Test
  void towerRowsSplitABatchWithTheFirstTowersTakingTheRest() {
    assertEquals(3, ThreadSettings.towerRows(5, 2, 0));
    assertEquals(2, ThreadSettings.towerRows(5, 2, 1));
    assertEquals(0, ThreadSettings.towerRows(1, 2, 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ThreadSettings.towerRows(8, 2, 2));
    assertTrue(e.getMessage().contains("0 <= tower < towers"), e.getMessage());
  }

  @Test
  void rejectsNegativeCounts() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ThreadSettings.of(-1, 1));
    assertTrue(e.getMessage().contains("intraOp must be >= 0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ThreadSettings.of(1, -2));
    assertTrue(e.getMessage().contains("interOp must be >= 0"), e.getMessage());
    assertEquals(0, ThreadSettings.of(0, 0).intraOp(), "0 = TensorFlow chooses");
  }
}
