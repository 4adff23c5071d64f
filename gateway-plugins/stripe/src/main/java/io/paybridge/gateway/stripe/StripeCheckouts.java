package io.paybridge.gateway.stripe;

import io.paybridge.spi.Captures.CaptureOutcome;
import io.paybridge.spi.Captures.CaptureRequest;
import io.paybridge.spi.Checkouts.CheckoutRequest;
import io.paybridge.spi.Checkouts.StartedCheckout;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayApi;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PermanentGatewayException;
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
 * Checkouts at Stripe: a PaymentIntent with {@code capture_method=manual} that the customer's
 * client confirms with Stripe.js and its client secret, captured ({@code POST
 * /v1/payment_intents/{id}/capture}) or cancelled ({@code POST /v1/payment_intents/{id}/cancel}) by
 * the platform once Stripe says it may, and the Radar review an authorization waits on ({@code GET
 * /v1/reviews/{id}}).
 *
 * <p>Every POST carries the request's idempotency key as Stripe's {@code Idempotency-Key}, with the
 * same parameters on every try, so Stripe answers a retry with the first try's result. A capture or
 * cancel Stripe refuses as {@code payment_intent_unexpected_state} (already captured, already
 * cancelled, not yet authorized) is answered from the PaymentIntent as Stripe holds it then: a
 * capture reports captured, waiting or failed truthfully, and cancelling a cancelled payment
 * succeeds. {@code 409} (the same key still being processed), {@code 429}, a 5xx or no answer leave
 * the outcome unknown and fail retryably.
 */
final class StripeCheckouts {

  static final String CREATE_CHECKOUT = "create checkout payment intent";
  static final String CAPTURE = "capture payment intent";
  static final String CANCEL = "cancel payment intent";
  static final String RETRIEVE = "retrieve payment intent";
  static final String RETRIEVE_REVIEW = "retrieve review";

  /** The metadata key that names the Paybridge checkout of a PaymentIntent. */
  static final String CHECKOUT_METADATA = "paybridge_checkout";

