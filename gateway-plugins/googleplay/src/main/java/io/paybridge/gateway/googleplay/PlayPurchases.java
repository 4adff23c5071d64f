package io.paybridge.gateway.googleplay;

import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What the plugin reads from the Play Developer API's answers. Each reader throws {@link
 * MalformedWebhookException} naming the member that is missing or of the wrong type; callers turn
 * that into a {@code GatewayApiException} for the operation that answered.
 */
final class PlayPurchases {

  private PlayPurchases() {}

  /** Subscription states in which the subscriber keeps access until the period ends. */
  static final Set<String> ENTITLED_STATES =
      Set.of(
          "SUBSCRIPTION_STATE_ACTIVE",
          "SUBSCRIPTION_STATE_IN_GRACE_PERIOD",
          "SUBSCRIPTION_STATE_CANCELED");

  /** Subscription states that confirm a cancellation, revocation or expiry. */
  static final Set<String> ENDED_STATES =
      Set.of("SUBSCRIPTION_STATE_CANCELED", "SUBSCRIPTION_STATE_EXPIRED");

  /** Subscription states in which Google will still charge the subscriber. */
  static final Set<String> RENEWING_STATES =
      Set.of(
          "SUBSCRIPTION_STATE_ACTIVE",
          "SUBSCRIPTION_STATE_IN_GRACE_PERIOD",
          "SUBSCRIPTION_STATE_ON_HOLD",
          "SUBSCRIPTION_STATE_PAUSED");

  /**
   * A {@code SubscriptionPurchaseV2} ({@code purchases.subscriptionsv2.get}).
   *
   * @param state {@code subscriptionState}, e.g. {@code SUBSCRIPTION_STATE_ACTIVE}
   * @param orderId the latest successful order: the first line item's {@code
   *     latestSuccessfulOrderId}, else the deprecated {@code latestOrderId} (which may name a
   *     declined order; the order's own state is checked before anything is booked)
   * @param customerRef {@code externalAccountIdentifiers.obfuscatedExternalAccountId}
   * @param expiry the latest {@code lineItems[].expiryTime}: the end of the current period
   * @param productId the first line item's product (subscription) id
   * @param autoRenewing whether any line item's auto-renewing plan is still enabled
   * @param orderIds every line item's {@code latestSuccessfulOrderId}, each once, in line item
   *     order; the deprecated {@code latestOrderId} when no line item names one
   */
  record Subscription(
      String state,
      String orderId,
      String customerRef,
      Instant expiry,
      String productId,
      boolean autoRenewing,
      List<String> orderIds) {

    static Subscription read(JsonObject purchase) {
      String state = Json.requireString(purchase, "subscriptionState");
      JsonArray items = Json.optArray(purchase, "lineItems");
      String orderId = null;
      List<String> orderIds = new ArrayList<>();
      String productId = null;
      Instant expiry = null;
      boolean autoRenewing = false;
      if (items != null) {
        for (int i = 0; i < items.size(); i++) {
          if (!(items.getValue(i) instanceof JsonObject item)) {
            throw new MalformedWebhookException("'lineItems[" + i + "]' should be an object");
          }
          String itemOrder = blankToNull(Json.optString(item, "latestSuccessfulOrderId"));
          if (orderId == null) {
            orderId = itemOrder;
          }
          if (itemOrder != null && !orderIds.contains(itemOrder)) {
            orderIds.add(itemOrder);
          }
          if (productId == null) {
            productId = blankToNull(Json.optString(item, "productId"));
          }
          Instant itemExpiry = optTime(item, "expiryTime", "lineItems[" + i + "].expiryTime");
          if (itemExpiry != null && (expiry == null || itemExpiry.isAfter(expiry))) {
            expiry = itemExpiry;
          }
          Object enabled =
              item.getValue("autoRenewingPlan") instanceof JsonObject plan
                  ? plan.getValue("autoRenewEnabled")
                  : null;
          autoRenewing |= Boolean.TRUE.equals(enabled);
        }
      }
      if (orderId == null) {
        orderId = blankToNull(Json.optString(purchase, "latestOrderId"));
      }
      if (orderIds.isEmpty() && orderId != null) {
        orderIds.add(orderId);
      }
      return new Subscription(
          state,
          orderId,
          blankToNull(
              Json.optString(purchase, "externalAccountIdentifiers.obfuscatedExternalAccountId")),
          expiry,
          productId,
          autoRenewing,
          List.copyOf(orderIds));
    }
  }

