package io.paybridge.gateway.cryptomus;

import io.paybridge.gateway.cryptomus.PhpJson.Node;
import io.paybridge.gateway.cryptomus.PhpJson.ObjectNode;
import io.paybridge.gateway.cryptomus.PhpJson.StringNode;
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
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Checkouts at Cryptomus as payment invoices: {@code POST /v1/payment} with the headers {@code
 * merchant} (the merchant's UUID) and {@code sign}, the lower-case hex MD5 of the base64 of the
 * body followed by the payment API key, the scheme the webhooks use ({@link
 * CryptomusPlugin#expectedSign}). The body is printed as PHP's {@code json_encode(…,
 * JSON_UNESCAPED_UNICODE)} prints it ({@code /} escaped), as Cryptomus's own SDK sends it, so the
 * signed bytes are the same whether Cryptomus checks the bytes received or re-encodes them.
 *
 * <p>The invoice is for {@code amount} (a decimal string in major units, from the checkout's minor
 * units with the currency's exponent, never through floating point) in {@code currency}, with
 * {@code order_id} the checkout id, {@code url_callback} the account's webhook URL, the return URL
 * (if any) as {@code url_return} and {@code url_success}, and {@code additional_data} naming the
 * checkout and its customer ({@link CheckoutData}). Cryptomus keeps one invoice per {@code
 * order_id} and answers a repeated request with the invoice it already has, so a start retried
 * after a lost answer opens no second invoice; Cryptomus takes no idempotency key of its own.
 *
 * <p>The reference is the invoice's {@code uuid}, which the webhooks carry as the payment's
 * external id; the client gets {@code {url, invoiceId}}. A refusal ({@code {"state":1,
 * "message":…}} or a 422 with {@code "errors"} per field) fails with Cryptomus's words, and not
 * retryably unless the status says so (no answer, 408, 429, 5xx).
 */
final class CryptomusInvoices {

  static final String CREATE_INVOICE = "create invoice";
  static final String PATH = "/v1/payment";

  /** Cryptomus's {@code order_id}: letters, digits, {@code _} and {@code -}, 1 to 128. */
  private static final Pattern ORDER_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  /** What Cryptomus keeps at most in a URL field. */
  private static final int MAX_URL = 255;

  private static final Logger LOG = Logger.getLogger(CryptomusInvoices.class.getName());

  private final GatewayApi api;

  CryptomusInvoices(GatewayApi api) {
    this.api = api;
  }

  Future<StartedCheckout> start(CheckoutRequest request, Credentials credentials) {
    String howToAdd = "add the merchant UUID and payment API key to its credentials";
    return api.credential(credentials, CryptomusPlugin.MERCHANT_ID, CREATE_INVOICE, howToAdd)
        .compose(
            merchant ->
                api.credential(
                        credentials, CryptomusPlugin.PAYMENT_API_KEY, CREATE_INVOICE, howToAdd)
                    .compose(key -> create(request, merchant, key)));
  }

  private Future<StartedCheckout> create(CheckoutRequest request, String merchant, String key) {
    String body;
    try {
      body = PhpJson.encode(invoice(request));
    } catch (PermanentGatewayException e) {
      return Future.failedFuture(e);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Accept", "application/json");
    headers.put("Content-Type", "application/json");
    headers.put("merchant", merchant);
    headers.put("sign", CryptomusPlugin.expectedSign(body, key));
    return api.call(CREATE_INVOICE, HttpMethod.POST, PATH, headers, Buffer.buffer(body))
        .recover(err -> Future.failedFuture(refusal(err)))
        .map(answer -> started(request, answer));
  }

  /** The invoice's members, in the order Cryptomus documents them. */
  static ObjectNode invoice(CheckoutRequest request) {
    String currency = request.currency().toUpperCase(Locale.ROOT);
    String amount;
    try {
      amount = Money.toMajor(request.amountMinor(), currency);
    } catch (MalformedWebhookException e) {
      throw permanent(e.getMessage());
    }
    if (!ORDER_ID.matcher(request.checkoutId()).matches()) {
      throw permanent(
          "Cryptomus takes an order_id of 1 to 128 letters, digits, '_' and '-', and checkout id '"
              + request.checkoutId()
              + "' is not one");
    }
    String data = CheckoutData.encode(request.checkoutId(), request.customerRef());
    if (data.length() > CheckoutData.MAX_LENGTH) {
      throw permanent(
          "Cryptomus keeps at most "
              + CheckoutData.MAX_LENGTH
              + " characters of additional_data, too few for this checkout's customer reference");
    }
    Map<String, Node> members = new LinkedHashMap<>();
    members.put("amount", new StringNode(amount));
    members.put("currency", new StringNode(currency));
    members.put("order_id", new StringNode(request.checkoutId()));
    members.put("url_callback", new StringNode(url(request.webhookUrl(), "url_callback")));
    if (request.returnUrl() != null && !request.returnUrl().isBlank()) {
      String back = url(request.returnUrl(), "url_return");
      members.put("url_return", new StringNode(back));
      members.put("url_success", new StringNode(back));
    }
    members.put("additional_data", new StringNode(data));
    return new ObjectNode(members);
  }

  private static StartedCheckout started(CheckoutRequest request, JsonObject answer) {
    if (!(answer.getValue("state") instanceof Number state) || state.intValue() != 0) {
      throw permanent("Cryptomus refused the invoice: " + said(answer));
    }
    JsonObject invoice = answer.getValue("result") instanceof JsonObject r ? r : null;
    String uuid = invoice == null ? null : Json.optString(invoice, "uuid");
    String url = invoice == null ? null : Json.optString(invoice, "url");
    if (uuid == null || uuid.isBlank() || url == null || url.isBlank()) {
      throw permanent("Cryptomus's answer has no invoice uuid and url");
    }
    if (!request.checkoutId().equals(Json.optString(invoice, "order_id"))
        || !sameAmount(Json.optString(invoice, "amount"), request)) {
      throw permanent(
          "Cryptomus already has invoice "
              + uuid
              + " for order "
              + Json.optString(invoice, "order_id")
              + " of "
              + Json.optString(invoice, "amount")
              + " "
              + Json.optString(invoice, "currency")
              + ", not this checkout's");
    }
    LOG.info(() -> "Cryptomus invoice " + uuid + " opened for checkout " + request.checkoutId());
    return new StartedCheckout(uuid, new JsonObject().put("url", url).put("invoiceId", uuid));
  }

  private static boolean sameAmount(String answered, CheckoutRequest request) {
    try {
      return new BigDecimal(answered)
              .compareTo(
                  new BigDecimal(
                      Money.toMajor(
                          request.amountMinor(), request.currency().toUpperCase(Locale.ROOT))))
          == 0;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Cryptomus's refusal restated in its words, with the status kept. */
  private static Throwable refusal(Throwable err) {
    if (!(err instanceof GatewayApiException e)
        || err instanceof PermanentGatewayException
        || e.body() == null) {
      return err;
    }
    JsonObject body;
    try {
      body = new JsonObject(e.body());
    } catch (RuntimeException notJson) {
      return err;
    }
    String detail = said(body);
    LOG.warning(
        () -> "Cryptomus " + CREATE_INVOICE + " failed with HTTP " + e.status() + ": " + detail);
    return new GatewayApiException(
        CryptomusPlugin.ID, CREATE_INVOICE, e.status(), detail, e.body());
  }

  /** {@code message}, else each field's first validation error, else the answer. */
  private static String said(JsonObject answer) {
    if (answer.getValue("message") instanceof String message && !message.isBlank()) {
      return message;
    }
    if (answer.getValue("errors") instanceof JsonObject errors && !errors.isEmpty()) {
      StringJoiner out = new StringJoiner("; ");
      for (String field : errors.fieldNames()) {
        Object said = errors.getValue(field);
        out.add(
            field
                + ": "
                + (said instanceof JsonArray list && !list.isEmpty() ? list.getValue(0) : said));
      }
      return out.toString();
    }
    String text = answer.encode();
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }

  private static String url(String url, String field) {
    if (url.length() < 6 || url.length() > MAX_URL) {
      throw permanent("Cryptomus takes a " + field + " of 6 to " + MAX_URL + " characters");
    }
    return url;
  }

  private static PermanentGatewayException permanent(String detail) {
    return new PermanentGatewayException(CryptomusPlugin.ID, CREATE_INVOICE, detail);
  }
}
