package io.paybridge.gateway.googleplay;

import static io.paybridge.spi.EventKind.PAYMENT;
import static io.paybridge.spi.EventKind.RECURRING_CANCELLED;
import static io.paybridge.spi.EventKind.RECURRING_CHARGED;
import static io.paybridge.spi.EventKind.REFUND;

import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
                    PlayNotification.SUBSCRIPTION_EXPIRED ->
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
    Call call = new Call(n, account, packageName);
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
            default -> Future.succeededFuture(parsed);
          };
      case ONE_TIME_PRODUCT ->
          n.type() == PlayNotification.ONE_TIME_PRODUCT_PURCHASED
              ? oneTimePurchase(call)
              : Future.succeededFuture(parsed);
      case VOIDED_PURCHASE -> voidedPurchase(call);
      case TEST, OTHER -> Future.succeededFuture(parsed);
    };
  }

  /** One notification being resolved for one account. */
  private record Call(PlayNotification n, ServiceAccount account, String packageName) {
    ParsedWebhook nothing() {
      return ParsedWebhook.ignored(n.messageId(), n.typeName());
    }

    ParsedWebhook with(List<PaymentEvent> events) {
      return events.isEmpty() ? nothing() : new ParsedWebhook(n.messageId(), n.typeName(), events);
    }
  }

  /**
   * A subscription's purchase or renewal, priced by its order. For a purchase that is the signup
   * order: the latest order's id without the {@code ..N} suffix Google gives renewal orders, so a
   * purchase notification handled after the first renewal still books the signup order. For a
   * renewal or recovery it is the latest successful order.
   */
  private Future<ParsedWebhook> subscriptionCharge(Call c, EventKind kind) {
    return subscription(c)
        .compose(
            sub -> {
              if (sub.orderId() == null) {
                return Future.succeededFuture(c.nothing());
              }
              String orderId = kind == PAYMENT ? signupOrderId(sub.orderId()) : sub.orderId();
              return chargeFor(c, sub, orderId, kind);
            });
  }

  /** An order id without the {@code ..N} renewal suffix. */
  static String signupOrderId(String orderId) {
    return RENEWAL_SUFFIX.matcher(orderId).replaceFirst("");
  }

  private Future<ParsedWebhook> chargeFor(
      Call c, PlayPurchases.Subscription sub, String orderId, EventKind kind) {
    return order(c, orderId)
        .map(
            order ->
                charge(
                    c,
                    order,
                    kind,
                    builder ->
                        builder
                            .externalSubscriptionId(c.n().purchaseToken())
                            .customerRef(sub.customerRef())
                            .periodEnd(sub.expiry())));
  }

  /**
   * The money an order took, as one event keyed {@code order:<order id>}; nothing for an order that
   * took no money (pending, cancelled, or a free trial's $0).
   */
  private static ParsedWebhook charge(
      Call c,
      PlayPurchases.Order order,
      EventKind kind,
      Function<PaymentEvent.Builder, PaymentEvent.Builder> details) {
    return read(
        "orders.get",
        order,
        o -> {
          if (!o.paid()) {
            return c.nothing();
          }
          GoogleMoney.Amount total = o.total();
          if (total.minor() <= 0) {
            return c.nothing();
          }
          PaymentEvent.Builder builder =
              PaymentEvent.builder(kind, "order:" + o.orderId(), c.n().eventTime())
                  .amount(total.minor(), total.currency())
                  .externalPaymentId(o.orderId());
          return c.with(List.of(details.apply(builder).build()));
        });
  }

  private Future<ParsedWebhook> confirmCancellation(Call c) {
    return subscription(c)
        .map(
            sub -> {
              if (!PlayPurchases.ENDED_STATES.contains(sub.state())) {
                // The API says the subscription goes on (restarted since, or never cancelled).
                return c.nothing();
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

  private Future<ParsedWebhook> oneTimePurchase(Call c) {
    return api.product(c.account(), c.packageName(), c.n().productId(), c.n().purchaseToken())
        .map(json -> read("purchases.products.get", json, PlayPurchases.Product::read))
        .compose(
            product -> {
              if (product.purchaseState() != PlayPurchases.Product.PURCHASED
                  || product.orderId() == null) {
                // Pending (Play notifies again once paid), cancelled, or a promo code.
                return Future.succeededFuture(c.nothing());
              }
              return order(c, product.orderId())
                  .map(
                      order ->
                          charge(
                              c,
                              order,
                              PAYMENT,
                              builder -> builder.customerRef(product.customerRef())));
            });
  }

  private Future<ParsedWebhook> voidedPurchase(Call c) {
    PlayNotification n = c.n();
    return order(c, n.orderId())
        .compose(
            o -> {
              if (o.purchaseToken() != null && !o.purchaseToken().equals(n.purchaseToken())) {
                return Future.failedFuture(
                    new MalformedWebhookException(
                        "order "
                            + o.orderId()
                            + " belongs to another purchase than the notification's"));
              }
              List<PlayPurchases.Refund> refunds =
                  read(
                      "orders.get", o, order -> order.paid() ? order.refunds(n.eventTime()) : null);
              if (refunds == null) {
                // Cancelled before any money was taken: nothing to give back.
                return Future.succeededFuture(c.nothing());
              }
              if (refunds.isEmpty()) {
                return Future.failedFuture(
                    new GatewayApiException(
                        GooglePlayPlugin.ID,
                        "orders.get",
                        0,
                        "order "
                            + o.orderId()
                            + " shows no processed refund yet (state "
                            + o.state()
                            + "); the notification will be retried"));
              }
              return voidedCustomer(c, o)
                  .map(
                      customer -> {
                        List<PaymentEvent> events = new ArrayList<>();
                        for (PlayPurchases.Refund r : refunds) {
                          events.add(
                              PaymentEvent.builder(REFUND, r.entryKey(), r.occurredAt())
                                  .amount(-r.minor(), r.currency())
                                  .externalPaymentId(o.orderId())
                                  .externalSubscriptionId(
                                      n.productType()
                                              == PlayNotification.VOIDED_PRODUCT_TYPE_SUBSCRIPTION
                                          ? n.purchaseToken()
                                          : null)
                                  .customerRef(customer)
                                  .build());
                        }
                        return c.with(events);
                      });
            });
  }

  /**
   * The customer of a voided purchase, from the purchase it voided. Google answers 404 or 410 for
   * purchases too old to look up; the refund is then booked without a customer rather than never.
   */
  private Future<String> voidedCustomer(Call c, PlayPurchases.Order order) {
    String token = c.n().purchaseToken();
    Future<String> lookup;
    if (c.n().productType() == PlayNotification.VOIDED_PRODUCT_TYPE_SUBSCRIPTION) {
      lookup = subscription(c).map(PlayPurchases.Subscription::customerRef);
    } else {
      String productId = order.firstProductId();
      if (productId == null) {
        return Future.succeededFuture(null);
      }
      lookup =
          api.product(c.account(), c.packageName(), productId, token)
              .map(json -> read("purchases.products.get", json, PlayPurchases.Product::read))
              .map(PlayPurchases.Product::customerRef);
    }
    return lookup.recover(
        err ->
            err instanceof GatewayApiException api && (api.status() == 404 || api.status() == 410)
                ? Future.succeededFuture(null)
                : Future.failedFuture(err));
  }

  private Future<PlayPurchases.Subscription> subscription(Call c) {
    return api.subscription(c.account(), c.packageName(), c.n().purchaseToken())
        .map(json -> read("purchases.subscriptionsv2.get", json, PlayPurchases.Subscription::read));
  }

  private Future<PlayPurchases.Order> order(Call c, String orderId) {
    return api.order(c.account(), c.packageName(), orderId)
        .map(json -> read("orders.get", json, PlayPurchases.Order::read));
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
