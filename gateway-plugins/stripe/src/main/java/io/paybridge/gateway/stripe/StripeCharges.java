package io.paybridge.gateway.stripe;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayApi;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PermanentGatewayException;
import io.paybridge.spi.StoredPaymentMethods.ChargeOutcome;
import io.paybridge.spi.StoredPaymentMethods.MethodDetails;
import io.paybridge.spi.StoredPaymentMethods.OffSessionCharge;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Stored payment methods and off-session charges at Stripe: {@code GET /v1/payment_methods/<id>} to
 * check a method and read its brand and last four digits, {@code POST /v1/payment_intents} with
 * {@code off_session=true&confirm=true} to charge it, {@code GET /v1/payment_intents/<id>} to learn
 * how a processing payment ended.
 *
 * <p>The charge's idempotency key goes out as Stripe's {@code Idempotency-Key} with the same
 * parameters on every try, so Stripe answers a retry with the first try's result instead of
 * charging again. A decline ({@code 402}, {@code card_error}) and a request Stripe refuses ({@code
 * 400}/{@code 404} with an error object: an unknown or detached method) are failed charges with
 * Stripe's code and message; {@code 409} (the same key still being processed), {@code 429}, a 5xx
 * or no answer leave the charge's outcome unknown and fail retryably.
 */
final class StripeCharges {

