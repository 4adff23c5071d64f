package io.paybridge.devdb;

/**
 * The embedded PostgreSQL server could not be installed, initialised, started or stopped.
 *
 * <p>The message says which step failed and carries the tail of the output of the PostgreSQL tool
 * that failed and of the server log, so that a failure in CI can be diagnosed from the build log
 * alone.
 */
public class EmbeddedPostgresException extends RuntimeException {

  public EmbeddedPostgresException(String message) {
    super(message);
  }

  public EmbeddedPostgresException(String message, Throwable cause) {
    super(message, cause);
  }
}
