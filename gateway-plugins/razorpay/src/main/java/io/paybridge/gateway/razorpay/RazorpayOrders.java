package io.paybridge.gateway.razorpay;

import io.paybridge.spi.Checkouts.CheckoutRequest;
import io.paybridge.spi.Checkouts.StartedCheckout;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayApi;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.paybridge.spi.PermanentGatewayException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.logging.Logger;

/**
 * Checkouts at Razorpay as Orders: {@code POST /v1/orders} with HTTP Basic (the account's key id
 * and secret) and {@code {amount, currency, receipt, notes}}: {@code amount} in the currency's
 * smallest unit as Razorpay takes it (paise for INR, whole yen, and for three-decimal currencies
 * such as KWD a last digit of 0, as Razorpay's guidelines require), {@code receipt} the checkout id
 * (at most 40 characters), and {@code notes} carrying the customer reference under the account's
 * {@code customerRefKey} and the checkout id under {@code paybridge_checkout}. The customer then
 * pays the order in Razorpay Checkout, opened with the order id and the key id.
 *
 * <p>Razorpay takes no idempotency key for orders. An order moves no money until the customer pays
 * it, so a start repeated after a lost answer at worst leaves one more unpaid order, which Razorpay
 * lets expire; the checkout keeps the order of the start that succeeded.
 *
 * <p>The reference is the order id; the client gets {@code {orderId, keyId, amount, currency,
 * notes}}, the options Razorpay Checkout takes. A refusal ({@code {"error":{"code", "description",
 * "field"}}}) fails with Razorpay's description, not retryably unless its status says so.
 */
final class RazorpayOrders {

  static final String CREATE_ORDER = "create order";

  /** The notes key under which the order names its checkout. */
  static final String CHECKOUT_NOTE = "paybridge_checkout";

  private static final int MAX_RECEIPT = 40;
  private static final int MAX_NOTE = 256;

  private static final Logger LOG = Logger.getLogger(RazorpayOrders.class.getName());

  private final GatewayApi api;
  private final BiFunction<Credentials, String, Future<String>> authorization;

  /**
   * @param authorization the account's Basic authorization for an operation, or a failure naming
   *     the missing credential
   */
  RazorpayOrders(GatewayApi api, BiFunction<Credentials, String, Future<String>> authorization) {
    this.api = api;
    this.authorization = authorization;
  }

  Future<StartedCheckout> start(
      CheckoutRequest request, String customerRefKey, Credentials credentials) {
    JsonObject body;
    try {
      body = orderBody(request, customerRefKey);
    } catch (PermanentGatewayException e) {
      return Future.failedFuture(e);
    }
    return authorization
        .apply(credentials, CREATE_ORDER)
        .compose(
            auth -> {
              Map<String, String> headers = new LinkedHashMap<>();
              headers.put("Authorization", auth);
              headers.put("Accept", "application/json");
              headers.put("Content-Type", "application/json");
              return api.call(CREATE_ORDER, HttpMethod.POST, "/v1/orders", headers, body.toBuffer())
                  .recover(err -> Future.failedFuture(refusal(err)));
            })
        .map(order -> started(request, body, order, credentials.get(RazorpayPlugin.KEY_ID)));
  }

  /** The order Razorpay is asked to create. */
  static JsonObject orderBody(CheckoutRequest request, String customerRefKey) {
    String currency = request.currency().toUpperCase(Locale.ROOT);
    int exponent;
    try {
      exponent = Money.exponent(currency);
    } catch (MalformedWebhookException e) {
      throw permanent(e.getMessage());
    }
    if (exponent == 3 && request.amountMinor() % 10 != 0) {
      throw permanent(
          "Razorpay takes "
              + currency
              + " amounts whose last decimal is 0, and "
              + Money.toMajor(request.amountMinor(), currency)
              + " is not one");
    }
    if (request.checkoutId().length() > MAX_RECEIPT) {
      throw permanent("Razorpay keeps a receipt of at most " + MAX_RECEIPT + " characters");
    }
    if (request.customerRef().length() > MAX_NOTE) {
      throw permanent("Razorpay keeps notes of at most " + MAX_NOTE + " characters");
    }
    return new JsonObject()
        .put("amount", request.amountMinor())
        .put("currency", currency)
        .put("receipt", request.checkoutId())
        .put(
            "notes",
            new JsonObject()
                .put(customerRefKey, request.customerRef())
                .put(CHECKOUT_NOTE, request.checkoutId()));
  }

  private static StartedCheckout started(
      CheckoutRequest request, JsonObject sent, JsonObject order, String keyId) {
    String id;
    try {
      id = Json.requireString(order, "id");
      if (!id.startsWith("order_")
          || Json.requireLong(order, "amount") != sent.getLong("amount")
          || !sent.getString("currency").equals(Json.optString(order, "currency"))) {
        throw permanent(
            "Razorpay answered with order "
                + id
                + " of "
                + order.getValue("amount")
                + " "
                + order.getValue("currency")
                + ", not the order asked for");
      }
    } catch (MalformedWebhookException e) {
      throw permanent("Razorpay's answer is not an order: " + e.getMessage());
    }
    LOG.info(() -> "Razorpay order " + id + " created for checkout " + request.checkoutId());
    return new StartedCheckout(
        id,
        new JsonObject()
            .put("orderId", id)
            .put("keyId", keyId)
            .put("amount", sent.getLong("amount"))
            .put("currency", sent.getString("currency"))
            .put("notes", sent.getJsonObject("notes").copy()));
  }

  /** Razorpay's refusal restated with its code, description and field; its status kept. */
  private static Throwable refusal(Throwable err) {
    if (!(err instanceof GatewayApiException e)
        || err instanceof PermanentGatewayException
        || e.body() == null) {
      return err;
    }
    JsonObject error;
    try {
      error = new JsonObject(e.body()).getJsonObject("error");
    } catch (RuntimeException notRazorpays) {
      return err;
    }
    if (error == null || !(error.getValue("description") instanceof String description)) {
      return err;
    }
    String detail =
        (error.getValue("code") instanceof String code ? code + ": " : "")
            + description
            + (error.getValue("field") instanceof String field ? " (field " + field + ")" : "");
    LOG.warning(
        () -> "Razorpay " + CREATE_ORDER + " failed with HTTP " + e.status() + ": " + detail);
    return new GatewayApiException(RazorpayPlugin.ID, CREATE_ORDER, e.status(), detail, e.body());
  }

  private static PermanentGatewayException permanent(String detail) {
    return new PermanentGatewayException(RazorpayPlugin.ID, CREATE_ORDER, detail);
  }
}
