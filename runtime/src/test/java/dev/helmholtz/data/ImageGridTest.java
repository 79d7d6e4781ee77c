package dev.helmholtz.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageGridTest {
  @TempDir Path dir;

  /** n images of rows x cols; image i is filled with i / (n - 1), pixel (0,0) is always white. */
  private static float[][] images(int n, int rows, int cols) {
    float[][] images = new float[n][rows * cols];
    for (int i = 0; i < n; i++) {
      java.util.Arrays.fill(images[i], i / (float) (n - 1));
      images[i][0] = 1f;
    }
    return images;
  }

  private static int gray(BufferedImage image, int x, int y) {
    return image.getRaster().getSample(x, y, 0);
  }

  private List<String> listing() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writesAGridReadableByImageIo() throws IOException {
    Path file = dir.resolve("grid.png");
    // 10 images of 3 rows x 4 cols, 4 per grid row: 3 grid rows
    ImageGrid.writePng(file, images(10, 3, 4), 3, 4, 4);
    BufferedImage image = ImageIO.read(file.toFile());
    assertNotNull(image);
    assertEquals(4 * 4 + 3, image.getWidth());
    assertEquals(3 * 3 + 2, image.getHeight());
    assertEquals(255, gray(image, 0, 0)); // image 0, pixel (0,0)
    assertEquals(0, gray(image, 1, 0)); // image 0 is black elsewhere
    assertEquals(128, gray(image, 4, 0)); // the separator column after image 0
    assertEquals(128, gray(image, 0, 3)); // the separator row
    assertEquals(Math.round(5 / 9f * 255), gray(image, 5 + 1, 4 + 1)); // image 5: row 1, col 1
    assertEquals(128, gray(image, 3 * 5 + 1, 2 * 4 + 1)); // the empty cell after image 9
    assertEquals(List.of("grid.png"), listing());
  }

  @Test
  void valuesAreClamped() throws IOException {
    Path file = dir.resolve("clamped.png");
    ImageGrid.writePng(file, new float[][] {{-3f, 2f, Float.NaN, 0.5f}}, 2, 2, 8);
    BufferedImage image = ImageIO.read(file.toFile());
    assertEquals(2, image.getWidth()); // one image: no separators
    assertEquals(2, image.getHeight());
    assertEquals(0, gray(image, 0, 0));
    assertEquals(255, gray(image, 1, 0));
    assertEquals(0, gray(image, 0, 1));
    assertEquals(128, gray(image, 1, 1));
  }

  @Test
  void writesPairsSideBySide() throws IOException {
    Path file = dir.resolve("pairs.png");
    float[][] originals = new float[5][28 * 28];
    float[][] reconstructions = new float[5][28 * 28];
    for (float[] r : reconstructions) {
      java.util.Arrays.fill(r, 1f);
    }
    ImageGrid.writePairs(file, originals, reconstructions, 28, 28, 2);
    BufferedImage image = ImageIO.read(file.toFile());
    assertEquals(4 * 28 + 3, image.getWidth());
    assertEquals(3 * 28 + 2, image.getHeight());
    assertEquals(0, gray(image, 10, 10)); // original 0
    assertEquals(255, gray(image, 29 + 10, 10)); // its reconstruction
    assertEquals(0, gray(image, 2 * 29 + 10, 10)); // original 1
    assertEquals(255, gray(image, 3 * 29 + 10, 29 + 10)); // reconstruction 3
    assertThrows(IllegalArgumentException.class,
        () -> ImageGrid.writePairs(file, originals, new float[4][784], 28, 28, 2));
  }

  @Test
  void writesRealMnistDigits() throws IOException {
    float[][] digits = new float[16][];
    Idx.IdxImages images = Idx.readImages(
        Mnist.class.getResourceAsStream(Mnist.DEFAULT_RESOURCE_FOLDER + "/" + Mnist.TEST_IMAGES),
        "t10k");
    float[][] all = images.toFloats();
    System.arraycopy(all, 0, digits, 0, 16);
    Path file = dir.resolve("digits.png");
    ImageGrid.writePng(file, digits, 28, 28, 8);
    BufferedImage image = ImageIO.read(file.toFile());
    assertEquals(8 * 28 + 7, image.getWidth());
    assertEquals(2 * 28 + 1, image.getHeight());
  }

  @Test
  void rejectsBadImages() {
    Path file = dir.resolve("bad.png");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ImageGrid.writePng(file, new float[][] {new float[4], new float[5]}, 2, 2, 2));
    assertTrue(e.getMessage().contains("image 1 has 5 values, expected imageRows*imageCols"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> ImageGrid.writePng(file, new float[0][], 2, 2, 2));
    assertThrows(IllegalArgumentException.class,
        () -> ImageGrid.writePng(file, new float[1][4], 2, 2, 0));
  }

  @Test
  void missingParentDirectoryIsNamed() {
    Path parent = dir.resolve("no-such-dir");
    NoSuchFileException e = assertThrows(NoSuchFileException.class,
        () -> ImageGrid.writePng(parent.resolve("grid.png"), images(2, 2, 2), 2, 2, 2));
    assertTrue(e.getMessage().contains(parent.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("directory does not exist"), e.getMessage());
  }

  @Test
  void replacesAnExistingFile() throws IOException {
    Path file = dir.resolve("grid.png");
    Files.writeString(file, "old");
    ImageGrid.writePng(file, images(3, 2, 2), 2, 2, 3);
    assertNotNull(ImageIO.read(file.toFile()));
    assertEquals(List.of("grid.png"), listing());
  }

  @Test
  void failedWriteLeavesTheOldFileIntactAndNoTemporaryFile() throws IOException {
    Path file = dir.resolve("grid.png");
    byte[] old = "the old picture".getBytes(StandardCharsets.UTF_8);
    Files.write(file, old);
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(file, out -> {
      out.write(new byte[100_000]); // half a file reaches the disk...
      throw new IOException("disk full");
    }));
    assertEquals("disk full", e.getMessage());
    assertArrayEquals(old, Files.readAllBytes(file));
    assertEquals(List.of("grid.png"), listing());
    // a writePng that fails (here: on its arguments) leaves it intact too
    assertThrows(IllegalArgumentException.class,
        () -> ImageGrid.writePng(file, new float[][] {new float[3]}, 2, 2, 1));
    assertArrayEquals(old, Files.readAllBytes(file));
  }

  @Test
  void writtenFileIsNotOwnerOnly() throws IOException {
    Path file = dir.resolve("grid.png");
    ImageGrid.writePng(file, images(2, 2, 2), 2, 2, 2);
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Path reference = Files.createFile(dir.resolve("reference"));
      assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(file),
          "the same permissions as any new file");
    }
  }
}
