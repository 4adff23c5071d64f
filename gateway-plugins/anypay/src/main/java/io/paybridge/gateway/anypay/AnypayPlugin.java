package io.paybridge.gateway.anypay;

import io.paybridge.spi.Checkouts;
import io.paybridge.spi.CredentialField;
import io.paybridge.spi.CredentialSchema;
import io.paybridge.spi.CredentialShape;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.EventRule;
import io.paybridge.spi.FormBody;
import io.paybridge.spi.FormSignature;
import io.paybridge.spi.GatewayIdentity;
import io.paybridge.spi.InvalidCredentialsException;
import io.paybridge.spi.IpAllowList;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PermanentGatewayException;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.PureCheckGatewayPlugin;
import io.paybridge.spi.RejectionCause;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookAnswer;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
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
 * <h2>What each scheme signs, and what is booked from it</h2>
 *
 * Neither scheme covers {@code transaction_id}, {@code test}, {@code profit}, {@code email}, {@code
 * method}, {@code created_date} or {@code completed_date}, nor the merchant's own extra parameters;
 * {@code md5} does not even cover {@code currency} or {@code status}. Anything a scheme does not
 * sign can be changed by whoever replays a captured notification, so:
 *
 * <ul>
 *   <li><b>{@code md5}</b> books only payments ({@code paid}), and only in the account's {@value
 *       #ACCOUNT_CURRENCY}; an {@code md5} account must list Anypay's sender addresses in {@value
 *       #ALLOWED_IPS} (Anypay documents {@link #PUBLISHED_IPS}) and name its currency, at
 *       credential validation and again at verification. A {@code refund}, or a payment in another
 *       currency, is acknowledged and kept with the reason, because a captured {@code paid} could
 *       otherwise be replayed as a refund or in another currency.
 *   <li><b>{@code sha256}</b> signs the status, so both {@code paid} and {@code refund} are booked.
 *       A refund is keyed by its {@code transaction_id}, which is not signed: it is booked only
 *       when the account restricts senders with {@value #ALLOWED_IPS}, so that only Anypay can name
 *       a new refund; without the list it is kept with that reason.
 *   <li><b>{@code test=1}</b> (Anypay's test mode) is not signed by either scheme. A test
 *       notification is acknowledged and kept under its own receipt key ({@code
 *       <pay_id>:<status>:test}), so a copy marked {@code test=1} can never stand in for, and hide,
 *       the real notification of the same order.
 * </ul>
 *
 * <h2>Meaning</h2>
 *
 * {@code paid} becomes a {@link EventKind#PAYMENT} of {@code amount} {@code currency} keyed {@code
 * payment:<pay_id>} (the merchant's order number, signed, unique per project), receipt key {@code
 * <pay_id>:paid}, so Anypay's repeated confirmations are duplicates. {@code refund} becomes a
 * negative {@link EventKind#REFUND} keyed {@code refund:<transaction_id>}, receipt key {@code
 * <pay_id>:refund:<transaction_id>}, so two refunds of one order are two entries. Other statuses
 * ({@code partially-paid}, {@code waiting}, {@code canceled}, {@code expired}, {@code error}) are
 * acknowledged and kept with the reason; {@link #eventTable()} lists them. The customer reference
 * and the external payment id are {@code pay_id} (signed by both schemes); {@code email} and {@code
 * completed_date} (Moscow time, {@code dd.MM.yyyy HH:mm:ss}; else the receiving time) are carried
 * for information.
 *
 * <h2>Answer</h2>
 *
 * Anypay repeats a notification until the handler answers {@code OK}, so every authentic outcome is
 * answered {@code OK} as {@code text/plain}.
 *
 * <h2>Checkouts</h2>
 *
 * As {@link Checkouts} the plugin computes the checkout's signed payment form URL ({@link
 * AnypayPaymentPage}) under {@value AnypayPaymentPage#DEFAULT_URL} (setting {@value
 * #FORM_URL_SETTING}); its order number {@code pay_id} is the checkout's reference.
 */
public final class AnypayPlugin extends PureCheckGatewayPlugin implements Checkouts {

  public static final String ID = "anypay";

  public static final String PROJECT_ID = "projectId";
  public static final String SECRET_KEY = "secretKey";
  public static final String SIGN_SCHEME = "signScheme";
  public static final String ALLOWED_IPS = "allowedIps";
  public static final String ACCOUNT_CURRENCY = "accountCurrency";

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
  public static final String STATUS_PARTIALLY_PAID = "partially-paid";
  public static final String STATUS_WAITING = "waiting";
  public static final String STATUS_CANCELED = "canceled";
  public static final String STATUS_EXPIRED = "expired";
  public static final String STATUS_ERROR = "error";

  /** Setting naming Anypay's payment form; tests point it at a simulator. */
  public static final String FORM_URL_SETTING = "anypay.merchant.url";

  /**
   * Anypay has no event subscription: the rows are the statuses its notifications carry, and the
   * booking ones are what a tenant should expect to see booked.
   */
  private static final List<EventRule> EVENT_TABLE =
      List.of(
          EventRule.books(
              STATUS_PAID,
              "PAYMENT under payment:<pay_id>; with md5, only in the account's accountCurrency"),
          EventRule.books(
              STATUS_REFUND,
              "REFUND (negative) under refund:<transaction_id>; sha256 only, and only when"
                  + " allowedIps is set, because transaction_id is not signed; md5 signs no"
                  + " status, so its refunds are kept unbooked"),
          EventRule.ignores(
              STATUS_PARTIALLY_PAID,
              "part of the order's amount has arrived; the order is booked when Anypay reports"
                  + " it paid"),
          EventRule.ignores(STATUS_WAITING, "the order is not paid yet: no money moved"),
          EventRule.ignores(STATUS_CANCELED, "the order was cancelled: no money moved"),
          EventRule.ignores(STATUS_EXPIRED, "the invoice expired unpaid: no money moved"),
          EventRule.ignores(STATUS_ERROR, "the payment failed: no money moved"));

  /** Lower-case hex SHA-256 of the {@code sha256} scheme's fields and the secret key. */
  private static final FormSignature SHA256_SIGNATURE = new FormSignature("SHA-256", false, SIGN);

  /** Lower-case hex MD5 of the {@code md5} scheme's fields and the secret key. */
  private static final FormSignature MD5_SIGNATURE = new FormSignature("MD5", false, SIGN);

  private static final CredentialSchema SCHEMA =
      CredentialSchema.of(
          CredentialField.text(
                  PROJECT_ID,
                  "Project id",
                  "Anypay > Projects: the project's numeric id (sent as merchant_id)")
              .shaped(CredentialShape.of("[0-9]{1,20}", "the project's numeric id")),
          CredentialField.secret(
                  SECRET_KEY,
                  "Secret key",
                  "The project's secret key from its Anypay settings; Anypay signs notifications"
                      + " with it")
              .verifyingWebhooks()
              .shaped(
                  CredentialShape.of(
                      "\\S{8,}",
                      "the project's secret key from its Anypay settings: at least 8 characters"
                          + " without spaces")),
          CredentialField.text(
                  SIGN_SCHEME,
                  "Signature scheme",
                  "The project's notification signature: sha256 (current) or md5 (older"
                      + " projects; requires allowed sender addresses)")
              .oneOf(SHA256, MD5)
              .optional(SHA256),
          IpAllowList.credentialField(
              ALLOWED_IPS,
              "Comma-separated IP addresses or CIDR ranges notifications must come from."
                  + " Anypay documents "
                  + String.join(", ", PUBLISHED_IPS)
                  + ". Required with md5; with sha256, needed to book refunds."),
          CredentialField.text(
                  ACCOUNT_CURRENCY,
                  "Account currency",
                  "The ISO-4217 currency of your payments, e.g. RUB. Required with md5, which does"
                      + " not sign the currency: md5 payments in any other currency are not"
                      + " booked.")
              .optional(null));

  private volatile String formUrl = AnypayPaymentPage.DEFAULT_URL;

  /** The plugin as {@link java.util.ServiceLoader} creates it. */
  public AnypayPlugin() {
    super(new GatewayIdentity(ID, "Anypay", SCHEMA, EVENT_TABLE), "Anypay signature");
  }

  /** Reads the payment form's URL; fails, naming the setting, when it is not an http(s) URL. */
  @Override
  public Future<Void> init(PluginContext context) {
    try {
      formUrl = context.urlSetting(FORM_URL_SETTING, AnypayPaymentPage.DEFAULT_URL);
      return Future.succeededFuture();
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
  }

  /** The checkout's signed payment form; see {@link AnypayPaymentPage}. */
  @Override
  public Future<StartedCheckout> start(CheckoutRequest request, Credentials credentials) {
    try {
      return Future.succeededFuture(AnypayPaymentPage.start(formUrl, request, credentials));
    } catch (PermanentGatewayException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * Checks that {@value #PROJECT_ID} is numeric, that {@value #ALLOWED_IPS} parses, that {@value
   * #ACCOUNT_CURRENCY} is an ISO-4217 code (returned upper case), and that an {@code md5} account
   * restricts senders and names its currency.
   */
  @Override
  protected Credentials checkCredentials(Credentials credentials) {
    boolean md5 = MD5.equals(credentials.get(SIGN_SCHEME));
    IpAllowList.validateCredential(credentials, ALLOWED_IPS);
    if (md5 && credentials.get(ALLOWED_IPS) == null) {
      throw new InvalidCredentialsException(
          ALLOWED_IPS,
          "Allowed sender addresses are required with the md5 signature scheme, which signs"
              + " neither currency nor status: list Anypay's sender addresses.");
    }
    String currency = credentials.get(ACCOUNT_CURRENCY);
    if (currency != null) {
      try {
        currency = Money.currency(currency);
      } catch (MalformedWebhookException e) {
        throw new InvalidCredentialsException(
            ACCOUNT_CURRENCY, "Account currency must be an ISO-4217 currency code such as RUB.");
      }
      Map<String, String> values = new LinkedHashMap<>(credentials.asMap());
      values.put(ACCOUNT_CURRENCY, currency);
      credentials = new Credentials(values);
    } else if (md5) {
      throw new InvalidCredentialsException(
          ACCOUNT_CURRENCY,
          "Account currency is required with the md5 signature scheme, which does not sign the"
              + " currency: name the one currency this account takes.");
    }
    return credentials;
  }

  @Override
  protected Verdict check(WebhookRequest request, Credentials credentials) {
    if (credentials.firstMissing(SECRET_KEY, PROJECT_ID) != null) {
      return Verdict.rejected(
          RejectionCause.WRONG_SECRET,
          "the account has no Anypay " + SECRET_KEY + " or " + PROJECT_ID);
    }
    String scheme = credentials.getOrDefault(SIGN_SCHEME, SHA256);
    String allowed = credentials.get(ALLOWED_IPS);
    if (allowed == null && MD5.equals(scheme)) {
      return Verdict.rejected(
          "md5 notifications sign neither status nor currency, so an md5 account verifies nothing"
              + " without "
              + ALLOWED_IPS
              + " (Anypay's sender addresses)");
    }
    if (credentials.get(ACCOUNT_CURRENCY) == null && MD5.equals(scheme)) {
      return Verdict.rejected(
          "md5 notifications do not sign the currency, so an md5 account verifies nothing without "
              + ACCOUNT_CURRENCY);
    }
    Verdict sender = IpAllowList.check(request, credentials, ALLOWED_IPS);
    if (!sender.authentic()) {
      return sender;
    }
    FormBody params;
    try {
      params = parameters(request);
    } catch (MalformedWebhookException e) {
      return Verdict.rejected(e.getMessage());
    }
    boolean md5 = MD5.equals(scheme);
    Verdict signature =
        (md5 ? MD5_SIGNATURE : SHA256_SIGNATURE)
            .verify(params, md5 ? MD5_FIELDS : SHA256_FIELDS, credentials.get(SECRET_KEY));
    if (!signature.authentic()) {
      return signature;
    }
    byte[] projectId = credentials.get(PROJECT_ID).getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(projectId, params.raw("merchant_id"))) {
      return Verdict.rejected(
          RejectionCause.WRONG_ACCOUNT,
          "'merchant_id' is another project than the account's " + PROJECT_ID);
    }
    return Verdict.ok();
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

  /** What the notification books; see {@code AnypayMapping}. */
  @Override
  public ParsedWebhook parse(WebhookRequest request, Credentials credentials) {
    return AnypayMapping.parse(parameters(request), credentials, request.receivedAt());
  }

  /** {@code OK}, which stops Anypay repeating the notification. */
  @Override
  public WebhookAnswer acknowledge(WebhookRequest request, ParsedWebhook parsed, Outcome outcome) {
    return WebhookAnswer.text(200, "OK");
  }
}
