package dev.helmholtz.data;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;

/**
 * Writes grids of grayscale images as PNG files (javax.imageio; no other dependencies), e.g.
 * samples from a model or originals beside their reconstructions.
 *
 * <p>Values are intensities in [0,1] (clamped; NaN is drawn black), 0 black and 1 white, as
 * MNIST is stored. Images are separated by 1-pixel gray lines. A file is written to a temporary
 * file in the same directory and then atomically moved into place, so an existing file is never
 * left half-written.
 */
public final class ImageGrid {
  /** Gray level of the separator lines and of empty cells. */
  static final byte SEPARATOR = (byte) 128;

  private ImageGrid() {}

  /**
   * Writes {@code images} (each {@code imageRows * imageCols} values, row-major) in a grid of
   * {@code gridColumns} columns (fewer if there are fewer images) and as many rows as needed.
   *
   * @throws IllegalArgumentException if there are no images, an image has the wrong length, or a
   *     dimension is not positive
   * @throws NoSuchFileException if the parent directory does not exist (naming it)
   */
  public static void writePng(Path file, float[][] images, int imageRows, int imageCols,
      int gridColumns) throws IOException {
    BufferedImage image = render(images, imageRows, imageCols, gridColumns);
    AtomicFiles.write(file, out -> {
      if (!ImageIO.write(image, "png", out)) {
        throw new IOException("no PNG writer available in javax.imageio");
      }
    });
  }

  /**
   * Writes each original beside its reconstruction, {@code pairsPerRow} pairs per grid row:
   * original 0, reconstruction 0, original 1, reconstruction 1, ...
   *
   * @throws IllegalArgumentException if the two arrays differ in length, or as
   *     {@link #writePng}
   */
  public static void writePairs(Path file, float[][] originals, float[][] reconstructions,
      int imageRows, int imageCols, int pairsPerRow) throws IOException {
    if (originals == null || reconstructions == null || originals.length != reconstructions.length) {
      throw new IllegalArgumentException("writePairs needs as many reconstructions as originals, got "
          + (originals == null ? "null" : originals.length) + " originals and "
          + (reconstructions == null ? "null" : reconstructions.length) + " reconstructions");
    }
    if (pairsPerRow <= 0) {
      throw new IllegalArgumentException("pairsPerRow must be positive, got " + pairsPerRow);
    }
    float[][] interleaved = new float[2 * originals.length][];
    for (int i = 0; i < originals.length; i++) {
      interleaved[2 * i] = originals[i];
      interleaved[2 * i + 1] = reconstructions[i];
    }
    writePng(file, interleaved, imageRows, imageCols, Math.multiplyExact(2, pairsPerRow));
  }

  /** A rendered grid: {@code height} rows of {@code width} gray levels (0 black, 255 white), row-major. */
  public record Pixels(int width, int height, byte[] gray) {}

  /**
   * The grid {@link #writePng} would write, as pixels (for TensorBoard images, say).
   *
   * @throws IllegalArgumentException as {@link #writePng}
   */
  public static Pixels pixels(float[][] images, int imageRows, int imageCols, int gridColumns) {
    BufferedImage image = render(images, imageRows, imageCols, gridColumns);
    byte[] gray = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    return new Pixels(image.getWidth(), image.getHeight(), gray);
  }

  static BufferedImage render(float[][] images, int imageRows, int imageCols, int gridColumns) {
    if (imageRows <= 0 || imageCols <= 0 || gridColumns <= 0) {
      throw new IllegalArgumentException("imageRows, imageCols and gridColumns must be positive, got "
          + imageRows + ", " + imageCols + ", " + gridColumns);
    }
    if (images == null || images.length == 0) {
      throw new IllegalArgumentException("no images to write");
    }
    int size = imageRows * imageCols;
    for (int i = 0; i < images.length; i++) {
      if (images[i] == null || images[i].length != size) {
        throw new IllegalArgumentException("image " + i + " has "
            + (images[i] == null ? "no array (null)" : images[i].length + " values")
            + ", expected imageRows*imageCols = " + imageRows + "*" + imageCols + " = " + size);
      }
    }
    int columns = Math.min(gridColumns, images.length);
    int rows = (images.length + columns - 1) / columns;
    long width = (long) columns * imageCols + columns - 1;
    long height = (long) rows * imageRows + rows - 1;
    if (width * height > Idx.MAX_ARRAY || width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a grid of " + width + "x" + height + " pixels is too large");
    }
    BufferedImage image = new BufferedImage((int) width, (int) height, BufferedImage.TYPE_BYTE_GRAY);
    byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    int stride = (int) width; // TYPE_BYTE_GRAY: one byte per pixel, rows packed
    Arrays.fill(pixels, SEPARATOR);
    for (int i = 0; i < images.length; i++) {
      int x0 = (i % columns) * (imageCols + 1);
      int y0 = (i / columns) * (imageRows + 1);
      float[] img = images[i];
      for (int r = 0; r < imageRows; r++) {
        int o = (y0 + r) * stride + x0;
        for (int c = 0; c < imageCols; c++) {
          pixels[o + c] = gray(img[r * imageCols + c]);
        }
      }
    }
    return image;
  }

  private static byte gray(float v) {
    if (!(v > 0f)) {
      return 0; // also NaN
    }
    if (v >= 1f) {
      return (byte) 255;
    }
    return (byte) Math.round(v * 255f);
  }
}
