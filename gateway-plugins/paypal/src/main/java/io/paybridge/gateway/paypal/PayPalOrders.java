package io.paybridge.gateway.paypal;

import io.paybridge.spi.Captures.CaptureRequest;
import io.paybridge.spi.Checkouts.CheckoutRequest;
import io.paybridge.spi.Checkouts.StartedCheckout;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.paybridge.spi.PermanentGatewayException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Checkouts at PayPal as Orders v2 orders, the way a merchant's app backend opens them: {@code POST
 * /v2/checkout/orders} with {@code intent: CAPTURE}, one purchase unit and the checkout's
 * idempotency key as {@code PayPal-Request-Id}, so PayPal answers a repeated start with the order
 * it opened the first time. The customer approves the order in PayPal's checkout (the {@code
 * approveUrl}, or the order id handed to PayPal's SDK); {@link PayPalCaptures} then captures it.
 *
 * <p>The purchase unit carries the checkout id as {@code reference_id} and {@code invoice_id} and
 * the customer reference as {@code custom_id}, which PayPal copies onto the capture; its amount is
 * the checkout's minor units written with the currency's exponent (no floating point), except that
 * PayPal takes whole forints and New Taiwan dollars only (its currency list says HUF and TWD "do
 * not support decimals"), so an amount with a fraction of those is refused before anything is sent.
 * A return URL becomes the PayPal wallet's {@code experience_context} return and cancel URL.
 *
 * <p>An order with {@code intent: CAPTURE} holds no authorization, and Orders v2 has no call that
 * voids one: an order nobody captures expires. {@link #cancel} therefore checks the order and
 * succeeds without a further call unless PayPal has captured it, which only a refund can undo.
 */
final class PayPalOrders {

  static final String CREATE_ORDER = "create order";
  static final String SHOW_ORDER = "show order";
  static final String ORDERS = "/v2/checkout/orders";

  /** What PayPal keeps at most in {@code custom_id}, {@code invoice_id} and a description. */
  static final int MAX_TEXT = 127;

  /** The longest {@code PayPal-Request-Id} PayPal takes. */
  static final int MAX_REQUEST_ID = 108;

  /** Currencies PayPal takes in whole units although ISO 4217 gives them two decimals. */
  static final Set<String> WHOLE_UNITS_ONLY = Set.of("HUF", "TWD");

  private static final Logger LOG = Logger.getLogger(PayPalOrders.class.getName());
  private static final Pattern ORDER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final PayPalApi api;

  PayPalOrders(PayPalApi api) {
    this.api = api;
  }

  /** Opens the order; the reference is its id, the client gets the id and the approval link. */
  Future<StartedCheckout> start(CheckoutRequest request, Credentials credentials) {
    JsonObject body;
    try {
      requireApiCredentials(credentials, CREATE_ORDER);
      requireRequestId(request.idempotencyKey(), CREATE_ORDER);
      body = orderBody(request);
    } catch (PermanentGatewayException e) {
      return Future.failedFuture(e);
    }
    return api.exchange(
            CREATE_ORDER,
            HttpMethod.POST,
            ORDERS,
            body.toBuffer(),
            request.idempotencyKey(),
            credentials)
        .recover(err -> Future.failedFuture(PayPalError.refusal(err, CREATE_ORDER)))
        .map(response -> started(request, response));
  }

  /**
   * Makes sure the order is never captured through Paybridge: succeeds without a call to void it
   * (an uncaptured CAPTURE order cannot be voided and expires), and when PayPal does not know the
   * order (expired); fails, not retryably, when PayPal has captured it.
   */
  Future<Void> cancel(CaptureRequest request, Credentials credentials) {
    String orderId;
    try {
      requireApiCredentials(credentials, SHOW_ORDER);
      orderId = orderId(request.reference(), SHOW_ORDER);
    } catch (PermanentGatewayException e) {
      return Future.failedFuture(e);
    }
    return show(orderId, credentials)
        .transform(
            done -> {
              if (done.failed()) {
                if (done.cause() instanceof GatewayApiException e && e.status() == 404) {
                  LOG.info(() -> "PayPal has no order " + orderId + " to cancel: it has expired");
                  return Future.succeededFuture();
                }
                return Future.failedFuture(done.cause());
              }
              JsonObject capture = firstCapture(done.result());
              String status = capture == null ? null : upper(Json.optString(capture, "status"));
              if (status != null && !status.equals("DECLINED") && !status.equals("FAILED")) {
                return Future.failedFuture(
                    new PermanentGatewayException(
                        PayPalPlugin.ID,
                        "cancel order",
                        "PayPal has captured order "
                            + orderId
                            + " (capture "
                            + Json.optString(capture, "id")
                            + ", "
                            + status
                            + "): a captured payment cannot be cancelled, only refunded"));
              }
              LOG.info(
                  () ->
                      "PayPal order "
                          + orderId
                          + " of checkout "
                          + request.checkoutId()
                          + " cancelled: it is not captured and expires unused");
              return Future.succeededFuture();
            });
  }

  /** {@code GET /v2/checkout/orders/{id}}: the order as PayPal has it now. */
  Future<JsonObject> show(String orderId, Credentials credentials) {
    return api.exchange(SHOW_ORDER, HttpMethod.GET, ORDERS + "/" + orderId, null, null, credentials)
        .recover(err -> Future.failedFuture(PayPalError.refusal(err, SHOW_ORDER)))
        .map(response -> response.json(PayPalPlugin.ID, SHOW_ORDER));
  }

  private static StartedCheckout started(CheckoutRequest request, GatewayHttp.Response response) {
    JsonObject order = response.json(PayPalPlugin.ID, CREATE_ORDER);
    String id = Json.optString(order, "id");
    if (id == null || !ORDER_ID.matcher(id).matches()) {
      throw new PermanentGatewayException(
          PayPalPlugin.ID, CREATE_ORDER, "PayPal's answer names no order id");
    }
    String approveUrl = link(order, "payer-action");
    if (approveUrl == null) {
      approveUrl = link(order, "approve");
    }
    if (approveUrl == null) {
      throw new PermanentGatewayException(
          PayPalPlugin.ID,
          CREATE_ORDER,
          "PayPal opened order " + id + " without a payer-action or approve link");
    }
    LOG.info(
        () ->
            "PayPal order "
                + id
                + " opened for checkout "
                + request.checkoutId()
                + " (Paypal-Debug-Id "
                + PayPalError.debugId(response)
                + ")");
    return new StartedCheckout(
        id, new JsonObject().put("orderId", id).put("approveUrl", approveUrl));
  }

  /** The order PayPal is asked to open. */
  static JsonObject orderBody(CheckoutRequest request) {
    String currency = request.currency().toUpperCase(Locale.ROOT);
    requireShort(request.checkoutId(), "invoice_id (the checkout id)");
    requireShort(request.customerRef(), "custom_id (the customer reference)");
    JsonObject unit =
        new JsonObject()
            .put("reference_id", request.checkoutId())
            .put("invoice_id", request.checkoutId())
            .put("custom_id", request.customerRef())
            .put(
                "amount",
                new JsonObject()
                    .put("currency_code", currency)
                    .put("value", value(request.amountMinor(), currency)));
    if (request.description() != null && !request.description().isBlank()) {
      unit.put("description", shorten(request.description().strip()));
    }
    JsonObject body =
        new JsonObject().put("intent", "CAPTURE").put("purchase_units", new JsonArray().add(unit));
    if (request.returnUrl() != null && !request.returnUrl().isBlank()) {
      body.put(
          "payment_source",
          new JsonObject()
              .put(
                  "paypal",
                  new JsonObject()
                      .put(
                          "experience_context",
                          new JsonObject()
                              .put("return_url", request.returnUrl())
                              .put("cancel_url", request.returnUrl()))));
    }
    return body;
  }

  /** The amount as PayPal writes it: {@code 1099 USD → "10.99"}, {@code 1500 JPY → "1500"}. */
  static String value(long minor, String currency) {
    BigDecimal major;
    try {
      major = BigDecimal.valueOf(minor).movePointLeft(Money.exponent(currency));
    } catch (MalformedWebhookException e) {
      throw new PermanentGatewayException(PayPalPlugin.ID, CREATE_ORDER, e.getMessage());
    }
    if (!WHOLE_UNITS_ONLY.contains(currency)) {
      return major.toPlainString();
    }
    try {
      return major.setScale(0, RoundingMode.UNNECESSARY).toPlainString();
    } catch (ArithmeticException e) {
      throw new PermanentGatewayException(
          PayPalPlugin.ID,
          CREATE_ORDER,
          "PayPal takes whole "
              + currency
              + " only, and "
              + major.toPlainString()
              + " "
              + currency
              + " has a fraction");
    }
  }

  /** The first capture of the order's first purchase unit, or {@code null}. */
  static JsonObject firstCapture(JsonObject order) {
    JsonArray units = Json.optArray(order, "purchase_units");
    if (units == null || units.isEmpty() || !(units.getValue(0) instanceof JsonObject unit)) {
      return null;
    }
    JsonArray captures = Json.optArray(unit, "payments.captures");
    return captures != null && !captures.isEmpty() && captures.getValue(0) instanceof JsonObject c
        ? c
        : null;
  }

  /** The order id the reference must be, or a failure naming it. */
  static String orderId(String reference, String operation) {
    if (reference == null || !ORDER_ID.matcher(reference).matches()) {
      throw new PermanentGatewayException(
          PayPalPlugin.ID, operation, "'" + reference + "' is not a PayPal order id");
    }
    return reference;
  }

  /** The account's client id and secret, which every Orders call needs for its token. */
  static void requireApiCredentials(Credentials credentials, String operation) {
    String missing = credentials.firstMissing(PayPalPlugin.CLIENT_ID, PayPalPlugin.CLIENT_SECRET);
    if (missing != null) {
      throw new PermanentGatewayException(
          PayPalPlugin.ID,
          operation,
          "the PayPal account has no '"
              + missing
              + "': add the REST app's client ID and secret to its credentials");
    }
  }

  /** An idempotency key PayPal takes as {@code PayPal-Request-Id}. */
  static void requireRequestId(String key, String operation) {
    if (key.isBlank() || key.length() > MAX_REQUEST_ID) {
      throw new PermanentGatewayException(
          PayPalPlugin.ID,
          operation,
          "PayPal-Request-Id must be 1 to " + MAX_REQUEST_ID + " characters");
    }
  }

  static String upper(String s) {
    return s == null || s.isBlank() ? null : s.strip().toUpperCase(Locale.ROOT);
  }

  private static void requireShort(String value, String field) {
    if (value.isEmpty() || value.length() > MAX_TEXT) {
      throw new PermanentGatewayException(
          PayPalPlugin.ID,
          CREATE_ORDER,
          "PayPal keeps 1 to " + MAX_TEXT + " characters in " + field + ", this is too long");
    }
  }

  /** A description cut to what PayPal keeps, never inside a surrogate pair. */
  private static String shorten(String text) {
    if (text.length() <= MAX_TEXT) {
      return text;
    }
    int end = MAX_TEXT;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end);
  }

  private static String link(JsonObject order, String rel) {
    JsonArray links = Json.optArray(order, "links");
    if (links == null) {
      return null;
    }
    for (int i = 0; i < links.size(); i++) {
      if (links.getValue(i) instanceof JsonObject link
          && rel.equals(Json.optString(link, "rel"))
          && Json.optString(link, "href") != null) {
        return Json.optString(link, "href");
      }
    }
    return null;
  }
}
