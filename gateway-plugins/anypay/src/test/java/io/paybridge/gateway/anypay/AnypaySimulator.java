package io.paybridge.gateway.anypay;

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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Plays Anypay's part in tests: builds the parameters Anypay sends to a project's notification URL,
 * in Anypay's order, signs them as Anypay does for the project's scheme ({@code sha256} of {@code
 * currency:amount:pay_id:merchant_id:status:secret}, or the older {@code md5} of {@code
 * merchant_id:amount:pay_id:secret}, lower-case hex) and delivers them over real HTTP as a form
 * POST. Other modules' end-to-end tests use it through this module's test-jar.
 *
 * <p>{@link #notification} carries everything Anypay sends, most of it outside the signature;
 * {@link #signedOnly} carries just the signed fields and {@code sign}.
 */
public final class AnypaySimulator {

  /** The first address Anypay documents its notifications come from. */
  public static final String ANYPAY_ADDRESS = AnypayPlugin.PUBLISHED_IPS.get(0);

  private static final String PATH = "/hooks/test/anypay";
  private static final String CONTENT_TYPE = "application/x-www-form-urlencoded";
  private static final DateTimeFormatter ANYPAY_TIME =
      DateTimeFormatter.ofPattern("dd.MM.yyyy HH:mm:ss").withZone(ZoneId.of("Europe/Moscow"));

  private final String projectId;
  private final String secretKey;
  private final String scheme;

  /** Signs with the {@code sha256} scheme. */
  public AnypaySimulator(String projectId, String secretKey) {
    this(projectId, secretKey, AnypayPlugin.SHA256);
  }

  public AnypaySimulator(String projectId, String secretKey, String scheme) {
    this.projectId = Objects.requireNonNull(projectId, "projectId");
    this.secretKey = Objects.requireNonNull(secretKey, "secretKey");
    this.scheme = Objects.requireNonNull(scheme, "scheme");
  }

  /** The credentials of the project this simulator signs for, as a tenant submits them. */
  public JsonObject credentialsJson() {
    return new JsonObject()
        .put("projectId", projectId)
        .put("secretKey", secretKey)
        .put("signScheme", scheme);
  }

  /** Everything Anypay sends about a card payment finalised now, signed. */
  public Map<String, String> notification(
      String transactionId, String payId, String amount, String currency, String status) {
    Instant completed = Instant.now();
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("merchant_id", projectId);
    fields.put("transaction_id", transactionId);
    fields.put("pay_id", payId);
    fields.put("amount", amount);
    fields.put("currency", currency);
    fields.put("profit", amount);
    fields.put("email", "buyer@example.com");
    fields.put("method", "card");
    fields.put("status", status);
    fields.put("test", "0");
    fields.put("created_date", ANYPAY_TIME.format(completed.minusSeconds(90)));
    fields.put("completed_date", ANYPAY_TIME.format(completed));
    return signed(fields);
  }

  /** Only the fields the {@code sha256} scheme signs, and {@code sign}. */
  public Map<String, String> signedOnly(
      String payId, String amount, String currency, String status) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("merchant_id", projectId);
    fields.put("pay_id", payId);
    fields.put("amount", amount);
    fields.put("currency", currency);
    fields.put("status", status);
    return signed(fields);
  }

  /** The fields with {@code sign} (re)computed and placed last. */
  public Map<String, String> signed(Map<String, String> fields) {
    Map<String, String> out = new LinkedHashMap<>(fields);
    out.remove(AnypayPlugin.SIGN);
    out.put(AnypayPlugin.SIGN, sign(out, scheme, secretKey));
    return out;
  }

  /** The {@code sign} Anypay computes for these fields. */
  public static String sign(Map<String, String> fields, String scheme, String secretKey) {
    boolean md5 = AnypayPlugin.MD5.equals(scheme);
    List<String> signedFields = md5 ? AnypayPlugin.MD5_FIELDS : AnypayPlugin.SHA256_FIELDS;
    StringJoiner message = new StringJoiner(":");
    for (String field : signedFields) {
      message.add(Objects.requireNonNull(fields.get(field), field));
    }
    message.add(secretKey);
    try {
      byte[] digest =
          MessageDigest.getInstance(md5 ? "MD5" : "SHA-256")
              .digest(message.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The parameters as a form body (or query string): percent-encoded UTF-8, spaces as {@code +}.
   */
  public static String form(Map<String, String> fields) {
    return GatewayHttp.formEncode(fields);
  }

  /** The parameters as Anypay posts them: a form body. */
  public static Webhook webhook(String body) {
    return Webhook.of(body, Map.of("Content-Type", CONTENT_TYPE));
  }

  /** The parameters in the query string of an empty POST, as Anypay may send them. */
  public static Webhook queryWebhook(Map<String, String> fields) {
    return Webhook.of("", Map.of()).withQuery(fields);
  }

  /** The delivery as the platform would receive a form POST now, from Anypay's address. */
  public WebhookRequest request(String body) {
    return webhook(body).received(PATH, ANYPAY_ADDRESS, Instant.now());
  }

  /** The delivery as the platform would receive it with the parameters in the query string. */
  public WebhookRequest queryRequest(Map<String, String> fields) {
    return queryWebhook(fields).received(PATH, ANYPAY_ADDRESS, Instant.now());
  }

  /** Delivers the parameters to {@code url} as a form POST, as Anypay would. */
  public Future<HttpResponse<Buffer>> post(WebClient client, String url, String body) {
    return webhook(body).post(client, url);
  }

  /** An Anypay-style transaction number. */
  public static String newTransactionId() {
    return Long.toString(ThreadLocalRandom.current().nextLong(1_000_000L, 99_999_999L));
  }
}
