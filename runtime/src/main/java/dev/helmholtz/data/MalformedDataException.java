package dev.helmholtz.data;

import java.io.IOException;

/**
 * A data file or stream whose contents are not what its format promises: a wrong magic number, a
 * truncated body, trailing bytes, absurd dimensions, a corrupt gzip stream, a checksum mismatch.
 *
 * <p>Messages say <em>what</em> is wrong and <em>where</em>: the file or source name, the byte
 * offset or field, and what was expected against what was found.
 */
public final class MalformedDataException extends IOException {
  private static final long serialVersionUID = 1L;

  public MalformedDataException(String message) {
    super(message);
  }

  public MalformedDataException(String message, Throwable cause) {
    super(message, cause);
  }
}
