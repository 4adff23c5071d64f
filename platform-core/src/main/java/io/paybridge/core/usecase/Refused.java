package io.paybridge.core.usecase;

import java.util.Objects;

/**
 * A well-formed request a use case cannot carry out as things stand: what it names does not exist,
 * it conflicts with what was done before, or it cannot be done with what the tenant has set up. The
 * API answers it as a problem document with the status its {@link Kind} stands for and its code;
 * the console shows its message.
 */
public final class Refused extends RuntimeException {

  /** Why the request was refused. */
  public enum Kind {
    /** What the request names does not exist for this tenant (404). */
    NOT_FOUND(404),
    /** The caller may not do this with the rights it holds (403). */
    FORBIDDEN(403),
    /** The request clashes with an earlier one or with work under way (409). */
    CONFLICT(409),
    /** The request is understood but cannot be done with the tenant's setup (422). */
    UNPROCESSABLE(422);

    private final int status;

    Kind(int status) {
      this.status = status;
    }

    /** The HTTP status the API answers with. */
    public int status() {
      return status;
    }
  }

  private final Kind kind;
  private final String code;
  private final String field;

  /**
   * @param code a stable, machine-readable name of the refusal ({@code no_payment_method})
   * @param message what is wrong and what to do, for a person
   */
  public Refused(Kind kind, String code, String message) {
    this(kind, code, message, null);
  }

  /**
   * @param field the input the refusal is about (an amount more than is left), or null
   */
  public Refused(Kind kind, String code, String message, String field) {
    super(message, null, false, false);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.code = Objects.requireNonNull(code, "code");
    this.field = field;
  }

  public static Refused notFound(String code, String message) {
    return new Refused(Kind.NOT_FOUND, code, message);
  }

  public static Refused forbidden(String code, String message) {
    return new Refused(Kind.FORBIDDEN, code, message);
  }

  public static Refused conflict(String code, String message) {
    return new Refused(Kind.CONFLICT, code, message);
  }

  public static Refused unprocessable(String code, String message) {
    return new Refused(Kind.UNPROCESSABLE, code, message);
  }

  /** A well-formed value of {@code field} that cannot be done as things stand (422). */
  public static Refused unprocessable(String code, String message, String field) {
    return new Refused(Kind.UNPROCESSABLE, code, message, field);
  }

  public Kind kind() {
    return kind;
  }

  public String code() {
    return code;
  }

  /** The input the refusal is about, or null. */
  public String field() {
    return field;
  }
}
