package dev.helmholtz.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
  @TempDir Path dir;

  private static final byte[] PIXELS = IdxFiles.patternPixels(3, 2, 4);
  private static final byte[] IMAGES = IdxFiles.images(3, 2, 4, PIXELS);
  private static final byte[] LABELS = IdxFiles.labels(5, 0, 9, 255);

  private Path write(String name, byte[] data) throws IOException {
    return Files.write(dir.resolve(name), data);
  }

  private static String message(Throwable t) {
    return t.getMessage();
  }

  private static void assertContains(String haystack, String... needles) {
    for (String needle : needles) {
      assertTrue(haystack.contains(needle), () -> "expected '" + needle + "' in: " + haystack);
    }
  }

  @Test
  void roundTripsPlainImagesAndLabels() throws IOException {
    Idx.IdxImages images = Idx.readImages(write("images", IMAGES));
    assertEquals(3, images.count());
    assertEquals(2, images.rows());
    assertEquals(4, images.cols());
    assertArrayEquals(PIXELS, images.pixels());
    assertArrayEquals(new int[] {5, 0, 9, 255}, Idx.readLabels(write("labels", LABELS)));
  }

  @Test
  void roundTripsGzippedImagesAndLabelsDetectedByMagicNotName() throws IOException {
    // named without .gz on purpose: detection is by the magic bytes 1f 8b
    Idx.IdxImages images = Idx.readImages(write("images.bin", IdxFiles.gzip(IMAGES)));
    assertArrayEquals(PIXELS, images.pixels());
    assertArrayEquals(new int[] {5, 0, 9, 255},
        Idx.readLabels(write("labels.bin", IdxFiles.gzip(LABELS))));
    // and a plain file named .gz is read as plain
    assertArrayEquals(PIXELS, Idx.readImages(write("plain.gz", IMAGES)).pixels());
  }

  @Test
  void readsFromStreamsWithoutClosingThem() throws IOException {
    boolean[] closed = {false};
    ByteArrayInputStream in = new ByteArrayInputStream(IdxFiles.gzip(IMAGES)) {
      @Override
      public void close() {
        closed[0] = true;
      }
    };
    Idx.IdxImages images = Idx.readImages(in, "memory");
    assertArrayEquals(PIXELS, images.pixels());
    assertFalse(closed[0], "the caller owns the stream");
    assertArrayEquals(new int[] {5, 0, 9, 255},
        Idx.readLabels(new ByteArrayInputStream(LABELS), "memory"));
  }

  @Test
  void toFloatsScalesBy255OneRowPerImage() {
    byte[] pixels = {0, (byte) 255, (byte) 128, 1, 2, 3};
    float[][] f = new Idx.IdxImages(2, 1, 3, pixels).toFloats();
    assertEquals(2, f.length);
    assertArrayEquals(new float[] {0f, 1f, 128 / 255f}, f[0]);
    assertArrayEquals(new float[] {1 / 255f, 2 / 255f, 3 / 255f}, f[1]);
  }

  @Test
  void recordRejectsInconsistentPixels() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Idx.IdxImages(2, 2, 2, new byte[7]));
    assertContains(message(e), "7 bytes", "8");
  }

  @Test
  void emptyImageSetIsValid() throws IOException {
    Idx.IdxImages images = Idx.readImages(write("empty", IdxFiles.images(0, 28, 28, new byte[0])));
    assertEquals(0, images.count());
    assertEquals(0, images.toFloats().length);
  }

  @Test
  void labelsGivenWhereImagesExpected() throws IOException {
    Path labels = write("train-labels", LABELS);
    MalformedDataException e =
        assertThrows(MalformedDataException.class, () -> Idx.readImages(labels));
    assertContains(message(e), labels.toString(), "wrong magic number at byte 0",
        "expected 0x00000803", "found 0x00000801",
        "a labels file was given where an images file was expected");
  }

  @Test
  void imagesGivenWhereLabelsExpected() throws IOException {
    Path images = write("train-images.gz", IdxFiles.gzip(IMAGES));
    MalformedDataException e =
        assertThrows(MalformedDataException.class, () -> Idx.readLabels(images));
    assertContains(message(e), images.toString(), "expected 0x00000801", "found 0x00000803",
        "an images file was given where a labels file was expected");
  }

  @Test
  void notAnIdxFile() {
    byte[] text = "hello, world\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    MalformedDataException e = assertThrows(MalformedDataException.class,
        () -> Idx.readImages(new ByteArrayInputStream(text), "notes.txt"));
    assertContains(message(e), "notes.txt", "expected 0x00000803", "found 0x68656c6c",
        "not an IDX magic number");
  }

  @Test
  void otherIdxTypeIsDescribed() {
    byte[] floats = {0, 0, 0x0D, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0};
    MalformedDataException e = assertThrows(MalformedDataException.class,
        () -> Idx.readImages(new ByteArrayInputStream(floats), "weights.idx"));
    assertContains(message(e), "found 0x00000d02 (IDX data of 32-bit floats, 2 dimensions)");
  }

  @Test
  void emptyFile() throws IOException {
    Path empty = write("empty.idx", new byte[0]);
    MalformedDataException e =
        assertThrows(MalformedDataException.class, () -> Idx.readLabels(empty));
    assertContains(message(e), empty.toString(), "empty", "0x00000801");
  }

  @Test
  void truncatedHeader() {
    byte[] header = Arrays.copyOf(IMAGES, 10);
    MalformedDataException e = assertThrows(MalformedDataException.class,
        () -> Idx.readImages(new ByteArrayInputStream(header), "short.idx"));
    assertContains(message(e), "short.idx", "truncated IDX header", "row count", "byte 8",
        "only 2 bytes");
  }

  @Test
  void truncatedPixelData() throws IOException {
    Path file = write("cut", Arrays.copyOf(IMAGES, 16 + 17));
    MalformedDataException e =
        assertThrows(MalformedDataException.class, () -> Idx.readImages(file));
    assertContains(message(e), file.toString(), "truncated", "expected 24 bytes of pixel data",
        "3*2*4", "after the 16-byte header, found 17", "ends at byte 33",
        "expected it to end at byte 40");
  }

  @Test
  void truncatedPixelDataInsideGzip() throws IOException {
    Path file = write("cut.gz", IdxFiles.gzip(Arrays.copyOf(IMAGES, 20)));
    MalformedDataException e =
        assertThrows(MalformedDataException.class, () -> Idx.readImages(file));
    assertContains(message(e), "expected 24 bytes of pixel data", "found 4",
        "decompressed byte 20");
  }

  @Test
  void truncatedLabels() {
    byte[] cut = Arrays.copyOf(LABELS, LABELS.length - 1);
    MalformedDataException e = assertThrows(MalformedDataException.class,
        () -> Idx.readLabels(new ByteArrayInputStream(cut), "labels"));
    assertContains(message(e), "expected 4 bytes of label data", "found 3");
  }

  @Test
  void hugeHeaderOverShortDataIsTruncationNotOutOfMemory() {
    // 100 million images of 28x28 would be 78 GB: rejected as absurd, no allocation attempted
    byte[] absurd = IdxFiles.images(100_000_000, 28, 28, new byte[10]);
    MalformedDataException e = assertThrows(MalformedDataException.class,
        () -> Idx.readImages(new ByteArrayInputStream(absurd), "big"));
    assertContains(message(e), "big", "absurd dimensions", "count=100000000", "rows=28");
    // 2 million (1.5 GB, allowed by the format) over 10 bytes: reading stops at the data's end
    byte[] lying = IdxFiles.images(2_000_000, 28, 28, new byte[10]);
    MalformedDataException t = assertThrows(MalformedDataException.class,
        () -> Idx.readImages(new ByteArrayInputStream(lying), "liar"));
    assertContains(message(t), "expected 1568000000 bytes of pixel data", "found 10");
  }

  @Test
  void absurdDimensions() {
    for (int[] dims : new int[][] {{-1, 28, 28}, {10, 0, 28}, {10, 28, -5}, {1, 1 << 20, 1}}) {
      byte[] data = IdxFiles.images(dims[0], dims[1], dims[2], new byte[0]);
      MalformedDataException e = assertThrows(MalformedDataException.class,
          () -> Idx.readImages(new ByteArrayInputStream(data), "odd"));
      assertContains(message(e), "odd: absurd dimensions", "count=" + dims[0], "rows=" + dims[1],
          "cols=" + dims[2]);
    }
    byte[] labels = {0, 0, 8, 1, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    MalformedDataException e = assertThrows(MalformedDataException.class,
        () -> Idx.readLabels(new ByteArrayInputStream(labels), "neg"));
    assertContains(message(e), "neg: absurd dimension", "count=-1");
  }

  @Test
  void trailingGarbage() throws IOException {
    Path file = write("trailing", IdxFiles.concat(IMAGES, new byte[] {1, 2, 3}));
    MalformedDataException e =
        assertThrows(MalformedDataException.class, () -> Idx.readImages(file));
    assertContains(message(e), file.toString(), "trailing data: 3 unexpected bytes",
        "byte 40");
    byte[] gz = IdxFiles.gzip(IdxFiles.concat(LABELS, new byte[] {7}));
    MalformedDataException g = assertThrows(MalformedDataException.class,
        () -> Idx.readLabels(new ByteArrayInputStream(gz), "labels.gz"));
    assertContains(message(g), "trailing data: 1 unexpected byte ", "decompressed byte 12");
  }

  @Test
  void truncatedGzipWrapsEofException() throws IOException {
    byte[] gz = IdxFiles.gzip(IMAGES);
    Path file = write("cut.gz", Arrays.copyOf(gz, gz.length - 12));
    MalformedDataException e =
        assertThrows(MalformedDataException.class, () -> Idx.readImages(file));
    assertContains(message(e), file.toString(), "corrupt gzip stream");
    assertInstanceOf(EOFException.class, e.getCause());
  }

  @Test
  void corruptGzipDataWrapsZipException() throws IOException {
    byte[] gz = IdxFiles.gzip(IdxFiles.images(20, 8, 8, IdxFiles.patternPixels(20, 8, 8)));
    byte[] bad = gz.clone();
    for (int i = 10; i < 40; i++) {
      bad[i] = (byte) 0xFF; // garbage in the deflate stream
    }
    MalformedDataException e = assertThrows(MalformedDataException.class,
        () -> Idx.readImages(new ByteArrayInputStream(bad), "bad.gz"));
    assertContains(message(e), "bad.gz", "corrupt gzip");
    assertInstanceOf(ZipException.class, e.getCause());

    byte[] crc = gz.clone();
    crc[crc.length - 6] ^= 0x55; // the CRC-32 in the trailer
    MalformedDataException c = assertThrows(MalformedDataException.class,
        () -> Idx.readImages(new ByteArrayInputStream(crc), "crc.gz"));
    assertContains(message(c), "crc.gz", "corrupt gzip");
    assertInstanceOf(ZipException.class, c.getCause());
  }

  @Test
  void corruptGzipHeader() {
    byte[] bad = {0x1f, (byte) 0x8b, 0x07, 0, 0, 0};
    MalformedDataException e = assertThrows(MalformedDataException.class,
        () -> Idx.readImages(new ByteArrayInputStream(bad), "header.gz"));
    assertContains(message(e), "header.gz", "corrupt gzip header");
    assertTrue(e.getCause() instanceof ZipException || e.getCause() instanceof EOFException);
  }

  @Test
  void missingFileNamesThePath() {
    Path missing = dir.resolve("nope-idx3-ubyte.gz");
    NoSuchFileException e =
        assertThrows(NoSuchFileException.class, () -> Idx.readImages(missing));
    assertContains(message(e), missing.toString(), "not found");
    NoSuchFileException l =
        assertThrows(NoSuchFileException.class, () -> Idx.readLabels(missing));
    assertContains(message(l), missing.toString());
  }
}