  static final String RETRIEVE_PAYMENT_METHOD = "retrieve payment method";
  static final String CREATE_PAYMENT_INTENT = "create payment intent";
  static final String RETRIEVE_PAYMENT_INTENT = "retrieve payment intent";

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_]{1,255}");

  private final GatewayApi api;

  StripeCharges(GatewayApi api) {
    this.api = api;
  }

  Future<MethodDetails> describe(String customer, String paymentMethod, Credentials credentials) {
    if (!isId(customer) || !isId(paymentMethod)) {
      return Future.failedFuture(
          StripeApi.permanent(
              RETRIEVE_PAYMENT_METHOD, "the customer and payment method must be Stripe ids"));
    }
    return StripeApi.apiKey(api, credentials, RETRIEVE_PAYMENT_METHOD)
        .compose(
            key ->
                api.call(
                    RETRIEVE_PAYMENT_METHOD,
                    HttpMethod.GET,
                    "/v1/payment_methods/" + paymentMethod,
                    StripeApi.headers(key),
                    null))
        .map(
            method -> {
              String owner = Json.optString(method, "customer");
              if (!customer.equals(owner)) {
                throw StripeApi.permanent(
                    RETRIEVE_PAYMENT_METHOD,
                    "payment method "
                        + paymentMethod
                        + (owner == null
                            ? " is not attached to a customer"
                            : " belongs to another customer")
                        + ": attach it to "
                        + customer
                        + " first");
              }
              return new MethodDetails(
                  Json.optString(method, "card.brand"), Json.optString(method, "card.last4"));
            });
  }

  Future<ChargeOutcome> charge(
      OffSessionCharge charge, String customerRefKey, Credentials credentials) {
    if (!isId(charge.customer()) || !isId(charge.paymentMethod())) {
      return Future.failedFuture(
          StripeApi.permanent(
              CREATE_PAYMENT_INTENT, "the customer and payment method must be Stripe ids"));
    }
    String currency = charge.currency().toUpperCase(Locale.ROOT);
    return StripeApi.apiKey(api, credentials, CREATE_PAYMENT_INTENT)
        .compose(
            key ->
                charge.gatewayPaymentId() == null
                    ? create(charge, currency, customerRefKey, key)
                    : retrieve(charge.gatewayPaymentId(), key))
        .map(intent -> outcome(intent, charge.customerRef()))
        .recover(err -> refusal(err, charge.gatewayPaymentId()));
  }

  private Future<JsonObject> create(
      OffSessionCharge charge, String currency, String customerRefKey, String key) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("amount", Long.toString(StripeAmounts.fromIsoMinor(charge.amountMinor(), currency)));
    form.put("currency", currency.toLowerCase(Locale.ROOT));
    form.put("customer", charge.customer());
    form.put("payment_method", charge.paymentMethod());
    form.put("off_session", "true");
    form.put("confirm", "true");
    if (charge.description() != null) {
      form.put("description", charge.description());
    }
    if (charge.customerRef() != null) {
      form.put("metadata[" + customerRefKey + "]", charge.customerRef());
    }
    charge.metadata().forEach((k, v) -> form.put("metadata[" + k + "]", v));
    Map<String, String> headers = StripeApi.headers(key);
    headers.put("Content-Type", "application/x-www-form-urlencoded");
    headers.put("Idempotency-Key", charge.idempotencyKey());
    return api.call(
        CREATE_PAYMENT_INTENT,
        HttpMethod.POST,
        "/v1/payment_intents",
        headers,
        Buffer.buffer(GatewayHttp.formEncode(form)));
  }

  private Future<JsonObject> retrieve(String intent, String key) {
    if (!isId(intent)) {
      return Future.failedFuture(
          StripeApi.permanent(
              RETRIEVE_PAYMENT_INTENT, "'" + intent + "' is not a Stripe payment intent id"));
    }
    return api.call(
        RETRIEVE_PAYMENT_INTENT,
        HttpMethod.GET,
        "/v1/payment_intents/" + intent,
        StripeApi.headers(key),
        null);
  }

  /** What a payment intent's status says of the charge. */
  private static ChargeOutcome outcome(JsonObject intent, String customerRef) {
    try {
      String id = Json.requireString(intent, "id");
      String status = Json.requireString(intent, "status");
      return switch (status) {
        case "succeeded" -> ChargeOutcome.succeeded(id, booking(intent, id, customerRef));
        case "processing" -> ChargeOutcome.pending(id);
        default -> {
          // requires_action (the bank wants the customer present), requires_payment_method (the
          // attempt failed), canceled: no money moved, and none will without the customer.
          String code = Json.optString(intent, "last_payment_error.code");
          String message = Json.optString(intent, "last_payment_error.message");
          yield ChargeOutcome.failed(
              id,
              code != null
                  ? code
                  : "requires_action".equals(status) ? "authentication_required" : status,
              message != null ? message : "the payment is " + status.replace('_', ' '));
        }
      };
    } catch (MalformedWebhookException e) {
      throw StripeApi.permanent(
          CREATE_PAYMENT_INTENT, "Stripe's payment intent is malformed: " + e.getMessage());
    }
  }

  /** The entry a succeeded charge books, keyed as {@code payment_intent.succeeded} keys it. */
  private static PaymentEvent booking(JsonObject intent, String id, String customerRef) {
    String currency = io.paybridge.spi.Money.currency(Json.requireString(intent, "currency"));
    String field = intent.getValue("amount_received") != null ? "amount_received" : "amount";
    long amount = StripeAmounts.toIsoMinor(Json.requireLong(intent, field), currency, field);
    Long created = Json.optLong(intent, "created");
    return PaymentEvent.builder(
            EventKind.PAYMENT,
            "payment:" + id,
            created == null ? Instant.now() : Instant.ofEpochSecond(created))
        .amount(amount, currency)
        .externalPaymentId(id)
        .customerRef(customerRef)
        .build();
  }

  /**
   * A failed call as an outcome when Stripe's answer settles it: a decline, or a request it refused
   * outright; otherwise the failure as it is (retryable unless permanent).
   */
  private static Future<ChargeOutcome> refusal(Throwable err, String knownIntent) {
    if (!(err instanceof GatewayApiException g) || g instanceof PermanentGatewayException) {
      return Future.failedFuture(err);
    }
    if (g.status() == 409) {
      // Stripe is still working on the first request with this key: ask again later.
      return Future.failedFuture(
          new GatewayApiException(StripePlugin.ID, CREATE_PAYMENT_INTENT, g));
    }
    JsonObject error = errorObject(g);
    if (error != null && (g.status() == 402 || g.status() == 400 || g.status() == 404)) {
      String code = Json.optString(error, "code");
      String intent = Json.optString(error, "payment_intent.id");
      return Future.succeededFuture(
          ChargeOutcome.failed(
              intent != null ? intent : knownIntent,
              code != null ? code : Json.optString(error, "type"),
              Json.optString(error, "message")));
    }
    return Future.failedFuture(err);
  }

  /** Stripe's {@code error} object from a failure's whole answer, or null. */
  private static JsonObject errorObject(GatewayApiException g) {
    if (g.body() == null) {
      return null;
    }
    try {
      Object error = new JsonObject(g.body()).getValue("error");
      return error instanceof JsonObject e ? e : null;
    } catch (DecodeException e) {
      return null;
    }
  }

  private static boolean isId(String id) {
    return id != null && ID.matcher(id).matches();
  }
}
