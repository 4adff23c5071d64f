package io.paybridge.deploy;

import java.util.logging.Logger;

/**
 * Vert.x's metrics give every client of a kind one shared gauge per name and tags (a second
 * database connection factory adds to the first one's {@code vertx.net.client.active.connections})
 * and register it again for each client; Micrometer warns about every such registration although
 * the value is kept once. This drops that warning, and only that one, so a healthy start logs none.
 */
final class SharedGauges {

  /** Held here: a logger nobody references may be collected, and its filter with it. */
  private static final Logger METER_REGISTRY =
      Logger.getLogger("io.micrometer.core.instrument.MeterRegistry");

  private SharedGauges() {}

  static void quiet() {
    METER_REGISTRY.setFilter(
        r -> r.getMessage() == null || !r.getMessage().startsWith("This Gauge has been already"));
  }
}
