package dev.helmholtz.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reader for the IDX format in which the MNIST database is distributed, gzipped or plain.
 *
 * <p>An IDX file is a 4-byte big-endian magic number {@code 00 00 TT DD} (TT the element type,
 * {@code 08} for unsigned bytes; DD the number of dimensions), then DD big-endian 32-bit sizes,
 * then the elements in row-major order. Images are {@code 0x00000803} (count, rows, cols), labels
 * {@code 0x00000801} (count). Gzip is recognised by its magic bytes {@code 1f 8b}, not by the
 * file name.
 *
 * <p>Every malformation is reported as a {@link MalformedDataException} naming the source, the
 * byte offset (in the decompressed data when gzipped) and what was expected against what was
 * found: a wrong magic number, a truncated header or body, trailing bytes after the body, absurd
 * dimensions, or a corrupt gzip stream.
 */
public final class Idx {
  /** Magic number of an IDX file of unsigned bytes with three dimensions: images. */
  static final int IMAGES_MAGIC = 0x00000803;
  /** Magic number of an IDX file of unsigned bytes with one dimension: labels. */
  static final int LABELS_MAGIC = 0x00000801;
  /** Largest row or column count accepted; anything above is taken as a corrupt header. */
  static final int MAX_SIDE = 1 << 16;
  /** The largest byte array a JVM reliably allocates. */
  static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
  /** Initial body buffer: bodies are read in growing chunks, so a lying header cannot make us
   * allocate gigabytes before the data runs out. 64 MiB holds all of MNIST's training images. */
  private static final int INITIAL_BODY_BUFFER = 1 << 26;

  private Idx() {}

  /** Images as unsigned bytes, row-major: image {@code i} occupies {@code pixels[i*rows*cols ..]}. */
  public record IdxImages(int count, int rows, int cols, byte[] pixels) {
    public IdxImages {
      if (count < 0 || rows < 0 || cols < 0) {
        throw new IllegalArgumentException(
            "negative dimension: count=" + count + ", rows=" + rows + ", cols=" + cols);
      }
      if (pixels == null || pixels.length != (long) count * rows * cols) {
        throw new IllegalArgumentException(
            "pixels has " + (pixels == null ? "no array" : pixels.length + " bytes")
                + ", expected count*rows*cols = " + count + "*" + rows + "*" + cols + " = "
                + (long) count * rows * cols);
      }
    }

    /** Pixels scaled to [0,1] ({@code value/255f}), one row of {@code rows*cols} per image. */
    public float[][] toFloats() {
      float[] table = new float[256];
      for (int v = 0; v < 256; v++) {
        table[v] = v / 255f;
      }
      int size = rows * cols;
      float[][] out = new float[count][size];
      for (int i = 0, p = 0; i < count; i++) {
        float[] row = out[i];
        for (int j = 0; j < size; j++, p++) {
          row[j] = table[pixels[p] & 0xFF];
        }
      }
      return out;
    }
  }

  /** Reads an IDX images file (magic {@code 0x00000803}), gzipped or plain. */
  public static IdxImages readImages(Path file) throws IOException {
    try (InputStream in = open(file, "IDX images file")) {
      return readImages(in, file.toString());
    }
  }

  /** Reads an IDX labels file (magic {@code 0x00000801}), gzipped or plain; labels as 0..255. */
  public static int[] readLabels(Path file) throws IOException {
    try (InputStream in = open(file, "IDX labels file")) {
      return readLabels(in, file.toString());
    }
  }

  /**
   * Reads IDX images from a stream, gzipped or plain, to its end (trailing bytes are an error).
   * The stream is not closed. {@code sourceName} names the data in error messages.
   */
  public static IdxImages readImages(InputStream in, String sourceName) throws IOException {
    try (Source src = Source.open(in, sourceName)) {
      src.expectMagic(IMAGES_MAGIC);
      int count = src.readInt("image count");
      int rows = src.readInt("row count");
      int cols = src.readInt("column count");
      if (count < 0 || rows <= 0 || cols <= 0 || rows > MAX_SIDE || cols > MAX_SIDE
          || (long) count * rows * cols > MAX_ARRAY) {
        throw new MalformedDataException(
            src.name + ": absurd dimensions in the IDX images header (bytes 4..15): count=" + count
                + ", rows=" + rows + ", cols=" + cols + "; expected count >= 0, 1 <= rows, cols <= "
                + MAX_SIDE + " and count*rows*cols <= " + MAX_ARRAY + " bytes"
                + " (the header is corrupt, or this is not an images file)");
      }
      int size = count * rows * cols;
      byte[] pixels = src.readBody(size,
          "pixel data (count*rows*cols = " + count + "*" + rows + "*" + cols + ")");
      src.expectEnd();
      return new IdxImages(count, rows, cols, pixels);
    }
  }

