package io.paybridge.gateway.payeer;

import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.Webhook;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Plays Payeer's part in tests: builds the form Payeer posts to a merchant's status URL, in
 * Payeer's field order, signs it as Payeer does (upper-case hex SHA-256 of the signed values and
 * the secret key joined by {@code :}, {@code m_params} included when present) and delivers it over
 * real HTTP. Other modules' end-to-end tests use it through this module's test-jar.
 *
 * <p>Forms carry exactly the documented signed fields and {@code m_sign}; {@link
 * #withUnsignedExtras} adds the parameters Payeer may send outside the signature.
 */
public final class PayeerSimulator {

  /** The first address Payeer documents its notifications come from. */
  public static final String PAYEER_ADDRESS = PayeerPlugin.PUBLISHED_IPS.get(0);

  private static final String PATH = "/hooks/test/payeer";
  private static final String CONTENT_TYPE = "application/x-www-form-urlencoded";
  private static final DateTimeFormatter PAYEER_TIME =
      DateTimeFormatter.ofPattern("dd.MM.yyyy HH:mm:ss").withZone(ZoneId.of("Europe/Moscow"));

  private final String shopId;
  private final String secretKey;

  public PayeerSimulator(String shopId, String secretKey) {
    this.shopId = Objects.requireNonNull(shopId, "shopId");
    this.secretKey = Objects.requireNonNull(secretKey, "secretKey");
  }

  public String shopId() {
    return shopId;
  }

  /** The credentials of the shop this simulator signs for, as a tenant submits them. */
  public JsonObject credentialsJson() {
    return new JsonObject().put("shopId", shopId).put("secretKey", secretKey);
  }

  /**
   * The signed fields of a notification about an operation that was created a minute before it was
   * paid, now, with a base64 description as Payeer sends {@code m_desc}; not yet signed.
   */
  public Map<String, String> fields(
      String operationId, String orderId, String amount, String currency, String status) {
    Instant paid = Instant.now();
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("m_operation_id", operationId);
    fields.put("m_operation_ps", "2609");
    fields.put("m_operation_date", PAYEER_TIME.format(paid.minusSeconds(60)));
    fields.put("m_operation_pay_date", PAYEER_TIME.format(paid));
    fields.put("m_shop", shopId);
    fields.put("m_orderid", orderId);
    fields.put("m_amount", amount);
    fields.put("m_curr", currency);
    fields.put(
        "m_desc",
        Base64.getEncoder().encodeToString(("Order " + orderId).getBytes(StandardCharsets.UTF_8)));
    fields.put("m_status", status);
    return fields;
  }

  /** A signed {@code success} notification. */
  public Map<String, String> success(
      String operationId, String orderId, String amount, String currency) {
    return signed(fields(operationId, orderId, amount, currency, PayeerPlugin.STATUS_SUCCESS));
  }

  /** The fields with {@code m_sign} (re)computed and placed last. */
  public Map<String, String> signed(Map<String, String> fields) {
    Map<String, String> out = new LinkedHashMap<>(fields);
    out.remove(PayeerPlugin.M_SIGN);
    out.put(PayeerPlugin.M_SIGN, sign(out, secretKey));
    return out;
  }

  /** The {@code m_sign} Payeer computes for these fields with this secret key. */
  public static String sign(Map<String, String> fields, String secretKey) {
    StringJoiner message = new StringJoiner(":");
    for (String field : PayeerPlugin.SIGNED_FIELDS) {
      message.add(Objects.requireNonNull(fields.get(field), field));
    }
    if (fields.containsKey(PayeerPlugin.M_PARAMS)) {
      message.add(fields.get(PayeerPlugin.M_PARAMS));
    }
    message.add(secretKey);
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(message.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().withUpperCase().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The form with the parameters Payeer may add outside the signature. */
  public static Map<String, String> withUnsignedExtras(Map<String, String> signed) {
    Map<String, String> out = new LinkedHashMap<>(signed);
    out.put("summa_out", signed.get("m_amount"));
    out.put("transfer_id", Long.toString(ThreadLocalRandom.current().nextLong(1L, 1L << 40)));
    out.put("client_account", "P1000" + ThreadLocalRandom.current().nextInt(100_000, 999_999));
    out.put("client_email", "payer@example.com");
    return out;
  }

  /** The form body: percent-encoded UTF-8, spaces as {@code +}, as HTML forms and PHP send it. */
  public static String form(Map<String, String> fields) {
    return GatewayHttp.formEncode(fields);
  }

  /** The form body as Payeer posts it. */
  public static Webhook webhook(String body) {
    return Webhook.of(body, Map.of("Content-Type", CONTENT_TYPE));
  }

  /** The delivery as the platform would receive it now, from Payeer's address. */
  public WebhookRequest request(String body) {
    return webhook(body).received(PATH, PAYEER_ADDRESS, Instant.now());
  }

  /** Delivers the form to {@code url} as Payeer would. */
  public Future<HttpResponse<Buffer>> post(WebClient client, String url, String body) {
    return webhook(body).post(client, url);
  }

  /** A Payeer-style operation number. */
  public static String newOperationId() {
    return Long.toString(ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_999_999_999L));
  }

  /** The signed fields, in order, for tests that tamper with each one. */
  public static List<String> signedFields() {
    return PayeerPlugin.SIGNED_FIELDS;
  }
}
