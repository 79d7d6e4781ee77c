package dev.helmholtz.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistTest {
  private static Mnist mnist;

  @TempDir Path dir;

  @BeforeAll
  static void loadVendoredCopy() throws IOException {
    mnist = Mnist.loadDefault();
  }

  private static void assertContains(String haystack, String... needles) {
    for (String needle : needles) {
      assertTrue(haystack.contains(needle), () -> "expected '" + needle + "' in: " + haystack);
    }
  }

  // ------------------------------------------------------------------------ the real MNIST

  @Test
  void vendoredCopyHasTheKnownShapeAndLabels() {
    Mnist.Split train = mnist.train();
    Mnist.Split test = mnist.test();
    assertEquals(60_000, train.size());
    assertEquals(10_000, test.size());
    assertEquals(60_000, train.images().length);
    assertEquals(784, Mnist.IMAGE_SIZE);
    for (Mnist.Split split : List.of(train, test)) {
      for (float[] image : split.images()) {
        assertEquals(Mnist.IMAGE_SIZE, image.length);
      }
      for (int label : split.labels()) {
        assertTrue(label >= 0 && label <= 9, "label " + label);
      }
    }
    assertEquals(5, train.labels()[0]);
    assertEquals(7, test.labels()[0]);
    assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949},
        histogram(train.labels()));
    assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009},
        histogram(test.labels()));
  }

  @Test
  void pixelsAreScaledToUnitInterval() {
    float[] first = mnist.train().images()[0];
    double sum = 0;
    int nonzero = 0;
    for (float v : first) {
      assertTrue(v >= 0f && v <= 1f);
      sum += v;
      nonzero += v > 0 ? 1 : 0;
    }
    // the first training image (a 5): 166 inked pixels whose bytes sum to 27525
    assertEquals(166, nonzero);
    assertEquals(27525 / 255.0, sum, 1e-3);
    float max = 0;
    for (float[] image : mnist.test().images()) {
      for (float v : image) {
        max = Math.max(max, v);
      }
    }
    assertEquals(1f, max);
  }

  @Test
  void splitTakeAndDataset() {
    Mnist.Split small = mnist.test().take(100);
    assertEquals(100, small.size());
    assertEquals(7, small.labels()[0]);
    assertSame(mnist.test().images()[3], small.images()[3]);
    assertEquals(10_000, mnist.test().take(1_000_000).size());
    assertThrows(IllegalArgumentException.class, () -> mnist.test().take(-1));
    Dataset d = small.dataset("x");
    assertEquals(100, d.size());
    assertEquals(List.of("x"), d.columns());
    assertArrayEquals(new int[] {784}, d.eventShape("x"));
    assertEquals(small.images()[99][400], d.flat("x")[99 * 784 + 400]);
  }

  @Test
  void splitChecksItsArrays() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Mnist.Split(new float[2][784], new int[3]));
    assertContains(e.getMessage(), "2 images but 3 labels");
  }

  @Test
  void vendoredChecksumsMatchTheVendoredFiles() throws IOException {
    Map<String, String> sums = Mnist.vendoredChecksums();
    for (String file : Mnist.FILES) {
      try (InputStream in = resource(file)) {
        assertEquals(sums.get(file), Mnist.sha256(in), file);
      }
      String raw = file.substring(0, file.length() - 3) + " (uncompressed)";
      try (InputStream in = new GZIPInputStream(resource(file))) {
        assertEquals(sums.get(raw), Mnist.sha256(in), raw);
      }
    }
  }

  private static InputStream resource(String file) {
    return Mnist.class.getResourceAsStream(Mnist.DEFAULT_RESOURCE_FOLDER + "/" + file);
  }

  private static int[] histogram(int[] labels) {
    int[] h = new int[10];
    for (int label : labels) {
      h[label]++;
    }
    return h;
  }

  // --------------------------------------------------------- load(directory) on small files

  /** Writes a small MNIST-shaped directory: 3 training and 2 test images of 28x28. */
  private void writeSmall(Path directory, boolean gzip, int trainLabels) throws IOException {
    Files.createDirectories(directory);
    write(directory, Mnist.TRAIN_IMAGES, IdxFiles.images(3, 28, 28, IdxFiles.patternPixels(3, 28, 28)), gzip);
    int[] labels = new int[trainLabels];
    for (int i = 0; i < trainLabels; i++) {
      labels[i] = i % 10;
    }
    write(directory, Mnist.TRAIN_LABELS, IdxFiles.labels(labels), gzip);
    write(directory, Mnist.TEST_IMAGES, IdxFiles.images(2, 28, 28, IdxFiles.patternPixels(2, 28, 28)), gzip);
    write(directory, Mnist.TEST_LABELS, IdxFiles.labels(7, 2), gzip);
  }

  private static void write(Path directory, String gzName, byte[] data, boolean gzip)
      throws IOException {
    if (gzip) {
      Files.write(directory.resolve(gzName), IdxFiles.gzip(data));
    } else {
      Files.write(directory.resolve(gzName.substring(0, gzName.length() - 3)), data);
    }
  }

  @Test
  void loadsADirectoryGzippedOrPlain() throws IOException {
    for (boolean gzip : new boolean[] {true, false}) {
      Path d = dir.resolve("mnist-" + gzip);
      writeSmall(d, gzip, 3);
      Mnist m = Mnist.load(d);
      assertEquals(3, m.train().size());
      assertEquals(2, m.test().size());
      assertArrayEquals(new int[] {0, 1, 2}, m.train().labels());
      assertArrayEquals(new int[] {7, 2}, m.test().labels());
      assertEquals((byte) (2 * 31 + 5 * 7) & 0xFF, Math.round(m.train().images()[2][5] * 255));
    }
  }

  @Test
  void countMismatchIsAnError() throws IOException {
    writeSmall(dir, true, 2);
    MalformedDataException e = assertThrows(MalformedDataException.class, () -> Mnist.load(dir));
    assertContains(e.getMessage(), "training split", "count mismatch",
        dir.resolve(Mnist.TRAIN_IMAGES) + " has 3 images",
        dir.resolve(Mnist.TRAIN_LABELS) + " has 2 labels");
  }

  @Test
  void missingFileIsNamed() throws IOException {
    writeSmall(dir, true, 3);
    Files.delete(dir.resolve(Mnist.TEST_LABELS));
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Mnist.load(dir));
    assertContains(e.getMessage(), dir.resolve(Mnist.TEST_LABELS).toAbsolutePath().toString(),
        "MNIST file not found");
  }

  @Test
  void missingDirectoryIsNamed() {
    Path nowhere = dir.resolve("no-such-dir");
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Mnist.load(nowhere));
    assertContains(e.getMessage(), nowhere.toString(), "MNIST directory not found");
  }

  @Test
  void wrongImageSizeIsAnError() throws IOException {
    writeSmall(dir, true, 3);
    Files.write(dir.resolve(Mnist.TEST_IMAGES),
        IdxFiles.gzip(IdxFiles.images(2, 2, 2, new byte[8])));
    MalformedDataException e = assertThrows(MalformedDataException.class, () -> Mnist.load(dir));
    assertContains(e.getMessage(), Mnist.TEST_IMAGES, "expected 28x28", "found 2x2");
  }

  @Test
  void labelOutOfRangeIsAnError() throws IOException {
    writeSmall(dir, true, 3);
    Files.write(dir.resolve(Mnist.TEST_LABELS), IdxFiles.gzip(IdxFiles.labels(7, 12)));
    MalformedDataException e = assertThrows(MalformedDataException.class, () -> Mnist.load(dir));
    assertContains(e.getMessage(), Mnist.TEST_LABELS, "label 12 of example 1", "byte 9",
        "outside 0..9");
  }

  @Test
  void swappedFilesAreCaught() throws IOException {
    writeSmall(dir, true, 3);
    Path images = dir.resolve(Mnist.TRAIN_IMAGES);
    Path labels = dir.resolve(Mnist.TRAIN_LABELS);
    Path tmp = dir.resolve("swap");
    Files.move(images, tmp);
    Files.move(labels, images);
    Files.move(tmp, labels);
    MalformedDataException e = assertThrows(MalformedDataException.class, () -> Mnist.load(dir));
    assertContains(e.getMessage(), images.toString(),
        "a labels file was given where an images file was expected");
  }

  @Test
  void missingResourcesAreNamed() {
    FileNotFoundException e = assertThrows(FileNotFoundException.class,
        () -> Mnist.loadResources(MnistTest.class, "/no/such/folder/"));
    assertContains(e.getMessage(), "/no/such/folder/" + Mnist.TRAIN_IMAGES, "not found",
        MnistTest.class.getName());
  }

  // ------------------------------------------------------------------------------ download

  /** A local "mirror": the vendored files copied into a folder, served by file: URLs. */
  private Path mirror() throws IOException {
    Path mirror = Files.createDirectories(dir.resolve("mirror"));
    for (String file : Mnist.FILES) {
      try (InputStream in = resource(file)) {
        Files.copy(in, mirror.resolve(file));
      }
    }
    return mirror;
  }

  private static List<String> listing(Path directory) throws IOException {
    try (Stream<Path> s = Files.list(directory)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void downloadFetchesVerifiesAndLoads() throws IOException {
    Path mirror = mirror();
    Path target = dir.resolve("downloaded");
    Mnist m = Mnist.download(target, mirror.toUri().toString());
    assertEquals(60_000, m.train().size());
    assertEquals(10_000, m.test().size());
    assertEquals(5, m.train().labels()[0]);
    assertEquals(Mnist.FILES.stream().sorted().toList(), listing(target));
    for (String file : Mnist.FILES) {
      assertArrayEquals(Files.readAllBytes(mirror.resolve(file)),
          Files.readAllBytes(target.resolve(file)));
    }
  }

  @Test
  void downloadRefusesAChecksumMismatchAndLeavesNothingBehind() throws IOException {
    Path mirror = mirror();
    // same format, wrong content: a valid gzipped labels file with one label changed
    Files.write(mirror.resolve(Mnist.TEST_LABELS),
        IdxFiles.gzip(IdxFiles.labels(new int[10_000])));
    Path target = dir.resolve("downloaded");
    String base = mirror.toUri().toString();
    MalformedDataException e = assertThrows(MalformedDataException.class,
        () -> Mnist.fetchVerified(target, base));
    assertContains(e.getMessage(), mirror.resolve(Mnist.TEST_LABELS).toString(), "SHA-256 mismatch",
        Mnist.vendoredChecksums().get(Mnist.TEST_LABELS), "refusing");
    assertFalse(Files.exists(target.resolve(Mnist.TEST_LABELS)));
    assertFalse(listing(target).stream().anyMatch(n -> n.startsWith(".")), "no temporary files");
  }

  @Test
  void downloadAcceptsTheSameDataCompressedDifferently() throws IOException {
    Path mirror = mirror();
    byte[] raw;
    try (InputStream in = new GZIPInputStream(resource(Mnist.TEST_LABELS))) {
      raw = in.readAllBytes();
    }
    byte[] recompressed = IdxFiles.gzip(raw);
    Files.write(mirror.resolve(Mnist.TEST_LABELS), recompressed);
    Path target = dir.resolve("downloaded");
    Mnist.fetchVerified(target, mirror.toUri().toString());
    assertArrayEquals(recompressed, Files.readAllBytes(target.resolve(Mnist.TEST_LABELS)));
  }

  @Test
  void downloadKeepsVerifiedFilesAndReplacesBadOnes() throws IOException {
    Path mirror = mirror();
    Path target = dir.resolve("downloaded");
    Mnist.fetchVerified(target, mirror.toUri().toString());
    Files.write(target.resolve(Mnist.TRAIN_LABELS), new byte[] {1, 2, 3}); // damaged copy
    Path empty = Files.createDirectories(dir.resolve("empty-mirror"));
    // only the damaged file is fetched again: from an empty mirror that fails, naming it
    IOException e = assertThrows(IOException.class,
        () -> Mnist.fetchVerified(target, empty.toUri().toString()));
    assertContains(e.getMessage(), Mnist.TRAIN_LABELS);
    Mnist.fetchVerified(target, mirror.toUri().toString());
    assertArrayEquals(Files.readAllBytes(mirror.resolve(Mnist.TRAIN_LABELS)),
        Files.readAllBytes(target.resolve(Mnist.TRAIN_LABELS)));
    // all four verify now, so nothing is fetched even from an empty mirror
    Mnist.fetchVerified(target, empty.toUri().toString());
  }

  @Test
  void downloadWithoutAUrlSaysHowToGiveOne() {
    String old = System.getProperty(Mnist.URL_PROPERTY);
    System.clearProperty(Mnist.URL_PROPERTY);
    try {
      IOException e = assertThrows(IOException.class, () -> Mnist.download(dir));
      assertContains(e.getMessage(), "-D" + Mnist.URL_PROPERTY, "loadDefault");
    } finally {
      if (old != null) {
        System.setProperty(Mnist.URL_PROPERTY, old);
      }
    }
  }

  @Test
  void downloadUsesTheSystemProperty() throws IOException {
    Path mirror = mirror();
    String old = System.getProperty(Mnist.URL_PROPERTY);
    // no trailing slash: the base is taken as a folder all the same
    String base = mirror.toUri().toString();
    System.setProperty(Mnist.URL_PROPERTY, base.substring(0, base.length() - 1));
    try {
      Mnist m = Mnist.download(dir.resolve("via-property"));
      assertEquals(10_000, m.test().size());
    } finally {
      if (old != null) {
        System.setProperty(Mnist.URL_PROPERTY, old);
      } else {
        System.clearProperty(Mnist.URL_PROPERTY);
      }
    }
  }

  @Test
  void relativeDownloadUrlIsRefused() {
    IOException e = assertThrows(IOException.class,
        () -> Mnist.fetchVerified(dir, "mirror/mnist"));
    assertContains(e.getMessage(), "not absolute");
  }
}
