package io.paybridge.gateway.payeer;

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
import io.paybridge.spi.IpAllowList;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PermanentGatewayException;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.PureCheckGatewayPlugin;
import io.paybridge.spi.RejectionCause;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookAnswer;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Payeer merchant payment notifications ("status URL" callbacks), implemented on the JDK.
 *
 * <h2>Authenticity</h2>
 *
 * Payeer posts an {@code application/x-www-form-urlencoded} form. {@code m_sign} is the upper-case
 * hex SHA-256 of {@code m_operation_id:m_operation_ps:m_operation_date:m_operation_pay_date:
 * m_shop:m_orderid:m_amount:m_curr:m_desc:m_status[:m_params]:<secret key>}: the values exactly as
 * a PHP handler reads them from {@code $_POST} (URL-decoded bytes), with {@code m_params} included
 * whenever the parameter is present, even empty. All ten fields must be present; {@code m_sign} is
 * compared in constant time and must be upper case, as Payeer sends it; {@code m_shop} must be the
 * account's {@value #SHOP_ID}. A form that names a parameter twice, or is not well-formed, is
 * refused. The scheme has no timestamp, so a replay is a duplicate of its original and is
 * deduplicated by the platform. Payeer documents the addresses its notifications come from ({@link
 * #PUBLISHED_IPS}); a tenant may restrict deliveries to them, or to any list of addresses and CIDR
 * ranges, with {@value #ALLOWED_IPS}.
 *
 * <p>Payeer may post parameters the signature does not cover (such as {@code summa_out}, {@code
 * transfer_id}, {@code client_account}, {@code client_email}). The plugin never reads them: what it
 * books comes only from signed fields, so changing an unsigned parameter cannot change the ledger.
 *
 * <h2>Meaning</h2>
 *
 * The receipt's dedupe key is {@code m_operation_id}, Payeer's operation number. {@code
 * m_status=success} becomes a {@link EventKind#PAYMENT} keyed {@code payment:<m_operation_id>} of
 * {@code m_amount} {@code m_curr} (a decimal string in major units), with the external payment id
 * and the customer reference {@code m_orderid}, the order id (a checkout's id, or the tenant's own
 * order id), which Payeer signs. Its time is {@code m_operation_pay_date} (else {@code
 * m_operation_date}) in Payeer's {@code dd.MM.yyyy HH:mm:ss} form, Moscow time, else the time
 * Paybridge received it. {@code m_status=fail} (the payment failed or was abandoned) is
 * acknowledged and kept with that reason; so is any status Payeer does not document, with a reason
 * naming it. {@link #eventTable()} lists the statuses and {@code docs/gateways/payeer.md} explains
 * them. Nothing Payeer sends needs its API, so nothing is ever held.
 *
 * <h2>Answer</h2>
 *
 * Payeer reads the answer's body: {@code <m_orderid>|success} acknowledges (recorded, duplicate or
 * ignored alike), {@code <m_orderid>|error} says the notification was not accepted. A rejected
 * delivery is answered {@code |error} with HTTP 200, as Payeer's own handler examples answer it;
 * the order id is echoed only when it is a plain identifier, since an unverified delivery's text is
 * not trusted.
 *
 * <h2>Checkouts</h2>
 *
 * As {@link Checkouts} the plugin computes the checkout's signed payment page URL ({@link
 * PayeerPaymentPage}) under Payeer's merchant page, {@value PayeerPaymentPage#DEFAULT_URL} (setting
 * {@value #PAGE_URL_SETTING}); the checkout id is the order id and the reference.
 */
public final class PayeerPlugin extends PureCheckGatewayPlugin implements Checkouts {

  public static final String ID = "payeer";

  public static final String SHOP_ID = "shopId";
  public static final String SECRET_KEY = "secretKey";
  public static final String ALLOWED_IPS = "allowedIps";

  /** The addresses Payeer documents its payment notifications come from. */
  public static final List<String> PUBLISHED_IPS =
      List.of("185.71.65.92", "185.71.65.189", "149.202.17.210");

  /** The signed fields, in signing order. */
  public static final List<String> SIGNED_FIELDS =
      List.of(
          "m_operation_id",
          "m_operation_ps",
          "m_operation_date",
          "m_operation_pay_date",
          "m_shop",
          "m_orderid",
          "m_amount",
          "m_curr",
          "m_desc",
          "m_status");

  /** Encrypted additional parameters; signed after {@code m_status} when present. */
  public static final String M_PARAMS = "m_params";

  public static final String M_SIGN = "m_sign";
  public static final String STATUS_SUCCESS = "success";
  public static final String STATUS_FAIL = "fail";

  /** Setting naming Payeer's merchant payment page; tests point it at a simulator. */
  public static final String PAGE_URL_SETTING = "payeer.merchant.url";

  /**
   * Payeer has no event subscription: the merchant's status URL receives every notification, and
   * {@code m_status} says what it is about. Payeer documents two values.
   */
  private static final List<EventRule> EVENT_TABLE =
      List.of(
          EventRule.books(
              STATUS_SUCCESS,
              "PAYMENT of m_amount in m_curr, ledger key payment:<m_operation_id>; the external"
                  + " payment id and the customer reference are m_orderid"),
          EventRule.ignores(
              STATUS_FAIL,
              "the payment failed or the customer abandoned it: no money reached the merchant's"
                  + " Payeer account, so there is nothing to book"));

  /** Upper-case hex SHA-256 of the signed values and the secret key, joined by {@code :}. */
  private static final FormSignature SIGNATURE = new FormSignature("SHA-256", true, M_SIGN);

  private static final CredentialSchema SCHEMA =
      CredentialSchema.of(
          CredentialField.text(
                  SHOP_ID,
                  "Merchant (shop) id",
                  "Payeer account > Merchant > the merchant's numeric ID (sent as m_shop)")
              .shaped(CredentialShape.of("[0-9]{1,20}", "the merchant's numeric ID")),
          CredentialField.secret(
                  SECRET_KEY,
                  "Secret key",
                  "The merchant's secret key from its Payeer settings; Payeer signs notifications"
                      + " with it")
              .verifyingWebhooks()
              .shaped(
                  CredentialShape.of(
                      "\\S{8,}",
                      "the merchant's secret key as set in Payeer: at least 8 characters without"
                          + " spaces")),
          IpAllowList.credentialField(
              ALLOWED_IPS,
              "Optional comma-separated IP addresses or CIDR ranges notifications must come"
                  + " from. Payeer documents "
                  + String.join(", ", PUBLISHED_IPS)
                  + ". Empty: any address."));

  private volatile String pageUrl = PayeerPaymentPage.DEFAULT_URL;

  /** The plugin as {@link java.util.ServiceLoader} creates it. */
  public PayeerPlugin() {
    super(new GatewayIdentity(ID, "Payeer", SCHEMA, EVENT_TABLE), "Payeer signature");
  }

  /** Reads the payment page's URL; fails, naming the setting, when it is not an http(s) URL. */
  @Override
  public Future<Void> init(PluginContext context) {
    try {
      pageUrl = context.urlSetting(PAGE_URL_SETTING, PayeerPaymentPage.DEFAULT_URL) + "/";
      return Future.succeededFuture();
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
  }

  /** The checkout's signed payment page; see {@link PayeerPaymentPage}. */
  @Override
  public Future<StartedCheckout> start(CheckoutRequest request, Credentials credentials) {
    try {
      return Future.succeededFuture(PayeerPaymentPage.start(pageUrl, request, credentials));
    } catch (PermanentGatewayException e) {
      return Future.failedFuture(e);
    }
  }

  /** Checks that {@value #ALLOWED_IPS}, when given, parses. */
  @Override
  protected Credentials checkCredentials(Credentials credentials) {
    IpAllowList.validateCredential(credentials, ALLOWED_IPS);
    return credentials;
  }

  @Override
  protected Verdict check(WebhookRequest request, Credentials credentials) {
    if (credentials.firstMissing(SECRET_KEY, SHOP_ID) != null) {
      return Verdict.rejected(
          RejectionCause.WRONG_SECRET,
          "the account has no Payeer " + SECRET_KEY + " or " + SHOP_ID);
    }
    Verdict sender = IpAllowList.check(request, credentials, ALLOWED_IPS);
    if (!sender.authentic()) {
      return sender;
    }
    FormBody form;
    try {
      form = FormBody.parse(request.body().getBytes());
    } catch (MalformedWebhookException e) {
      return Verdict.rejected(e.getMessage());
    }
    Verdict signature = SIGNATURE.verify(form, signedFields(form), credentials.get(SECRET_KEY));
    if (!signature.authentic()) {
      return signature;
    }
    byte[] shopId = credentials.get(SHOP_ID).getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(shopId, form.raw("m_shop"))) {
      return Verdict.rejected(
          RejectionCause.WRONG_ACCOUNT,
          "'m_shop' is another merchant than the account's " + SHOP_ID);
    }
    return Verdict.ok();
  }

  /** The fields a notification signs: {@link #SIGNED_FIELDS}, then {@value #M_PARAMS} if sent. */
  private static List<String> signedFields(FormBody form) {
    if (!form.has(M_PARAMS)) {
      return SIGNED_FIELDS;
    }
    List<String> fields = new ArrayList<>(SIGNED_FIELDS);
    fields.add(M_PARAMS);
    return fields;
  }

  @Override
  public ParsedWebhook parse(WebhookRequest request, Credentials credentials) {
    FormBody form = FormBody.parse(request.body().getBytes());
    String operationId = form.requireText("m_operation_id");
    String status = form.requireText("m_status");
    if (STATUS_FAIL.equals(status)) {
      return ParsedWebhook.ignored(
          operationId,
          status,
          "fail: Payeer reports operation "
              + operationId
              + " for order "
              + orderRef(form)
              + " failed or was abandoned; no money reached the merchant, nothing to book");
    }
    if (!STATUS_SUCCESS.equals(status)) {
      return ParsedWebhook.ignored(
          operationId,
          status,
          status
              + ": not a status Payeer documents for payment notifications (success, fail), so"
              + " operation "
              + operationId
              + " is not booked; check it in the Payeer merchant history");
    }
    try {
      String currency = Money.currency(form.requireText("m_curr"));
      long amount = Money.toMinor(form.requireText("m_amount"), currency);
      if (amount <= 0) {
        throw new MalformedWebhookException("'m_amount' is not positive");
      }
      PaymentEvent payment =
          PaymentEvent.builder(
                  EventKind.PAYMENT, "payment:" + operationId, occurredAt(form, request))
              .amount(amount, currency)
              .externalPaymentId(form.text("m_orderid"))
              .customerRef(form.text("m_orderid"))
              .build();
      return new ParsedWebhook(operationId, status, List.of(payment));
    } catch (MalformedWebhookException e) {
      throw new MalformedWebhookException(
          "Payeer operation " + operationId + ": " + e.getMessage(), e);
    }
  }

  private static String orderRef(FormBody form) {
    String orderId = form.text("m_orderid");
    return orderId == null || orderId.isBlank() ? "(none)" : orderId;
  }

  /** When it was paid, else when the operation was made, else when Paybridge received it. */
  private static Instant occurredAt(FormBody form, WebhookRequest request) {
    for (String field : List.of("m_operation_pay_date", "m_operation_date")) {
      Instant time = FormBody.moscowTime(form.text(field));
      if (time != null) {
        return time;
      }
    }
    return request.receivedAt();
  }

  /** {@code <m_orderid>|success}, for every outcome of an authentic notification. */
  @Override
  public WebhookAnswer acknowledge(WebhookRequest request, ParsedWebhook parsed, Outcome outcome) {
    return WebhookAnswer.text(200, orderId(request) + "|success");
  }

  /** {@code <m_orderid>|error}: Payeer must not take a rejected notification as accepted. */
  @Override
  public WebhookAnswer reject(WebhookRequest request) {
    String orderId = orderId(request);
    return WebhookAnswer.text(
        200, (PayeerPaymentPage.ORDER_ID.matcher(orderId).matches() ? orderId : "") + "|error");
  }

  private static String orderId(WebhookRequest request) {
    try {
      String orderId = FormBody.parse(request.body().getBytes()).text("m_orderid");
      return orderId == null ? "" : orderId;
    } catch (MalformedWebhookException e) {
      return "";
    }
  }
}
