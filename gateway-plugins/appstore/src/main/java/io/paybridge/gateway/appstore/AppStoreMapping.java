package io.paybridge.gateway.appstore;

import static io.paybridge.spi.EventKind.PAYMENT;
import static io.paybridge.spi.EventKind.RECURRING_CANCELLED;
import static io.paybridge.spi.EventKind.RECURRING_CHARGED;
import static io.paybridge.spi.EventKind.REFUND;
import static io.paybridge.spi.EventKind.REFUND_REVERSED;

import io.paybridge.spi.EventKind;
import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What an App Store notification means for the ledger, by its type and subtype: a charge, a refund
 * (and its reversal), a subscription's end, or the reason it books nothing. {@link AppStorePlugin}
 * explains the identifiers and amounts; the events table is {@link AppStoreEvents}. Charges and
 * refunds carry their transaction id as purchase reference, as a transaction an app hands over does
 * ({@link AppStorePurchases}), so they are booked for the customer it was handed over for.
 *
 * <ul>
 *   <li>{@code ONE_TIME_CHARGE} (consumables, non-consumables, non-renewing subscriptions): a
 *       payment, keyed {@code txn:<transactionId>}.
 *   <li>{@code SUBSCRIBED} ({@code INITIAL_BUY}, {@code RESUBSCRIBE}): a payment that starts the
 *       subscription, keyed {@code txn:<transactionId>}.
 *   <li>{@code DID_RENEW} (also {@code BILLING_RECOVERY}): a recurring charge, keyed {@code
 *       txn:<transactionId>}.
 *   <li>{@code OFFER_REDEEMED}: with {@code INITIAL_BUY} or {@code RESUBSCRIBE} a payment, with
 *       {@code UPGRADE} a recurring charge, of the (discounted) price, keyed {@code
 *       txn:<transactionId>}; with {@code DOWNGRADE} or no subtype the offer applies from the next
 *       renewal, so nothing is booked now.
 *   <li>{@code DID_CHANGE_RENEWAL_PREF}: with {@code UPGRADE}, which Apple charges at once, a
 *       recurring charge of the new transaction keyed {@code txn:<transactionId>}; a downgrade or a
 *       return to the current plan changes only the next renewal. (Apple also refunds the unused
 *       part of the old period on an upgrade, but reports no amount for it; that refund is not
 *       booked.)
 *   <li>{@code REFUND}: a refund (negative) of the transaction's price, or for a prorated refund of
 *       its {@code revocationPercentage}, keyed {@code refund:<transactionId>}.
 *   <li>{@code REFUND_REVERSED}: the refund under its key {@code refund:<transactionId>} (booked
 *       once, whichever of the two notifications comes first) and the reversal {@code
 *       refund_reversal:<transactionId>} of the same amount, so the ledger nets to zero in either
 *       order. Apple drops {@code revocationPercentage} from a reversed transaction, so a reversed
 *       prorated refund that was booked first nets to the price minus the refunded share; the SPI
 *       has no way yet to reverse "what that key booked".
 *   <li>{@code EXPIRED}, {@code GRACE_PERIOD_EXPIRED}, and {@code REVOKE} of a subscription: the
 *       subscription ended, keyed {@code ended:<transactionId>}.
 *   <li>Every other type ({@code DID_CHANGE_RENEWAL_STATUS}, {@code DID_FAIL_TO_RENEW}, {@code
 *       PRICE_INCREASE}, {@code REFUND_DECLINED}, {@code CONSUMPTION_REQUEST}, {@code
 *       RENEWAL_EXTENDED}, {@code RENEWAL_EXTENSION}, {@code EXTERNAL_PURCHASE_TOKEN}, {@code
 *       TEST}, {@code RESCIND_CONSENT} and the Advanced Commerce types {@code METADATA_UPDATE},
 *       {@code MIGRATION}, {@code PRICE_CHANGE}): acknowledged and kept with the reason no money
 *       moved; a type Apple adds later is kept with a reason naming it.
 * </ul>
 */
final class AppStoreMapping {

  private AppStoreMapping() {}

  /**
   * What a notification means: events to book, the reason it books nothing, or the transaction
   * whose price must first be read from the App Store Server API.
   */
  record Mapped(List<PaymentEvent> events, String reason, String missingPrice) {

    static Mapped book(List<PaymentEvent> events) {
      return new Mapped(events, null, null);
    }

    static Mapped nothing(String reason) {
      return new Mapped(List.of(), reason, null);
    }

    static Mapped priceOf(String transactionId) {
      return new Mapped(List.of(), null, transactionId);
    }

    ParsedWebhook toParsed(AppStoreNotification n) {
      return events.isEmpty() ? n.ignored(reason) : new ParsedWebhook(n.uuid(), n.type(), events);
    }
  }

  /**
   * What the notification means.
   *
   * @throws MalformedWebhookException naming the notification and what it lacks
   */
  static Mapped map(AppStoreNotification n) {
    String type = n.type();
    String subtype = n.subtype() == null ? "" : n.subtype();
    try {
      return switch (type) {
        case "ONE_TIME_CHARGE" -> charge(type, PAYMENT, n, false);
        case "SUBSCRIBED" -> charge(type, PAYMENT, n, true);
        case "DID_RENEW" -> charge(type, RECURRING_CHARGED, n, true);
        case "OFFER_REDEEMED" ->
            switch (subtype) {
              case "INITIAL_BUY", "RESUBSCRIBE" -> charge(type, PAYMENT, n, true);
              case "UPGRADE" -> charge(type, RECURRING_CHARGED, n, true);
              default -> Mapped.nothing(AppStoreEvents.ignoredReason(type, n.subtype()));
            };
        case "DID_CHANGE_RENEWAL_PREF" ->
            "UPGRADE".equals(subtype)
                ? charge(type, RECURRING_CHARGED, n, true)
                : Mapped.nothing(AppStoreEvents.ignoredReason(type, n.subtype()));
        case "REFUND" -> refund(type, n, false);
        case "REFUND_REVERSED" -> refund(type, n, true);
        case "EXPIRED", "GRACE_PERIOD_EXPIRED", "REVOKE" -> ended(type, n);
        default -> Mapped.nothing(AppStoreEvents.ignoredReason(type, n.subtype()));
      };
    } catch (MalformedWebhookException e) {
      throw new MalformedWebhookException(
          "App Store notification " + n.uuid() + " (" + type + "): " + e.getMessage(), e);
    }
  }

