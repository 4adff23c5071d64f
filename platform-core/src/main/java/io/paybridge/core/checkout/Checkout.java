package io.paybridge.core.checkout;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.Set;
import java.util.UUID;

/**
 * A payment a tenant's app backend started at a gateway through Paybridge, as the tenant sees it.
 *
 * @param status where it stands: {@code starting} (the gateway is being asked to open it), {@code
 *     failed_to_start} (the gateway could not be reached or answered with a server error; sending
 *     the request again with the same Idempotency-Key tries again, under the same gateway
 *     idempotency key), {@code open} (opened at the gateway, waiting for the customer and, for a
 *     manual capture, for the capture), {@code paid} (money received and booked), {@code
 *     partially_refunded} and {@code refunded} (money returned by refunds or disputes), {@code
 *     cancelled} (the authorization was released; nothing moved) or {@code failed} (the gateway
 *     refused to open it, or will never capture it)
 * @param reference the gateway's id of the payment (PaymentIntent, order, intent); null until known
 * @param client what the customer's client needs (Stripe's client secret), opened; null when not
 *     read (listings) or not started
 * @param paidMinor money received for it so far, in minor units
 * @param refundedMinor money returned of it so far (refunds and disputes, net of reversals)
 * @param failureCode why it failed, or the last capture answer that did not capture
 * @param lastError the last transient failure (an unreachable gateway), or null
 */
public record Checkout(
    UUID id,
    String gateway,
    String customerRef,
    long amountMinor,
    String currency,
    String description,
    String returnUrl,
    String status,
    String reference,
    JsonObject client,
    long paidMinor,
    long refundedMinor,
    String failureCode,
    String failureMessage,
    String lastError,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt) {

  public static final String STARTING = "starting";
  public static final String FAILED_TO_START = "failed_to_start";
  public static final String OPEN = "open";
  public static final String PAID = "paid";
  public static final String PARTIALLY_REFUNDED = "partially_refunded";
  public static final String REFUNDED = "refunded";
  public static final String CANCELLED = "cancelled";
  public static final String FAILED = "failed";

  /** Every status, for filters. */
  public static final Set<String> STATUSES =
      Set.of(
          STARTING, FAILED_TO_START, OPEN, PAID, PARTIALLY_REFUNDED, REFUNDED, CANCELLED, FAILED);

  /** This checkout with its client fields, opened. */
  public Checkout withClient(JsonObject opened) {
    return new Checkout(
        id,
        gateway,
        customerRef,
        amountMinor,
        currency,
        description,
        returnUrl,
        status,
        reference,
        opened,
        paidMinor,
        refundedMinor,
        failureCode,
        failureMessage,
        lastError,
        createdAt,
        updatedAt);
  }
}
