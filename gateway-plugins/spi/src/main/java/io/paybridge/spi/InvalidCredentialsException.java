package io.paybridge.spi;

/** Submitted credentials do not fit the gateway's schema; answered with 400 naming the field. */
public class InvalidCredentialsException extends RuntimeException {

  private final String field;

  public InvalidCredentialsException(String field, String message) {
    super(message, null, false, false);
    this.field = field;
  }

  /** The offending field, or {@code null} when the whole object is wrong. */
  public String field() {
    return field;
  }
}
