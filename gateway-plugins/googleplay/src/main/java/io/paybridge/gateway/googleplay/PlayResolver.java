package io.paybridge.gateway.googleplay;

import static io.paybridge.spi.EventKind.PAYMENT;
import static io.paybridge.spi.EventKind.RECURRING_CANCELLED;
import static io.paybridge.spi.EventKind.RECURRING_CHARGED;

import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Turns a notification into ledger events with what the Play Developer API says about it: the
 * notification names a purchase token (and for refunds an order id) but carries no amount, no state
 * worth trusting on its own, and no customer.
 *
 * <p>Every event this class returns was confirmed by the API, under the account's own package name
 * and service account: a notification about a purchase the API does not know fails (and is retried
 * by Pub/Sub), and one the API contradicts books nothing.
 */
final class PlayResolver {

  /** Google numbers a subscription's renewal orders {@code <signup order id>..0}, {@code ..1}, … */
  private static final Pattern RENEWAL_SUFFIX = Pattern.compile("\\.\\.\\d+$");

  private final PlayDeveloperApi api;

  PlayResolver(PlayDeveloperApi api) {
    this.api = api;
  }

  /** Whether the notification's meaning depends on the API (all mapped types do). */
  static boolean needsApi(PlayNotification n) {
    return switch (n.kind()) {
      case SUBSCRIPTION ->
          switch (n.type()) {
            case PlayNotification.SUBSCRIPTION_PURCHASED,
                    PlayNotification.SUBSCRIPTION_RENEWED,
                    PlayNotification.SUBSCRIPTION_RECOVERED,
                    PlayNotification.SUBSCRIPTION_CANCELED,
                    PlayNotification.SUBSCRIPTION_REVOKED,
                    PlayNotification.SUBSCRIPTION_EXPIRED,
                    PlayNotification.SUBSCRIPTION_ITEMS_CHANGED ->
                true;
            default -> false;
          };
      case ONE_TIME_PRODUCT -> n.type() == PlayNotification.ONE_TIME_PRODUCT_PURCHASED;
      case VOIDED_PURCHASE -> true;
      case TEST, OTHER -> false;
    };
  }

  /** Whether the notification ends a subscription (cancelled, revoked, expired). */
  static boolean endsSubscription(PlayNotification n) {
    return n.kind() == PlayNotification.Kind.SUBSCRIPTION
        && (n.type() == PlayNotification.SUBSCRIPTION_CANCELED
            || n.type() == PlayNotification.SUBSCRIPTION_REVOKED
            || n.type() == PlayNotification.SUBSCRIPTION_EXPIRED);
  }

  /**
   * The cancellation {@code parse} can already state from the notification alone; {@code resolve}
   * confirms it and adds the customer and period end. Keyed by the token's digest (tokens can be
   * longer than an entry key may be), the type and the event time, so that Pub/Sub's redeliveries
   * and Google's republishing of one event book once, while a second cancellation after a restart
   * books again.
   */
  static PaymentEvent cancellation(PlayNotification n) {
    return PaymentEvent.builder(
            RECURRING_CANCELLED,
            "cancel:"
                + digest(n.purchaseToken())
                + ":"
                + n.type()
                + ":"
                + n.eventTime().toEpochMilli(),
            n.eventTime())
        .externalSubscriptionId(n.purchaseToken())
        .build();
  }

  /** The notification's events, as the API confirms them. */
  Future<ParsedWebhook> resolve(
      PlayNotification n, ParsedWebhook parsed, ServiceAccount account, String packageName) {
    PlayCall call = new PlayCall(n, account, packageName, api);
    return switch (n.kind()) {
      case SUBSCRIPTION ->
          switch (n.type()) {
            case PlayNotification.SUBSCRIPTION_PURCHASED -> subscriptionCharge(call, PAYMENT);
            case PlayNotification.SUBSCRIPTION_RENEWED, PlayNotification.SUBSCRIPTION_RECOVERED ->
                subscriptionCharge(call, RECURRING_CHARGED);
            case PlayNotification.SUBSCRIPTION_CANCELED,
                    PlayNotification.SUBSCRIPTION_REVOKED,
                    PlayNotification.SUBSCRIPTION_EXPIRED ->
                confirmCancellation(call);
            case PlayNotification.SUBSCRIPTION_ITEMS_CHANGED -> itemsChanged(call);
            default -> Future.succeededFuture(parsed);
          };
      case ONE_TIME_PRODUCT ->
          n.type() == PlayNotification.ONE_TIME_PRODUCT_PURCHASED
              ? oneTimePurchase(call)
              : Future.succeededFuture(parsed);
      case VOIDED_PURCHASE -> PlayVoidedPurchases.resolve(call);
      case TEST, OTHER -> Future.succeededFuture(parsed);
    };
  }