  /**
   * Reads IDX labels from a stream, gzipped or plain, to its end (trailing bytes are an error).
   * The stream is not closed. Labels are returned as unsigned values 0..255.
   */
  public static int[] readLabels(InputStream in, String sourceName) throws IOException {
    try (Source src = Source.open(in, sourceName)) {
      src.expectMagic(LABELS_MAGIC);
      int count = src.readInt("label count");
      if (count < 0 || count > MAX_ARRAY) {
        throw new MalformedDataException(
            src.name + ": absurd dimension in the IDX labels header (bytes 4..7): count=" + count
                + "; expected 0 <= count <= " + MAX_ARRAY);
      }
      byte[] body = src.readBody(count, "label data (count = " + count + ")");
      src.expectEnd();
      int[] labels = new int[count];
      for (int i = 0; i < count; i++) {
        labels[i] = body[i] & 0xFF;
      }
      return labels;
    }
  }

  private static InputStream open(Path file, String what) throws IOException {
    try {
      return Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      NoSuchFileException clear = new NoSuchFileException(
          file.toAbsolutePath().toString(), null, what + " not found");
      clear.initCause(e);
      throw clear;
    }
  }

  /** Describes an IDX magic number for error messages. */
  static String describeMagic(int magic) {
    if ((magic >>> 16) == 0x1f8b) {
      return "gzip magic bytes 1f 8b: gzipped twice?";
    }
    if ((magic >>> 16) != 0) {
      return "not an IDX magic number: its first two bytes must be 00 00";
    }
    int type = (magic >>> 8) & 0xFF;
    int dims = magic & 0xFF;
    String typeName;
    switch (type) {
      case 0x08: typeName = "unsigned bytes"; break;
      case 0x09: typeName = "signed bytes"; break;
      case 0x0B: typeName = "16-bit integers"; break;
      case 0x0C: typeName = "32-bit integers"; break;
      case 0x0D: typeName = "32-bit floats"; break;
      case 0x0E: typeName = "64-bit floats"; break;
      default: typeName = String.format("unknown element type 0x%02x", type);
    }
    String shape = typeName + ", " + dims + (dims == 1 ? " dimension" : " dimensions");
    if (magic == IMAGES_MAGIC) {
      return "an IDX images file: " + shape;
    }
    if (magic == LABELS_MAGIC) {
      return "an IDX labels file: " + shape;
    }
    return "IDX data of " + shape;
  }

  static String hex(int magic) {
    return String.format("0x%08x", magic);
  }

  /** A stream being read, with its name, whether it was gzipped, and the offset reached. */
  private static final class Source implements AutoCloseable {
    final String name;
    final boolean gzipped;
    final InputStream in;
    long offset;

    private Source(String name, boolean gzipped, InputStream in) {
      this.name = name;
      this.gzipped = gzipped;
      this.in = in;
    }

    static Source open(InputStream raw, String sourceName) throws IOException {
      String name = sourceName == null ? "<stream>" : sourceName;
      // Shield the caller's stream from close(): we close only what we created (the inflater).
      InputStream shielded = new FilterInputStream(raw) {
        @Override
        public void close() {}
      };
      BufferedInputStream buffered = new BufferedInputStream(shielded, 1 << 16);
      buffered.mark(2);
      int b0 = buffered.read();
      int b1 = b0 < 0 ? -1 : buffered.read();
      buffered.reset();
      if (b0 == 0x1f && b1 == 0x8b) {
        try {
          return new Source(name, true, new GZIPInputStream(buffered, 1 << 16));
        } catch (ZipException | EOFException e) {
          throw new MalformedDataException(
              name + ": corrupt gzip header (the data starts with the gzip magic 1f 8b): "
                  + e.getMessage(), e);
        }
      }
      return new Source(name, false, buffered);
    }

