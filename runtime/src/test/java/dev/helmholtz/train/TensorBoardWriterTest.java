package dev.helmholtz.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;

/** Event files as TensorBoard reads them: TFRecord-framed {@code Event} protos. */
class TensorBoardWriterTest {

  /** Reads every record of a TFRecord file: length (8 bytes), its CRC, data, the data's CRC. */
  static List<Event> readEvents(Path file) throws IOException {
    ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    List<Event> events = new ArrayList<>();
    while (in.remaining() > 0) {
      long length = in.getLong();
      in.getInt();
      byte[] data = new byte[(int) length];
      in.get(data);
      in.getInt();
      events.add(Event.parseFrom(data));
    }
    return events;
  }

  static Path eventFile(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      List<Path> events = files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).toList();
      assertEquals(1, events.size(), "one event file: " + events);
      return events.get(0);
    }
  }

  /** Tag to value of every scalar, in file order. */
  static List<String> scalars(List<Event> events) {
    List<String> out = new ArrayList<>();
    for (Event e : events) {
      for (Summary.Value v : e.getSummary().getValueList()) {
        if (v.hasTensor() && v.getTensor().getFloatValCount() == 1) {
          out.add(e.getStep() + " " + v.getTag() + "=" + v.getTensor().getFloatVal(0));
        } else if (v.getValueCase() == Summary.Value.ValueCase.SIMPLE_VALUE) {
          out.add(e.getStep() + " " + v.getTag() + "=" + v.getSimpleValue());
        }
      }
    }
    return out;
  }

  @Test
  void writesScalarsAndImagesTensorBoardCanRead(@TempDir Path dir) throws IOException {
    Path logs = dir.resolve("new/tb");
    try (TensorBoardWriter tb = TensorBoardWriter.open(logs)) {
      tb.scalar("train/objective", 100, -103.5);
      tb.scalars(200, Map.of("train/learning_rate", 0.25));
      byte[] pixels = new byte[6 * 4];
      pixels[5] = (byte) 255;
      tb.image("samples/x", 200, pixels, 6, 4);
      tb.flush();
      assertThrows(IllegalArgumentException.class, () -> tb.image("bad", 1, new byte[5], 2, 2));
    }
    List<Event> events = readEvents(eventFile(logs));
    assertEquals("brain.Event:2", events.get(0).getFileVersion());
    assertEquals(List.of("100 train/objective=-103.5", "200 train/learning_rate=0.25"), scalars(events));
    Summary.Value image = events.stream().flatMap(e -> e.getSummary().getValueList().stream())
        .filter(v -> v.getTag().startsWith("samples/x")).findFirst().orElseThrow();
    assertEquals(6, image.getImage().getHeight());
    assertEquals(4, image.getImage().getWidth());
    assertTrue(image.getImage().getEncodedImageString().size() > 0, "PNG bytes");
  }

  @Test
  void aDirectoryThatCannotBeCreatedIsAClearError(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "x");
    IOException e = assertThrows(IOException.class, () -> TensorBoardWriter.open(file.resolve("tb")));
    assertTrue(e.getMessage().contains(file.resolve("tb").toString())
        && e.getMessage().contains("cannot create the TensorBoard directory"), e.getMessage());
  }
}
