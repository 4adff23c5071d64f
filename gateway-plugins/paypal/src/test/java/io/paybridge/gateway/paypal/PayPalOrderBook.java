package io.paybridge.gateway.paypal;

import io.paybridge.testkit.Answer;
import io.paybridge.testkit.ApiCall;
import io.paybridge.testkit.RandomIds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * PayPal's Orders v2 API as {@link PayPalSimulator} serves it: {@code POST /v2/checkout/orders},
 * {@code GET /v2/checkout/orders/{id}} and {@code POST /v2/checkout/orders/{id}/capture}, with the
 * checks and answers of PayPal's documentation that a merchant's server meets. Orders and captures
 * are kept in memory; a completed capture is also served where {@code GET
 * /v2/payments/captures/{id}} finds it, as PayPal serves it to the webhook's confirmation.
 *
 * <ul>
 *   <li>An order needs {@code intent} {@code CAPTURE} or {@code AUTHORIZE} and a purchase unit with
 *       an {@code amount} whose {@code value} has the currency's decimals (none for JPY, HUF and
 *       TWD, two otherwise): {@code 400 INVALID_REQUEST} ({@code MISSING_REQUIRED_PARAMETER}) or
 *       {@code 422 UNPROCESSABLE_ENTITY} ({@code DECIMAL_PRECISION}, {@code
 *       CURRENCY_NOT_SUPPORTED}) otherwise. {@code custom_id} and {@code invoice_id} take at most
 *       127 characters.
 *   <li>A new order is {@code CREATED} with an {@code approve} link, or {@code
 *       PAYER_ACTION_REQUIRED} with a {@code payer-action} link when it names a PayPal wallet
 *       {@code payment_source}. The answer is {@code return=minimal} (id, status, links).
 *   <li>A request repeating a {@code PayPal-Request-Id} gets the first request's answer again.
 *   <li>Capturing an order not approved gets {@code 422 ORDER_NOT_APPROVED}; a captured one {@code
 *       422 ORDER_ALREADY_CAPTURED}; an unknown one {@code 404 RESOURCE_NOT_FOUND}. An approved one
 *       is captured as the test scripted ({@link #nextCapture}): completed (the default), pending
 *       review, answered with a declined capture, or refused {@code 422 INSTRUMENT_DECLINED}.
 * </ul>
 */
final class PayPalOrderBook {

  static final String ORDERS = "/v2/checkout/orders";

  /** How the next capture of an approved order ends. */
  enum CaptureScript {
    COMPLETED,
    PENDING,
    DECLINED,
    INSTRUMENT_DECLINED
  }

  private static final Set<String> WHOLE_UNITS = Set.of("JPY", "HUF", "TWD");
  private static final Set<String> CURRENCIES =
      Set.of(
          "AUD", "BRL", "CAD", "CNY", "CZK", "DKK", "EUR", "HKD", "HUF", "ILS", "JPY", "MYR", "MXN",
          "TWD", "NZD", "NOK", "PHP", "PLN", "GBP", "SGD", "SEK", "CHF", "THB", "USD");
  private static final Pattern TWO_DECIMALS = Pattern.compile("[0-9]{1,10}\\.[0-9]{2}");
  private static final Pattern WHOLE = Pattern.compile("[0-9]{1,10}");

  private final String apiHost;
  private final String webHost;
  private final BiConsumer<String, JsonObject> captureResources;
  private final Map<String, JsonObject> orders = new ConcurrentHashMap<>();
  private final Map<String, Answer> answered = new ConcurrentHashMap<>();
  private volatile CaptureScript nextCapture = CaptureScript.COMPLETED;

  /**
   * @param apiHost the API host links name, e.g. {@code https://api.sandbox.paypal.com}
   * @param webHost the host of PayPal's checkout pages
   * @param captureResources where a capture is put for {@code GET /v2/payments/captures/{id}}
   */
  PayPalOrderBook(String apiHost, String webHost, BiConsumer<String, JsonObject> captureResources) {
    this.apiHost = apiHost;
    this.webHost = webHost;
    this.captureResources = captureResources;
  }

  /** The order as PayPal keeps it (live), or {@code null}. */
  JsonObject order(String id) {
    return orders.get(id);
  }

  /** The payer approves the order in PayPal's checkout. */
  void approve(String id) {
    JsonObject order = orders.get(id);
    order
        .put("status", "APPROVED")
        .put(
            "payer",
            new JsonObject()
                .put("payer_id", RandomIds.of(RandomIds.UPPER_ALPHANUMERIC, 13))
                .put("email_address", "buyer@example.com"));
  }

  /** How the next capture of an approved order ends. */
  void nextCapture(CaptureScript script) {
    nextCapture = script;
  }

  /** PayPal completes a pending capture (the review cleared). */
  void settle(String orderId) {
    JsonObject capture = capture(orders.get(orderId));
    capture.put("status", "COMPLETED").remove("status_details");
    captureResources.accept(
        PayPalSimulator.CAPTURES + capture.getString("id"), standalone(capture));
  }

  // ---- endpoints

  synchronized Answer create(ApiCall call) {
    Answer earlier = replay(call);
    if (earlier != null) {
      return earlier;
    }
    JsonObject body;
    try {
      body = call.json();
    } catch (RuntimeException e) {
      return invalid("MALFORMED_REQUEST_JSON", "The request JSON is not well formed.");
    }
    String intent = body.getValue("intent") instanceof String s ? s : null;
    if (intent == null) {
      return invalid("MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing.");
    }
    if (!intent.equals("CAPTURE") && !intent.equals("AUTHORIZE")) {
      return invalid("INVALID_PARAMETER_VALUE", "The value of a field is invalid.");
    }
    if (!(body.getValue("purchase_units") instanceof JsonArray units)
        || units.isEmpty()
        || !(units.getValue(0) instanceof JsonObject unit)
        || !(unit.getValue("amount") instanceof JsonObject amount)
        || !(amount.getValue("currency_code") instanceof String currency)
        || !(amount.getValue("value") instanceof String value)) {
      return invalid("MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing.");
    }
    if (!CURRENCIES.contains(currency)) {
      return unprocessable("CURRENCY_NOT_SUPPORTED", "Currency code is not currently supported.");
    }
    if (!(WHOLE_UNITS.contains(currency) ? WHOLE : TWO_DECIMALS).matcher(value).matches()) {
      return unprocessable(
          "DECIMAL_PRECISION",
          "If the currency supports decimals, only two decimal place precision is supported.");
    }
    for (String field : new String[] {"custom_id", "invoice_id", "description"}) {
      if (unit.getValue(field) instanceof String text && text.length() > 127) {
        return invalid(
            "INVALID_STRING_LENGTH", "The value of a field is either too short or too long.");
      }
    }
    boolean wallet = body.getJsonObject("payment_source", new JsonObject()).containsKey("paypal");
    String id = RandomIds.of(RandomIds.UPPER_ALPHANUMERIC, 17);
    JsonObject order =
        new JsonObject()
            .put("id", id)
            .put("intent", intent)
            .put("status", wallet ? "PAYER_ACTION_REQUIRED" : "CREATED")
            .put("purchase_units", new JsonArray().add(unit.copy()))
            .put("create_time", now())
            .put("links", links(id, wallet ? "payer-action" : "approve"));
    orders.put(id, order);
    return remember(
        call,
        Answer.json(
            201,
            new JsonObject()
                .put("id", id)
                .put("status", order.getString("status"))
                .put("links", order.getJsonArray("links").copy())));
  }

  Answer show(String id) {
    JsonObject order = orders.get(id);
    return order == null ? notFound() : Answer.json(200, order.copy());
  }

  synchronized Answer capture(ApiCall call, String id) {
    Answer earlier = replay(call);
    if (earlier != null) {
      return earlier;
    }
    JsonObject order = orders.get(id);
    if (order == null) {
      return notFound();
    }
    switch (order.getString("status")) {
      case "CREATED", "PAYER_ACTION_REQUIRED" -> {
        return unprocessable(
            "ORDER_NOT_APPROVED",
            "Payer has not yet approved the Order for payment. Please redirect the payer to the"
                + " 'rel':'approve' url returned as part of the HATEOAS links within the Create"
                + " Order call or provide a valid payment_source in the request.");
      }
      case "COMPLETED" -> {
        return unprocessable(
            "ORDER_ALREADY_CAPTURED",
            "Order already captured.If 'intent=CAPTURE' only one capture per order is allowed.");
      }
      default -> {
        // APPROVED: captured below
      }
    }
    if (nextCapture == CaptureScript.INSTRUMENT_DECLINED) {
      nextCapture = CaptureScript.COMPLETED;
      return unprocessable(
          "INSTRUMENT_DECLINED",
          "The instrument presented  was either declined by the processor or bank, or it can't be"
              + " used for this payment.");
    }
    JsonObject unit = order.getJsonArray("purchase_units").getJsonObject(0);
    JsonObject capture = newCapture(id, unit, nextCapture);
    nextCapture = CaptureScript.COMPLETED;
    unit.put("payments", new JsonObject().put("captures", new JsonArray().add(capture)));
    order.put("status", "COMPLETED").put("update_time", now());
    captureResources.accept(
        PayPalSimulator.CAPTURES + capture.getString("id"), standalone(capture));
    return remember(call, Answer.json(201, order.copy()));
  }

  // ---- shapes

  private JsonObject newCapture(String orderId, JsonObject unit, CaptureScript script) {
    JsonObject amount = unit.getJsonObject("amount").copy();
    String currency = amount.getString("currency_code");
    BigDecimal gross = new BigDecimal(amount.getString("value"));
    int scale = WHOLE_UNITS.contains(currency) ? 0 : 2;
    BigDecimal fee = gross.multiply(new BigDecimal("0.0349")).setScale(scale, RoundingMode.HALF_UP);
    String captureId = RandomIds.of(RandomIds.UPPER_ALPHANUMERIC, 17);
    JsonObject capture =
        new JsonObject()
            .put("id", captureId)
            .put("status", script == CaptureScript.COMPLETED ? "COMPLETED" : script.name())
            .put("amount", amount)
            .put("final_capture", true)
            .put("seller_protection", new JsonObject().put("status", "ELIGIBLE"))
            .put(
                "seller_receivable_breakdown",
                new JsonObject()
                    .put("gross_amount", money(gross, currency))
                    .put("paypal_fee", money(fee, currency))
                    .put("net_amount", money(gross.subtract(fee), currency)))
            .put("create_time", now())
            .put("update_time", now())
            .put(
                "links",
                new JsonArray()
                    .add(link(apiHost + "/v2/payments/captures/" + captureId, "self", "GET"))
                    .add(link(apiHost + ORDERS + "/" + orderId, "up", "GET")));
    for (String field : new String[] {"custom_id", "invoice_id"}) {
      if (unit.getValue(field) instanceof String text) {
        capture.put(field, text);
      }
    }
    if (script == CaptureScript.PENDING) {
      capture.put("status_details", new JsonObject().put("reason", "PENDING_REVIEW"));
    }
    if (script == CaptureScript.DECLINED) {
      capture.put(
          "processor_response",
          new JsonObject().put("response_code", "5120").put("avs_code", "G").put("cvv_code", "P"));
    }
    return capture;
  }

  /** The capture as {@code GET /v2/payments/captures/{id}} serves it. */
  private static JsonObject standalone(JsonObject capture) {
    String orderId = capture.getJsonArray("links").getJsonObject(1).getString("href");
    return capture
        .copy()
        .put(
            "supplementary_data",
            new JsonObject()
                .put(
                    "related_ids",
                    new JsonObject()
                        .put("order_id", orderId.substring(orderId.lastIndexOf('/') + 1))));
  }

  private static JsonObject capture(JsonObject order) {
    return order
        .getJsonArray("purchase_units")
        .getJsonObject(0)
        .getJsonObject("payments")
        .getJsonArray("captures")
        .getJsonObject(0);
  }

  private JsonArray links(String id, String approvalRel) {
    return new JsonArray()
        .add(link(apiHost + ORDERS + "/" + id, "self", "GET"))
        .add(link(webHost + "/checkoutnow?token=" + id, approvalRel, "GET"))
        .add(link(apiHost + ORDERS + "/" + id, "update", "PATCH"))
        .add(link(apiHost + ORDERS + "/" + id + "/capture", "capture", "POST"));
  }

  private Answer replay(ApiCall call) {
    String key = call.header("PayPal-Request-Id");
    Answer earlier = key == null ? null : answered.get(call.path() + "\n" + key);
    return earlier == null ? null : new Answer(200, earlier.headers(), earlier.body());
  }

  private Answer remember(ApiCall call, Answer answer) {
    String key = call.header("PayPal-Request-Id");
    if (key != null) {
      answered.put(call.path() + "\n" + key, answer);
    }
    return answer;
  }

  private static JsonObject money(BigDecimal value, String currency) {
    return new JsonObject().put("currency_code", currency).put("value", value.toPlainString());
  }

  private static JsonObject link(String href, String rel, String method) {
    return new JsonObject().put("href", href).put("rel", rel).put("method", method);
  }

  private static String now() {
    return DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  }

  private static Answer notFound() {
    return error(
        404,
        "RESOURCE_NOT_FOUND",
        "The specified resource does not exist.",
        "INVALID_RESOURCE_ID",
        "Specified resource ID does not exist. Please check the resource ID" + " and try again.");
  }

  private static Answer invalid(String issue, String description) {
    return error(
        400,
        "INVALID_REQUEST",
        "Request is not well-formed, syntactically incorrect, or violates schema.",
        issue,
        description);
  }

  private static Answer unprocessable(String issue, String description) {
    return error(
        422,
        "UNPROCESSABLE_ENTITY",
        "The requested action could not be performed, semantically incorrect, or failed business"
            + " validation.",
        issue,
        description);
  }

  private static Answer error(
      int status, String name, String message, String issue, String description) {
    return Answer.json(
        status,
        new JsonObject()
            .put("name", name)
            .put(
                "details",
                new JsonArray()
                    .add(new JsonObject().put("issue", issue).put("description", description)))
            .put("message", message)
            .put("debug_id", RandomIds.hex(13))
            .put(
                "links",
                new JsonArray()
                    .add(
                        link(
                            "https://developer.paypal.com/docs/api/orders/v2/#error-" + issue,
                            "information_link",
                            "GET"))));
  }
}