  /** What one order means: the event it books, or why it books nothing. */
  record Charge(PaymentEvent event, String why) {
    static Charge none(String why) {
      return new Charge(null, why);
    }
  }

  /**
   * A subscription's purchase or renewal, priced by its order. For a purchase that is the signup
   * order: the latest order's id without the {@code ..N} suffix Google gives renewal orders, so a
   * purchase notification handled after the first renewal still books the signup order. For a
   * renewal or recovery it is the latest successful order.
   */
  private static Future<ParsedWebhook> subscriptionCharge(PlayCall c, EventKind kind) {
    return c.subscription()
        .compose(
            sub -> {
              if (sub.orderId() == null) {
                return Future.succeededFuture(
                    c.nothing(
                        "Google Play reports no successful order for the subscription yet (state "
                            + sub.state()
                            + "), so nothing was charged"));
              }
              String orderId = kind == PAYMENT ? signupOrderId(sub.orderId()) : sub.orderId();
              return chargeFor(c, sub, orderId, kind)
                  .map(
                      charge ->
                          charge.event() == null
                              ? c.nothing(charge.why())
                              : c.with(List.of(charge.event())));
            });
  }

  /**
   * The subscription's items (base plan or add-ons) changed. Whatever Google charged for the change
   * is an order of the subscription: every line item's latest successful order is booked under its
   * order key, which books nothing new for an order already booked by its purchase or renewal
   * notification.
   */
  private static Future<ParsedWebhook> itemsChanged(PlayCall c) {
    return c.subscription()
        .compose(
            sub -> {
              if (sub.orderIds().isEmpty()) {
                return Future.succeededFuture(
                    c.nothing(
                        "Google Play reports no successful order for the subscription (state "
                            + sub.state()
                            + "), so the change charged nothing"));
              }
              List<Future<Charge>> lookups = new ArrayList<>();
              for (String orderId : sub.orderIds()) {
                EventKind kind =
                    signupOrderId(orderId).equals(orderId) ? PAYMENT : RECURRING_CHARGED;
                lookups.add(chargeFor(c, sub, orderId, kind));
              }
              return Future.all(lookups)
                  .map(
                      all -> {
                        List<PaymentEvent> events = new ArrayList<>();
                        List<String> whys = new ArrayList<>();
                        for (int i = 0; i < all.size(); i++) {
                          Charge charge = all.resultAt(i);
                          if (charge.event() != null) {
                            events.add(charge.event());
                          } else {
                            whys.add(charge.why());
                          }
                        }
                        return events.isEmpty()
                            ? c.nothing(
                                "no order of the subscription took money ("
                                    + String.join("; ", whys)
                                    + ")")
                            : c.with(events);
                      });
            });
  }

  /** An order id without the {@code ..N} renewal suffix. */
  static String signupOrderId(String orderId) {
    return RENEWAL_SUFFIX.matcher(orderId).replaceFirst("");
  }

  private static Future<Charge> chargeFor(
      PlayCall c, PlayPurchases.Subscription sub, String orderId, EventKind kind) {
    return c.order(orderId)
        .map(
            order ->
                charge(
                    c.n().eventTime(),
                    order,
                    kind,
                    builder ->
                        builder
                            .externalSubscriptionId(c.n().purchaseToken())
                            .customerRef(sub.customerRef())
                            .periodEnd(sub.expiry())));
  }

