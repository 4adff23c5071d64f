package io.paybridge.gateway.paypal;

import io.paybridge.spi.AbstractGatewayPlugin;
import io.paybridge.spi.ApiSubscriptions;
import io.paybridge.spi.CancelAndRefund;
import io.paybridge.spi.Captures;
import io.paybridge.spi.Checkouts;
import io.paybridge.spi.CredentialField;
import io.paybridge.spi.CredentialSchema;
import io.paybridge.spi.CredentialShape;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.GatewayIdentity;
import io.paybridge.spi.InvalidCredentialsException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.Refunds;
import io.paybridge.spi.Renewals;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * PayPal REST webhooks, verified offline on the JDK without PayPal's SDK and booked as PayPal's
 * REST API confirms them, plus the subscription calls the platform needs ({@link Renewals}, {@link
 * CancelAndRefund}) and refunds by amount ({@link Refunds}, {@link PayPalRefundCalls}). The
 * tenant-facing page is {@code docs/gateways/paypal.md}.
 *
 * <h2>Authenticity</h2>
 *
 * PayPal signs each transmission with the private key of a certificate it publishes at the URL in
 * {@code PAYPAL-CERT-URL}. The signed string is {@code <PAYPAL-TRANSMISSION-ID>|
 * <PAYPAL-TRANSMISSION-TIME>|<webhook id>|<CRC32 of the raw body, unsigned decimal>}; the webhook
 * id is the account's own ({@code webhookId}), never sent, so a delivery addressed to another
 * endpoint does not verify. The signature ({@code PAYPAL-TRANSMISSION-SIG}, base64) must be {@code
 * SHA256withRSA}, the only algorithm accepted whatever {@code PAYPAL-AUTH-ALGO} claims. A delivery
 * is authentic when, in this order:
 *
 * <ol>
 *   <li>its headers are well formed and the certificate URL is {@code https} on {@code paypal.com}
 *       or a subdomain, port 443, without user information ({@link PayPalCertUrl}); any other URL
 *       is refused without being fetched;
 *   <li>its transmission time is fresh (below);
 *   <li>the certificate bundle at that URL (fetched through {@link GatewayHttp}, cached per URL)
 *       starts with a leaf whose common name is {@code messageverificationcerts.paypal.com} for a
 *       live account or {@code messageverificationcerts.sandbox.paypal.com} for a sandbox one,
 *       valid at the transmission time, with an RSA key of 2048 bits or more;
 *   <li>the signature verifies with the leaf's key over the signed string built from the raw body
 *       bytes as received;
 *   <li>the bundle chains to a trust anchor as of the transmission time: by default the JDK's
 *       default trust store (PayPal's signing certificates come from a public CA), through the
 *       bundle's other certificates and any configured in {@value #CERT_INTERMEDIATES_SETTING};
 *       tests inject their own anchors through {@link #PayPalPlugin(Collection)}. Revocation is not
 *       checked (it would take blocking CRL or OCSP fetches).
 * </ol>
 *
 * An authentic delivery is {@linkplain Verdict#ok(String) accepted under its transmission id}: the
 * signature binds the body only through its CRC32, so the platform accepts each transmission id
 * with one body only.
 *
 * <h2>Freshness</h2>
 *
 * A delivery whose {@code PAYPAL-TRANSMISSION-TIME} is more than {@value #MAX_AGE_SETTING} (default
 * {@link #DEFAULT_MAX_AGE}, four days) before {@link WebhookRequest#receivedAt()}, or more than
 * {@value #MAX_SKEW_SETTING} (default {@link #DEFAULT_MAX_SKEW}, five minutes) after it, is
 * rejected. The window is that long because PayPal retries an unacknowledged delivery up to 25
 * times over three days, and the retries repeat the first transmission: PayPal's record of an
 * event's transmissions keeps one transmission id and one timestamp per URL while its attempts run
 * on for days, and the transmission id is a time-based UUID whose embedded time is that first
 * transmission time. A window per attempt would refuse genuine retries; three days plus a day of
 * margin accepts them all. Held deliveries that the platform reprocesses later are judged at their
 * original receipt time, so they stay fresh. The window also bounds how far back a leaked signing
 * key could date a transmission, since certificates are judged at the transmission time.
 *
 * <h2>What is booked</h2>
 *
 * Because anyone holding one genuine delivery can rewrite its body and restore the CRC32, the body
 * is trusted only for the event id, the event type and the resource id. {@link #resolve} fetches
 * the resource from PayPal's API with the account's client credentials and books what PayPal
 * returns ({@link PayPalResolver}); without client credentials, or when PayPal refuses them, the
 * delivery is held until the tenant saves working ones. {@link #parse} maps the body's own resource
 * the same way, which is what the delivery claims, not what is booked. {@link #eventTable()} says
 * what each event type books ({@link PayPalEventTable}); see {@link PayPalEvents}.
 *
 * <h2>Checkouts</h2>
 *
 * As {@link Checkouts} the plugin opens an Orders v2 order with {@code intent: CAPTURE} for the
 * checkout ({@link PayPalOrders}); as {@link Captures} it captures the order once the customer
 * approved it and books the capture under the key its {@code PAYMENT.CAPTURE.COMPLETED} webhook
 * uses ({@link PayPalCaptures}), and cancels it by making sure it is never captured. Every call
 * takes the account's client credentials and sends the request's idempotency key as {@code
 * PayPal-Request-Id}.
 *
 * <h2>Settings</h2>
 *
 * <ul>
 *   <li>{@value #API_BASE_SETTING}: the REST API base for every account, instead of {@value
 *       #LIVE_API_BASE} (live) or {@value #SANDBOX_API_BASE} (sandbox); for staging and tests.
 *   <li>{@value #TIMEOUT_SETTING}: total time of one API call or certificate fetch, in
 *       milliseconds; default {@link GatewayHttp#DEFAULT_TIMEOUT_MS}.
 *   <li>{@value #MAX_AGE_SETTING} and {@value #MAX_SKEW_SETTING}: the freshness window above, in
 *       milliseconds.
 *   <li>{@value #CERT_INTERMEDIATES_SETTING}: the path of a PEM file of CA certificates that may
 *       complete the chain from PayPal's signing certificate to a trust anchor, for when the
 *       certificate URL serves the leaf alone (PayPal's SDKs ship the issuing CA for that reason).
 *       These certificates are path-building material only, never anchors: the chain must still end
 *       at a trusted root.
 *   <li>{@value #CERT_TRUST_ANCHORS_SETTING}: a PEM file of roots to trust instead of the JDK's.
 *   <li>{@value #CERT_FETCH_BASE_SETTING}: <b>for tests only</b>. When set, a certificate URL that
 *       passed the paypal.com check is fetched from the same path and query under this base (a
 *       local simulator) instead of from PayPal. The check itself is unchanged, so deliveries still
 *       must name a PayPal URL. Never set it in production: it would let whoever serves that base
 *       decide which certificates are PayPal's.
 * </ul>
 */
public final class PayPalPlugin extends AbstractGatewayPlugin
    implements ApiSubscriptions<PayPalSubscriptions>, Checkouts, Captures, Refunds {

  public static final String ID = "paypal";

  public static final String TRANSMISSION_ID_HEADER = "PAYPAL-TRANSMISSION-ID";
  public static final String TRANSMISSION_TIME_HEADER = "PAYPAL-TRANSMISSION-TIME";
  public static final String TRANSMISSION_SIG_HEADER = "PAYPAL-TRANSMISSION-SIG";
  public static final String CERT_URL_HEADER = "PAYPAL-CERT-URL";
  public static final String AUTH_ALGO_HEADER = "PAYPAL-AUTH-ALGO";

  public static final String CLIENT_ID = "clientId";
  public static final String CLIENT_SECRET = "clientSecret";
  public static final String WEBHOOK_ID = "webhookId";
  public static final String ENVIRONMENT = "environment";
  public static final String CUSTOMER_REF_KEY = "customerRefKey";
  public static final String DEFAULT_ENVIRONMENT = "live";
  public static final String DEFAULT_CUSTOMER_REF_KEY = "custom_id";

  public static final String API_BASE_SETTING = "paypal.api.base";
  public static final String TIMEOUT_SETTING = "paypal.api.timeout.ms";
  public static final String CERT_FETCH_BASE_SETTING = "paypal.cert.fetch.base";
  public static final String CERT_INTERMEDIATES_SETTING = "paypal.cert.intermediates";

  /** How long before its receipt a transmission may have been sent, in milliseconds. */
  public static final String MAX_AGE_SETTING = "paypal.transmission.max.age.ms";

  /** How long after its receipt a transmission may claim to have been sent, in milliseconds. */
  public static final String MAX_SKEW_SETTING = "paypal.transmission.max.skew.ms";

  /** PayPal's three days of retries of one transmission, and a day of margin. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(4);

  /** Clock difference tolerated between PayPal and Paybridge. */
  public static final Duration DEFAULT_MAX_SKEW = Duration.ofMinutes(5);

  /**
   * Path of a PEM file of root certificates to trust instead of the JDK's trust store, for
   * installations that pin PayPal's CA, and for staging and tests with a private PKI.
   */
  public static final String CERT_TRUST_ANCHORS_SETTING = "paypal.cert.trust.anchors";

  public static final String LIVE_API_BASE = "https://api-m.paypal.com";
  public static final String SANDBOX_API_BASE = "https://api-m.sandbox.paypal.com";

  /** Why Paybridge cancels a subscription it refunds; PayPal keeps it with the subscription. */
  static final String CANCEL_REASON =
      "Charge for a subscription the merchant does not recognise: cancelled and refunded";

  private static final String NOT_INITIALISED = "the PayPal plugin has not been initialised";

  private static final Pattern FIELD_PATH_SHAPE =
      Pattern.compile("[A-Za-z0-9_]{1,64}(\\.[A-Za-z0-9_]{1,64}){0,7}");

  private static final CredentialSchema SCHEMA =
      CredentialSchema.of(
          CredentialField.text(
                  CLIENT_ID,
                  "Client ID",
                  "Developer Dashboard > Apps & Credentials > your REST app > Client ID; Paybridge"
                      + " uses it to confirm every delivery with PayPal's API, and holds deliveries"
                      + " until it works")
              .shaped(
                  CredentialShape.of(
                      "[A-Za-z0-9_-]{20,}",
                      "the REST app's Client ID: at least 20 letters, digits, - and _")),
          CredentialField.secret(
                  CLIENT_SECRET,
                  "Client secret",
                  "Developer Dashboard > Apps & Credentials > your REST app > Secret key (of the"
                      + " same app as the webhook)")
              .shaped(
                  CredentialShape.of(
                      "[A-Za-z0-9_-]{20,}",
                      "the REST app's Secret key: at least 20 letters, digits, - and _")),
          CredentialField.text(
                  WEBHOOK_ID,
                  "Webhook ID",
                  "The ID PayPal gives the webhook you pointed at Paybridge (your REST app >"
                      + " Webhooks); every delivery is signed for it. PayPal shows it once the"
                      + " webhook URL is added: save the account without it first")
              .verifyingWebhooks()
              .shaped(
                  CredentialShape.of(
                          "[A-Za-z0-9]{8,50}",
                          "the webhook's ID as PayPal lists it under your REST app's webhooks:"
                              + " 8 to 50 letters and digits")
                      .unless("WH-", "an event id")),
          CredentialField.text(
                  ENVIRONMENT,
                  "Environment",
                  "sandbox for Developer Dashboard test apps, live for real payments")
              .oneOf("sandbox", "live")
              .optional(DEFAULT_ENVIRONMENT),
          CredentialField.text(
                  CUSTOMER_REF_KEY,
                  "Customer reference field",
                  "The resource field your integration stores your own customer reference in;"
                      + " PayPal copies an order's or subscription's custom_id onto its payments")
              .optional(DEFAULT_CUSTOMER_REF_KEY));

  private final Set<TrustAnchor> injectedAnchors;

  /** What {@link #init} sets up; {@code null} until then. */
  private volatile PayPalRuntime runtime;

  /** The plugin as the platform loads it: certificates chain to the JDK's default trust store. */
  public PayPalPlugin() {
    this((Set<TrustAnchor>) null);
  }

  /**
   * A plugin that trusts only the given certificates as roots of PayPal's signing certificates (or
   * as the signing certificates themselves); for tests and for installations that pin PayPal's CA.
   */
  public PayPalPlugin(Collection<X509Certificate> trustAnchors) {
    this(PayPalRuntime.anchorsOf(trustAnchors));
  }

  private PayPalPlugin(Set<TrustAnchor> injectedAnchors) {
    super(new GatewayIdentity(ID, "PayPal", SCHEMA, PayPalEventTable.TABLE));
    this.injectedAnchors = injectedAnchors;
  }

  /**
   * A webhook id shaped like PayPal's (letters and digits), and a customer reference field that is
   * a field name or a dotted path of field names.
   */
  @Override
  protected Credentials checkCredentials(Credentials credentials) {
    String refKey = credentials.get(CUSTOMER_REF_KEY);
    if (refKey != null && !FIELD_PATH_SHAPE.matcher(refKey).matches()) {
      throw new InvalidCredentialsException(
          CUSTOMER_REF_KEY,
          "Customer reference field must be a resource field name such as custom_id, or a dotted"
              + " path.");
    }
    return credentials;
  }

  /** Reads the settings and the certificates they name; see {@link PayPalRuntime}. */
  @Override
  public Future<Void> init(PluginContext context) {
    return PayPalRuntime.load(context, injectedAnchors)
        .map(
            loaded -> {
              runtime = loaded;
              return null;
            });
  }

  /**
   * Whether the delivery is a transmission PayPal signed for the account; see the class comment.
   */
  @Override
  public Future<Verdict> verify(WebhookRequest request, Credentials credentials) {
    PayPalRuntime rt = runtime;
    if (rt == null) {
      return Future.succeededFuture(Verdict.rejected(NOT_INITIALISED));
    }
    return rt.verifier().verify(request, credentials);
  }

  /**
   * What the delivery's body claims, mapped as {@link #resolve} maps PayPal's answer. Its entries
   * are never booked as they are: the body is bound to the signature only through its CRC32, so
   * {@link #resolve} replaces them with what PayPal's API confirms.
   */
  @Override
  public ParsedWebhook parse(WebhookRequest request, Credentials credentials) {
    return PayPalEvents.parse(
        request.body(), credentials.getOrDefault(CUSTOMER_REF_KEY, DEFAULT_CUSTOMER_REF_KEY));
  }

  /**
   * The delivery as PayPal's API confirms it ({@link PayPalResolver}): the resource the body names
   * is fetched with the account's client credentials and booked as PayPal returns it; held when the
   * account has no client credentials or PayPal refuses them, ignored when PayPal does not know the
   * resource, failed (retryable) when PayPal cannot answer now.
   */
  @Override
  public Future<ParsedWebhook> resolve(
      WebhookRequest request, ParsedWebhook parsed, Credentials credentials) {
    return withRuntime(rt -> rt.resolver().resolve(request, parsed, credentials));
  }

  /**
   * Hands {@link Renewals} and {@link CancelAndRefund} to {@link PayPalSubscriptions}, built by
   * {@link #init}.
   */
  @Override
  public <R> Future<R> withApi(Function<? super PayPalSubscriptions, Future<R>> call) {
    return withRuntime(rt -> call.apply(rt.subscriptions()));
  }

  /** Opens a PayPal order for the checkout; see {@link PayPalOrders}. */
  @Override
  public Future<StartedCheckout> start(CheckoutRequest request, Credentials credentials) {
    return withRuntime(rt -> rt.orders().start(request, credentials));
  }

  /** Captures the approved order; see {@link PayPalCaptures}. */
  @Override
  public Future<CaptureOutcome> capture(CaptureRequest request, Credentials credentials) {
    return withRuntime(rt -> rt.captures().capture(request, credentials));
  }

  /** Makes sure the order is never captured; see {@link PayPalOrders#cancel}. */
  @Override
  public Future<Void> cancel(CaptureRequest request, Credentials credentials) {
    return withRuntime(rt -> rt.orders().cancel(request, credentials));
  }

  /** Refunds a capture or a sale, or part of it ({@link PayPalRefundCalls}). */
  @Override
  public Future<RefundOutcome> refund(RefundRequest request, Credentials credentials) {
    return withRuntime(rt -> rt.refunds().refund(request, credentials));
  }

  /** What {@code call} makes of what {@link #init} set up; a failed future before then. */
  private <R> Future<R> withRuntime(Function<PayPalRuntime, Future<R>> call) {
    PayPalRuntime rt = runtime;
    return rt == null
        ? Future.failedFuture(new IllegalStateException(NOT_INITIALISED))
        : call.apply(rt);
  }
}