  static final String UNEXPECTED_STATE = "payment_intent_unexpected_state";

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_]{1,255}");

  private final GatewayApi api;

  StripeCheckouts(GatewayApi api) {
    this.api = api;
  }

  /**
   * {@code POST /v1/payment_intents}: the amount in Stripe's units, the currency in lower case,
   * {@code capture_method=manual}, the checkout and the customer reference in metadata (the latter
   * under the account's {@code customerRefKey}, where webhooks read it), the description.
   */
  Future<StartedCheckout> start(CheckoutRequest request, Credentials credentials) {
    String currency = request.currency().toUpperCase(Locale.ROOT);
    Map<String, String> form = new LinkedHashMap<>();
    form.put("amount", Long.toString(StripeAmounts.fromIsoMinor(request.amountMinor(), currency)));
    form.put("currency", currency.toLowerCase(Locale.ROOT));
    form.put("capture_method", "manual");
    if (request.description() != null) {
      form.put("description", request.description());
    }
    form.put("metadata[" + CHECKOUT_METADATA + "]", request.checkoutId());
    form.put("metadata[" + StripePlugin.customerRefKey(credentials) + "]", request.customerRef());
    return StripeApi.apiKey(api, credentials, CREATE_CHECKOUT)
        .compose(
            key ->
                post(CREATE_CHECKOUT, "/v1/payment_intents", form, request.idempotencyKey(), key))
        .map(intent -> started(intent, credentials))
        .recover(err -> Future.failedFuture(inProgressIsRetryable(err, CREATE_CHECKOUT)));
  }

  private static StartedCheckout started(JsonObject intent, Credentials credentials) {
    try {
      String id = Json.requireString(intent, "id");
      JsonObject client =
          new JsonObject()
              .put("clientSecret", Json.requireString(intent, "client_secret"))
              .put("paymentIntentId", id);
      String publishable = credentials.get(StripePlugin.PUBLISHABLE_KEY);
      if (publishable != null) {
        client.put("publishableKey", publishable);
      }
      return new StartedCheckout(id, client);
    } catch (MalformedWebhookException e) {
      throw StripeApi.permanent(
          CREATE_CHECKOUT, "Stripe's payment intent is malformed: " + e.getMessage());
    }
  }

  /**
   * Captures the whole authorized amount, under the request's idempotency key. Stripe keeps the
   * answer to a keyed request that started executing, refusals included, for 24 hours: a capture
   * sent before the customer authorized would poison the checkout's key. So the payment intent is
   * read first, and the capture is sent only while it is {@code requires_capture}; in any other
   * status the status is the answer.
   */
  Future<CaptureOutcome> capture(CaptureRequest request, Credentials credentials) {
    String customerRefKey = StripePlugin.customerRefKey(credentials);
    if (!isId(request.reference())) {
      return Future.failedFuture(notAnIntent(CAPTURE, request.reference()));
    }
    return StripeApi.apiKey(api, credentials, CAPTURE)
        .compose(
            key ->
                retrieve(request.reference(), key)
                    .compose(
                        intent ->
                            "requires_capture".equals(Json.optString(intent, "status"))
                                ? sendCapture(request, customerRefKey, key)
                                : Future.succeededFuture(
                                    outcome(intent, request, customerRefKey))));
  }

  private Future<CaptureOutcome> sendCapture(
      CaptureRequest request, String customerRefKey, String key) {
    return post(
            CAPTURE,
            "/v1/payment_intents/" + request.reference() + "/capture",
            Map.of(),
            request.idempotencyKey(),
            key)
        .map(intent -> outcome(intent, request, customerRefKey))
        .recover(
            err ->
                StripeApi.isError(err, 400, UNEXPECTED_STATE)
                    ? retrieve(request.reference(), key)
                        .map(intent -> outcome(intent, request, customerRefKey))
                    : refusal(err));
  }

  /** Releases the authorization; a payment Stripe already cancelled counts as cancelled. */
  Future<Void> cancel(CaptureRequest request, Credentials credentials) {
    if (!isId(request.reference())) {
      return Future.failedFuture(notAnIntent(CANCEL, request.reference()));
    }
    return StripeApi.apiKey(api, credentials, CANCEL)
        .compose(
            key ->
                post(
                        CANCEL,
                        "/v1/payment_intents/" + request.reference() + "/cancel",
                        Map.of(),
                        request.idempotencyKey(),
                        key)
                    .<Void>mapEmpty()
                    .recover(
                        err ->
                            StripeApi.isError(err, 400, UNEXPECTED_STATE)
                                ? retrieve(request.reference(), key)
                                    .compose(intent -> cancelledAlready(request, intent))
                                : Future.failedFuture(inProgressIsRetryable(err, CANCEL))));
  }

  private static Future<Void> cancelledAlready(CaptureRequest request, JsonObject intent) {
    String status = Json.optString(intent, "status");
    if ("canceled".equals(status)) {
      return Future.succeededFuture();
    }
    return Future.failedFuture(
        StripeApi.permanent(
            CANCEL,
            "payment intent "
                + request.reference()
                + " is "
                + status
                + ": Stripe cancels only payments not yet captured"));
  }

  /** {@code GET /v1/reviews/{id}}: the Radar review a payment waits on. */
  Future<JsonObject> review(String reviewId, String apiKey) {
    if (!isId(reviewId)) {
      return Future.failedFuture(
          StripeApi.permanent(RETRIEVE_REVIEW, "'" + reviewId + "' is not a Stripe review id"));
    }
    return api.call(
        RETRIEVE_REVIEW,
        HttpMethod.GET,
        "/v1/reviews/" + reviewId,
        StripeApi.headers(apiKey),
        null);
  }

  private Future<JsonObject> retrieve(String intent, String key) {
    return api.call(
        RETRIEVE, HttpMethod.GET, "/v1/payment_intents/" + intent, StripeApi.headers(key), null);
  }

  private Future<JsonObject> post(
      String operation, String path, Map<String, String> form, String idempotencyKey, String key) {
    Map<String, String> headers = StripeApi.headers(key);
    headers.put("Content-Type", "application/x-www-form-urlencoded");
    headers.put("Idempotency-Key", idempotencyKey);
    return api.call(
        operation, HttpMethod.POST, path, headers, Buffer.buffer(GatewayHttp.formEncode(form)));
  }

  /**
   * What a payment intent's status says of its capture: succeeded books the received amount under
   * the key {@code payment_intent.succeeded} uses; not yet authorized waits; canceled fails.
   */
  private static CaptureOutcome outcome(
      JsonObject intent, CaptureRequest request, String customerRefKey) {
    try {
      String id = Json.requireString(intent, "id");
      String status = Json.requireString(intent, "status");
      return switch (status) {
        case "succeeded" -> CaptureOutcome.captured(booking(intent, id, request, customerRefKey));
        case "canceled" ->
            CaptureOutcome.failed(
                "canceled",
                "payment intent "
                    + id
                    + " was canceled"
                    + reasonSuffix(Json.optString(intent, "cancellation_reason")));
        case "requires_capture" ->
            throw new GatewayApiException(
                StripePlugin.ID, CAPTURE, 0, "payment intent " + id + " is still to be captured");
        default ->
            CaptureOutcome.waiting(
                status,
                "payment intent "
                    + id
                    + " is "
                    + status.replace('_', ' ')
                    + ": the customer has not completed the payment yet");
      };
    } catch (MalformedWebhookException e) {
      throw StripeApi.permanent(CAPTURE, "Stripe's payment intent is malformed: " + e.getMessage());
    }
  }

  private static PaymentEvent booking(
      JsonObject intent, String id, CaptureRequest request, String customerRefKey) {
    String currency = Money.currency(Json.requireString(intent, "currency"));
    long amount =
        StripeAmounts.toIsoMinor(
            Json.requireLong(intent, "amount_received"), currency, "amount_received");
    JsonObject metadata = Json.optObject(intent, "metadata");
    Object ref = metadata == null ? null : metadata.getValue(customerRefKey);
    Long created = Json.optLong(intent, "created");
    return PaymentEvent.builder(
            EventKind.PAYMENT,
            "payment:" + id,
            created == null ? Instant.now() : Instant.ofEpochSecond(created))
        .amount(amount, currency)
        .externalPaymentId(id)
        .customerRef(ref instanceof String s && !s.isBlank() ? s : request.customerRef())
        .email(Json.optString(intent, "receipt_email"))
        .build();
  }

  /**
   * A capture Stripe refused as a card error (an authorization that expired) fails it; anything
   * else is the failure as it is, {@code 409} made retryable.
   */
  private static Future<CaptureOutcome> refusal(Throwable err) {
    if (err instanceof GatewayApiException g
        && !(g instanceof PermanentGatewayException)
        && g.status() == 402) {
      JsonObject error = errorObject(g);
      if (error != null) {
        String code = Json.optString(error, "code");
        return Future.succeededFuture(
            CaptureOutcome.failed(
                code != null ? code : "card_error", Json.optString(error, "message")));
      }
    }
    return Future.failedFuture(inProgressIsRetryable(err, CAPTURE));
  }

  /** Stripe's {@code 409}: the first request with this key is still running. Ask again later. */
  private static Throwable inProgressIsRetryable(Throwable err, String operation) {
    if (err instanceof GatewayApiException g
        && !(g instanceof PermanentGatewayException)
        && g.status() == 409) {
      return new GatewayApiException(StripePlugin.ID, operation, g);
    }
    return err;
  }

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

  private static String reasonSuffix(String reason) {
    return reason == null ? "" : " (" + reason + ")";
  }

  private static PermanentGatewayException notAnIntent(String operation, String reference) {
    return StripeApi.permanent(operation, "'" + reference + "' is not a Stripe payment intent id");
  }

  private static boolean isId(String id) {
    return id != null && ID.matcher(id).matches();
  }
}