    String at(long position) {
      return (gzipped ? "decompressed byte " : "byte ") + position;
    }

    /** Reads up to len bytes, stopping early only at the end of the data; returns the count. */
    int readUpTo(byte[] b, int off, int len) throws IOException {
      int total = 0;
      try {
        while (total < len) {
          int n = in.read(b, off + total, len - total);
          if (n < 0) {
            break;
          }
          total += n;
        }
      } catch (ZipException | EOFException e) {
        throw corrupt(offset + total, e);
      }
      offset += total;
      return total;
    }

    MalformedDataException corrupt(long position, IOException e) {
      return new MalformedDataException(
          name + ": corrupt gzip stream near " + at(position) + ": " + e.getMessage()
              + " (the file is truncated or damaged)", e);
    }

    void expectMagic(int expected) throws IOException {
      byte[] b = new byte[4];
      int n = readUpTo(b, 0, 4);
      String expectedText = hex(expected) + " (" + describeMagic(expected) + ")";
      if (n == 0) {
        throw new MalformedDataException(
            name + ": empty" + (gzipped ? " after decompression" : "") + "; expected the magic number "
                + expectedText + " at byte 0");
      }
      if (n < 4) {
        throw new MalformedDataException(
            name + ": truncated magic number: expected 4 bytes at byte 0, found " + n
                + "; expected the magic number " + expectedText);
      }
      int found = readBigEndian(b, 0);
      if (found != expected) {
        String hint = "";
        if (expected == IMAGES_MAGIC && found == LABELS_MAGIC) {
          hint = ": a labels file was given where an images file was expected";
        } else if (expected == LABELS_MAGIC && found == IMAGES_MAGIC) {
          hint = ": an images file was given where a labels file was expected";
        }
        throw new MalformedDataException(
            name + ": wrong magic number at byte 0: expected " + expectedText + ", found "
                + hex(found) + " (" + describeMagic(found) + ")" + hint);
      }
    }

    int readInt(String field) throws IOException {
      long position = offset;
      byte[] b = new byte[4];
      int n = readUpTo(b, 0, 4);
      if (n < 4) {
        throw new MalformedDataException(
            name + ": truncated IDX header: expected the 4-byte " + field + " at " + at(position)
                + ", found " + (n == 0 ? "the end of the data" : "only " + n + " bytes"));
      }
      return readBigEndian(b, 0);
    }

    byte[] readBody(int size, String what) throws IOException {
      long start = offset;
      byte[] body = new byte[Math.min(size, INITIAL_BODY_BUFFER)];
      int filled = 0;
      while (true) {
        int n = readUpTo(body, filled, body.length - filled);
        filled += n;
        if (filled < body.length || body.length == size) {
          break;
        }
        body = Arrays.copyOf(body, (int) Math.min(size, 2L * body.length));
      }
      if (filled < size) {
        throw new MalformedDataException(
            name + ": truncated: expected " + size + " bytes of " + what + " after the "
                + start + "-byte header, found " + filled + " (the data ends at " + at(offset)
                + ", expected it to end at " + at(start + size) + ")");
      }
      return body;
    }

    void expectEnd() throws IOException {
      long end = offset;
      byte[] scratch = new byte[8192];
      long extra = 0;
      while (true) {
        int n = readUpTo(scratch, 0, scratch.length);
        if (n == 0) {
          break;
        }
        extra += n;
      }
      if (extra > 0) {
        throw new MalformedDataException(
            name + ": trailing data: " + extra + " unexpected byte" + (extra == 1 ? "" : "s")
                + " after the end of the IDX data at " + at(end)
                + " (the header's dimensions say the data ends there)");
      }
    }

    @Override
    public void close() throws IOException {
      in.close(); // releases the inflater; the caller's stream is shielded
    }
  }

  static int readBigEndian(byte[] b, int off) {
    return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8)
        | (b[off + 3] & 0xFF);
  }
}