  /**
   * The money an order took, as one event keyed {@code order:<order id>} at {@code at}; nothing,
   * with the reason, for an order that took no money (pending, cancelled, or a free trial's $0).
   * The notifications and a purchase an app hands over ({@link PlayPurchaseHandOver}) key an order
   * alike, so it books once.
   */
  static Charge charge(
      Instant at,
      PlayPurchases.Order order,
      EventKind kind,
      Function<PaymentEvent.Builder, PaymentEvent.Builder> details) {
    return read(
        "orders.get",
        order,
        o -> {
          if (!o.paid()) {
            return Charge.none(
                "order " + o.orderId() + " is " + o.state() + ": no money was taken (yet)");
          }
          GoogleMoney.Amount total = o.total();
          if (total.minor() <= 0) {
            return Charge.none(
                "order "
                    + o.orderId()
                    + " charged 0 "
                    + total.currency()
                    + " (a free trial or a fully discounted offer): nothing to book");
          }
          PaymentEvent.Builder builder =
              PaymentEvent.builder(kind, "order:" + o.orderId(), at)
                  .amount(total.minor(), total.currency())
                  .externalPaymentId(o.orderId());
          return new Charge(details.apply(builder).build(), null);
        });
  }

  private static Future<ParsedWebhook> confirmCancellation(PlayCall c) {
    return c.subscription()
        .map(
            sub -> {
              if (!PlayPurchases.ENDED_STATES.contains(sub.state())) {
                // The API says the subscription goes on (restarted since, or never cancelled).
                return c.nothing(
                    "Google Play reports the subscription "
                        + sub.state()
                        + " (restarted since, or never ended), so no end is booked");
              }
              PaymentEvent parsed = cancellation(c.n());
              return c.with(
                  List.of(
                      PaymentEvent.builder(
                              RECURRING_CANCELLED, parsed.entryKey(), parsed.occurredAt())
                          .externalSubscriptionId(parsed.externalSubscriptionId())
                          .customerRef(sub.customerRef())
                          .periodEnd(sub.expiry())
                          .build()));
            });
  }

  private static Future<ParsedWebhook> oneTimePurchase(PlayCall c) {
    return c.product(c.n().productId())
        .compose(
            product -> {
              String why = unpaid(product);
              if (why != null) {
                return Future.succeededFuture(c.nothing(why));
              }
              return c.order(product.orderId())
                  .map(
                      order -> {
                        Charge charge =
                            charge(
                                c.n().eventTime(),
                                order,
                                PAYMENT,
                                builder ->
                                    builder
                                        .customerRef(product.customerRef())
                                        .purchaseRef(digest(c.n().purchaseToken())));
                        return charge.event() == null
                            ? c.nothing(charge.why())
                            : c.with(List.of(charge.event()));
                      });
            });
  }

  /** Why a one-time purchase took no money, or {@code null} when it did. */
  private static String unpaid(PlayPurchases.Product product) {
    return switch (product.purchaseState()) {
      case PlayPurchases.Product.PURCHASED ->
          product.orderId() == null
              ? "the purchase has no order (a promo code was redeemed): no money was taken"
              : null;
      case PlayPurchases.Product.CANCELED ->
          "Google Play reports the purchase cancelled (purchaseState 1): no money was taken";
      case PlayPurchases.Product.PENDING ->
          "the purchase is still pending payment (purchaseState 2); Google Play notifies"
              + " ONE_TIME_PRODUCT_PURCHASED again once it is paid, and that notification books it";
      default ->
          "Google Play reports purchaseState "
              + product.purchaseState()
              + ", which it does not document: nothing booked";
    };
  }

  /**
   * Applies a reader to an API answer; an answer the reader finds malformed becomes a {@link
   * GatewayApiException} of the operation that gave it (retrying will not help, so status 200).
   */
  static <A, T> T read(String operation, A answer, Function<A, T> reader) {
    try {
      return reader.apply(answer);
    } catch (MalformedWebhookException e) {
      throw new GatewayApiException(
          GooglePlayPlugin.ID, operation, 200, "the answer is unusable: " + e.getMessage());
    }
  }

  /** A short, stable stand-in for a purchase token in entry keys: SHA-256, base64url. */
  static String digest(String token) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
