package dev.helmholtz.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * A directory's claim by one run: an OS lock on {@value #FILE_NAME} inside it, held until {@link
 * #close()} or the process exits. The OS releases the lock even when the process is killed
 * (SIGKILL), so a lock file left by a killed run is free: the file may remain, but nothing holds
 * it, and the next run takes it. The file records the holder's pid, start time and command, for the
 * message a refused run gets. {@code fit} holds one on its checkpoint root; the command line holds
 * one on each command's output directory.
 */
public final class DirectoryLock implements AutoCloseable {
  /** The lock file's name inside the directory. */
  public static final String FILE_NAME = ".helmholtz.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code directory} (which exists) for this run, or throws an {@link IOException} naming
   * the directory, as {@code what} (the option or parameter the user set it with), and the run that
   * holds it; nothing in the directory changes when it is refused.
   */
  public static DirectoryLock acquire(Path directory, String what) throws IOException {
    Path file = directory.resolve(FILE_NAME);
    FileChannel channel;
    try {
      // No TRUNCATE_EXISTING: the holder's record must survive a refused open.
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
    } catch (FileSystemException e) {
      throw new IOException(what + " " + directory + ": cannot create the lock file " + FILE_NAME + " ("
          + (e.getReason() != null ? e.getReason() : "not writable") + ")", e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // this JVM holds it already: another run in this process
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      String holder;
      try {
        holder = Files.readString(file, StandardCharsets.UTF_8).strip();
      } finally {
        channel.close();
      }
      throw new IOException(what + " " + directory + " is in use by another run ("
          + (holder.isEmpty() ? "one that has not recorded itself yet" : holder) + "); wait for it to end"
          + " or choose another " + what);
    }
    try {
      ProcessHandle self = ProcessHandle.current();
      String record = "pid " + self.pid() + ", started " + Instant.now()
          + self.info().commandLine().map(c -> ", command " + c).orElse("") + "\n";
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(record.getBytes(StandardCharsets.UTF_8)), 0);
      channel.force(false);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    return new DirectoryLock(channel, lock);
  }

  /** Releases the directory; the lock file stays, unlocked. */
  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
