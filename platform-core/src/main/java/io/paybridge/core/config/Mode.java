package io.paybridge.core.config;

import java.util.Locale;

/**
 * How much a node trusts its settings ({@code PAYBRIDGE_MODE}). {@link #DEV} runs with nothing
 * configured and says once, at start, what it relaxed; {@link #PRODUCTION} refuses to start while a
 * development default is in place ({@link ProductionRules}).
 */
public enum Mode {
  /** Generated master key in the data folder, loopback only, cookies over http allowed. */
  DEV,
  /** Every secret configured, https only, a secured cluster, an external database. */
  PRODUCTION;

  /**
   * The mode a setting names, or the default: dev with the embedded database, production with an
   * external one.
   *
   * @param setting {@code PAYBRIDGE_MODE}, or {@code null} when it is not set
   * @param embeddedDatabase whether no {@code PAYBRIDGE_DB_URL} is set
   */
  static Mode from(String setting, boolean embeddedDatabase) {
    if (setting == null) {
      return embeddedDatabase ? DEV : PRODUCTION;
    }
    return switch (setting.toLowerCase(Locale.ROOT)) {
      case "dev" -> DEV;
      case "production" -> PRODUCTION;
      default ->
          throw new IllegalArgumentException(
              "PAYBRIDGE_MODE must be dev or production, was '" + setting + "'");
    };
  }

  /** As {@code PAYBRIDGE_MODE} spells it. */
  public String setting() {
    return name().toLowerCase(Locale.ROOT);
  }
}
