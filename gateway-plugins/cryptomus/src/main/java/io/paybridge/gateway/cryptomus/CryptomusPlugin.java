package io.paybridge.gateway.cryptomus;

import io.paybridge.gateway.cryptomus.PhpJson.ObjectNode;
import io.paybridge.gateway.cryptomus.PhpJson.StringNode;
import io.paybridge.spi.AfterInit;
import io.paybridge.spi.Checkouts;
import io.paybridge.spi.CredentialField;
import io.paybridge.spi.CredentialSchema;
import io.paybridge.spi.CredentialShape;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayApi;
import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.GatewayIdentity;
import io.paybridge.spi.IpAllowList;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.PureCheckGatewayPlugin;
import io.paybridge.spi.RejectionCause;
import io.paybridge.spi.Signatures;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

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
 * invoice. Cryptomus sends no event time, so events carry the time Paybridge received them. An
 * invoice a Paybridge checkout opened names its customer in its signed {@code additional_data}
 * ({@link CheckoutData}), which then gives the customer reference whatever the account's setting.
 *
 * <h2>Checkouts</h2>
 *
 * As {@link Checkouts} the plugin opens a Cryptomus invoice for the checkout ({@link
 * CryptomusInvoices}) through the API at {@value #DEFAULT_API_BASE} (setting {@value
 * #API_BASE_SETTING}; total time per call from {@value #API_TIMEOUT_SETTING}, in milliseconds,
 * default {@link GatewayHttp#DEFAULT_TIMEOUT_MS}), signed with the account's merchant UUID and
 * payment API key. The invoice's {@code uuid} is the checkout's reference and the external payment
 * id its webhooks book.
 */
public final class CryptomusPlugin extends PureCheckGatewayPlugin implements Checkouts {

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

  /** Setting naming the base URL of Cryptomus's API; tests point it at a simulator. */
  public static final String API_BASE_SETTING = "cryptomus.api.base";

  public static final String DEFAULT_API_BASE = "https://api.cryptomus.com";

  /** Setting for the total time one API call may take, in milliseconds. */
  public static final String API_TIMEOUT_SETTING = "cryptomus.api.timeout.ms";

  private static final CredentialSchema SCHEMA =
      CredentialSchema.of(
          CredentialField.text(
                  MERCHANT_ID,
                  "Merchant UUID",
                  "Cryptomus dashboard > Settings > Merchant: the merchant's UUID")
              .shaped(
                  CredentialShape.of(
                      "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}",
                      "the merchant's UUID, such as c26b80a8-9549-4a66-bb53-774f12809249")),
          CredentialField.secret(
                  PAYMENT_API_KEY,
                  "Payment API key",
                  "Cryptomus dashboard > Settings > API integration: the payment API key (not the"
                      + " payout key); Cryptomus signs payment webhooks with it")
              .verifyingWebhooks()
              .shaped(
                  CredentialShape.of(
                      "[A-Za-z0-9_-]{32,}",
                      "the payment API key Cryptomus generated: at least 32 letters and digits")),
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

  private final AfterInit<CryptomusInvoices> invoices = new AfterInit<>("Cryptomus");

  /** The plugin as {@link java.util.ServiceLoader} creates it. */
  public CryptomusPlugin() {
    super(
        new GatewayIdentity(ID, "Cryptomus", SCHEMA, CryptomusEvents.TABLE), "Cryptomus signature");
  }

  /** Builds the client of Cryptomus's API; fails, naming the setting, when one is not usable. */
  @Override
  public Future<Void> init(PluginContext context) {
    return invoices.build(
        () ->
            new CryptomusInvoices(
                GatewayApi.fromSettings(
                    context,
                    ID,
                    "Cryptomus",
                    API_BASE_SETTING,
                    DEFAULT_API_BASE,
                    API_TIMEOUT_SETTING)));
  }

  /** Opens a Cryptomus invoice for the checkout; see {@link CryptomusInvoices}. */
  @Override
  public Future<StartedCheckout> start(CheckoutRequest request, Credentials credentials) {
    return invoices.call(api -> api.start(request, credentials));
  }

  /** Checks that {@value #ALLOWED_IPS}, when given, parses. */
  @Override
  protected Credentials checkCredentials(Credentials credentials) {
    IpAllowList.validateCredential(credentials, ALLOWED_IPS);
    return credentials;
  }

  @Override
  protected Verdict check(WebhookRequest request, Credentials credentials) {
    if (credentials.firstMissing(PAYMENT_API_KEY) != null) {
      return Verdict.rejected(
          RejectionCause.WRONG_SECRET, "the account has no Cryptomus " + PAYMENT_API_KEY);
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
      return Verdict.rejected(
          RejectionCause.UNSIGNED, "the body has no string member '" + SIGN + "'");
    }
    String signed = PhpJson.encodeWithout(root, SIGN);
    byte[] expected = Signatures.utf8(expectedSign(signed, credentials.get(PAYMENT_API_KEY)));
    if (!MessageDigest.isEqual(expected, sign.value().getBytes(StandardCharsets.UTF_8))) {
      return Verdict.rejected(
          RejectionCause.WRONG_SECRET, "'sign' does not match the body and the payment API key");
    }
    String merchantId = credentials.get(MERCHANT_ID);
    if (merchantId == null || merchantId.isEmpty()) {
      return Verdict.rejected("the account has no Cryptomus " + MERCHANT_ID);
    }
    String merchantProblem = merchantProblem(root, merchantId);
    return merchantProblem == null
        ? Verdict.ok()
        : Verdict.rejected(RejectionCause.WRONG_ACCOUNT, merchantProblem);
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
      String value = root.scalar(field);
      if (value != null && !merchantId.equalsIgnoreCase(value)) {
        return "'" + field + "' names another merchant than the account's " + MERCHANT_ID;
      }
    }
    return null;
  }

  /** What the webhook books; see {@code CryptomusEvents}. */
  @Override
  public ParsedWebhook parse(WebhookRequest request, Credentials credentials) {
    return CryptomusEvents.parse(
        PhpJson.parseObject(request.body().getBytes()),
        credentials.getOrDefault(CUSTOMER_REF_KEY, ORDER_ID),
        request.receivedAt());
  }
}