  /**
   * A {@code ProductPurchase} ({@code purchases.products.get}).
   *
   * @param purchaseState 0 purchased, 1 canceled, 2 pending
   * @param orderId the purchase's order, absent for promo-code purchases
   * @param customerRef {@code obfuscatedExternalAccountId}
   * @param acknowledged whether {@code acknowledgementState} is 1 (acknowledged) or {@code
   *     consumptionState} is 1 (a consumed purchase needs no acknowledgement)
   * @param purchasedAt {@code purchaseTimeMillis}, or {@code null} when not sent or not a time
   */
  record Product(
      int purchaseState,
      String orderId,
      String customerRef,
      boolean acknowledged,
      Instant purchasedAt) {

    static final int PURCHASED = 0;
    static final int CANCELED = 1;
    static final int PENDING = 2;

    static Product read(JsonObject purchase) {
      Long state = Json.optLong(purchase, "purchaseState");
      return new Product(
          state == null ? -1 : state.intValue(),
          blankToNull(Json.optString(purchase, "orderId")),
          blankToNull(Json.optString(purchase, "obfuscatedExternalAccountId")),
          isOne(purchase.getValue("acknowledgementState"))
              || isOne(purchase.getValue("consumptionState")),
          millis(purchase, "purchaseTimeMillis"));
    }

    private static boolean isOne(Object value) {
      return value instanceof Number n && n.doubleValue() == 1;
    }

    /**
     * An int64 of milliseconds, which JSON carries as a string, as an instant; {@code null} when
     * absent or not a time (it only dates the entry, so an odd value must not stop the booking).
     */
    private static Instant millis(JsonObject purchase, String field) {
      String text = String.valueOf(purchase.getValue(field));
      if (!text.matches("\\d{1,18}")) {
        return null;
      }
      try {
        return Instant.ofEpochMilli(Long.parseLong(text));
      } catch (DateTimeException e) {
        return null;
      }
    }
  }

  /**
   * An {@code Order} ({@code orders.get}).
   *
   * @param orderId the order's id
   * @param state e.g. {@code PROCESSED}, {@code REFUNDED}
   * @param purchaseToken the purchase the order belongs to, if sent
   * @param raw the whole answer, for totals and refund history
   */
  record Order(String orderId, String state, String purchaseToken, JsonObject raw) {

    /** States of an order the buyer paid (whether or not refunded since). */
    private static final Set<String> PAID =
        Set.of("PROCESSED", "PENDING_REFUND", "PARTIALLY_REFUNDED", "REFUNDED");

    /** States of an order no money was taken for (yet). */
    private static final Set<String> UNPAID = Set.of("PENDING", "CANCELED");

    /** The partial-refund state that means the money went back. */
    static final String PARTIAL_REFUND_DONE = "PROCESSED_SUCCESSFULLY";

    static Order read(JsonObject order) {
      return new Order(
          Json.requireString(order, "orderId"),
          Json.requireString(order, "state"),
          blankToNull(Json.optString(order, "purchaseToken")),
          order);
    }

    /** Whether the buyer paid; an order in a state this plugin does not know is malformed. */
    boolean paid() {
      if (PAID.contains(state)) {
        return true;
      }
      if (UNPAID.contains(state)) {
        return false;
      }
      throw new MalformedWebhookException("the order is in an unknown state '" + state + "'");
    }

    /** What the buyer paid, taxes and discounts included ({@code total}). */
    GoogleMoney.Amount total() {
      return GoogleMoney.read(Json.optObject(raw, "total"), "total");
    }

