package io.paybridge.core.sync;

import io.paybridge.core.usecase.Checks;
import io.paybridge.core.usecase.InvalidInput;
import io.paybridge.core.usecase.Page;
import io.paybridge.core.usecase.PageRequest;
import io.paybridge.core.usecase.Refused;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * What a tenant does with the places its recorded payments are delivered to, through the API or the
 * console: add a target (a Standard Webhooks endpoint, whose signing secret is shown once, or a
 * customer-transaction call with sealed headers), list, remove and re-enable targets, and look at
 * and replay deliveries. Every change that makes work due wakes the job workers at once.
 */
public final class SyncTargets {

  /** The kinds of target. */
  public static final List<String> TYPES = List.of("webhook", "customer-transaction");

  /** The states a delivery can be in. */
  public static final List<String> STATUSES = List.of("pending", "delivered", "failed", "dead");

  private static final Set<String> FORBIDDEN_HEADERS =
      Set.of(
          "host",
          "content-length",
          "transfer-encoding",
          "connection",
          "content-type",
          "idempotency-key",
          "upgrade",
          "te",
          "trailer",
          "keep-alive",
          "proxy-authorization");
  private static final int MAX_HEADERS = 20;

  /** A new target; {@code secret} is its webhook signing secret, shown only here. */
  public record Added(SyncStore.Target target, String secret) {}

  private final SyncStore store;
  private final TargetUrls urls;
  private final int maxTargets;
  private final Runnable wakeJobs;

  /**
   * @param maxTargets most targets a tenant may have at once ({@code PAYBRIDGE_MAX_SYNC_TARGETS}):
   *     every recorded payment is delivered to each of them
   */
  public SyncTargets(SyncStore store, TargetUrls urls, int maxTargets, Runnable wakeJobs) {
    this.store = store;
    this.urls = urls;
    this.maxTargets = maxTargets;
    this.wakeJobs = wakeJobs;
  }

  /**
   * Adds a target. {@code headers} (customer-transaction targets only) maps header names to
   * one-line values. Fails with {@link InvalidInput} naming the fields at fault, among them a
   * {@code url} whose host is, or resolves to, an address {@link TargetUrls} refuses; and with
   * {@link Refused} ({@code too_many_sync_targets}) when the tenant has its most targets already.
   */
  public Future<Added> add(UUID tenantId, String type, String url, Object headers) {
    return new Checks()
        .require(type != null && TYPES.contains(type), "type", "'type' must be one of " + TYPES)
        .require(url != null && !url.isBlank(), "url", "'url' is required")
        .require(
            url == null || url.length() <= 2048, "url", "'url' must be at most 2048 characters")
        .verdict()
        .compose(v -> create(tenantId, type, url, headers));
  }

  private Future<Added> create(UUID tenantId, String type, String url, Object headers) {
    URI uri = urls.check(url);
    JsonObject config = new JsonObject();
    String secret = null;
    if (type.equals("webhook")) {
      if (headers != null) {
        throw InvalidInput.of("headers", "'headers' is only for customer-transaction targets");
      }
      secret = StandardWebhooks.newSecret();
      config.put("secret", secret);
    } else {
      config.put("headers", headers(headers));
    }
    String shown = secret;
    return urls.checkName(uri)
        .compose(checked -> store.createTarget(tenantId, type, url, config, maxTargets))
        .map(
            t -> {
              if (t == null) {
                throw Refused.conflict(
                    "too_many_sync_targets",
                    "A tenant may have at most "
                        + maxTargets
                        + " sync targets; remove one before adding another.");
              }
              return new Added(t, shown);
            });
  }

  public Future<List<SyncStore.Target>> list(UUID tenantId) {
    return store.listTargets(tenantId);
  }

  /** Removes a target; {@code false} when the tenant has none with this id. */
  public Future<Boolean> remove(UUID tenantId, UUID targetId) {
    return store.deleteTarget(tenantId, targetId);
  }

  /** Enables a target again: deliveries that waited go out now. */
  public Future<Boolean> enable(UUID tenantId, UUID targetId) {
    return store
        .enable(tenantId, targetId)
        .onSuccess(
            found -> {
              if (found) {
                wakeJobs.run();
              }
            });
  }

  /**
   * Disables a target: what is recorded meanwhile waits, and is delivered once it is enabled again.
   * {@code false} when the tenant has none with this id.
   */
  public Future<Boolean> disable(UUID tenantId, UUID targetId) {
    return store.disable(tenantId, targetId, "disabled by the tenant");
  }

  /** Deliveries, newest first, below {@code before}; {@code status} one of {@link #STATUSES}. */
  public Future<Page<DeliveryView, Long>> deliveries(
      UUID tenantId, String status, Long before, int limit) {
    if (status != null && !STATUSES.contains(status)) {
      return Future.failedFuture(InvalidInput.of("status", "'status' must be one of " + STATUSES));
    }
    return store.deliveries(tenantId, status, before, limit);
  }

  /**
   * A page of deliveries, newest first, after or before the one the request names, optionally of
   * one status (one of {@link #STATUSES}) and to one target.
   */
  public Future<Page<DeliveryView, Long>> deliveries(
      UUID tenantId, String status, UUID targetId, PageRequest<Long> request) {
    if (status != null && !STATUSES.contains(status)) {
      return Future.failedFuture(InvalidInput.of("status", "'status' must be one of " + STATUSES));
    }
    return store.deliveries(tenantId, status, targetId, request);
  }

  /** Sends a delivery again with a new retry window; {@code null} when there is no such one. */
  public Future<DeliveryView> replay(UUID tenantId, long deliveryId) {
    return store
        .replay(tenantId, deliveryId)
        .onSuccess(
            d -> {
              if (d != null) {
                wakeJobs.run();
              }
            });
  }

  private static JsonObject headers(Object raw) {
    if (raw == null) {
      return new JsonObject();
    }
    if (!(raw instanceof JsonObject headers)) {
      throw InvalidInput.of("headers", "'headers' must be an object of header names to values");
    }
    if (headers.size() > MAX_HEADERS) {
      throw InvalidInput.of("headers", "'headers' must hold at most " + MAX_HEADERS + " headers");
    }
    for (String name : headers.fieldNames()) {
      if (!name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}")
          || FORBIDDEN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        throw InvalidInput.of("headers", "'headers' header '" + name + "' cannot be set");
      }
      Object v = headers.getValue(name);
      if (!(v instanceof String s) || s.length() > 4096 || s.contains("\r") || s.contains("\n")) {
        throw InvalidInput.of(
            "headers", "'headers' header '" + name + "' needs a one-line string value");
      }
    }
    return headers;
  }
}
