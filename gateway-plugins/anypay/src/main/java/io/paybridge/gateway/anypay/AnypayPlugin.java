package io.paybridge.gateway.anypay;

import io.paybridge.spi.CredentialField;
import io.paybridge.spi.CredentialSchema;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.FormBody;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.InvalidCredentialsException;
import io.paybridge.spi.IpAllowList;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookAnswer;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Anypay (anypay.io) payment notifications, implemented on the JDK.
 *
 * <h2>Authenticity</h2>
 *
 * When a payment is finalised Anypay sends its parameters to the project's notification URL: as an
 * {@code application/x-www-form-urlencoded} POST body, or as query parameters (both are read: the
 * body when there is one, else the query). {@code sign} is lower-case hex, by the project's signing
 * scheme ({@value #SIGN_SCHEME}):
 *
 * <ul>
 *   <li>{@code sha256} (the default): SHA-256 of {@code currency:amount:pay_id:merchant_id:status:
 *       <secret key>};
 *   <li>{@code md5} (older projects): MD5 of {@code merchant_id:amount:pay_id:<secret key>}.
 * </ul>
 *
 * The values are the decoded parameter bytes as Anypay's PHP handler example reads them from {@code
 * $_REQUEST}. The signature is compared in constant time; {@code merchant_id} must be the account's
 * {@value #PROJECT_ID}. A form naming a parameter twice, or not well-formed, is refused. The scheme
 * has no timestamp: a replay is a duplicate of its original.
 *
 * <p>Neither scheme covers {@code transaction_id}, {@code profit}, {@code email}, {@code method},
 * {@code test}, {@code created_date} or {@code completed_date}, nor the merchant's own extra
 * parameters; {@code md5} does not even cover {@code currency} or {@code status}. So everything
 * that decides what is booked (kind, amount, currency, entry key, dedupe key, customer) comes from
 * signed fields, and an {@code md5} account must restrict senders with {@value #ALLOWED_IPS}
 * (Anypay documents {@link #PUBLISHED_IPS}): otherwise one captured notification could be replayed
 * as a payment in another currency or status.
 *
 * <h2>Meaning</h2>
 *
 * {@code paid} becomes a {@link EventKind#PAYMENT} of {@code amount} {@code currency}, {@code
 * refund} a negative {@link EventKind#REFUND}; other statuses ({@code partially-paid}, {@code
 * waiting}, {@code canceled}, {@code expired}, {@code error}) and notifications marked {@code
 * test=1} are acknowledged and ignored. Because {@code transaction_id} is not signed, the keys are
 * built from the signed {@code pay_id}, the merchant's order number, which Anypay holds unique per
 * project: the dedupe key is {@code <pay_id>:<status>} (so a refund is not a duplicate of its
 * payment, and Anypay's repeated confirmations of one status are), the entry keys {@code
 * payment:<pay_id>} and {@code refund:<pay_id>}, the customer reference {@code pay_id}. {@code
 * transaction_id} (as external payment id), {@code email} and {@code completed_date} (Moscow time,
 * {@code dd.MM.yyyy HH:mm:ss}; else the receiving time) are carried for information only.
 *
 * <h2>Answer</h2>
 *
 * Anypay repeats a notification until the handler answers {@code OK}, so every authentic outcome is
 * answered {@code OK} as {@code text/plain}.
 */
public final class AnypayPlugin implements GatewayPlugin {

  public static final String ID = "anypay";

  public static final String PROJECT_ID = "projectId";
  public static final String SECRET_KEY = "secretKey";
  public static final String SIGN_SCHEME = "signScheme";
  public static final String ALLOWED_IPS = "allowedIps";

  public static final String SHA256 = "sha256";
  public static final String MD5 = "md5";

  /** The addresses Anypay documents its notifications come from. */
  public static final List<String> PUBLISHED_IPS =
      List.of("185.162.128.38", "185.162.128.39", "185.162.128.88");

  /** The fields the {@code sha256} scheme signs, in signing order. */
  public static final List<String> SHA256_FIELDS =
      List.of("currency", "amount", "pay_id", "merchant_id", "status");

  /** The fields the legacy {@code md5} scheme signs, in signing order. */
  public static final List<String> MD5_FIELDS = List.of("merchant_id", "amount", "pay_id");

  public static final String SIGN = "sign";
  public static final String STATUS_PAID = "paid";
  public static final String STATUS_REFUND = "refund";

  private static final ZoneId ANYPAY_TIME_ZONE = ZoneId.of("Europe/Moscow");
  private static final DateTimeFormatter ANYPAY_TIME =
      DateTimeFormatter.ofPattern("dd.MM.uuuu HH:mm:ss").withResolverStyle(ResolverStyle.STRICT);
  private static final HexFormat HEX = HexFormat.of();

  private static final CredentialSchema SCHEMA =
      CredentialSchema.of(
          CredentialField.text(
              PROJECT_ID,
              "Project id",
              "Anypay > Projects: the project's numeric id (sent as merchant_id)"),
          CredentialField.secret(
              SECRET_KEY,
              "Secret key",
              "The project's secret key from its Anypay settings; Anypay signs notifications"
                  + " with it"),
          CredentialField.text(
                  SIGN_SCHEME,
                  "Signature scheme",
                  "The project's notification signature: sha256 (current) or md5 (older"
                      + " projects; requires allowed sender addresses)")
              .oneOf(SHA256, MD5)
              .optional(SHA256),
          CredentialField.text(
                  ALLOWED_IPS,
                  "Allowed sender addresses",
                  "Comma-separated IP addresses or CIDR ranges notifications must come from."
                      + " Anypay documents "
                      + String.join(", ", PUBLISHED_IPS)
                      + ". Optional with sha256, required with md5.")
              .optional(null));

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String displayName() {
    return "Anypay";
  }

  @Override
  public CredentialSchema credentialSchema() {
    return SCHEMA;
  }

  /**
   * Applies the schema, then checks that {@value #PROJECT_ID} is numeric, that {@value
   * #ALLOWED_IPS} parses, and that an {@code md5} account restricts senders.
   */
  @Override
  public Credentials validateCredentials(JsonObject submitted) {
    Credentials credentials = SCHEMA.validate(submitted);
    if (!credentials.require(PROJECT_ID).matches("[0-9]{1,20}")) {
      throw new InvalidCredentialsException(PROJECT_ID, "Anypay project ids are numeric");
    }
    String allowed = credentials.get(ALLOWED_IPS);
    if (allowed != null) {
      try {
        IpAllowList.parse(allowed);
      } catch (IllegalArgumentException e) {
        throw new InvalidCredentialsException(ALLOWED_IPS, e.getMessage());
      }
    } else if (MD5.equals(credentials.get(SIGN_SCHEME))) {
      throw new InvalidCredentialsException(
          ALLOWED_IPS,
          "the md5 scheme signs neither currency nor status; list Anypay's sender addresses");
    }
    return credentials;
  }

  /** Anypay has no event subscription; these are the statuses that are booked. */
  @Override
  public List<String> subscribedEvents() {
    return List.of(STATUS_PAID, STATUS_REFUND);
  }

  @Override
  public Future<Verdict> verify(WebhookRequest request, Credentials credentials) {
    Verdict verdict;
    try {
      verdict = check(request, credentials);
    } catch (RuntimeException e) {
      verdict =
          Verdict.rejected(
              "Anypay signature could not be checked: " + e.getClass().getSimpleName());
    }
    return Future.succeededFuture(verdict);
  }

  private static Verdict check(WebhookRequest request, Credentials credentials) {
    String secret = credentials.get(SECRET_KEY);
    String projectId = credentials.get(PROJECT_ID);
    if (secret == null || secret.isEmpty() || projectId == null || projectId.isEmpty()) {
      return Verdict.rejected("the account has no Anypay " + SECRET_KEY + " or " + PROJECT_ID);
    }
    String scheme = credentials.getOrDefault(SIGN_SCHEME, SHA256);
    String allowed = credentials.get(ALLOWED_IPS);
    if (allowed == null && MD5.equals(scheme)) {
      return Verdict.rejected("an md5 account verifies nothing without " + ALLOWED_IPS);
    }
    if (allowed != null && !IpAllowList.parse(allowed).allows(request.remoteAddress())) {
      return Verdict.rejected(
          "remote address " + request.remoteAddress() + " is not in " + ALLOWED_IPS);
    }
    FormBody params;
    try {
      params = parameters(request);
    } catch (MalformedWebhookException e) {
      return Verdict.rejected(e.getMessage());
    }
    List<String> fields = MD5.equals(scheme) ? MD5_FIELDS : SHA256_FIELDS;
    for (String field : fields) {
      if (!params.has(field)) {
        return Verdict.rejected("the notification has no signed field '" + field + "'");
      }
    }
    byte[] received = params.raw(SIGN);
    if (received == null) {
      return Verdict.rejected("the notification has no '" + SIGN + "'");
    }
    byte[] expected = expectedSign(params, scheme, secret).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, received)) {
      return Verdict.rejected(
          "'" + SIGN + "' does not match the " + scheme + " signature of the signed fields");
    }
    if (!MessageDigest.isEqual(
        projectId.getBytes(StandardCharsets.UTF_8), params.raw("merchant_id"))) {
      return Verdict.rejected("'merchant_id' is another project than the account's " + PROJECT_ID);
    }
    return Verdict.ok();
  }

  /** Lower-case hex digest of the scheme's fields and the secret key, joined by {@code :}. */
  static String expectedSign(FormBody params, String scheme, String secret) {
    boolean md5 = MD5.equals(scheme);
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance(md5 ? "MD5" : "SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (String field : md5 ? MD5_FIELDS : SHA256_FIELDS) {
      digest.update(params.raw(field));
      digest.update((byte) ':');
    }
    return HEX.formatHex(digest.digest(secret.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * The notification's parameters: the form body when there is one, else the query string.
   *
   * @throws MalformedWebhookException when they are not a well-formed set of parameters
   */
  static FormBody parameters(WebhookRequest request) {
    if (request.body().length() > 0) {
      return FormBody.parse(request.body().getBytes());
    }
    MultiMap query = request.query();
    Map<String, String> values = new LinkedHashMap<>();
    for (String name : query.names()) {
      List<String> all = query.getAll(name);
      if (all.size() != 1) {
        throw new MalformedWebhookException("query parameter '" + name + "' appears twice");
      }
      values.put(name, all.get(0));
    }
    return FormBody.of(values);
  }

  @Override
  public ParsedWebhook parse(WebhookRequest request, Credentials credentials) {
    FormBody params = parameters(request);
    String payId = require(params, "pay_id");
    String status = require(params, "status");
    String eventId = payId + ":" + status;
    if ("1".equals(information(params, "test"))) {
      return ParsedWebhook.ignored(eventId, status);
    }
    EventKind kind =
        switch (status) {
          case STATUS_PAID -> EventKind.PAYMENT;
          case STATUS_REFUND -> EventKind.REFUND;
          default -> null;
        };
    if (kind == null) {
      return ParsedWebhook.ignored(eventId, status);
    }
    try {
      String currency = Money.currency(require(params, "currency"));
      long amount = Money.toMinor(require(params, "amount"), currency);
      if (amount <= 0) {
        throw new MalformedWebhookException("'amount' is not positive");
      }
      String keyPrefix = kind == EventKind.PAYMENT ? "payment:" : "refund:";
      PaymentEvent event =
          PaymentEvent.builder(kind, keyPrefix + payId, occurredAt(params, request))
              .amount(kind == EventKind.REFUND ? -amount : amount, currency)
              .externalPaymentId(information(params, "transaction_id"))
              .customerRef(payId)
              .email(information(params, "email"))
              .build();
      return new ParsedWebhook(eventId, status, List.of(event));
    } catch (MalformedWebhookException e) {
      throw new MalformedWebhookException(
          "Anypay " + status + " of order " + payId + ": " + e.getMessage(), e);
    }
  }

  private static Instant occurredAt(FormBody params, WebhookRequest request) {
    String completed = information(params, "completed_date");
    if (completed != null && !completed.isBlank()) {
      try {
        return LocalDateTime.parse(completed.strip(), ANYPAY_TIME)
            .atZone(ANYPAY_TIME_ZONE)
            .toInstant();
      } catch (DateTimeException e) {
        // Not in Anypay's documented form: the receiving time it is.
      }
    }
    return request.receivedAt();
  }

  /**
   * An unsigned parameter carried for information: absent, not UTF-8, longer than 255 characters or
   * holding a NUL, it is left out rather than failing an authentic notification.
   */
  private static String information(FormBody params, String field) {
    String value;
    try {
      value = params.text(field);
    } catch (MalformedWebhookException e) {
      return null;
    }
    if (value == null || value.length() > 255 || value.indexOf('\u0000') >= 0) {
      return null;
    }
    return value;
  }

  private static String require(FormBody params, String field) {
    String value = params.text(field);
    if (value == null || value.isBlank()) {
      throw new MalformedWebhookException("'" + field + "' is missing");
    }
    return value;
  }

  /** {@code OK}, which stops Anypay repeating the notification. */
  @Override
  public WebhookAnswer acknowledge(WebhookRequest request, ParsedWebhook parsed, Outcome outcome) {
    return WebhookAnswer.text(200, "OK");
  }
}
