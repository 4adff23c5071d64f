package io.paybridge.gateway.stripe;

import io.paybridge.testkit.Answer;
import io.paybridge.testkit.ApiCall;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Customers and SetupIntents as {@link StripeApiFake} plays them, and the stand-in for Stripe.js
 * the fake serves at {@code /v3/} (the resource {@code stripe-v3.js}). State lives here, guarded by
 * the fake's lock, so that a confirmed card becomes one of the fake's payment methods, charged
 * off-session as any other.
 *
 * <ul>
 *   <li>{@code POST /v1/customers}, {@code POST /v1/setup_intents} ({@code customer} must exist:
 *       else {@code 400 resource_missing}) and {@code GET /v1/setup_intents/{id}}, with the secret
 *       key; POSTs under the fake's idempotency rules.
 *   <li>{@code POST /v1/setup_intents/{id}/confirm} as Stripe.js calls it from the customer's
 *       browser: the publishable key (form {@code key} or a bearer token), the intent's {@code
 *       client_secret}, the card in {@code payment_method_data}. It answers CORS, and the
 *       publishable key's view of the intent (no customer, no metadata).
 *   <li>The cards {@link StripeTestCards} says Stripe saves, declines or refuses; a saved {@value
 *       StripeTestCards#DECLINES_LATER} is declined on every off-session charge.
 * </ul>
 */
final class StripeSetupFake {

  private final StripeApiFake fake;
  private final String script;
  private final Map<String, JsonObject> customers = new LinkedHashMap<>();
  private final Map<String, JsonObject> intents = new LinkedHashMap<>();

  StripeSetupFake(StripeApiFake fake) {
    this.fake = fake;
    try (InputStream in = StripeSetupFake.class.getResourceAsStream("stripe-v3.js")) {
      if (in == null) {
        throw new IllegalStateException("stripe-v3.js is missing from the test classpath");
      }
      this.script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The routes a customer's browser calls, which take no secret key: add them before its check. */
  void browserRoutes(Router router) {
    router
        .getWithRegex("/v3/?")
        .handler(ctx -> fake.send(ctx, Answer.of(200, "text/javascript; charset=utf-8", script)));
    router
        .options("/v1/setup_intents/:id/confirm")
        .handler(
            ctx ->
                fake.send(
                    ctx,
                    cors(Answer.empty(204))
                        .withHeader("Access-Control-Allow-Headers", "Authorization, Content-Type")
                        .withHeader("Access-Control-Allow-Methods", "POST")
                        .withHeader("Access-Control-Max-Age", "600")));
    router
        .post("/v1/setup_intents/:id/confirm")
        .handler(
            ctx -> {
              ApiCall call = StripeApiFake.request(ctx);
              String auth = call.header("Authorization");
              String key =
                  auth != null && auth.startsWith("Bearer ")
                      ? auth.substring("Bearer ".length()).strip()
                      : call.form().get("key");
              fake.send(ctx, cors(confirm(ctx.pathParam("id"), key, call.form())));
            });
  }

  /** The routes that take the secret key: add them after its check. */
  void routes(Router router) {
    router
        .post("/v1/customers")
        .handler(
            ctx ->
                fake.send(ctx, fake.idempotent(StripeApiFake.request(ctx), this::createCustomer)));
    router
        .post("/v1/setup_intents")
        .handler(
            ctx -> fake.send(ctx, fake.idempotent(StripeApiFake.request(ctx), this::createIntent)));
    router
        .get("/v1/setup_intents/:id")
        .handler(ctx -> fake.send(ctx, retrieve(ctx.pathParam("id"))));
  }

  // ---- state, for tests

  JsonObject setupIntent(String id) {
    synchronized (fake) {
      JsonObject intent = intents.get(id);
      return intent == null ? null : intent.copy();
    }
  }

  List<JsonObject> customers() {
    synchronized (fake) {
      return customers.values().stream().map(JsonObject::copy).toList();
    }
  }

  /** Confirms as Stripe.js would with this card, expiring in two years, CVC 123. */
  JsonObject confirm(String id, String cardNumber) {
    Map<String, String> form = new LinkedHashMap<>();
    synchronized (fake) {
      JsonObject intent = intents.get(id);
      form.put("client_secret", intent == null ? "" : intent.getString("client_secret"));
    }
    form.put("payment_method_data[type]", "card");
    form.put("payment_method_data[card][number]", cardNumber);
    form.put("payment_method_data[card][exp_month]", "12");
    form.put(
        "payment_method_data[card][exp_year]",
        Integer.toString(YearMonth.now(ZoneOffset.UTC).getYear() + 2));
    form.put("payment_method_data[card][cvc]", "123");
    return new JsonObject(confirm(id, fake.publishableKey(), form).body());
  }

  // ---- endpoints

  private Answer createCustomer(ApiCall call) {
    Map<String, String> form = call.form();
    String id = StripeSimulator.newId("cus_");
    JsonObject customer =
        new JsonObject()
            .put("id", id)
            .put("object", "customer")
            .put("created", Instant.now().getEpochSecond())
            .put("description", form.get("description"))
            .put("email", form.get("email"))
            .put("livemode", false)
            .put("metadata", metadata(form))
            .put("name", form.get("name"));
    synchronized (fake) {
      customers.put(id, customer);
    }
    return StripeApiFake.json(200, customer.copy());
  }

  private Answer createIntent(ApiCall call) {
    Map<String, String> form = call.form();
    String customer = form.get("customer");
    String usage = form.getOrDefault("usage", "off_session");
    String type = form.getOrDefault("payment_method_types[]", "card");
    synchronized (fake) {
      if (customer != null && !customers.containsKey(customer)) {
        return StripeApiFake.error(
            400,
            "invalid_request_error",
            "resource_missing",
            "No such customer: '" + customer + "'",
            "customer");
      }
      if (!Set.of("on_session", "off_session").contains(usage) || !"card".equals(type)) {
        return StripeApiFake.error(
            400,
            "invalid_request_error",
            "parameter_invalid_string",
            "This fake sets up cards for on_session or off_session usage only.",
            "card".equals(type) ? "usage" : "payment_method_types");
      }
      String id = StripeSimulator.newId("seti_");
      JsonObject intent =
          new JsonObject()
              .put("id", id)
              .put("object", "setup_intent")
              .put("cancellation_reason", null)
              .put("client_secret", id + "_secret_" + StripeSimulator.newId(""))
              .put("created", Instant.now().getEpochSecond())
              .put("customer", customer)
              .put("description", form.get("description"))
              .put("last_setup_error", null)
              .put("livemode", false)
              .put("metadata", metadata(form))
              .put("next_action", null)
              .put("payment_method", null)
              .put("payment_method_types", new JsonArray().add(type))
              .put("status", "requires_payment_method")
              .put("usage", usage);
      intents.put(id, intent);
      return StripeApiFake.json(200, intent.copy());
    }
  }

  private Answer retrieve(String id) {
    JsonObject intent = setupIntent(id);
    return intent == null
        ? StripeApiFake.noSuch("setupintent", id, "intent")
        : StripeApiFake.json(200, intent);
  }

  /** {@code POST /v1/setup_intents/{id}/confirm} with the publishable key and a card. */
  private Answer confirm(String id, String key, Map<String, String> form) {
    if (key == null || key.isEmpty() || !key.equals(fake.publishableKey())) {
      String shown = key != null && key.length() > 4 ? key.substring(key.length() - 4) : "";
      return StripeApiFake.error(
          401,
          "invalid_request_error",
          null,
          key == null || key.isEmpty()
              ? "You did not provide an API key. Stripe.js sends the publishable key as 'key'."
              : "Invalid API Key provided: pk_****" + shown,
          null);
    }
    synchronized (fake) {
      JsonObject intent = intents.get(id);
      if (intent == null) {
        return StripeApiFake.noSuch("setupintent", id, "intent");
      }
      if (!intent.getString("client_secret").equals(form.get("client_secret"))) {
        return StripeApiFake.error(
            400,
            "invalid_request_error",
            null,
            "The client_secret provided does not match the client_secret associated with the"
                + " SetupIntent.",
            "client_secret");
      }
      String status = intent.getString("status");
      if (!"requires_payment_method".equals(status) && !"requires_confirmation".equals(status)) {
        return StripeApiFake.error(
            400,
            "invalid_request_error",
            "setup_intent_unexpected_state",
            "You cannot confirm this SetupIntent because it has a status of " + status + ".",
            null);
      }
      if (!"card".equals(form.get("payment_method_data[type]"))) {
        return StripeApiFake.error(
            400,
            "invalid_request_error",
            "parameter_missing",
            "Missing required param: payment_method_data[type].",
            "payment_method_data[type]");
      }
      String number = form.getOrDefault("payment_method_data[card][number]", "").replace(" ", "");
      JsonObject refusal =
          StripeTestCards.refusal(
              number,
              form.get("payment_method_data[card][exp_month]"),
              form.get("payment_method_data[card][exp_year]"),
              form.getOrDefault("payment_method_data[card][cvc]", ""));
      if (refusal != null) {
        intent.put("last_setup_error", refusal.copy()).put("status", "requires_payment_method");
        return StripeApiFake.json(
            402, new JsonObject().put("error", refusal.put("setup_intent", clientView(intent))));
      }
      String method =
          fake.addPaymentMethod(
              StripeSimulator.newId("pm_"),
              intent.getString("customer"),
              StripeTestCards.brand(number),
              number.substring(number.length() - 4));
      if (StripeTestCards.DECLINES_LATER.equals(number)) {
        fake.declinePaymentMethod(
            method, "card_declined", "generic_decline", StripeTestCards.DECLINE_MESSAGE);
      }
      intent.put("last_setup_error", null).put("payment_method", method).put("status", "succeeded");
      return StripeApiFake.json(200, clientView(intent));
    }
  }

  /** The intent as a publishable key sees it: without its customer and metadata. */
  private static JsonObject clientView(JsonObject intent) {
    JsonObject view = intent.copy();
    view.remove("customer");
    view.remove("metadata");
    return view;
  }

  private static Answer cors(Answer answer) {
    return answer.withHeader("Access-Control-Allow-Origin", "*");
  }

  private static JsonObject metadata(Map<String, String> form) {
    JsonObject metadata = new JsonObject();
    form.forEach(
        (k, v) -> {
          if (k.startsWith("metadata[") && k.endsWith("]")) {
            metadata.put(k.substring("metadata[".length(), k.length() - 1), v);
          }
        });
    return metadata;
  }
}
