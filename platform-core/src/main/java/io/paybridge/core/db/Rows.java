package io.paybridge.core.db;

import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;

/** Reading result columns into the types store records carry. */
public final class Rows {

  private Rows() {}

  /** Text cut to at most {@code max} characters for a bounded column; null stays null. */
  public static String clip(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }

  /** A {@code timestamptz} column as an instant, or {@code null} when it is null. */
  public static Instant instant(Row row, String column) {
    OffsetDateTime t = row.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }
}
