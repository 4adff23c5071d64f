package io.paybridge.core.subscription;

import java.time.Instant;

/**
 * A subscription as recorded from the gateway's webhooks and API answers: its status and the end of
 * the period paid for.
 */
public record Subscription(
    String gateway,
    String externalSubscriptionId,
    String customerRef,
    String status,
    Instant currentPeriodEnd,
    Instant lastEventAt,
    Instant createdAt,
    Instant updatedAt) {

  /** What a subscription is known by, and what a listing continues after. */
  public record Key(String gateway, String externalSubscriptionId) {}

  public Key key() {
    return new Key(gateway, externalSubscriptionId);
  }
}
