package io.paybridge.core.sync;

import java.time.Duration;
import java.util.Map;

/**
 * How a node's delivery dispatcher ({@link DeliveryDispatcher}) spends its outbound capacity: the
 * node-wide number of deliveries under way, each target's adaptive in-flight limit (and so its
 * connection pool), each tenant's least share of the node, and how outcomes are grouped into
 * transactions. Read from {@code PAYBRIDGE_SYNC_*} settings (README lists them with defaults).
 *
 * @param slots most deliveries under way on the node at once, claimed and not yet recorded
 * @param targetMinInFlight the least in-flight limit a target falls back to when it struggles
 * @param targetMaxInFlight the most requests under way to one target, and its connection pool's
 *     size
 * @param tenantMinShare slots a tenant may always hold, however many tenants are active
 * @param batchMax most outcomes recorded in one transaction
 * @param batchWait longest an outcome waits for others before its batch is written
 */
public record DispatchSettings(
    int slots,
    int targetMinInFlight,
    int targetMaxInFlight,
    int tenantMinShare,
    int batchMax,
    Duration batchWait) {

  public DispatchSettings {
    if (slots < 1 || targetMinInFlight < 1 || tenantMinShare < 1 || batchMax < 1) {
      throw new IllegalArgumentException("sync dispatch settings must be at least 1");
    }
    if (targetMaxInFlight < targetMinInFlight) {
      throw new IllegalArgumentException(
          "PAYBRIDGE_SYNC_TARGET_MAX_IN_FLIGHT must be at least PAYBRIDGE_SYNC_TARGET_MIN_IN_FLIGHT");
    }
    if (batchWait.isNegative()) {
      throw new IllegalArgumentException("PAYBRIDGE_SYNC_BATCH_WAIT_MS must not be negative");
    }
  }

  /** The defaults of the README. */
  public static DispatchSettings defaults() {
    return from(Map.of());
  }

  /** Reads the settings from a map of variables (the environment, or a test's own). */
  public static DispatchSettings from(Map<String, String> env) {
    return new DispatchSettings(
        number(env, "PAYBRIDGE_SYNC_SLOTS", 1024),
        number(env, "PAYBRIDGE_SYNC_TARGET_MIN_IN_FLIGHT", 2),
        number(env, "PAYBRIDGE_SYNC_TARGET_MAX_IN_FLIGHT", 32),
        number(env, "PAYBRIDGE_SYNC_TENANT_MIN_SHARE", 8),
        number(env, "PAYBRIDGE_SYNC_BATCH_MAX", 128),
        Duration.ofMillis(number(env, "PAYBRIDGE_SYNC_BATCH_WAIT_MS", 5)));
  }

  private static int number(Map<String, String> env, String name, int defaultValue) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, was " + v.strip(), e);
    }
  }
}
