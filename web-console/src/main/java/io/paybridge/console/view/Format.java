package io.paybridge.console.view;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Currency;
import java.util.Locale;

/** Formatters the templates call: plain text out, escaped by the template where it lands. */
public final class Format {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT);

  private Format() {}

  /** A minor-unit amount in its currency, e.g. {@code 42.00 USD}; {@code —} when unknown. */
  public static String money(Long minor, String currency) {
    if (minor == null) {
      return "—";
    }
    if (currency == null) {
      return minor.toString();
    }
    int digits;
    try {
      digits =
          Math.max(
              0,
              Currency.getInstance(currency.toUpperCase(Locale.ROOT)).getDefaultFractionDigits());
    } catch (IllegalArgumentException e) {
      // Not an ISO 4217 code (a token such as KIN): show the minor units as they are.
      return minor + " " + currency;
    }
    return BigDecimal.valueOf(minor, digits).toPlainString()
        + " "
        + currency.toUpperCase(Locale.ROOT);
  }

  /** An ISO-8601 instant as {@code 2026-01-31 12:00:05 UTC}; other text as it is. */
  public static String time(String iso) {
    if (iso == null) {
      return "—";
    }
    try {
      return time(Instant.parse(iso));
    } catch (DateTimeParseException e) {
      return iso;
    }
  }

  public static String time(Instant t) {
    return t == null ? "—" : TIME.format(t.atOffset(ZoneOffset.UTC));
  }

  public static String time(OffsetDateTime t) {
    return t == null ? "—" : TIME.format(t.withOffsetSameInstant(ZoneOffset.UTC));
  }

  /**
   * An instant as ISO-8601 in UTC ({@code 2026-01-31T12:00:05Z}), for a {@code <time>} element's
   * {@code datetime}; {@code null} for a missing one. Takes an {@link Instant}, an {@link
   * OffsetDateTime} or ISO text.
   */
  public static String iso(Object t) {
    if (t instanceof Instant i) {
      return i.toString();
    }
    if (t instanceof OffsetDateTime o) {
      return o.toInstant().toString();
    }
    if (t instanceof String s) {
      try {
        return Instant.parse(s).toString();
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    return null;
  }

  /** {@code —} for a missing value. */
  public static String orDash(Object value) {
    return value == null ? "—" : value.toString();
  }

  /** A query-string or path component. */
  public static String url(String value) {
    return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
  }

  /** A ledger kind as a label: {@code RECURRING_CHARGED} → {@code Recurring charged}. */
  public static String kindLabel(String kind) {
    if (kind == null || kind.isEmpty()) {
      return "";
    }
    String s = kind.toLowerCase(Locale.ROOT).replace('_', ' ');
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  public static String kindTone(String kind) {
    return switch (kind == null ? "" : kind) {
      case "PAYMENT", "RECURRING_CHARGED" -> "success";
      case "REFUND", "DISPUTE" -> "danger";
      case "RECURRING_CANCELLED" -> "muted";
      default -> "info";
    };
  }

  public static String verdictLabel(String verdict) {
    return switch (verdict == null ? "" : verdict) {
      case "recorded" -> "Recorded";
      case "duplicate" -> "Duplicate";
      case "held" -> "Held";
      case "ignored" -> "Ignored";
      default -> "Rejected";
    };
  }

  public static String verdictTone(String verdict) {
    return switch (verdict == null ? "" : verdict) {
      case "recorded" -> "success";
      case "duplicate" -> "muted";
      case "held" -> "warning";
      case "ignored" -> "info";
      default -> "danger";
    };
  }
}
