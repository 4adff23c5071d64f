package io.paybridge.spi;

import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Map;

/**
 * What the platform gives a plugin at start-up: the Vert.x instance for non-blocking I/O, the
 * clock, and per-gateway settings from configuration (base URLs of the gateway's API, which tests
 * and staging point at a simulator).
 */
public record PluginContext(Vertx vertx, Clock clock, Map<String, String> settings) {

  public PluginContext {
    settings = Map.copyOf(settings);
  }

  /** A setting, or the given default when configuration does not name it. */
  public String setting(String name, String defaultValue) {
    return settings.getOrDefault(name, defaultValue);
  }
}
