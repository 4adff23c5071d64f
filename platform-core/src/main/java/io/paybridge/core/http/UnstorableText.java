package io.paybridge.core.http;

import io.vertx.pgclient.PgException;

/**
 * Input PostgreSQL cannot store: a NUL character in text ({@code 22021}), or the {@code \u0000}
 * escape in JSON ({@code 22P05}). It reaches the database only where no check of the field's own
 * refused it first, and it is the sender's mistake, not the platform's: the API and the console
 * answer it 422 and the console 400, never 500. (Webhooks never get this far: a plugin's parsed
 * events refuse NUL characters as malformed.)
 */
public final class UnstorableText {

  /** The code and message a refusal carries. */
  public static final String CODE = "invalid_text";

  public static final String MESSAGE = "text must not contain NUL characters";

  private UnstorableText() {}

  /** Whether {@code failure} (or what caused it) is PostgreSQL refusing such text. */
  public static boolean is(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PgException pg
          && ("22021".equals(pg.getSqlState()) || "22P05".equals(pg.getSqlState()))) {
        return true;
      }
    }
    return false;
  }
}
