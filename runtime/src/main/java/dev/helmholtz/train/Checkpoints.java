package dev.helmholtz.train;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The on-disk form of checkpoints: one directory per checkpoint holding the graph variables in
 * TensorFlow's checkpoint format ({@code variables.index}, {@code variables.data-00000-of-00001})
 * and {@code checkpoint.properties} (the model, the step, and for checkpoints written by {@code
 * fit} the training loop's position).
 *
 * <p>A checkpoint is written atomically: everything goes into a hidden temporary sibling
 * directory, every file and the directory are flushed to disk, and only then is the directory
 * renamed to its final name. A crash at any moment leaves either no new checkpoint (and perhaps
 * a {@code .step-*.tmp-*} directory, which is ignored and removed later) or a complete one; the
 * checkpoints written before are never touched.
 *
 * <p>A checkpoint directory written by {@code fit} is named {@code step-<10-digit step>} inside a
 * checkpoint root; {@link #latest(Path)} picks the complete one with the highest step.
 */
public final class Checkpoints {
  /** The properties file of a checkpoint, written last. */
  public static final String PROPERTIES_FILE = "checkpoint.properties";
  /** The prefix of TensorFlow's variable files inside a checkpoint directory. */
  public static final String VARIABLES_PREFIX = "variables";
  /** Bumped when the layout changes incompatibly. */
  public static final int FORMAT = 1;

  private static final Pattern NAME = Pattern.compile("step-(\\d{10})");
  private static final Pattern TEMPORARY = Pattern.compile("\\.(.+)\\.tmp-[0-9a-z]+");

  private Checkpoints() {}

  /** Writes the graph variables under a file prefix (TensorFlow's {@code SaveV2}). */
  @FunctionalInterface
  public interface VariableWriter {
    void write(Path prefix) throws IOException;
  }

  /** The directory name of the checkpoint at {@code step} inside a checkpoint root. */
  public static String name(long step) {
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, was " + step);
    }
    return String.format(java.util.Locale.ROOT, "step-%010d", step);
  }

  /**
   * Writes a checkpoint into the new directory {@code target}, atomically (see the class
   * comment).
   *
   * @throws FileAlreadyExistsException if {@code target} exists
   * @throws IOException if anything cannot be written; nothing is left at {@code target}
   */
  public static void write(Path target, Properties properties, VariableWriter variables)
      throws IOException {
    Path absolute = target.toAbsolutePath().normalize();
    Path parent = absolute.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new NoSuchFileException(String.valueOf(parent), null,
          "directory does not exist, so checkpoint " + absolute.getFileName() + " cannot be written there");
    }
    if (Files.exists(absolute)) {
      throw new FileAlreadyExistsException(absolute.toString(), null,
          "a checkpoint (or another file) is already there; choose a new directory");
    }
    Path temporary = parent.resolve("." + absolute.getFileName() + ".tmp-"
        + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36));
    Files.createDirectory(temporary);
    try {
      variables.write(temporary.resolve(VARIABLES_PREFIX));
      if (!Files.exists(temporary.resolve(VARIABLES_PREFIX + ".index"))) {
        throw new IOException("the variables of checkpoint " + absolute + " were not written ("
            + VARIABLES_PREFIX + ".index is missing)");
      }
      Properties withFormat = new Properties();
      withFormat.putAll(properties);
      withFormat.setProperty("format", Integer.toString(FORMAT));
      Files.writeString(temporary.resolve(PROPERTIES_FILE), format(withFormat), StandardCharsets.ISO_8859_1);
      try (Stream<Path> files = Files.list(temporary)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          fsync(file, false);
        }
      }
      fsync(temporary, true);
      Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE);
      fsync(parent, true);
    } finally {
      deleteRecursively(temporary);
    }
  }

  /** Whether {@code directory} holds a complete checkpoint. */
  public static boolean isCheckpoint(Path directory) {
    return Files.isRegularFile(directory.resolve(PROPERTIES_FILE))
        && Files.isRegularFile(directory.resolve(VARIABLES_PREFIX + ".index"));
  }

  /**
   * The complete {@code step-*} checkpoints in {@code root}, by step (oldest first); empty if
   * {@code root} does not exist.
   */
  public static List<Path> list(Path root) throws IOException {
    List<Path> found = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return found;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path entry : entries) {
        if (NAME.matcher(entry.getFileName().toString()).matches() && isCheckpoint(entry)) {
          found.add(entry);
        }
      }
    }
    found.sort(Comparator.comparing(p -> p.getFileName().toString()));
    return found;
  }

  /** The complete checkpoint with the highest step in {@code root}, if any. */
  public static Optional<Path> latest(Path root) throws IOException {
    List<Path> all = list(root);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /**
   * The checkpoint {@code path} names: {@code path} itself if it is one, else the latest in the
   * checkpoint root {@code path}.
   *
   * @throws NoSuchFileException naming the path, when it does not exist or holds no complete
   *     checkpoint
   */
  public static Path resolve(Path path) throws IOException {
    if (isCheckpoint(path)) {
      return path;
    }
    if (!Files.exists(path)) {
      throw new NoSuchFileException(path.toAbsolutePath().toString(), null,
          "no checkpoint there (the path does not exist)");
    }
    if (!Files.isDirectory(path)) {
      throw new NoSuchFileException(path.toAbsolutePath().toString(), null,
          "not a checkpoint: a checkpoint is a directory holding " + PROPERTIES_FILE + " and "
              + VARIABLES_PREFIX + ".index");
    }
    return latest(path).orElseThrow(() -> new NoSuchFileException(
        path.toAbsolutePath().toString(), null, "no complete checkpoint there (expected "
            + PROPERTIES_FILE + " and " + VARIABLES_PREFIX + ".index, or step-* directories holding them)"));
  }

  /** The properties of a checkpoint. */
  public static Properties properties(Path checkpoint) throws IOException {
    Path file = checkpoint.resolve(PROPERTIES_FILE);
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    } catch (NoSuchFileException e) {
      NoSuchFileException clear = new NoSuchFileException(file.toAbsolutePath().toString(), null,
          "not a complete checkpoint (" + PROPERTIES_FILE + " is missing)");
      clear.initCause(e);
      throw clear;
    } catch (IllegalArgumentException e) {
      throw new IOException(file.toAbsolutePath() + ": damaged checkpoint properties: " + e.getMessage(), e);
    }
    String format = p.getProperty("format");
    if (!Integer.toString(FORMAT).equals(format)) {
      throw new IOException(file.toAbsolutePath() + ": checkpoint format " + format
          + " is not the supported format " + FORMAT);
    }
    return p;
  }

  /** The step of a {@code step-*} checkpoint directory, from its name. */
  public static long step(Path checkpoint) {
    Matcher m = NAME.matcher(checkpoint.getFileName().toString());
    if (!m.matches()) {
      throw new IllegalArgumentException(checkpoint + " is not named step-<10 digits>");
    }
    return Long.parseLong(m.group(1));
  }

  /**
   * Checks that a checkpoint's variable files are there and not empty, before anything is restored
   * from it or changed on disk.
   *
   * @throws IOException naming the file that is missing or empty
   */
  public static void checkVariableFiles(Path checkpoint) throws IOException {
    Path index = checkpoint.toAbsolutePath().resolve(VARIABLES_PREFIX + ".index");
    List<Path> data = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(checkpoint.toAbsolutePath(), VARIABLES_PREFIX + ".data-*")) {
      entries.forEach(data::add);
    }
    if (!Files.isRegularFile(index) || Files.size(index) == 0) {
      throw new IOException(index + ": damaged checkpoint: the variables' index is missing or empty");
    }
    if (data.isEmpty()) {
      throw new IOException(checkpoint.toAbsolutePath() + ": damaged checkpoint: no " + VARIABLES_PREFIX
          + ".data-* file holds the variables");
    }
  }

  /** The TensorFlow file prefix of a checkpoint's variables. */
  public static Path variablesPrefix(Path checkpoint) {
    return checkpoint.resolve(VARIABLES_PREFIX);
  }

  /** Removes leftovers of interrupted writes ({@code .step-*.tmp-*}) from a checkpoint root. */
  static void removeTemporaries(Path root) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path entry : entries) {
        Matcher m = TEMPORARY.matcher(entry.getFileName().toString());
        if (m.matches() && NAME.matcher(m.group(1)).matches()) {
          deleteRecursively(entry);
        }
      }
    }
  }

  /** Deletes a file or a whole directory tree, if it exists (temporary directories, old checkpoints). */
  public static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      List<Path> all = walk.sorted(Comparator.reverseOrder()).toList();
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Flushes a file (or, where the platform allows, a directory entry) to the disk. */
  private static void fsync(Path path, boolean directory) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      if (!directory) {
        throw e;
      }
      // Some platforms cannot open a directory; the rename is still atomic there.
    }
  }

  /** Properties in {@link Properties#load} syntax, sorted by key, without a date comment. */
  static String format(Properties properties) {
    StringBuilder out = new StringBuilder("# Helmholtz checkpoint\n");
    TreeMap<String, String> sorted = new TreeMap<>();
    properties.stringPropertyNames().forEach(k -> sorted.put(k, properties.getProperty(k)));
    sorted.forEach((k, v) -> out.append(escape(k, true)).append('=').append(escape(v, false)).append('\n'));
    return out.toString();
  }

  private static String escape(String s, boolean key) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\f' -> b.append("\\f");
        case '=', ':', '#', '!' -> b.append('\\').append(c);
        case ' ' -> b.append(key || i == 0 ? "\\ " : " ");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}
