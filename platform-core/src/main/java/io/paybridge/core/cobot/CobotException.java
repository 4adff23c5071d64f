package io.paybridge.core.cobot;

/**
 * Cobot did not do what was asked: it answered an error status, or nothing at all (status 0).
 * Network trouble, 429 and 5xx are worth trying again; other answers are Cobot's final word.
 */
public final class CobotException extends RuntimeException {

  /** The status of a call that got no answer (refused, reset, timed out). */
  public static final int NO_ANSWER = 0;

  private final int status;
  private final String body;

  public CobotException(String message, int status, String body) {
    super(message);
    this.status = status;
    this.body = body;
  }

  /** Cobot no longer accepts the space's tokens and could not issue new ones. */
  public static CobotException authorizationLost(String detail) {
    return new CobotException(
        "Cobot no longer accepts Paybridge's access to the space ("
            + detail
            + "); a space admin"
            + " must connect Cobot again",
        401,
        null);
  }

  public int status() {
    return status;
  }

  /** Cobot's answer, clipped, or null. */
  public String body() {
    return body;
  }

  public boolean retryable() {
    return status == NO_ANSWER || status == 429 || status >= 500;
  }

  public boolean notFound() {
    return status == 404 || status == 410;
  }

  public boolean unauthorized() {
    return status == 401;
  }
}