  private static Mapped charge(
      String type, EventKind kind, AppStoreNotification n, boolean subscription) {
    JsonObject txn = n.requireTransaction();
    String id = Json.requireString(txn, "transactionId");
    Mapped notYet = notYet(type, n, id);
    if (notYet != null) {
      return notYet;
    }
    String currency = currency(txn);
    long amount = AppStoreAmounts.priceToMinor(price(txn), currency);
    if (amount == 0) {
      return Mapped.nothing(
          type
              + ": transaction "
              + id
              + " cost nothing (a free trial or a free offer): no money moved, nothing to book");
    }
    return Mapped.book(
        List.of(
            PaymentEvent.builder(kind, "txn:" + id, n.signedDate())
                .amount(amount, currency)
                .externalPaymentId(id)
                .externalSubscriptionId(
                    subscription
                        ? Json.requireString(txn, "originalTransactionId")
                        : n.subscriptionId())
                .customerRef(n.customerRef())
                .periodEnd(optMillis(txn, "expiresDate"))
                .purchaseRef(id)
                .build()));
  }

  /**
   * A refund, and with {@code reversed} the refund undone. A reversal books the refund too, under
   * its own key: whichever of {@code REFUND} and {@code REFUND_REVERSED} arrives first books it,
   * the other finds it booked, and the reversal brings it back, so the ledger nets to zero in
   * either order (and when a {@code REFUND} older than the reversal never arrives at all).
   */
  private static Mapped refund(String type, AppStoreNotification n, boolean reversed) {
    JsonObject txn = n.requireTransaction();
    String id = Json.requireString(txn, "transactionId");
    Mapped notYet = notYet(type, n, id);
    if (notYet != null) {
      return notYet;
    }
    long amount =
        AppStoreAmounts.refundedMinor(
            price(txn), Json.optLong(txn, "revocationPercentage"), currency(txn));
    if (amount == 0) {
      return Mapped.nothing(
          type
              + ": transaction "
              + id
              + " refunded nothing (a free transaction, or revocationPercentage 0): nothing to"
              + " book");
    }
    List<PaymentEvent> events = new ArrayList<>();
    events.add(refundEntry(REFUND, "refund:", n, id, -amount));
    if (reversed) {
      events.add(refundEntry(REFUND_REVERSED, "refund_reversal:", n, id, amount));
    }
    return Mapped.book(events);
  }

  private static PaymentEvent refundEntry(
      EventKind kind, String keyPrefix, AppStoreNotification n, String id, long amount) {
    return PaymentEvent.builder(kind, keyPrefix + id, n.signedDate())
        .amount(amount, currency(n.transaction()))
        .externalPaymentId(id)
        .externalSubscriptionId(n.subscriptionId())
        .customerRef(n.customerRef())
        .purchaseRef(id)
        .build();
  }

  /**
   * Why a transaction's money is not booked from the notification as it is, or {@code null} when it
   * is: a Family Sharing member's transaction books nothing, and one without a price waits for the
   * App Store Server API's.
   */
  private static Mapped notYet(String type, AppStoreNotification n, String id) {
    if (n.familyShared()) {
      return Mapped.nothing(
          type
              + ": transaction "
              + id
              + " is a Family Sharing member's (inAppOwnershipType FAMILY_SHARED): the purchaser's"
              + " own transaction carries the money, so nothing is booked for this one");
    }
    return n.hasPrice() ? null : Mapped.priceOf(id);
  }

  private static Mapped ended(String type, AppStoreNotification n) {
    JsonObject txn = n.requireTransaction();
    String id = Json.requireString(txn, "transactionId");
    String subscriptionId = n.subscriptionId();
    if (subscriptionId == null) {
      return Mapped.nothing(
          type
              + ": transaction "
              + id
              + " is a "
              + Json.optString(txn, "type")
              + ", not an auto-renewable subscription: access to it ended, no money moved and no"
              + " subscription ends");
    }
    return Mapped.book(
        List.of(
            PaymentEvent.builder(RECURRING_CANCELLED, "ended:" + id, n.signedDate())
                .externalPaymentId(id)
                .externalSubscriptionId(subscriptionId)
                .customerRef(n.customerRef())
                .periodEnd(optMillis(txn, "expiresDate"))
                .build()));
  }

  private static long price(JsonObject txn) {
    Long price = Json.optLong(txn, "price");
    if (price == null) {
      throw new MalformedWebhookException(
          "the transaction carries no price, so its amount is unknown");
    }
    return price;
  }

  private static String currency(JsonObject txn) {
    return Money.currency(Json.requireString(txn, "currency"));
  }

  private static Instant optMillis(JsonObject object, String field) {
    Long millis = Json.optLong(object, field);
    if (millis == null) {
      return null;
    }
    try {
      return Instant.ofEpochMilli(millis);
    } catch (DateTimeException e) {
      throw new MalformedWebhookException("'" + field + "' is not a time in milliseconds");
    }
  }
}
