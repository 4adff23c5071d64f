package io.paybridge.gateway.stripe;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayApi;
import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.PaymentMethodSetup.SetupResult;
import io.paybridge.spi.PaymentMethodSetup.SetupStart;
import io.paybridge.spi.PaymentMethodSetup.SetupStatus;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Saving a customer's card at Stripe with a SetupIntent, confirmed in the customer's browser by
 * Stripe.js: {@code POST /v1/customers} when the customer is new, {@code POST /v1/setup_intents}
 * for off-session card use, and {@code GET /v1/setup_intents/<id>} to learn how it ended. Both
 * objects carry the tenant's customerRef in the metadata key the account books customer references
 * from.
 *
 * <p>The browser needs the account's publishable key; without one nothing is sent. Creating a
 * customer moves no money, so its {@code Idempotency-Key} is fresh for each call: it makes Stripe's
 * own retries safe, and a repeated start at worst leaves an unused customer.
 */
final class StripeSetups {

  static final String CREATE_CUSTOMER = "create customer";
  static final String CREATE_SETUP_INTENT = "create setup intent";
  static final String RETRIEVE_SETUP_INTENT = "retrieve setup intent";

  private static final Pattern CUSTOMER = Pattern.compile("cus_[A-Za-z0-9_]{1,250}");
  private static final Pattern SETUP_INTENT = Pattern.compile("seti_[A-Za-z0-9_]{1,250}");

  private final GatewayApi api;

  StripeSetups(GatewayApi api) {
    this.api = api;
  }

  Future<SetupStart> startSetup(String customerRef, String customer, Credentials credentials) {
    if (customerRef == null || customerRef.isBlank()) {
      return Future.failedFuture(
          StripeApi.permanent(CREATE_SETUP_INTENT, "a setup is started for a customerRef"));
    }
    if (customer != null && !CUSTOMER.matcher(customer).matches()) {
      return Future.failedFuture(
          StripeApi.permanent(
              CREATE_SETUP_INTENT, "'" + customer + "' is not a Stripe customer id"));
    }
    String refKey = customerRefKey(credentials);
    return api.credential(
            credentials,
            StripePlugin.PUBLISHABLE_KEY,
            CREATE_SETUP_INTENT,
            "add the account's publishable key (pk_) in the gateway settings; the card form"
                + " customers save a card with needs it")
        .compose(
            publishableKey ->
                StripeApi.apiKey(api, credentials, CREATE_SETUP_INTENT)
                    .compose(
                        key ->
                            (customer != null
                                    ? Future.succeededFuture(customer)
                                    : createCustomer(customerRef, refKey, key))
                                .compose(id -> createIntent(id, customerRef, refKey, key)))
                    .map(intent -> start(intent, publishableKey)));
  }

  Future<SetupResult> setupResult(String setupId, Credentials credentials) {
    if (setupId == null || !SETUP_INTENT.matcher(setupId).matches()) {
      return Future.failedFuture(
          StripeApi.permanent(
              RETRIEVE_SETUP_INTENT, "'" + setupId + "' is not a Stripe setup intent id"));
    }
    String refKey = customerRefKey(credentials);
    return StripeApi.apiKey(api, credentials, RETRIEVE_SETUP_INTENT)
        .compose(
            key ->
                api.call(
                    RETRIEVE_SETUP_INTENT,
                    HttpMethod.GET,
                    "/v1/setup_intents/" + setupId,
                    StripeApi.headers(key),
                    null))
        .map(intent -> result(intent, refKey));
  }

  private Future<String> createCustomer(String customerRef, String refKey, String key) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("metadata[" + refKey + "]", customerRef);
    return post(CREATE_CUSTOMER, "/v1/customers", form, key, "paybridge-customer-")
        .map(created -> required(created, "id", CREATE_CUSTOMER));
  }

  private Future<JsonObject> createIntent(
      String customer, String customerRef, String refKey, String key) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("customer", customer);
    form.put("usage", "off_session");
    form.put("payment_method_types[]", "card");
    form.put("metadata[" + refKey + "]", customerRef);
    return post(CREATE_SETUP_INTENT, "/v1/setup_intents", form, key, "paybridge-setup-");
  }

  private Future<JsonObject> post(
      String operation, String path, Map<String, String> form, String key, String keyPrefix) {
    Map<String, String> headers = StripeApi.headers(key);
    headers.put("Content-Type", "application/x-www-form-urlencoded");
    headers.put("Idempotency-Key", keyPrefix + UUID.randomUUID());
    return api.call(
        operation, HttpMethod.POST, path, headers, Buffer.buffer(GatewayHttp.formEncode(form)));
  }

  private static SetupStart start(JsonObject intent, String publishableKey) {
    return new SetupStart(
        required(intent, "id", CREATE_SETUP_INTENT),
        idOf(intent, "customer", CREATE_SETUP_INTENT),
        required(intent, "client_secret", CREATE_SETUP_INTENT),
        publishableKey);
  }

  /** What a setup intent's status says of the saved card. */
  private static SetupResult result(JsonObject intent, String refKey) {
    try {
      return readResult(intent, refKey);
    } catch (MalformedWebhookException e) {
      throw StripeApi.permanent(
          RETRIEVE_SETUP_INTENT, "Stripe's setup intent is malformed: " + e.getMessage());
    }
  }

  private static SetupResult readResult(JsonObject intent, String refKey) {
    String status = required(intent, "status", RETRIEVE_SETUP_INTENT);
    JsonObject metadata = Json.optObject(intent, "metadata");
    String customerRef =
        metadata != null && metadata.getValue(refKey) instanceof String ref ? ref : null;
    return switch (status) {
      case "succeeded" ->
          new SetupResult(
              SetupStatus.SUCCEEDED,
              idOf(intent, "customer", RETRIEVE_SETUP_INTENT),
              idOf(intent, "payment_method", RETRIEVE_SETUP_INTENT),
              customerRef,
              null);
      case "processing", "requires_action", "requires_confirmation" ->
          new SetupResult(SetupStatus.PENDING, null, null, customerRef, null);
      case "requires_payment_method", "canceled" -> {
        String message = Json.optString(intent, "last_setup_error.message");
        yield new SetupResult(
            SetupStatus.FAILED,
            null,
            null,
            customerRef,
            message != null
                ? message
                : "canceled".equals(status)
                    ? "Saving the card was canceled."
                    : "No card was saved. Please enter your card details again.");
      }
      default ->
          throw StripeApi.permanent(
              RETRIEVE_SETUP_INTENT,
              "Stripe's setup intent has an unknown status '" + status + "'");
    };
  }

  /** The id in {@code field}, which Stripe gives as the id or, when expanded, as the object. */
  private static String idOf(JsonObject object, String field, String operation) {
    Object value = object.getValue(field);
    return value instanceof JsonObject expanded
        ? required(expanded, "id", operation)
        : required(object, field, operation);
  }

  private static String required(JsonObject object, String field, String operation) {
    try {
      return Json.requireString(object, field);
    } catch (MalformedWebhookException e) {
      throw StripeApi.permanent(operation, "Stripe's answer is malformed: " + e.getMessage());
    }
  }

  private static String customerRefKey(Credentials credentials) {
    return credentials.getOrDefault(
        StripePlugin.CUSTOMER_REF_KEY, StripePlugin.DEFAULT_CUSTOMER_REF_KEY);
  }
}
