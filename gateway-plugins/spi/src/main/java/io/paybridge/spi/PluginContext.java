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

  /**
   * An http(s) base URL setting without trailing slashes.
   *
   * @throws IllegalArgumentException naming the setting when it is not an http(s) URL
   */
  public String urlSetting(String name, String defaultValue) {
    String value = setting(name, defaultValue);
    String base = value.strip();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    if (!base.startsWith("https://") && !base.startsWith("http://")) {
      throw new IllegalArgumentException(name + " must be an http(s) URL, was '" + value + "'");
    }
    return base;
  }

  /**
   * A positive duration in milliseconds.
   *
   * @throws IllegalArgumentException naming the setting when it is not a positive whole number
   */
  public long millisSetting(String name, long defaultValue) {
    String value = setting(name, Long.toString(defaultValue));
    long ms;
    try {
      ms = Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      ms = 0;
    }
    if (ms <= 0) {
      throw new IllegalArgumentException(
          name + " must be a positive number of milliseconds, was '" + value + "'");
    }
    return ms;
  }
}
