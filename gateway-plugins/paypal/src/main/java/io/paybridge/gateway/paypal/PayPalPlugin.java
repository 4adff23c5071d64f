package io.paybridge.gateway.paypal;

import io.paybridge.spi.CancelAndRefund;
import io.paybridge.spi.CredentialField;
import io.paybridge.spi.CredentialSchema;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventRule;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.InvalidCredentialsException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.Renewals;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * PayPal REST webhooks, verified offline on the JDK without PayPal's SDK and booked as PayPal's
 * REST API confirms them, plus the subscription calls the platform needs ({@link Renewals}, {@link
 * CancelAndRefund}). The tenant-facing page is {@code docs/gateways/paypal.md}.
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
 * what each event type books; see {@link PayPalEvents}.
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
public final class PayPalPlugin implements GatewayPlugin, Renewals, CancelAndRefund {

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

  private static final Pattern WEBHOOK_ID_SHAPE = Pattern.compile("[A-Za-z0-9]{1,50}");
  private static final Pattern FIELD_PATH_SHAPE =
      Pattern.compile("[A-Za-z0-9_]{1,64}(\\.[A-Za-z0-9_]{1,64}){0,7}");

  private static final CredentialSchema SCHEMA =
      CredentialSchema.of(
          CredentialField.text(
              CLIENT_ID,
              "Client ID",
              "Developer Dashboard > Apps & Credentials > your REST app > Client ID; Paybridge"
                  + " uses it to confirm every delivery with PayPal's API, and holds deliveries"
                  + " until it works"),
          CredentialField.secret(
              CLIENT_SECRET,
              "Client secret",
              "Developer Dashboard > Apps & Credentials > your REST app > Secret key (of the same"
                  + " app as the webhook)"),
          CredentialField.text(
              WEBHOOK_ID,
              "Webhook ID",
              "The ID PayPal gives the webhook you pointed at Paybridge (your REST app > Webhooks);"
                  + " every delivery is signed for it"),
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
  private volatile Runtime runtime;

  /** What {@link #init} sets up. */
  private record Runtime(
      Set<TrustAnchor> anchors,
      List<X509Certificate> intermediates,
      PayPalCertificates certificates,
      PayPalApi api,
      PayPalResolver resolver,
      Duration maxAge,
      Duration maxSkew) {}

  /** The plugin as the platform loads it: certificates chain to the JDK's default trust store. */
  public PayPalPlugin() {
    this.injectedAnchors = null;
  }

  /**
   * A plugin that trusts only the given certificates as roots of PayPal's signing certificates (or
   * as the signing certificates themselves); for tests and for installations that pin PayPal's CA.
   */
  public PayPalPlugin(Collection<X509Certificate> trustAnchors) {
    Set<TrustAnchor> anchors = new HashSet<>();
    for (X509Certificate certificate : trustAnchors) {
      anchors.add(new TrustAnchor(certificate, null));
    }
    this.injectedAnchors = Set.copyOf(anchors);
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String displayName() {
    return "PayPal";
  }

  @Override
  public CredentialSchema credentialSchema() {
    return SCHEMA;
  }

  /**
   * The schema, a webhook id shaped like PayPal's (letters and digits), and a customer reference
   * field that is a field name or a dotted path of field names.
   */
  @Override
  public Credentials validateCredentials(JsonObject submitted) {
    Credentials credentials = SCHEMA.validate(submitted);
    String webhookId = credentials.get(WEBHOOK_ID);
    if (webhookId != null && !WEBHOOK_ID_SHAPE.matcher(webhookId).matches()) {
      throw new InvalidCredentialsException(
          WEBHOOK_ID,
          "'webhookId' must be the webhook's ID as PayPal shows it: letters and digits");
    }
    String refKey = credentials.get(CUSTOMER_REF_KEY);
    if (refKey != null && !FIELD_PATH_SHAPE.matcher(refKey).matches()) {
      throw new InvalidCredentialsException(
          CUSTOMER_REF_KEY,
          "'customerRefKey' must be a resource field name such as custom_id, or a dotted path");
    }
    return credentials;
  }

  /**
   * Every event type Paybridge's setup and PayPal's integration guides (checkout, subscriptions,
   * disputes) have a merchant subscribe to, with what Paybridge does with it; the types that book
   * are the ones to subscribe the webhook to.
   */
  @Override
  public List<EventRule> eventTable() {
    return PayPalEvents.TABLE;
  }

  @Override
  public Future<Void> init(PluginContext context) {
    String apiBase;
    String fetchBase;
    long timeoutMs;
    Duration maxAge;
    Duration maxSkew;
    try {
      apiBase = baseSetting(context, API_BASE_SETTING);
      fetchBase = baseSetting(context, CERT_FETCH_BASE_SETTING);
      timeoutMs = timeoutSetting(context);
      maxAge =
          Duration.ofMillis(context.millisSetting(MAX_AGE_SETTING, DEFAULT_MAX_AGE.toMillis()));
      maxSkew =
          Duration.ofMillis(context.millisSetting(MAX_SKEW_SETTING, DEFAULT_MAX_SKEW.toMillis()));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    String anchorsFile = context.setting(CERT_TRUST_ANCHORS_SETTING, "").strip();
    Future<Set<TrustAnchor>> anchors =
        injectedAnchors != null
            ? Future.succeededFuture(injectedAnchors)
            : !anchorsFile.isEmpty()
                ? readCertificates(context, anchorsFile, CERT_TRUST_ANCHORS_SETTING)
                    .map(
                        certs -> {
                          Set<TrustAnchor> set = new HashSet<>();
                          certs.forEach(c -> set.add(new TrustAnchor(c, null)));
                          return Set.copyOf(set);
                        })
                : context.vertx().executeBlocking(PayPalPlugin::jdkTrustAnchors);
    String intermediatesFile = context.setting(CERT_INTERMEDIATES_SETTING, "").strip();
    Future<List<X509Certificate>> intermediates =
        intermediatesFile.isEmpty()
            ? Future.succeededFuture(List.of())
            : readCertificates(context, intermediatesFile, CERT_INTERMEDIATES_SETTING);
    return Future.all(anchors, intermediates)
        .map(
            loaded -> {
              GatewayHttp http = new GatewayHttp(context.vertx(), ID);
              PayPalApi api = new PayPalApi(http, apiBase, timeoutMs, context.clock());
              runtime =
                  new Runtime(
                      anchors.result(),
                      intermediates.result(),
                      new PayPalCertificates(
                          http,
                          fetchBase,
                          timeoutMs,
                          context.clock(),
                          PayPalCertificates.DEFAULT_MAX_ENTRIES,
                          PayPalCertificates.DEFAULT_TIME_TO_LIVE),
                      api,
                      new PayPalResolver(api),
                      maxAge,
                      maxSkew);
              return null;
            });
  }

  /** Reads a PEM file of certificates without blocking; names the setting when it is wrong. */
  private static Future<List<X509Certificate>> readCertificates(
      PluginContext context, String file, String setting) {
    return context
        .vertx()
        .fileSystem()
        .readFile(file)
        .compose(
            pem -> {
              try {
                List<X509Certificate> certs = PayPalCertificates.parse(pem);
                if (certs.isEmpty()) {
                  throw new CertificateException("no certificates");
                }
                return Future.succeededFuture(certs);
              } catch (CertificateException e) {
                return Future.failedFuture(
                    new IllegalArgumentException(
                        setting + " names a file without X.509 certificates: " + file));
              }
            });
  }

  @Override
  public Future<Verdict> verify(WebhookRequest request, Credentials credentials) {
    Runtime rt = runtime;
    if (rt == null) {
      return Future.succeededFuture(Verdict.rejected("the PayPal plugin has not been initialised"));
    }
    try {
      String webhookId = credentials.get(WEBHOOK_ID);
      if (webhookId == null || webhookId.isBlank()) {
        return Future.succeededFuture(Verdict.rejected("the account has no webhookId"));
      }
      PayPalEnvironment environment = PayPalEnvironment.of(credentials);
      PayPalTransmission transmission = PayPalTransmission.read(request);
      String stale = transmission.freshnessProblem(request.receivedAt(), rt.maxAge(), rt.maxSkew());
      if (stale != null) {
        return Future.succeededFuture(Verdict.rejected(stale));
      }
      byte[] body = request.body().getBytes();
      return rt.certificates()
          .bundle(transmission.certUrl())
          .map(bundle -> judge(bundle, transmission, webhookId, environment, body, rt))
          .otherwise(
              err ->
                  Verdict.rejected(
                      "PayPal's signing certificate could not be obtained: " + describe(err)));
    } catch (RuntimeException e) {
      return Future.succeededFuture(Verdict.rejected(describe(e)));
    }
  }

  private static Verdict judge(
      List<X509Certificate> bundle,
      PayPalTransmission transmission,
      String webhookId,
      PayPalEnvironment environment,
      byte[] body,
      Runtime rt) {
    try {
      X509Certificate leaf = bundle.get(0);
      Instant at = transmission.transmissionTime();
      String problem = PayPalCertificates.checkLeaf(leaf, environment.signingCertificateName(), at);
      if (problem != null) {
        return Verdict.rejected(problem);
      }
      if (!signatureMatches(
          leaf.getPublicKey(),
          transmission.signedBytes(webhookId, body),
          transmission.signature())) {
        return Verdict.rejected(
            "PAYPAL-TRANSMISSION-SIG does not match the transmission for this webhook id");
      }
      problem = PayPalCertificates.checkChain(bundle, rt.intermediates(), rt.anchors(), at);
      return problem == null
          ? Verdict.ok(transmission.transmissionId())
          : Verdict.rejected(problem);
    } catch (RuntimeException e) {
      return Verdict.rejected("the PayPal signature could not be checked: " + describe(e));
    }
  }

  private static boolean signatureMatches(PublicKey key, byte[] signed, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance(PayPalTransmission.ALGORITHM);
      verifier.initVerify(key);
      verifier.update(signed);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
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
    Runtime rt = runtime;
    if (rt == null) {
      return Future.failedFuture(
          new IllegalStateException("the PayPal plugin has not been initialised"));
    }
    return rt.resolver().resolve(request, parsed, credentials);
  }

  /**
   * The subscription from {@code GET /v1/billing/subscriptions/{id}}: active when its status is
   * {@code ACTIVE}; the period ends at {@code billing_info.next_billing_time}, if PayPal sends one.
   */
  @Override
  public Future<SubscriptionState> subscription(
      String externalSubscriptionId, Credentials credentials) {
    Runtime rt = runtime;
    if (rt == null) {
      return Future.failedFuture(
          new IllegalStateException("the PayPal plugin has not been initialised"));
    }
    return rt.api()
        .subscription(externalSubscriptionId, credentials)
        .map(
            subscription -> {
              String next =
                  subscription.getValue("billing_info") instanceof JsonObject billing
                          && billing.getValue("next_billing_time") instanceof String s
                      ? s
                      : null;
              return new SubscriptionState(
                  externalSubscriptionId,
                  "ACTIVE".equals(subscription.getValue("status")),
                  next == null || next.isBlank() ? null : apiTime(next));
            });
  }

  /**
   * Cancels the charge's subscription ({@code POST /v1/billing/subscriptions/{id}/cancel}) and
   * refunds the charge in full: a sale through {@code POST /v1/payments/sale/{id}/refund}, a
   * capture (an entry keyed {@code capture:}) through {@code POST
   * /v2/payments/captures/{id}/refund}.
   *
   * <p>Safe to repeat: a subscription PayPal reports as no longer cancellable (422 {@code
   * SUBSCRIPTION_STATUS_INVALID}, or any 422 while the subscription is already {@code CANCELLED} or
   * {@code EXPIRED}) counts as cancelled; the refund carries a {@code PayPal-Request-Id} derived
   * from the payment id, so PayPal answers a repeat with the first refund instead of making
   * another, and a payment PayPal says is already fully refunded counts as refunded.
   */
  @Override
  public Future<Void> cancelAndRefund(PaymentEvent charge, Credentials credentials) {
    Runtime rt = runtime;
    if (rt == null) {
      return Future.failedFuture(
          new IllegalStateException("the PayPal plugin has not been initialised"));
    }
    String subscriptionId = charge.externalSubscriptionId();
    String paymentId = charge.externalPaymentId();
    if (subscriptionId == null || paymentId == null) {
      return Future.failedFuture(
          new IllegalArgumentException(
              "a charge to cancel and refund needs its subscription id and payment id"));
    }
    boolean capture = charge.entryKey().startsWith("capture:");
    return cancel(rt.api(), subscriptionId, credentials)
        .compose(done -> refund(rt.api(), capture, paymentId, credentials));
  }

  private static Future<Void> cancel(
      PayPalApi api, String subscriptionId, Credentials credentials) {
    return api.cancelSubscription(subscriptionId, CANCEL_REASON, credentials)
        .recover(
            err -> {
              if (!(err instanceof GatewayApiException e) || e.status() != 422) {
                return Future.failedFuture(err);
              }
              if (e.getMessage().contains("SUBSCRIPTION_STATUS_INVALID")) {
                return Future.succeededFuture();
              }
              return api.subscription(subscriptionId, credentials)
                  .compose(
                      subscription -> {
                        Object status = subscription.getValue("status");
                        return "CANCELLED".equals(status) || "EXPIRED".equals(status)
                            ? Future.<Void>succeededFuture()
                            : Future.<Void>failedFuture(err);
                      });
            });
  }

  private static Future<Void> refund(
      PayPalApi api, boolean capture, String paymentId, Credentials credentials) {
    return api.refund(capture, paymentId, credentials)
        .<Void>mapEmpty()
        .recover(
            err -> {
              if (err instanceof GatewayApiException e && alreadyRefunded(e, capture)) {
                return Future.succeededFuture();
              }
              return Future.failedFuture(err);
            });
  }

  /** PayPal's answers for a payment that has been refunded in full already. */
  private static boolean alreadyRefunded(GatewayApiException e, boolean capture) {
    return capture
        ? e.status() == 422 && e.getMessage().contains("CAPTURE_FULLY_REFUNDED")
        : e.status() == 400 && e.getMessage().contains("TRANSACTION_ALREADY_REFUNDED");
  }

  private static Instant apiTime(String text) {
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new GatewayApiException(
          ID, "subscription lookup", 200, "next_billing_time '" + text + "' is not a date");
    }
  }

  /** The JDK's default trust store as anchors; reads a file, so it runs off the event loop. */
  private static Set<TrustAnchor> jdkTrustAnchors() throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    Set<TrustAnchor> anchors = new HashSet<>();
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        for (X509Certificate certificate : x509.getAcceptedIssuers()) {
          anchors.add(new TrustAnchor(certificate, null));
        }
      }
    }
    if (anchors.isEmpty()) {
      throw new GeneralSecurityException("the JDK's default trust store is empty");
    }
    return Set.copyOf(anchors);
  }

  /** A base URL setting, without a trailing slash, or {@code null} when not configured. */
  private static String baseSetting(PluginContext context, String name) {
    String value = context.setting(name, null);
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      URI uri = new URI(value.strip());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw new IllegalArgumentException(name + " must be an absolute http(s) URL");
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(name + " must be an absolute http(s) URL");
    }
    String base = value.strip();
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  private static long timeoutSetting(PluginContext context) {
    String value = context.setting(TIMEOUT_SETTING, null);
    if (value == null || value.isBlank()) {
      return GatewayHttp.DEFAULT_TIMEOUT_MS;
    }
    try {
      long ms = Long.parseLong(value.strip());
      if (ms > 0) {
        return ms;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(TIMEOUT_SETTING + " must be a positive number of ms");
  }

  private static String describe(Throwable e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
