package io.paybridge.spi;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;

/**
 * Optional capability: an app sold something through its store (App Store, Google Play), and the
 * app's backend hands the purchase to Paybridge to verify it with the store and book it, for the
 * customer the backend names, before the store's own notification arrives.
 *
 * <p>Money rule: what {@link #verifyPurchase} books carries the entry key the gateway's
 * notification for the same purchase carries, so that whichever of the two comes second books
 * nothing; and the purchase's {@link PaymentEvent#purchaseRef()}, by which the platform books the
 * notification's entries (a purchase completed later, a refund) for the same customer.
 */
public interface PurchaseVerification {

  /**
   * The members a purchase of this gateway carries, each a non-empty string; the platform refuses a
   * purchase that lacks one, naming every one it lacks, before {@link #verifyPurchase} is called.
   */
  List<String> purchaseFields();

  /**
   * Verifies a purchase with the store and says what it books. Pure CPU where the store signs its
   * purchases (the App Store); a call to the store's API where it does not (Google Play).
   *
   * @param purchase the members {@link #purchaseFields()} names
   * @return the outcome; a failed {@link GatewayApiException} when the store could not be asked
   *     (its {@link GatewayApiException#retryable()} tells whether asking again later may help)
   */
  Future<PurchaseOutcome> verifyPurchase(JsonObject purchase, Credentials credentials);

  /**
   * Tells the store the purchase was delivered, for stores that refund a purchase nobody
   * acknowledged (Google Play, after three days). Acknowledging a purchase that is already
   * acknowledged succeeds. The default has nothing to tell.
   *
   * @param acknowledgement what {@link PurchaseOutcome#acknowledgement()} gave
   * @return a failed {@link GatewayApiException} when it could not be done; {@link
   *     GatewayApiException#retryable()} tells whether trying again later may help
   */
  default Future<Void> acknowledgePurchase(JsonObject acknowledgement, Credentials credentials) {
    return Future.succeededFuture();
  }

  /** What a verified purchase means. */
  enum Status {
    /** Paid: book the entry. */
    BOOK,
    /** Not paid yet (a pending payment method): book nothing until the store says it is paid. */
    PENDING,
    /** Not to be booked, ever, as handed over (forged, another app's, cancelled, refunded). */
    REFUSED
  }

  /**
   * What a purchase means.
   *
   * @param status book, pending or refused
   * @param purchaseRef the store's identity of the purchase ({@link PaymentEvent#purchaseRef()});
   *     for book and pending
   * @param booking for book, the entry, carrying the same {@code purchaseRef}
   * @param acknowledgement what {@link #acknowledgePurchase} needs once the purchase is booked, or
   *     {@code null} when nothing is to be acknowledged; it may hold secrets (a purchase token), so
   *     the platform keeps it sealed
   * @param code for refused, a stable, machine-readable name of the refusal (e.g. {@code
   *     bad_signature}); for pending, the store's state (e.g. {@code pending_payment})
   * @param reason for pending and refused, why, in words the tenant can act on
   * @param field for refused, the purchase member at fault, or {@code null}
   */
  record PurchaseOutcome(
      Status status,
      String purchaseRef,
      PaymentEvent booking,
      JsonObject acknowledgement,
      String code,
      String reason,
      String field) {

    public PurchaseOutcome {
      Objects.requireNonNull(status, "status");
      if ((status == Status.BOOK) != (booking != null)) {
        throw new IllegalArgumentException("a purchase to book, and only it, has an entry");
      }
      if (status != Status.REFUSED && (purchaseRef == null || purchaseRef.isBlank())) {
        throw new IllegalArgumentException("a purchase to book or hold names its purchaseRef");
      }
      if (booking != null && !purchaseRef.equals(booking.purchaseRef())) {
        throw new IllegalArgumentException("the entry carries the purchase's purchaseRef");
      }
      if (status != Status.BOOK && (code == null || reason == null)) {
        throw new IllegalArgumentException("a pending or refused purchase says why");
      }
    }

    /** Paid: book {@code booking}, then acknowledge with {@code acknowledgement} (or nothing). */
    public static PurchaseOutcome book(PaymentEvent booking, JsonObject acknowledgement) {
      return new PurchaseOutcome(
          Status.BOOK, booking.purchaseRef(), booking, acknowledgement, null, null, null);
    }

    /** Not paid yet; acknowledged with {@code acknowledgement} once booked. */
    public static PurchaseOutcome pending(
        String purchaseRef, JsonObject acknowledgement, String code, String reason) {
      return new PurchaseOutcome(
          Status.PENDING, purchaseRef, null, acknowledgement, code, reason, null);
    }

    /** Refused, naming the member at fault ({@code null}: the purchase as a whole). */
    public static PurchaseOutcome refused(String code, String reason, String field) {
      return new PurchaseOutcome(Status.REFUSED, null, null, null, code, reason, field);
    }
  }
}
