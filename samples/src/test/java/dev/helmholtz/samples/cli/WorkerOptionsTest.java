package dev.helmholtz.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.train.ThreadSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@code --workers} starts workers: what they are told, and the towers they build. */
class WorkerOptionsTest {
  @Test
  void workersGetTheCommandLineLessWorkers() {
    assertEquals(List.of("--epochs", "1", "--output", "o"),
        WorkerOptions.withoutWorkers(List.of("--workers", "2", "--epochs", "1", "--workers=3", "--output", "o")));
  }

  @Test
  void aWorkersTowersAreAMultipleOfTheWorkers() {
    WorkerOptions options = new WorkerOptions();
    options.workers = 1;
    options.timeoutSeconds = 60;
    assertFalse(options.launches());
    assertTrue(options.writesOutputs());
    assertEquals(ThreadSettings.of(1, 2, 3), options.threads(ThreadSettings.of(1, 2, 3)), "no cluster: as asked");
    options.workers = 2;
    assertTrue(options.launches());
    options.index = 1;
    options.addresses = "127.0.0.1:1,127.0.0.1:2";
    assertFalse(options.launches(), "a started worker launches nothing");
    assertFalse(options.writesOutputs());
    assertEquals(ThreadSettings.of(1, 2, 2), options.threads(ThreadSettings.of(1, 2, 3)));
    assertEquals(ThreadSettings.of(1, 2, 4), options.threads(ThreadSettings.of(1, 2, 4)));
    options.addresses = null;
    assertThrows(IllegalArgumentException.class, options::launches);
  }
}
