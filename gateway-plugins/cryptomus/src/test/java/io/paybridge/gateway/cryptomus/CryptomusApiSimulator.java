package io.paybridge.gateway.cryptomus;

import io.paybridge.testkit.Answer;
import io.paybridge.testkit.ApiCall;
import io.paybridge.testkit.GatewaySimulator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Plays Cryptomus's payment API in tests: {@code POST /v1/payment} ("Creating an invoice") on a
 * real HTTP server, as Cryptomus documents and answers it.
 *
 * <ul>
 *   <li>Authentication: the header {@code merchant} must be the merchant's UUID and {@code sign}
 *       the lower-case hex MD5 of the base64 of the body as PHP's {@code json_encode} prints it
 *       ({@code /} escaped as {@code \/}), followed by the payment API key: Cryptomus checks the
 *       re-encoded body, so a client that signs JSON printed otherwise (an unescaped URL) is
 *       refused {@code 401 {"message":"Invalid Sign."}}, as Cryptomus refuses it.
 *   <li>Validation ({@code 422 {"state":1,"errors":{field:[…]}}}): {@code amount} a decimal string,
 *       {@code currency} one Cryptomus takes, {@code order_id} 1 to 128 letters, digits, {@code _}
 *       or {@code -}, URLs 6 to 255 characters, {@code additional_data} at most 255.
 *   <li>An invoice is {@code {"state":0,"result":{uuid, order_id, amount, …, url, …}}}; a request
 *       for an {@code order_id} that has an invoice gets that invoice again, and no new one.
 * </ul>
 *
 * The webhooks of an invoice are {@link CryptomusSimulator}'s.
 */
final class CryptomusApiSimulator extends GatewaySimulator<CryptomusApiSimulator> {

  static final String PATH = "/v1/payment";

  private static final Set<String> CURRENCIES =
      Set.of("USD", "EUR", "RUB", "GBP", "JPY", "KWD", "UAH", "KZT", "USDT", "BTC", "ETH");
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,12}(\\.[0-9]{1,8})?");
  private static final Pattern ORDER_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  private final String merchantId;
  private final String paymentApiKey;
  private final Map<String, JsonObject> invoices = new ConcurrentHashMap<>();

  CryptomusApiSimulator(String merchantId, String paymentApiKey) {
    this.merchantId = Objects.requireNonNull(merchantId, "merchantId");
    this.paymentApiKey = Objects.requireNonNull(paymentApiKey, "paymentApiKey");
  }

  @Override
  public Map<String, String> pluginSettings() {
    return Map.of(CryptomusPlugin.API_BASE_SETTING, baseUrl());
  }

  /** The invoice of an order, as Cryptomus keeps it, or {@code null}. */
  JsonObject invoice(String orderId) {
    return invoices.get(orderId);
  }

  /** How many invoices were opened. */
  int invoiceCount() {
    return invoices.size();
  }

  @Override
  protected void routes(Router router) {
    router.post(PATH).handler(ctx -> answer(ctx, create(call(ctx))));
    router.route().handler(ctx -> answer(ctx, Answer.json(404, message("Not found."))));
  }

  @Override
  protected Answer errorAnswer(int status, ApiCall call) {
    return Answer.json(status, message(status >= 500 ? "Server error." : "Error."));
  }

  private synchronized Answer create(ApiCall call) {
    JsonObject body;
    try {
      body = call.json();
    } catch (RuntimeException e) {
      return Answer.json(400, message("Invalid JSON."));
    }
    String expected =
        CryptomusSimulator.signOf(CryptomusSimulator.phpJson(body, false), paymentApiKey);
    if (!merchantId.equals(call.header("merchant")) || !expected.equals(call.header("sign"))) {
      return Answer.json(401, message("Invalid Sign."));
    }
    JsonObject errors = new JsonObject();
    check(errors, body, "amount", true, v -> DECIMAL.matcher(v).matches(), "format is invalid");
    check(errors, body, "currency", true, CURRENCIES::contains, "is invalid");
    check(errors, body, "order_id", true, v -> ORDER_ID.matcher(v).matches(), "format is invalid");
    for (String url : new String[] {"url_callback", "url_return", "url_success"}) {
      check(errors, body, url, false, v -> v.length() >= 6 && v.length() <= 255, "is invalid");
    }
    check(errors, body, "additional_data", false, v -> v.length() <= 255, "is too long");
    if (!errors.isEmpty()) {
      return Answer.json(422, new JsonObject().put("state", 1).put("errors", errors));
    }
    JsonObject invoice =
        invoices.computeIfAbsent(body.getString("order_id"), orderId -> newInvoice(body));
    return Answer.json(200, new JsonObject().put("state", 0).put("result", invoice.copy()));
  }

  private static JsonObject newInvoice(JsonObject body) {
    String uuid = UUID.randomUUID().toString();
    long now = Instant.now().getEpochSecond();
    return new JsonObject()
        .put("uuid", uuid)
        .put("order_id", body.getString("order_id"))
        .put("amount", body.getString("amount"))
        .put("payment_amount", null)
        .put("payer_amount", null)
        .put("discount_percent", null)
        .put("discount", "0.00000000")
        .put("payer_currency", null)
        .put("currency", body.getString("currency"))
        .put("merchant_amount", null)
        .put("network", null)
        .put("address", null)
        .put("from", null)
        .put("txid", null)
        .put("payment_status", "check")
        .put("url", "https://pay.cryptomus.com/pay/" + uuid)
        .put("expired_at", now + 3600)
        .put("status", "check")
        .put("is_final", false)
        .put("additional_data", body.getValue("additional_data"))
        .put("created_at", Instant.ofEpochSecond(now).toString())
        .put("updated_at", Instant.ofEpochSecond(now).toString());
  }

  private static void check(
      JsonObject errors,
      JsonObject body,
      String field,
      boolean required,
      java.util.function.Predicate<String> valid,
      String problem) {
    Object value = body.getValue(field);
    if (value == null) {
      if (required) {
        errors.put(field, new JsonArray().add("The " + field + " field is required."));
      }
    } else if (!(value instanceof String text) || !valid.test(text)) {
      errors.put(field, new JsonArray().add("The " + field + " " + problem + "."));
    }
  }

  private static JsonObject message(String text) {
    return new JsonObject().put("state", 1).put("message", text);
  }
}