    /** The first line item's product id, if any. */
    String firstProductId() {
      JsonArray items = Json.optArray(raw, "lineItems");
      if (items != null && !items.isEmpty() && items.getValue(0) instanceof JsonObject item) {
        return blankToNull(Json.optString(item, "productId"));
      }
      return null;
    }

    /**
     * The money returned on this order, one entry per refund: each processed partial refund, keyed
     * {@code refund:<order id>:<its createTime>}, and, once the order is {@code REFUNDED}, the rest
     * keyed {@code refund:<order id>}. The full refund is at most what the partial refunds left of
     * the total, whether Google reports it as the whole total or as the rest.
     */
    List<Refund> refunds(Instant fallbackTime) {
      GoogleMoney.Amount total = total();
      List<Refund> refunds = new ArrayList<>();
      long partials = 0;
      JsonArray events = Json.optArray(raw, "orderHistory.partialRefundEvents");
      if (events != null) {
        for (int i = 0; i < events.size(); i++) {
          String path = "orderHistory.partialRefundEvents[" + i + "]";
          if (!(events.getValue(i) instanceof JsonObject event)) {
            throw new MalformedWebhookException("'" + path + "' should be an object");
          }
          if (!PARTIAL_REFUND_DONE.equals(Json.optString(event, "state"))) {
            continue;
          }
          GoogleMoney.Amount amount =
              sameCurrency(
                  GoogleMoney.read(
                      Json.optObject(event, "refundDetails.total"), path + ".refundDetails.total"),
                  total,
                  path);
          String created = Json.optString(event, "createTime");
          if (created == null || created.isBlank()) {
            throw new MalformedWebhookException("'" + path + ".createTime' is missing");
          }
          Instant when = optTime(event, "processTime", path + ".processTime");
          if (amount.minor() > 0) {
            refunds.add(
                new Refund(
                    "refund:" + orderId + ":" + created.strip(),
                    amount.minor(),
                    total.currency(),
                    when != null ? when : parseTime(created, path + ".createTime")));
            partials += amount.minor();
          }
        }
      }
      if ("REFUNDED".equals(state)) {
        long rest = total.minor() - partials;
        JsonObject reported = Json.optObject(raw, "orderHistory.refundEvent.refundDetails.total");
        long amount =
            reported == null
                ? rest
                : Math.min(
                    rest,
                    sameCurrency(
                            GoogleMoney.read(
                                reported, "orderHistory.refundEvent.refundDetails.total"),
                            total,
                            "orderHistory.refundEvent")
                        .minor());
        Instant when =
            optTime(
                raw, "orderHistory.refundEvent.eventTime", "orderHistory.refundEvent.eventTime");
        if (amount > 0) {
          refunds.add(
              new Refund(
                  "refund:" + orderId,
                  amount,
                  total.currency(),
                  when != null ? when : fallbackTime));
        }
      }
      return refunds;
    }

    private static GoogleMoney.Amount sameCurrency(
        GoogleMoney.Amount amount, GoogleMoney.Amount total, String path) {
      if (!amount.currency().equals(total.currency())) {
        throw new MalformedWebhookException(
            "'" + path + "' is in " + amount.currency() + ", the order in " + total.currency());
      }
      return amount;
    }
  }

  /** Money returned on an order: ledger entry key, positive minor units, currency, time. */
  record Refund(String entryKey, long minor, String currency, Instant occurredAt) {}

  /** An RFC 3339 timestamp at {@code field} of {@code object}, or {@code null} when absent. */
  static Instant optTime(JsonObject object, String field, String path) {
    String text = Json.optString(object, field);
    return text == null || text.isBlank() ? null : parseTime(text, path);
  }

  static Instant parseTime(String text, String path) {
    try {
      return OffsetDateTime.parse(text.strip()).toInstant();
    } catch (DateTimeException e) {
      throw new MalformedWebhookException("'" + path + "' is not an RFC 3339 time");
    }
  }

  static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
