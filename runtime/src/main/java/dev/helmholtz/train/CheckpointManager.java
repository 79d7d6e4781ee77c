package dev.helmholtz.train;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints of one training run in one root directory: {@code step-<step>} directories
 * written atomically ({@link Checkpoints#write}), of which the newest {@code keep} are kept.
 *
 * <p>A checkpoint written during a run is <em>pending</em> until the step after it has computed a
 * finite objective and finite gradients from its weights ({@link #confirm}): the newest confirmed
 * checkpoint is never pruned while a pending one is newer, so after a divergence {@link
 * #diverged()} can move the pending checkpoint (whose weights the diverging step started from)
 * aside and leave the one before it, which resumes into a finite step.
 */
public final class CheckpointManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointManager.class);

  private final Path root;
  private final int keep;
  private Path last;
  /** The newest checkpoint known to resume into a finite step (or found when opened). */
  private Path confirmed;
  /** A checkpoint written after {@link #confirmed} whose next step has not run yet. */
  private Path pending;
  private DirectoryLock lock;

  private CheckpointManager(Path root, int keep) {
    this.root = root;
    this.keep = keep;
  }

  /**
   * {@link #open} with the root locked for this run ({@link DirectoryLock}) before anything in it
   * changes: a second run on the same root, in this process or another, is refused with an
   * {@link IOException} naming the root, as {@code what}, and the run that holds it. The lock is
   * released by {@link #close()} (or by the OS when the process ends, even when it is killed).
   */
  public static CheckpointManager openLocked(Path root, int keep, String what) throws IOException {
    return open(root, keep, what);
  }

  /**
   * Opens (creating it if absent) a checkpoint root, checks that files can be written there, and
   * removes leftovers of interrupted writes.
   *
   * @param keep how many checkpoints to keep, &ge; 1
   * @throws IOException with a message naming the directory when it cannot be created or written
   */
  public static CheckpointManager open(Path root, int keep) throws IOException {
    return open(root, keep, null);
  }

  private static CheckpointManager open(Path root, int keep, String lockedAs) throws IOException {
    if (keep < 1) {
      throw new IllegalArgumentException("keep must be >= 1 checkpoint, was " + keep);
    }
    Path absolute = root.toAbsolutePath().normalize();
    try {
      Files.createDirectories(absolute);
    } catch (FileSystemException e) {
      throw new NotDirectoryException(absolute + ": cannot create the checkpoint directory ("
          + describe(e) + ")");
    }
    if (!Files.isDirectory(absolute)) {
      throw new NotDirectoryException(absolute + ": the checkpoint directory is a file");
    }
    DirectoryLock lock = null;
    if (lockedAs != null) {
      lock = DirectoryLock.acquire(absolute, lockedAs);
    }
    try {
      CheckpointManager manager = prepare(absolute, keep);
      manager.lock = lock;
      return manager;
    } catch (IOException | RuntimeException e) {
      if (lock != null) {
        lock.close();
      }
      throw e;
    }
  }

  private static CheckpointManager prepare(Path absolute, int keep) throws IOException {
    Path probe = absolute.resolve(".write-probe-" + ProcessHandle.current().pid());
    try {
      Files.deleteIfExists(probe);
      Files.createFile(probe);
      Files.delete(probe);
    } catch (FileSystemException e) {
      AccessDeniedException clear = new AccessDeniedException(absolute.toString(), null,
          "the checkpoint directory is not writable (" + describe(e) + ")");
      clear.initCause(e);
      throw clear;
    }
    Checkpoints.removeTemporaries(absolute);
    CheckpointManager manager = new CheckpointManager(absolute, keep);
    manager.last = Checkpoints.latest(absolute).orElse(null);
    manager.confirmed = manager.last;
    return manager;
  }

  private static String describe(FileSystemException e) {
    String reason = e.getReason();
    String kind = e instanceof AccessDeniedException ? "permission denied"
        : e instanceof NoSuchFileException ? "a parent does not exist"
        : e instanceof java.nio.file.FileAlreadyExistsException ? "a file of that name is in the way"
        : reason != null ? reason : e.getClass().getSimpleName();
    return e.getFile() == null || e.getFile().equals(e.getMessage()) ? kind : kind + ": " + e.getFile();
  }

  public Path root() {
    return root;
  }

  public int keep() {
    return keep;
  }

  /** The newest checkpoint in the root (written by this manager or found when it was opened). */
  public Optional<Path> last() {
    return Optional.ofNullable(last);
  }

  /**
   * Writes the checkpoint of {@code step}, then removes all but the newest {@link #keep()} (and
   * the newest confirmed one while this one is pending). A complete checkpoint of this step that is
   * already there is taken for this one only if its properties are these (same model, seed,
   * settings and position); any other is moved aside into {@code previous-<time>}, never silently
   * kept in this run's place.
   */
  public Path save(long step, Properties properties, Checkpoints.VariableWriter variables)
      throws IOException {
    Path target = root.resolve(Checkpoints.name(step));
    if (Checkpoints.isCheckpoint(target) && sameRun(target, properties)) {
      LOG.debug("checkpoint {} exists with these properties; not rewritten", target);
    } else {
      if (Files.exists(target)) {
        Path aside = moveAside(List.of(target), "previous-");
        LOG.warn("{} was written by another run (its properties differ from this run's); moved it to {}",
            target, aside);
      }
      Checkpoints.write(target, properties, variables);
      LOG.debug("wrote checkpoint {}", target);
    }
    last = target;
    pending = target;
    prune(target);
    return target;
  }

  /** Whether the checkpoint {@code existing} holds exactly {@code properties} (and the format). */
  private static boolean sameRun(Path existing, Properties properties) {
    try {
      Properties there = Checkpoints.properties(existing);
      there.remove("format");
      Properties mine = new Properties();
      mine.putAll(properties);
      mine.remove("format");
      return there.equals(mine);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Marks the pending checkpoint as good once the step after it ({@code step}) has run finite: it
   * resumes into a finite step. Older checkpoints beyond {@link #keep()} may then be removed.
   */
  public void confirm(long step) throws IOException {
    if (pending != null && Checkpoints.step(pending) < step) {
      confirmed = pending;
      pending = null;
      prune(confirmed);
    }
  }

  /**
   * After a step diverged: moves the pending checkpoint, if any (the diverging step started from
   * its weights, so resuming from it diverges at once), into {@code diverged-<time>} of the root,
   * and returns the checkpoint that is kept to resume from: the newest confirmed one, if any.
   */
  public Optional<Path> diverged() throws IOException {
    if (pending != null) {
      Path aside = moveAside(List.of(pending), "diverged-");
      LOG.warn("moved checkpoint {} aside to {}: the step after it diverged, so resuming from it would too",
          pending.getFileName(), aside);
      pending = null;
    }
    last = confirmed != null && Files.exists(confirmed) ? confirmed : null;
    return Optional.ofNullable(last);
  }

  /** At the end of a run that did not diverge: the newest {@link #keep()} checkpoints stay. */
  public void finish() throws IOException {
    pending = null;
    confirmed = last;
    if (last != null) {
      prune(last);
    }
  }

  /**
   * Moves the checkpoints with a step above {@code step} (all of them for {@code -1}) into a new
   * subdirectory {@code previous-<time>} of the root, so a run that starts afresh, or resumes
   * from an earlier step, never mixes its checkpoints with another run's and nothing is deleted.
   *
   * @return the subdirectory, if anything was moved
   */
  public Optional<Path> archiveAfter(long step) throws IOException {
    return archiveAfter(step, null);
  }

  /**
   * {@link #archiveAfter(long)}, never moving {@code resumedFrom} (the checkpoint a run resumes
   * from stays where the user named it, whatever step its properties claim).
   */
  public Optional<Path> archiveAfter(long step, Path resumedFrom) throws IOException {
    Path keepHere = resumedFrom == null ? null : resumedFrom.toAbsolutePath().normalize();
    List<Path> later = new java.util.ArrayList<>();
    for (Path p : Checkpoints.list(root)) {
      if (Checkpoints.step(p) > step && !p.toAbsolutePath().normalize().equals(keepHere)) {
        later.add(p);
      }
    }
    if (later.isEmpty()) {
      return Optional.empty();
    }
    Path archive = moveAside(later, "previous-");
    LOG.warn("moved {} checkpoint{} of another run (up to {}) from {} to {}", later.size(),
        later.size() == 1 ? "" : "s", later.get(later.size() - 1).getFileName(), root, archive);
    last = Checkpoints.latest(root).orElse(null);
    confirmed = last;
    pending = null;
    return Optional.of(archive);
  }

  /** Moves {@code checkpoints} into a new subdirectory {@code <prefix><time>} of the root. */
  private Path moveAside(List<Path> checkpoints, String prefix) throws IOException {
    String time = java.time.LocalDateTime.now().withNano(0).toString().replace(':', '-');
    Path archive = root.resolve(prefix + time);
    for (int i = 2; Files.exists(archive); i++) {
      archive = root.resolve(prefix + time + "-" + i);
    }
    Files.createDirectory(archive);
    for (Path p : checkpoints) {
      Files.move(p, archive.resolve(p.getFileName()), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    return archive;
  }

  private void prune(Path justWritten) throws IOException {
    List<Path> all = Checkpoints.list(root);
    for (int i = 0; i < all.size() - keep; i++) {
      Path old = all.get(i);
      if (!old.equals(justWritten) && !(pending != null && old.equals(confirmed))) {
        Checkpoints.deleteRecursively(old);
        LOG.debug("removed old checkpoint {}", old);
      }
    }
  }

  /** Releases the root's lock, if {@link #openLocked} took one. */
  @Override
  public void close() throws IOException {
    if (lock != null) {
      lock.close();
      lock = null;
    }
  }

  @Override
  public String toString() {
    return "CheckpointManager[" + root + ", keep " + keep + "]";
  }
}
