package io.paybridge.gateway.cryptomus;

import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.RandomIds;
import io.paybridge.testkit.Webhook;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Plays Cryptomus's part in tests: builds payment webhook bodies with the members Cryptomus sends,
 * in its order, signs them as Cryptomus does ({@code md5(base64(json_encode(body,
 * JSON_UNESCAPED_UNICODE)) . paymentApiKey)}, printed here by an encoder of its own, independent of
 * the plugin's) and delivers them over real HTTP. Other modules' end-to-end tests use it through
 * this module's test-jar.
 *
 * <p>Bodies are sent as PHP prints the signed array with {@code sign} appended last; {@link
 * #asciiEscaped} gives the same webhook as PHP's default {@code json_encode} prints it ({@code
 * \}{@code uXXXX} escapes), which must verify too.
 */
public final class CryptomusSimulator {

  /** Where Cryptomus documents its webhooks come from. */
  public static final String CRYPTOMUS_ADDRESS = CryptomusPlugin.PUBLISHED_WEBHOOK_IP;

  private static final String PATH = "/hooks/test/cryptomus";
  private static final String CONTENT_TYPE = "application/json";

  private final String merchantId;
  private final String paymentApiKey;

  public CryptomusSimulator(String merchantId, String paymentApiKey) {
    this.merchantId = Objects.requireNonNull(merchantId, "merchantId");
    this.paymentApiKey = Objects.requireNonNull(paymentApiKey, "paymentApiKey");
  }

  public String merchantId() {
    return merchantId;
  }

  /** The credentials of the merchant this simulator signs for, as a tenant submits them. */
  public JsonObject credentialsJson() {
    return new JsonObject().put("merchantId", merchantId).put("paymentApiKey", paymentApiKey);
  }

  /**
   * The members of a payment webhook for an invoice of {@code amount} {@code currency} paid in USDT
   * on Tron, in the order Cryptomus sends them. Amounts are strings with Cryptomus's 8 decimals.
   */
  public JsonObject invoice(
      String uuid, String orderId, String amount, String currency, String status) {
    BigDecimal invoiced = new BigDecimal(amount);
    BigDecimal paid = invoiced.setScale(8, RoundingMode.HALF_UP);
    BigDecimal commission = paid.multiply(new BigDecimal("0.02")).setScale(8, RoundingMode.HALF_UP);
    boolean isFinal = isFinal(status);
    return new JsonObject()
        .put("type", "payment")
        .put("uuid", uuid)
        .put("order_id", orderId)
        .put("amount", invoiced.setScale(8, RoundingMode.HALF_UP).toPlainString())
        .put("payment_amount", paid.toPlainString())
        .put("payment_amount_usd", paid.setScale(2, RoundingMode.HALF_UP).toPlainString())
        .put("merchant_amount", paid.subtract(commission).toPlainString())
        .put("commission", commission.toPlainString())
        .put("is_final", isFinal)
        .put("status", status)
        .put("from", "TQrY8tryqsYVCYS3MFbtffiPp2ccyn4STm")
        .put("wallet_address_uuid", null)
        .put("network", "tron")
        .put("currency", currency)
        .put("payer_currency", "USDT")
        .put("payer_amount", paid.toPlainString())
        .put("payer_amount_exchange_rate", "1.00012000")
        .put("additional_data", null)
        .put("transfer_id", UUID.randomUUID().toString())
        .put("txid", RandomIds.hex(64));
  }

  /**
   * The members of a payment webhook for a static wallet (Cryptomus's {@code type} {@code wallet}):
   * the payer sent {@code amount} of the wallet's coin, USDT on Tron, to the tenant's permanent
   * address. A static wallet has no invoiced amount: {@code amount} is what arrived, in the coin,
   * with its US dollar value in {@code payment_amount_usd}; {@code uuid} names this payment and
   * {@code wallet_address_uuid} the wallet, and {@code order_id} is the one the wallet was created
   * with.
   */
  public JsonObject walletPayment(
      String uuid, String walletUuid, String orderId, String amount, String status) {
    BigDecimal paid = new BigDecimal(amount).setScale(8, RoundingMode.HALF_UP);
    BigDecimal commission = paid.multiply(new BigDecimal("0.01")).setScale(8, RoundingMode.HALF_UP);
    return new JsonObject()
        .put("type", "wallet")
        .put("uuid", uuid)
        .put("order_id", orderId)
        .put("amount", paid.toPlainString())
        .put("payment_amount", paid.toPlainString())
        .put("payment_amount_usd", paid.setScale(2, RoundingMode.HALF_UP).toPlainString())
        .put("merchant_amount", paid.subtract(commission).toPlainString())
        .put("commission", commission.toPlainString())
        .put("is_final", isFinal(status))
        .put("status", status)
        .put("from", "TQrY8tryqsYVCYS3MFbtffiPp2ccyn4STm")
        .put("wallet_address_uuid", walletUuid)
        .put("network", "tron")
        .put("currency", "USDT")
        .put("payer_currency", "USDT")
        .put("additional_data", null)
        .put("txid", RandomIds.hex(64));
  }

  /** Whether Cryptomus marks a webhook of this status final (the invoice can take no more). */
  static boolean isFinal(String status) {
    return switch (status) {
      case "check", "process", "confirm_check", "wrong_amount_waiting" -> false;
      default -> true;
    };
  }

