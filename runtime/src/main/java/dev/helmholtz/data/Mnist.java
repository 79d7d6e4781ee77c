package dev.helmholtz.data;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The MNIST database of handwritten digits (LeCun, Cortes and Burges; CC BY-SA 3.0): 60,000
 * training and 10,000 test images of 28×28 pixels scaled to [0,1], with labels 0..9.
 *
 * <p>A copy is vendored in the runtime jar: {@link #loadDefault()} reads it from the classpath.
 * {@link #load(Path)} reads the four standard files from a directory, and
 * {@link #download(Path, String)} fetches them from a mirror of the user's choice, verified
 * against the vendored SHA-256 sums.
 */
public final class Mnist {
  /** Pixels per image: 28 × 28. */
  public static final int IMAGE_SIZE = 784;
  /** Rows and columns of an image. */
  public static final int SIDE = 28;
  /** The number of digit classes. */
  public static final int CLASSES = 10;
  /** Where {@link #loadDefault()} finds the vendored copy on the classpath. */
  public static final String DEFAULT_RESOURCE_FOLDER = "/dev/helmholtz/data/mnist";
  /** System property read by {@link #download(Path)}: the base URL holding the four files. */
  public static final String URL_PROPERTY = "helmholtz.mnist.url";

  static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";
  static final String TRAIN_LABELS = "train-labels-idx1-ubyte.gz";
  static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
  static final String TEST_LABELS = "t10k-labels-idx1-ubyte.gz";
  /** The four standard file names. */
  static final List<String> FILES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);
  /** Largest download accepted per file; the largest MNIST file is about 10 MB gzipped. */
  static final long MAX_DOWNLOAD_BYTES = 128L << 20;

  private final Split train;
  private final Split test;

  private Mnist(Split train, Split test) {
    this.train = train;
    this.test = test;
  }

  /** The 60,000 training examples. */
  public Split train() {
    return train;
  }

  /** The 10,000 test examples. */
  public Split test() {
    return test;
  }

  @Override
  public String toString() {
    return "Mnist[train=" + train.size() + ", test=" + test.size() + "]";
  }

  /**
   * Images (each {@link #IMAGE_SIZE} floats in [0,1], row-major 28×28) with their labels 0..9.
   * The arrays are shared, not copied: do not mutate them.
   */
  public record Split(float[][] images, int[] labels) {
    public Split {
      if (images == null || labels == null) {
        throw new IllegalArgumentException("images and labels must not be null");
      }
      if (images.length != labels.length) {
        throw new IllegalArgumentException(
            images.length + " images but " + labels.length + " labels");
      }
    }

    /** Examples in this split. */
    /** The labels one-hot, {@code [size][10]}: a data column for a class node. */
    public float[][] oneHotLabels() {
      float[][] rows = new float[labels.length][CLASSES];
      for (int i = 0; i < labels.length; i++) {
        rows[i][labels[i]] = 1f;
      }
      return rows;
    }

    public int size() {
      return labels.length;
    }

    /** The images as a one-column dataset of event shape [784] (labels are not included). */
    public Dataset dataset(String imageColumn) {
      return Dataset.of(imageColumn, images);
    }

    /**
     * The images as a one-column dataset of event shape [28, 28, 1]: height, width and one
     * channel, channels last, for a node declared {@code @Observed(shape = {28, 28, 1})} and
     * convolutional networks. The values are those of {@link #dataset(String)}, row-major.
     */
    public Dataset imageDataset(String imageColumn) {
      float[] flat = new float[images.length * IMAGE_SIZE];
      for (int i = 0; i < images.length; i++) {
        System.arraycopy(images[i], 0, flat, i * IMAGE_SIZE, IMAGE_SIZE);
      }
      return Dataset.of(imageColumn, flat, SIDE, SIDE, 1);
    }

    /** The first {@code min(n, size())} examples (rows shared, not copied). */
    public Split take(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("take(" + n + "): n must not be negative");
      }
      int m = Math.min(n, size());
      return new Split(Arrays.copyOf(images, m), Arrays.copyOf(labels, m));
    }

    @Override
    public String toString() {
      return "Split[" + size() + " examples]";
    }
  }

  // ---------------------------------------------------------------------------------- loading

  /** Opens one of the four files by name; {@code describe} names it in messages. */
  private interface Opener {
    InputStream open(String file) throws IOException;

    String describe(String file);
  }

  /**
   * Loads the four standard files, {@code train-images-idx3-ubyte.gz},
   * {@code train-labels-idx1-ubyte.gz}, {@code t10k-images-idx3-ubyte.gz} and
   * {@code t10k-labels-idx1-ubyte.gz}, from a directory. A file may also be present uncompressed
   * under the same name without {@code .gz}.
   *
   * @throws NoSuchFileException naming the directory or the missing file
   * @throws MalformedDataException if a file is malformed, images are not 28×28, a label is
   *     outside 0..9, or a split's image and label counts differ
   */
  public static Mnist load(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      throw new NoSuchFileException(directory.toAbsolutePath().toString(), null,
          "MNIST directory not found (or not a directory)");
    }
    return read(new Opener() {
      @Override
      public InputStream open(String file) throws IOException {
        Path gz = directory.resolve(file);
        Path plain = directory.resolve(file.substring(0, file.length() - 3));
        if (!Files.exists(gz) && Files.exists(plain)) {
          return Files.newInputStream(plain);
        }
        try {
          return Files.newInputStream(gz);
        } catch (NoSuchFileException e) {
          NoSuchFileException clear = new NoSuchFileException(gz.toAbsolutePath().toString(), null,
              "MNIST file not found; the directory must hold " + String.join(", ", FILES));
          clear.initCause(e);
          throw clear;
        }
      }

      @Override
      public String describe(String file) {
        Path gz = directory.resolve(file);
        Path plain = directory.resolve(file.substring(0, file.length() - 3));
        return (!Files.exists(gz) && Files.exists(plain) ? plain : gz).toString();
      }
    });
  }

  /**
   * Loads the four standard files from classpath resources in {@code resourceFolder}, resolved
   * as {@link Class#getResourceAsStream} resolves names against {@code anchor}: a folder starting
   * with {@code /} is absolute, otherwise relative to the anchor's package.
   *
   * @throws FileNotFoundException naming the missing resource
   */
  public static Mnist loadResources(Class<?> anchor, String resourceFolder) throws IOException {
    String folder = resourceFolder.endsWith("/")
        ? resourceFolder.substring(0, resourceFolder.length() - 1) : resourceFolder;
    return read(new Opener() {
      @Override
      public InputStream open(String file) throws IOException {
        String name = folder.isEmpty() ? file : folder + "/" + file;
        InputStream in = anchor.getResourceAsStream(name);
        if (in == null) {
          throw new FileNotFoundException("classpath resource '" + name + "' not found (resolved"
              + " against " + anchor.getName() + "); the folder must hold " + String.join(", ", FILES));
        }
        return in;
      }

      @Override
      public String describe(String file) {
        return "classpath:" + (folder.isEmpty() ? file : folder + "/" + file);
      }
    });
  }

  /**
   * Loads the copy of MNIST vendored with Helmholtz: classpath resources under
   * {@value #DEFAULT_RESOURCE_FOLDER}/ (inside helmholtz-runtime's jar).
   *
   * @throws FileNotFoundException if those resources are not on the classpath, saying what to do
   */
  public static Mnist loadDefault() throws IOException {
    for (String file : FILES) {
      if (Mnist.class.getResource(DEFAULT_RESOURCE_FOLDER + "/" + file) == null) {
        throw new FileNotFoundException("the vendored MNIST is not on the classpath: resource "
            + DEFAULT_RESOURCE_FOLDER + "/" + file + " is missing (it ships in helmholtz-runtime's"
            + " jar; was it stripped?). Use Mnist.load(directory) with the four files "
            + String.join(", ", FILES) + ", or Mnist.download(directory, baseUrl)");
      }
    }
    return loadResources(Mnist.class, DEFAULT_RESOURCE_FOLDER);
  }

  private static Mnist read(Opener opener) throws IOException {
    Split train = readSplit("training", opener, TRAIN_IMAGES, TRAIN_LABELS);
    Split test = readSplit("test", opener, TEST_IMAGES, TEST_LABELS);
    return new Mnist(train, test);
  }

  private static Split readSplit(String split, Opener opener, String imagesFile, String labelsFile)
      throws IOException {
    String imagesName = opener.describe(imagesFile);
    String labelsName = opener.describe(labelsFile);
    Idx.IdxImages images;
    try (InputStream in = opener.open(imagesFile)) {
      images = Idx.readImages(in, imagesName);
    }
    if (images.rows() != SIDE || images.cols() != SIDE) {
      throw new MalformedDataException(imagesName + ": expected " + SIDE + "x" + SIDE
          + " MNIST images, found " + images.rows() + "x" + images.cols() + " (header bytes 8..15)");
    }
    int[] labels;
    try (InputStream in = opener.open(labelsFile)) {
      labels = Idx.readLabels(in, labelsName);
    }
    if (labels.length != images.count()) {
      throw new MalformedDataException("MNIST " + split + " split: count mismatch: " + imagesName
          + " has " + images.count() + " images but " + labelsName + " has " + labels.length
          + " labels; each image needs exactly one label");
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] > 9) {
        throw new MalformedDataException(labelsName + ": label " + labels[i] + " of example " + i
            + " (byte " + (8 + i) + ") is outside 0..9");
      }
    }
    return new Split(images.toFloats(), labels);
  }

  // -------------------------------------------------------------------------------- download

  /**
   * {@link #download(Path, String)} from the base URL in the system property
   * {@value #URL_PROPERTY}.
   *
   * @throws IOException if the property is not set
   */
  public static Mnist download(Path directory) throws IOException {
    String base = System.getProperty(URL_PROPERTY);
    if (base == null || base.isBlank()) {
      throw new IOException("no MNIST download URL: set -D" + URL_PROPERTY + "=<base URL of a"
          + " folder holding " + String.join(", ", FILES) + "> or call Mnist.download(directory,"
          + " baseUrl); without a network, Mnist.loadDefault() reads the vendored copy");
    }
    return download(directory, base);
  }

  /**
   * Downloads the four standard files from {@code baseUrl} (any URL scheme Java can open:
   * https, http, file) into {@code directory}, verifies each against the SHA-256 sums vendored
   * with Helmholtz, and loads them. A file already in the directory that verifies is not fetched
   * again. A download is written to a temporary file and moved into place only once verified;
   * a mismatch is refused with a {@link MalformedDataException} and leaves nothing behind.
   *
   * <p>A file verifies if its bytes match the vendored sum of the {@code .gz} file, or if it is
   * gzipped and its decompressed bytes match the vendored sum of the uncompressed file (the same
   * data, compressed differently by another mirror).
   */
  public static Mnist download(Path directory, String baseUrl) throws IOException {
    fetchVerified(directory, baseUrl);
    return load(directory);
  }

  /** Downloads and verifies whichever of the four files are missing or do not verify. */
  static void fetchVerified(Path directory, String baseUrl) throws IOException {
    Map<String, String> sums = vendoredChecksums();
    URI base = baseUri(baseUrl);
    Files.createDirectories(directory);
    for (String file : FILES) {
      Path target = directory.resolve(file);
      if (Files.isRegularFile(target)) {
        try {
          verify(target, file, target.toString(), sums);
          continue;
        } catch (MalformedDataException stale) {
          // fetch it again below
        }
      }
      URI uri = base.resolve(file);
      Path tmp = AtomicFiles.createSibling(target);
      try {
        fetch(uri.toURL(), tmp);
        verify(tmp, file, uri.toString(), sums);
        AtomicFiles.moveIntoPlace(tmp, target);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }

  private static URI baseUri(String baseUrl) throws IOException {
    String base = baseUrl.strip();
    if (!base.endsWith("/")) {
      base = base + "/";
    }
    try {
      URI uri = new URI(base);
      if (!uri.isAbsolute()) {
        throw new IOException("MNIST download URL '" + baseUrl + "' is not absolute (it needs a"
            + " scheme such as https: or file:)");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IOException("MNIST download URL '" + baseUrl + "' is not a valid URL: "
          + e.getMessage(), e);
    }
  }

  private static void fetch(URL url, Path destination) throws IOException {
    URLConnection connection = url.openConnection();
    connection.setConnectTimeout(30_000);
    connection.setReadTimeout(60_000);
    if (connection instanceof HttpURLConnection http) {
      int code = http.getResponseCode();
      if (code != HttpURLConnection.HTTP_OK) {
        http.disconnect();
        throw new IOException("GET " + url + ": HTTP " + code + " " + http.getResponseMessage());
      }
    }
    try (InputStream in = connection.getInputStream();
        OutputStream out = Files.newOutputStream(destination)) {
      byte[] buffer = new byte[1 << 16];
      long total = 0;
      for (int n; (n = in.read(buffer)) >= 0; ) {
        total += n;
        if (total > MAX_DOWNLOAD_BYTES) {
          throw new MalformedDataException(url + ": more than " + MAX_DOWNLOAD_BYTES
              + " bytes; no MNIST file is that large, refusing it");
        }
        out.write(buffer, 0, n);
      }
    }
  }

  /**
   * Checks a file against the vendored sums: its own bytes against {@code file}'s sum, or, if
   * gzipped, its decompressed bytes against the sum of the uncompressed file.
   */
  static void verify(Path path, String file, String origin, Map<String, String> sums)
      throws IOException {
    String expected = sums.get(file);
    String uncompressedName = file.substring(0, file.length() - 3) + " (uncompressed)";
    String expectedRaw = sums.get(uncompressedName);
    if (expected == null) {
      throw new IOException("no SHA-256 sum for " + file + " in the vendored SHA256SUMS");
    }
    String found;
    try (InputStream in = Files.newInputStream(path)) {
      found = sha256(in);
    }
    if (found.equals(expected)) {
      return;
    }
    String foundRaw = null;
    if (expectedRaw != null) {
      try (InputStream in = new GZIPInputStream(Files.newInputStream(path), 1 << 16)) {
        foundRaw = sha256(in);
      } catch (IOException notGzip) {
        foundRaw = null;
      }
      if (expectedRaw.equals(foundRaw)) {
        return;
      }
    }
    throw new MalformedDataException(origin + ": SHA-256 mismatch for " + file + ": expected "
        + expected + (expectedRaw == null ? "" : " (or " + expectedRaw + " for its decompressed"
        + " content)") + " as listed in Helmholtz's vendored " + DEFAULT_RESOURCE_FOLDER
        + "/SHA256SUMS, found " + found + (foundRaw == null ? "" : " (decompressed: " + foundRaw
        + ")") + "; refusing it: the download is damaged or is not the MNIST database");
  }

  /** The vendored SHA256SUMS: file name to lower-case hex digest. */
  static Map<String, String> vendoredChecksums() throws IOException {
    String resource = DEFAULT_RESOURCE_FOLDER + "/SHA256SUMS";
    InputStream in = Mnist.class.getResourceAsStream(resource);
    if (in == null) {
      throw new FileNotFoundException("classpath resource " + resource + " not found: the"
          + " vendored checksums are needed to verify a download");
    }
    Map<String, String> sums = new LinkedHashMap<>();
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      int lineNumber = 0;
      for (String line; (line = reader.readLine()) != null; ) {
        lineNumber++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int space = line.indexOf(' ');
        if (space != 64 || line.length() < 67) {
          throw new MalformedDataException(resource + ": line " + lineNumber
              + ": expected '<64 hex digits>  <file name>', found '" + line + "'");
        }
        String name = line.substring(66);
        if (name.startsWith("*")) {
          name = name.substring(1);
        }
        sums.put(name.strip(), line.substring(0, 64).toLowerCase(java.util.Locale.ROOT));
      }
    }
    return sums;
  }

  static String sha256(InputStream in) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
    try (DigestInputStream din = new DigestInputStream(in, digest)) {
      byte[] buffer = new byte[1 << 16];
      while (din.read(buffer) >= 0) {
        // digesting
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
