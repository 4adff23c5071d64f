package io.paybridge.gateway.cryptomus;

import io.paybridge.gateway.cryptomus.PhpJson.LiteralNode;
import io.paybridge.gateway.cryptomus.PhpJson.Node;
import io.paybridge.gateway.cryptomus.PhpJson.NumberNode;
import io.paybridge.gateway.cryptomus.PhpJson.ObjectNode;
import io.paybridge.gateway.cryptomus.PhpJson.StringNode;
import io.paybridge.spi.CredentialField;
import io.paybridge.spi.CredentialSchema;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.EventRule;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.IpAllowList;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.Signatures;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cryptomus payment webhooks (invoices and static wallets), implemented on the JDK.
 *
 * <h2>Authenticity</h2>
 *
 * Cryptomus posts a JSON object whose member {@code sign} is the lower-case hex MD5 of {@code
 * base64(json) + paymentApiKey}, where {@code json} is the same object without {@code sign} as
 * PHP's {@code json_encode(…, JSON_UNESCAPED_UNICODE)} prints it: members in the order sent,
 * compact, {@code /} escaped as {@code \/}, non-ASCII characters raw. Because the scheme is defined
 * over a re-encoding, the plugin re-encodes with {@link PhpJson}, which keeps member order and the
 * exact text of numbers (it never turns {@code 1.50} into a {@code double}) and prints strings
 * exactly as PHP does, whatever escaping the body itself used. Any text PHP's encoder produced is
 * printed back unchanged; text PHP would normalise ({@code 1.50}, {@code 1E5}) cannot have come
 * from Cryptomus's encoder, so keeping it verbatim loses nothing. The signature is compared in
 * constant time and must be lower-case hex, as Cryptomus sends it. Bodies that are not valid UTF-8
 * or that name a member twice are refused, so the bytes verified and the fields read are one
 * reading of one body. When the body names a merchant ({@code merchant_id} or {@code merchant}), it
 * must be the account's {@value #MERCHANT_ID}. The scheme has no timestamp: a replay is a duplicate
 * of its original, which the platform deduplicates. Cryptomus publishes one webhook source address,
 * {@value #PUBLISHED_WEBHOOK_IP}; a tenant may restrict deliveries to it (or any list of addresses
 * and CIDR ranges) with {@value #ALLOWED_IPS}.
 *
 * <h2>Meaning</h2>
 *
 * The receipt's dedupe key is {@code <uuid>:<status>}: Cryptomus sends one webhook per status
 * change of an invoice. {@code paid}, and {@code paid_over} once {@code is_final} is true, become a
 * {@link EventKind#PAYMENT} keyed {@code payment:<uuid>}; {@code refund_paid} becomes a negative
 * {@link EventKind#REFUND} keyed {@code refund:<uuid>}. A {@code paid_over} sent before the invoice
 * is final is acknowledged under the dedupe key {@code <uuid>:paid_over:not_final}, so that the
 * final one is not taken for its duplicate. Every other status Cryptomus documents ({@code
 * process}, {@code check}, {@code confirm_check}, {@code wrong_amount_waiting}, {@code
 * wrong_amount}, {@code fail}, {@code cancel}, {@code system_fail}, {@code refund_process}, {@code
 * refund_fail}, {@code locked}) is acknowledged and kept with a reason naming the invoice (for an
 * underpayment, what arrived), and so is a status Cryptomus does not document. {@link
 * #eventTable()} lists them and {@code docs/gateways/cryptomus.md} explains them. Nothing needs
 * Cryptomus's API, so nothing is ever held.
 *
 * <p>Amounts: {@code amount} is what the merchant invoiced, in the invoice {@code currency}; {@code
 * payment_amount}, {@code merchant_amount} and {@code commission} are in the coin the payer used
 * ({@code payer_currency}). When the invoice currency is one Paybridge books (ISO-4217), the event
 * carries {@code amount} in it, with that currency's exponent: an overpayment ({@code paid_over})
 * books what was invoiced, the surplus stays in the merchant's Cryptomus balance. When the invoice
 * (or static wallet) is in a crypto currency, which ISO-4217 does not list, the event carries
 * {@code payment_amount_usd}, the payment's value in US dollars that Cryptomus reports. A refund
 * books the same amount negative: Cryptomus refunds whole payments. The customer reference is the
 * body's {@code order_id} (the tenant's own order id) or, with {@value #CUSTOMER_REF_KEY} set to
 * {@code additional_data}, the free-text {@code additional_data} the tenant attached to the
 * invoice. Cryptomus sends no event time, so events carry the time Paybridge received them.
 */
public final class CryptomusPlugin implements GatewayPlugin {

  public static final String ID = "cryptomus";

  public static final String MERCHANT_ID = "merchantId";
  public static final String PAYMENT_API_KEY = "paymentApiKey";
  public static final String CUSTOMER_REF_KEY = "customerRefKey";
  public static final String ALLOWED_IPS = "allowedIps";

  /** Customer reference from the invoice's {@code order_id} (the default). */
  public static final String ORDER_ID = "order_id";

  /** Customer reference from the invoice's {@code additional_data}. */
  public static final String ADDITIONAL_DATA = "additional_data";

  /** The address Cryptomus documents its webhooks come from. */
  public static final String PUBLISHED_WEBHOOK_IP = "91.227.144.54";

  /** The body member carrying the signature. */
  public static final String SIGN = "sign";

  public static final String STATUS_PAID = "paid";
  public static final String STATUS_PAID_OVER = "paid_over";
  public static final String STATUS_REFUND_PAID = "refund_paid";
  public static final String STATUS_WRONG_AMOUNT = "wrong_amount";

  /** Appended to the dedupe key of a {@code paid_over} webhook sent before the invoice is final. */
  static final String NOT_FINAL = ":not_final";

  private static final String USD = "USD";

  private static final CredentialSchema SCHEMA =
      CredentialSchema.of(
          CredentialField.text(
              MERCHANT_ID,
              "Merchant UUID",
              "Cryptomus dashboard > Settings > Merchant: the merchant's UUID"),
          CredentialField.secret(
              PAYMENT_API_KEY,
              "Payment API key",
              "Cryptomus dashboard > Settings > API integration: the payment API key (not the"
                  + " payout key); Cryptomus signs payment webhooks with it"),
          CredentialField.text(
                  CUSTOMER_REF_KEY,
                  "Customer reference field",
                  "Which invoice field carries your customer or order reference: order_id (the"
                      + " order id you created the invoice with) or additional_data")
              .oneOf(ORDER_ID, ADDITIONAL_DATA)
              .optional(ORDER_ID),
          IpAllowList.credentialField(
              ALLOWED_IPS,
              "Optional comma-separated IP addresses or CIDR ranges webhooks must come from."
                  + " Cryptomus documents "
                  + PUBLISHED_WEBHOOK_IP
                  + ". Empty: any address."));

  /** What each status Cryptomus documents means, in the tenant's words (see the class comment). */
  private static final Map<String, String> IGNORED_STATUSES = ignoredStatuses();

  private static final List<EventRule> EVENT_TABLE = eventRules();

  private static Map<String, String> ignoredStatuses() {
    Map<String, String> reasons = new LinkedHashMap<>();
    reasons.put(
        "process", "the invoice is waiting for the payer; the paid webhook books it once paid");
    reasons.put(
        "check",
        "Cryptomus is waiting for the payer's transaction to appear on the blockchain; the paid"
            + " webhook books it once it is confirmed");
    reasons.put(
        "confirm_check",
        "the payer's transaction is on the blockchain and waits for its confirmations; the paid"
            + " webhook books it once confirmed");
    reasons.put(
        "wrong_amount_waiting",
        "the payer sent less than invoiced and may still pay the rest; a later paid or paid_over"
            + " webhook books the invoice");
    reasons.put(
        STATUS_WRONG_AMOUNT,
        "the payer sent less than invoiced and the invoice is closed; an underpaid invoice is not"
            + " booked as a payment of the order: settle it with the payer in the Cryptomus"
            + " dashboard (refund what arrived, or collect the rest)");
    reasons.put("fail", "the payment failed; no money arrived");
    reasons.put("cancel", "the invoice expired or was cancelled without payment; no money arrived");
    reasons.put(
        "system_fail",
        "a Cryptomus system error ended the payment and no money was credited; ask Cryptomus"
            + " support about the invoice if the payer says they paid");
    reasons.put(
        "refund_process",
        "a refund is on its way to the payer; the refund_paid webhook books it once the money has"
            + " gone back");
    reasons.put(
        "refund_fail",
        "the refund failed, so the money stays with the merchant; refunds book only on"
            + " refund_paid, so there is nothing to undo");
    reasons.put(
        "locked",
        "Cryptomus froze the funds under its anti-money-laundering checks; nothing is booked"
            + " unless Cryptomus releases them and sends paid");
    return Map.copyOf(reasons);
  }

  private static List<EventRule> eventRules() {
    List<EventRule> rules = new ArrayList<>();
    rules.add(
        EventRule.books(
            STATUS_PAID,
            "PAYMENT of the invoiced amount (crypto invoices and static wallets: its US dollar"
                + " value), ledger key payment:<uuid>"));
    rules.add(
        EventRule.books(
            STATUS_PAID_OVER,
            "once is_final is true: PAYMENT of the invoiced amount (the surplus stays in the"
                + " Cryptomus balance), ledger key payment:<uuid>, the same entry as paid; before"
                + " that it is acknowledged and waits for the final webhook"));
    rules.add(
        EventRule.books(
            STATUS_REFUND_PAID,
            "REFUND (negative) of the invoiced amount (crypto: its US dollar value), ledger key"
                + " refund:<uuid>"));
    rules.addAll(
        EventRule.each(
            EventRule.Action.IGNORES,
            List.of(
                "process",
                "check",
                "confirm_check",
                "wrong_amount_waiting",
                STATUS_WRONG_AMOUNT,
                "fail",
                "cancel",
                "system_fail",
                "refund_process",
                "refund_fail",
                "locked"),
            IGNORED_STATUSES));
    return List.copyOf(rules);
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String displayName() {
    return "Cryptomus";
  }

  @Override
  public CredentialSchema credentialSchema() {
    return SCHEMA;
  }

  /** Applies the schema, then checks that {@value #ALLOWED_IPS}, when given, parses. */
  @Override
  public Credentials validateCredentials(JsonObject submitted) {
    Credentials credentials = SCHEMA.validate(submitted);
    IpAllowList.validateCredential(credentials, ALLOWED_IPS);
    return credentials;
  }

  /**
   * Cryptomus has no event subscription: it posts every status change of an invoice (or static
   * wallet payment) to the invoice's {@code url_callback}. These are the statuses it documents.
   */
  @Override
  public List<EventRule> eventTable() {
    return EVENT_TABLE;
  }

  @Override
  public Future<Verdict> verify(WebhookRequest request, Credentials credentials) {
    return Verdict.checked("Cryptomus signature", () -> check(request, credentials));
  }

  private static Verdict check(WebhookRequest request, Credentials credentials) {
    if (credentials.firstMissing(PAYMENT_API_KEY) != null) {
      return Verdict.rejected("the account has no Cryptomus " + PAYMENT_API_KEY);
    }
    Verdict sender = IpAllowList.check(request, credentials, ALLOWED_IPS);
    if (!sender.authentic()) {
      return sender;
    }
    ObjectNode root;
    try {
      root = PhpJson.parseObject(request.body().getBytes());
    } catch (MalformedWebhookException e) {
      return Verdict.rejected(e.getMessage());
    }
    if (!(root.get(SIGN) instanceof StringNode sign)) {
      return Verdict.rejected("the body has no string member '" + SIGN + "'");
    }
    String signed = PhpJson.encodeWithout(root, SIGN);
    byte[] expected = Signatures.utf8(expectedSign(signed, credentials.get(PAYMENT_API_KEY)));
    if (!MessageDigest.isEqual(expected, sign.value().getBytes(StandardCharsets.UTF_8))) {
      return Verdict.rejected("'sign' does not match the body and the payment API key");
    }
    String merchantId = credentials.get(MERCHANT_ID);
    if (merchantId == null || merchantId.isEmpty()) {
      return Verdict.rejected("the account has no Cryptomus " + MERCHANT_ID);
    }
    String merchantProblem = merchantProblem(root, merchantId);
    return merchantProblem == null ? Verdict.ok() : Verdict.rejected(merchantProblem);
  }

  /** Lower-case hex MD5 of the base64 of the signed JSON followed by the payment API key. */
  static String expectedSign(String signedJson, String paymentApiKey) {
    String base64 = Base64.getEncoder().encodeToString(signedJson.getBytes(StandardCharsets.UTF_8));
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      return Signatures.hex(md5.digest(Signatures.utf8(base64 + paymentApiKey)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 unavailable", e);
    }
  }

  private static String merchantProblem(ObjectNode root, String merchantId) {
    for (String field : List.of("merchant_id", "merchant")) {
      Node node = root.get(field);
      if (node == null || (node instanceof LiteralNode l && l.isNull())) {
        continue;
      }
      String value = scalar(node, field);
      if (!merchantId.equalsIgnoreCase(value)) {
        return "'" + field + "' names another merchant than the account's " + MERCHANT_ID;
      }
    }
    return null;
  }

  @Override
  public ParsedWebhook parse(WebhookRequest request, Credentials credentials) {
    ObjectNode root = PhpJson.parseObject(request.body().getBytes());
    String uuid = requireText(root, "uuid");
    String status = requireText(root, "status");
    String eventId = uuid + ":" + status;
    String refKey = credentials.getOrDefault(CUSTOMER_REF_KEY, ORDER_ID);
    try {
      return switch (status) {
        case STATUS_PAID ->
            new ParsedWebhook(
                eventId,
                status,
                List.of(event(EventKind.PAYMENT, "payment:", root, request, refKey)));
        case STATUS_PAID_OVER ->
            isFinal(root)
                ? new ParsedWebhook(
                    eventId,
                    status,
                    List.of(event(EventKind.PAYMENT, "payment:", root, request, refKey)))
                // Its own dedupe key: the final paid_over of the invoice must not be taken for a
                // duplicate of this one.
                : ParsedWebhook.ignored(
                    eventId + NOT_FINAL,
                    status,
                    status
                        + ": "
                        + subject(root, uuid)
                        + " was overpaid but is not final yet (is_final false); the final"
                        + " paid_over webhook books it");
        case STATUS_REFUND_PAID ->
            new ParsedWebhook(
                eventId,
                status,
                List.of(event(EventKind.REFUND, "refund:", root, request, refKey)));
        default -> ParsedWebhook.ignored(eventId, status, ignoredReason(status, root, uuid));
      };
    } catch (MalformedWebhookException e) {
      throw new MalformedWebhookException(
          "Cryptomus " + status + " " + uuid + ": " + e.getMessage(), e);
    }
  }

  /** Why a status books nothing, naming the invoice (and for underpayments, what arrived). */
  private static String ignoredReason(String status, ObjectNode root, String uuid) {
    String why = IGNORED_STATUSES.get(status);
    if (why == null) {
      return status
          + ": not a status Cryptomus documents for payment webhooks, so "
          + subject(root, uuid)
          + " is not booked; check it in the Cryptomus dashboard";
    }
    String paid = "";
    if (status.equals(STATUS_WRONG_AMOUNT) || status.equals("wrong_amount_waiting")) {
      String amount = optText(root, "payment_amount");
      String coin = optText(root, "payer_currency");
      String usd = optText(root, "payment_amount_usd");
      String invoiced = optText(root, "amount");
      String currency = optText(root, "currency");
      if (amount != null && coin != null && invoiced != null && currency != null) {
        paid =
            ", paid "
                + amount
                + " "
                + coin
                + (usd == null ? "" : " (about " + usd + " USD)")
                + " of "
                + invoiced
                + " "
                + currency
                + " invoiced";
      }
    }
    return status + ": " + subject(root, uuid) + paid + ": " + why;
  }

  /** "invoice <uuid> (order <order_id>)", or "static wallet payment …" for wallet webhooks. */
  private static String subject(ObjectNode root, String uuid) {
    String orderId = optText(root, "order_id");
    String what = "wallet".equals(optText(root, "type")) ? "static wallet payment " : "invoice ";
    return what + uuid + (orderId == null ? "" : " (order " + orderId + ")");
  }

  private static PaymentEvent event(
      EventKind kind,
      String keyPrefix,
      ObjectNode root,
      WebhookRequest request,
      String customerRefKey) {
    String uuid = requireText(root, "uuid");
    Amount amount = amount(root);
    long signed = kind == EventKind.REFUND ? -amount.minor() : amount.minor();
    return PaymentEvent.builder(kind, keyPrefix + uuid, request.receivedAt())
        .amount(signed, amount.currency())
        .externalPaymentId(uuid)
        .customerRef(optText(root, customerRefKey))
        .build();
  }

  /** An amount in minor units of a currency Paybridge books. */
  private record Amount(long minor, String currency) {}

  /**
   * The invoiced amount in the invoice currency when that currency is ISO-4217, else the payment's
   * US dollar value.
   */
  private static Amount amount(ObjectNode root) {
    String invoiceCurrency = requireText(root, "currency");
    Amount amount;
    if (isBookable(invoiceCurrency)) {
      String currency = Money.currency(invoiceCurrency);
      amount = new Amount(Money.toMinor(requireText(root, "amount"), currency), currency);
    } else {
      String usd = optText(root, "payment_amount_usd");
      if (usd == null) {
        throw new MalformedWebhookException(
            "invoice currency '"
                + invoiceCurrency
                + "' is not an ISO-4217 currency and 'payment_amount_usd' is missing");
      }
      amount = new Amount(Money.toMinor(usd, USD), USD);
    }
    if (amount.minor() <= 0) {
      throw new MalformedWebhookException("the amount is not positive");
    }
    return amount;
  }

  private static boolean isBookable(String currency) {
    try {
      Money.currency(currency);
      return true;
    } catch (MalformedWebhookException e) {
      return false;
    }
  }

  /** {@code is_final} as Cryptomus sends it (a boolean), tolerating {@code 1} and {@code "1"}. */
  private static boolean isFinal(ObjectNode root) {
    Node node = root.get("is_final");
    if (node == null || (node instanceof LiteralNode l && l.isNull())) {
      return false;
    }
    String value = scalar(node, "is_final");
    return switch (value) {
      case "true", "1" -> true;
      case "false", "0", "" -> false;
      default -> throw new MalformedWebhookException("'is_final' should be true or false");
    };
  }

  private static String requireText(ObjectNode root, String field) {
    String value = optText(root, field);
    if (value == null) {
      throw new MalformedWebhookException("'" + field + "' is missing");
    }
    return value;
  }

  /** A string or number member as text; absent, JSON null or empty is {@code null}. */
  private static String optText(ObjectNode root, String field) {
    Node node = root.get(field);
    if (node == null || (node instanceof LiteralNode l && l.isNull())) {
      return null;
    }
    String value = scalar(node, field);
    return value.isBlank() ? null : value;
  }

  private static String scalar(Node node, String field) {
    if (node instanceof StringNode s) {
      return s.value();
    }
    if (node instanceof NumberNode n) {
      return n.text();
    }
    if (node instanceof LiteralNode l) {
      return l.text();
    }
    throw new MalformedWebhookException("'" + field + "' should be a string");
  }
}