  /** A {@code paid} webhook body for an invoice. */
  public String paid(String uuid, String orderId, String amount, String currency) {
    return webhook(invoice(uuid, orderId, amount, currency, CryptomusPlugin.STATUS_PAID));
  }

  /** A final {@code paid_over} webhook body: the payer sent more than invoiced. */
  public String paidOver(String uuid, String orderId, String amount, String currency) {
    JsonObject fields = invoice(uuid, orderId, amount, currency, CryptomusPlugin.STATUS_PAID_OVER);
    BigDecimal over = new BigDecimal(amount).multiply(new BigDecimal("1.1"));
    fields.put("payment_amount", over.setScale(8, RoundingMode.HALF_UP).toPlainString());
    fields.put("payer_amount", over.setScale(8, RoundingMode.HALF_UP).toPlainString());
    return webhook(fields);
  }

  /** A {@code refund_paid} webhook body: the payment was returned to the payer. */
  public String refundPaid(String uuid, String orderId, String amount, String currency) {
    return webhook(invoice(uuid, orderId, amount, currency, CryptomusPlugin.STATUS_REFUND_PAID));
  }

  /** The members with {@code sign} appended, printed as Cryptomus prints the body. */
  public String webhook(JsonObject fields) {
    JsonObject signed = fields.copy();
    signed.remove(CryptomusPlugin.SIGN);
    signed.put(CryptomusPlugin.SIGN, sign(fields));
    return phpJson(signed, false);
  }

  /** The same webhook as PHP's default {@code json_encode} prints it: non-ASCII as escapes. */
  public String asciiEscaped(JsonObject fields) {
    JsonObject signed = fields.copy();
    signed.remove(CryptomusPlugin.SIGN);
    signed.put(CryptomusPlugin.SIGN, sign(fields));
    return phpJson(signed, true);
  }

  /** The {@code sign} Cryptomus computes for the members (any {@code sign} member left out). */
  public String sign(JsonObject fields) {
    JsonObject unsigned = fields.copy();
    unsigned.remove(CryptomusPlugin.SIGN);
    return signOf(phpJson(unsigned, false), paymentApiKey);
  }

  /** {@code md5(base64(json) . key)}, lower-case hex. */
  public static String signOf(String json, String paymentApiKey) {
    String base64 = Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    try {
      byte[] digest =
          MessageDigest.getInstance("MD5")
              .digest((base64 + paymentApiKey).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The webhook of {@code body} as Cryptomus sends it. */
  public static Webhook webhook(String body) {
    return Webhook.of(body, Map.of("Content-Type", CONTENT_TYPE));
  }

  /** The delivery as the platform would receive it now, from Cryptomus's address. */
  public WebhookRequest request(String body) {
    return webhook(body).received(PATH, CRYPTOMUS_ADDRESS, Instant.now());
  }

  /** Delivers {@code body} to {@code url} as Cryptomus would. */
  public Future<HttpResponse<Buffer>> post(WebClient client, String url, String body) {
    return webhook(body).post(client, url);
  }

  /**
   * PHP's {@code json_encode} of the value a JSON object decodes to: compact, {@code /} escaped,
   * non-ASCII raw ({@code asciiOnly} false, {@code JSON_UNESCAPED_UNICODE}) or as UTF-16 escapes
   * ({@code asciiOnly} true, PHP's default). Strings, whole numbers, booleans, null, objects and
   * arrays only.
   */
  static String phpJson(Object value, boolean asciiOnly) {
    StringBuilder out = new StringBuilder();
    write(out, value, asciiOnly);
    return out.toString();
  }

  private static void write(StringBuilder out, Object value, boolean asciiOnly) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof Boolean b) {
      out.append(b ? "true" : "false");
    } else if (value instanceof String s) {
      writeString(out, s, asciiOnly);
    } else if (value instanceof Integer || value instanceof Long) {
      out.append(value);
    } else if (value instanceof JsonObject o) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, Object> e : o) {
        if (!first) {
          out.append(',');
        }
        first = false;
        writeString(out, e.getKey(), asciiOnly);
        out.append(':');
        write(out, e.getValue(), asciiOnly);
      }
      out.append('}');
    } else if (value instanceof JsonArray a) {
      out.append('[');
      for (int i = 0; i < a.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        write(out, a.getValue(i), asciiOnly);
      }
      out.append(']');
    } else {
      throw new IllegalArgumentException("the simulator sends no " + value.getClass());
    }
  }

  private static void writeString(StringBuilder out, String s, boolean asciiOnly) {
    out.append('"');
    s.codePoints()
        .forEach(
            cp -> {
              if (cp == '"' || cp == '\\' || cp == '/') {
                out.append('\\').appendCodePoint(cp);
              } else if (cp == '\b') {
                out.append("\\b");
              } else if (cp == '\f') {
                out.append("\\f");
              } else if (cp == '\n') {
                out.append("\\n");
              } else if (cp == '\r') {
                out.append("\\r");
              } else if (cp == '\t') {
                out.append("\\t");
              } else if (cp < 0x20 || cp == 0x2028 || cp == 0x2029 || (asciiOnly && cp > 0x7f)) {
                for (char unit : Character.toChars(cp)) {
                  out.append(String.format("\\u%04x", (int) unit));
                }
              } else {
                out.appendCodePoint(cp);
              }
            });
    out.append('"');
  }

  /** A Cryptomus-style invoice uuid. */
  public static String newUuid() {
    return UUID.randomUUID().toString();
  }
}
