package io.paybridge.gateway.appstore;

import io.paybridge.gateway.appstore.AppStoreMapping.Mapped;
import io.paybridge.spi.AfterInit;
import io.paybridge.spi.CredentialField;
import io.paybridge.spi.CredentialSchema;
import io.paybridge.spi.CredentialShape;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventRule;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.GatewayIdentity;
import io.paybridge.spi.InvalidCredentialsException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.PurchaseVerification;
import io.paybridge.spi.PureCheckGatewayPlugin;
import io.paybridge.spi.Renewals;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Apple's App Store as a Paybridge gateway: App Store Server Notifications V2 for the ledger, and
 * the App Store Server API for subscription renewals. Implemented on the JDK, without Apple's
 * library.
 *
 * <h2>Authenticity</h2>
 *
 * A notification is a POST of {@code {"signedPayload": "<JWS>"}}. The JWS must be ES256 (no other
 * {@code alg} is accepted) with an {@code x5c} header of exactly three certificates, leaf,
 * intermediate and root. The root must be pinned by its SHA-256 fingerprint, by default Apple Root
 * CA - G3's ({@link #APPLE_ROOT_CA_G3_SHA256}); the operator setting {@value #TRUST_ANCHOR_SETTING}
 * (comma-separated SHA-256 fingerprints of root certificates or of their public keys) replaces that
 * default, for Apple's test chains and for tests. Leaf and intermediate must carry Apple's
 * extensions (1.2.840.113635.100.6.11.1 and 1.2.840.113635.100.6.2.1) and validate to the pinned
 * root with PKIX, revocation off, as of the payload's own {@code signedDate} rather than now; the
 * signature must verify with the leaf's key. The payload must then belong to the account: {@code
 * data.bundleId} equal to its {@value #BUNDLE_ID}, {@code data.environment} to its {@value
 * #ENVIRONMENT} and, in production, {@code data.appAppleId} to its {@value #APP_APPLE_ID}. The
 * nested {@code signedTransactionInfo} and {@code signedRenewalInfo} are JWS verified the same way
 * and must name the same app and environment. Finally {@code signedDate} must lie at most {@link
 * #MAX_CLOCK_SKEW} after the delivery was received and at most {@link #MAX_AGE} before: Apple
 * retries a notification five times over six and a half days, and nothing older is a retry.
 *
 * <h2>Meaning</h2>
 *
 * The dedupe key is {@code notificationUUID}, the time {@code signedDate}, the customer reference
 * the transaction's {@code appAccountToken} (else the renewal info's), the subscription id the
 * {@code originalTransactionId}, the payment id the {@code transactionId}, and the period end the
 * transaction's {@code expiresDate}. Amounts come from the transaction's {@code price}, milliunits
 * of its {@code currency}, converted exactly to minor units (see {@link AppStoreAmounts}). Ledger
 * entry keys derive from the transaction id, so that re-notifications of one transaction book once;
 * {@link AppStoreMapping} says what each type books.
 *
 * <p>Money moves only for transactions the customer bought: a Family Sharing member's transaction
 * ({@code inAppOwnershipType} {@code FAMILY_SHARED}) books nothing but its end, since the
 * purchaser's own transaction carries the money. A price of zero (a free trial) books nothing.
 * Every notification that books nothing says why. {@link #eventTable()} lists the types, and {@code
 * docs/gateways/appstore.md} explains them.
 *
 * <h2>API</h2>
 *
 * With the account's In-App Purchase key ({@value #ISSUER_ID}, {@value #KEY_ID}, {@value
 * #PRIVATE_KEY}), {@link #subscription} asks the App Store Server API for a subscription's status,
 * and {@link #resolve} reads the price of a transaction a notification names without one ({@code
 * GET /inApps/v1/transactions/{transactionId}}). Such a notification is held while the account has
 * no key ({@link ParsedWebhook#NEEDS_API_CREDENTIALS}) or Apple refuses it with 401 or 403 ({@link
 * ParsedWebhook#API_CREDENTIALS_REJECTED}), and booked once the tenant saves a working key; a
 * timeout, 5xx or 429 fails it with a retryable error, so Apple retries the notification. The API
 * base is chosen by the account's environment and can be overridden with the setting {@value
 * #API_BASE_SETTING}; calls time out after {@value #API_TIMEOUT_SETTING} milliseconds. Apple offers
 * developers no API to cancel a subscription or refund a purchase (refunds are the customer's
 * request to Apple), so this plugin does not implement {@link io.paybridge.spi.CancelAndRefund}.
 * The calls are in {@code AppStoreApi}.
 *
 * <h2>Purchases handed over</h2>
 *
 * An app's backend may hand over a transaction as StoreKit signs it ({@value
 * AppStorePurchases#SIGNED_TRANSACTION}); {@link #verifyPurchase} verifies it like a notification's
 * transaction, without calling Apple, and books it under the key its notification books, so the two
 * book once (see {@code AppStorePurchases}).
 */
public final class AppStorePlugin extends PureCheckGatewayPlugin
    implements Renewals, PurchaseVerification {

  /** The gateway id used in URLs and storage. */
  public static final String ID = "appstore";

  public static final String BUNDLE_ID = "bundleId";
  public static final String APP_APPLE_ID = "appAppleId";
  public static final String ENVIRONMENT = "environment";
  public static final String ISSUER_ID = "issuerId";
  public static final String KEY_ID = "keyId";
  public static final String PRIVATE_KEY = "privateKey";

  public static final String PRODUCTION = "Production";
  public static final String SANDBOX = "Sandbox";

  /** Setting: comma-separated SHA-256 fingerprints of trusted roots, replacing Apple's G3. */
  public static final String TRUST_ANCHOR_SETTING = "appstore.trust.anchor.sha256";

  /** Setting: base URL of the App Store Server API, for both environments (tests, staging). */
  public static final String API_BASE_SETTING = "appstore.api.base";

  /** Setting: total time an App Store Server API call may take, in milliseconds. */
  public static final String API_TIMEOUT_SETTING = "appstore.api.timeout.ms";

  public static final String PRODUCTION_API_BASE = "https://api.storekit.itunes.apple.com";
  public static final String SANDBOX_API_BASE = "https://api.storekit-sandbox.itunes.apple.com";

  /** Fingerprint of Apple Root CA - G3, the default trusted root. */
  public static final String APPLE_ROOT_CA_G3_SHA256 =
      AppleCertificateChain.APPLE_ROOT_CA_G3_SHA256;

  /**
   * Oldest {@code signedDate} accepted, relative to the receiving time: Apple's last retry comes
   * 157 hours after the first attempt, and a day more allows for delays.
   */
  public static final Duration MAX_AGE = Duration.ofDays(8);

  /** How far {@code signedDate} may lie after the receiving time: clock differences. */
  public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

  /** Far above any notification (about 15 KB); bounds the work a delivery can cause. */
  static final int MAX_BODY = 128 * 1024;

  private static final Pattern DIGITS = Pattern.compile("[1-9][0-9]{0,18}");

  private static final CredentialSchema SCHEMA =
      CredentialSchema.of(
          CredentialField.text(
                  BUNDLE_ID,
                  "Bundle ID",
                  "The app's bundle identifier, e.g. com.example.app (App Store Connect > your app"
                      + " > App Information)")
              .shaped(
                  CredentialShape.of(
                      "[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+",
                      "the app's bundle identifier, such as com.example.app")),
          CredentialField.text(
                  ENVIRONMENT,
                  "Environment",
                  "Which notifications this account receives: Production, or Sandbox for"
                      + " TestFlight and sandbox testers")
              .optional(PRODUCTION)
              .oneOf(PRODUCTION, SANDBOX),
          CredentialField.text(
                  APP_APPLE_ID,
                  "Apple ID of the app",
                  "The app's numeric Apple ID (App Store Connect > your app > App Information >"
                      + " Apple ID); required for Production")
              .optional(null)
              .shaped(CredentialShape.of("[1-9][0-9]{0,18}", "the app's numeric Apple ID")),
          CredentialField.text(
                  ISSUER_ID,
                  "In-App Purchase key: issuer ID",
                  "Users and Access > Integrations > In-App Purchase: the Issuer ID; with the key"
                      + " ID and private key, lets Paybridge read subscription renewals")
              .optional(null)
              .shaped(
                  CredentialShape.of(
                      "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}",
                      "the issuer ID, a UUID such as 57246542-96fe-1a63-e053-0824d011072a")),
          CredentialField.text(
                  KEY_ID,
                  "In-App Purchase key: key ID",
                  "The ID of the In-App Purchase key, 10 characters")
              .optional(null)
              .shaped(
                  CredentialShape.of(
                      "[A-Z0-9]{10}",
                      "the key's ID: 10 capital letters and digits, such as 2X9R4HXF34")),
          CredentialField.secret(
                  PRIVATE_KEY,
                  "In-App Purchase key: private key",
                  "The contents of the key's .p8 file (-----BEGIN PRIVATE KEY----- …)")
              .optional(null));

  /**
   * Every App Store Server Notifications V2 type and what Paybridge does with it. Apple sends every
   * type to the one URL configured in App Store Connect; there is nothing to subscribe to.
   */
  private static final List<EventRule> EVENT_TABLE = AppStoreEvents.table();

  private volatile AppleSignedData signedData =
      new AppleSignedData(AppleCertificateChain.appleRoot());

  /** Built by {@link #init}; notifications are verified and parsed without it. */
  private final AfterInit<AppStoreApi> api = new AfterInit<>("App Store");

  /** The plugin as {@link java.util.ServiceLoader} creates it. */
  public AppStorePlugin() {
    super(
        new GatewayIdentity(ID, "Apple App Store", SCHEMA, EVENT_TABLE), "App Store notification");
  }

  /**
   * What the schema cannot say: a production account needs its numeric {@value #APP_APPLE_ID}; the
   * In-App Purchase key comes whole ({@value #ISSUER_ID}, {@value #KEY_ID} and {@value
   * #PRIVATE_KEY} together, or none); and the private key must be a P-256 PKCS#8 key.
   */
  @Override
  protected Credentials checkCredentials(Credentials credentials) {
    String appAppleId = credentials.get(APP_APPLE_ID);
    if (appAppleId != null && !DIGITS.matcher(appAppleId).matches()) {
      throw new InvalidCredentialsException(
          APP_APPLE_ID, "Apple ID of the app must be the app's numeric Apple ID.");
    }
    if (PRODUCTION.equals(credentials.get(ENVIRONMENT)) && appAppleId == null) {
      throw new InvalidCredentialsException(
          APP_APPLE_ID, "Apple ID of the app is required for the Production environment.");
    }
    AppStoreApiKey.checkFields(credentials);
    return credentials;
  }

  /** Reads the trusted roots, the API base and the API timeout from the settings. */
  @Override
  public Future<Void> init(PluginContext context) {
    AppleCertificateChain chain;
    long timeout;
    try {
      chain = AppleCertificateChain.fromSetting(context.setting(TRUST_ANCHOR_SETTING, null));
      timeout = context.millisSetting(API_TIMEOUT_SETTING, GatewayHttp.DEFAULT_TIMEOUT_MS);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(
          new IllegalArgumentException("App Store plugin settings: " + e.getMessage(), e));
    }
    String base = context.setting(API_BASE_SETTING, null);
    AppleSignedData verifier = new AppleSignedData(chain);
    this.signedData = verifier;
    return api.build(
        () ->
            new AppStoreApi(
                new GatewayHttp(context.vertx(), ID),
                verifier,
                context.clock(),
                base == null || base.isBlank() ? null : stripSlash(base.strip()),
                timeout));
  }

  @Override
  protected Verdict check(WebhookRequest request, Credentials credentials) {
    try {
      AppStoreCheck.check(signedData, request, Account.of(credentials));
      return Verdict.ok();
    } catch (SignedDataException e) {
      return Verdict.rejected(e.getMessage());
    } catch (InvalidCredentialsException e) {
      return Verdict.rejected("App Store account: " + e.getMessage());
    }
  }

  /**
   * What the notification means (see the class comment). A notification whose transaction carries
   * no price is held when the account has no In-App Purchase key, else completed by {@link
   * #resolve} from the App Store Server API.
   */
  @Override
  public ParsedWebhook parse(WebhookRequest request, Credentials credentials) {
    AppStoreNotification n = AppStoreNotification.decode(request.body());
    Mapped m = AppStoreMapping.map(n);
    if (m.missingPrice() == null) {
      return m.toParsed(n);
    }
    if (!AppStoreApiKey.configured(credentials)) {
      return AppStorePrices.needsKey(n, m.missingPrice());
    }
    return n.ignored(
        n.type()
            + ": the price of transaction "
            + m.missingPrice()
            + " is read from the App Store Server API when the notification is resolved");
  }

  /**
   * Completes a notification whose transaction carries no price with the transaction as the App
   * Store Server API reports it ({@code GET /inApps/v1/transactions/{transactionId}}, verified like
   * a notification). Without an In-App Purchase key the delivery is held ({@link
   * ParsedWebhook#NEEDS_API_CREDENTIALS}); when Apple refuses the key (401, 403) it is held ({@link
   * ParsedWebhook#API_CREDENTIALS_REJECTED}); both book once the tenant saves a working key. A
   * timeout, 5xx or 429 fails with a retryable {@link GatewayApiException}, so Apple retries the
   * notification. Every other notification is returned as parsed.
   */
  @Override
  public Future<ParsedWebhook> resolve(
      WebhookRequest request, ParsedWebhook parsed, Credentials credentials) {
    AppStoreNotification n;
    Mapped m;
    try {
      n = AppStoreNotification.decode(request.body());
      m = AppStoreMapping.map(n);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    String transactionId = m.missingPrice();
    if (transactionId == null) {
      return Future.succeededFuture(parsed);
    }
    if (!AppStoreApiKey.configured(credentials)) {
      return Future.succeededFuture(AppStorePrices.needsKey(n, transactionId));
    }
    return api.call(client -> AppStorePrices.fromApi(client, n, transactionId, credentials));
  }

  /**
   * The subscription's status from the App Store Server API ({@code GET
   * /inApps/v1/subscriptions/{originalTransactionId}}), its signed transaction and renewal info
   * verified like a notification's. Active means status 1; a subscription in its billing grace
   * period (status 4) is reported inactive, with the period end that has passed. Fails with an
   * {@link InvalidCredentialsException} naming the first missing field when the account has no
   * In-App Purchase key.
   */
  @Override
  public Future<SubscriptionState> subscription(
      String externalSubscriptionId, Credentials credentials) {
    return api.call(client -> client.subscription(externalSubscriptionId, credentials));
  }

  @Override
  public List<String> purchaseFields() {
    return List.of(AppStorePurchases.SIGNED_TRANSACTION);
  }

  /** The transaction handed over, verified as {@code AppStorePurchases} says; pure CPU. */
  @Override
  public Future<PurchaseOutcome> verifyPurchase(JsonObject purchase, Credentials credentials) {
    return Future.succeededFuture(AppStorePurchases.verify(signedData, purchase, credentials));
  }

  /** The API base for an account: the override setting, else by environment. */
  String apiBase(Account account) {
    return api.get().base(account);
  }

  /** What a notification must match: the account's app and environment. */
  record Account(String bundleId, String environment, Long appAppleId) {

    static Account of(Credentials credentials) {
      String bundleId = credentials.get(BUNDLE_ID);
      if (bundleId == null || bundleId.isBlank()) {
        throw new InvalidCredentialsException(BUNDLE_ID, "the account has no bundleId");
      }
      String environment = credentials.getOrDefault(ENVIRONMENT, PRODUCTION);
      String appAppleId = credentials.get(APP_APPLE_ID);
      Long id;
      try {
        id = appAppleId == null ? null : Long.valueOf(appAppleId);
      } catch (NumberFormatException e) {
        throw new InvalidCredentialsException(
            APP_APPLE_ID, "the account's appAppleId is no number");
      }
      return new Account(bundleId, environment, id);
    }

    boolean production() {
      return PRODUCTION.equals(environment);
    }

    /**
     * Checks that signed content belongs to this account: same bundle id; same environment, where
     * the content names one or {@code environmentRequired}; in production, same app Apple ID when
     * {@code checkAppAppleId}.
     */
    void checkApp(
        JsonObject content, String what, boolean environmentRequired, boolean checkAppAppleId)
        throws SignedDataException {
      Object bundle = content.getValue("bundleId");
      if (!bundleId.equals(bundle)) {
        throw new SignedDataException(
            what + ".bundleId is " + bundle + ", the account's app is " + bundleId);
      }
      if (environmentRequired || content.getValue("environment") != null) {
        checkEnvironment(content, what);
      }
      if (checkAppAppleId && production()) {
        Object id = content.getValue("appAppleId");
        if (appAppleId == null
            || !(id instanceof Integer || id instanceof Long)
            || ((Number) id).longValue() != appAppleId) {
          throw new SignedDataException(
              what + ".appAppleId is " + id + ", the account's app is " + appAppleId);
        }
      }
    }

    void checkEnvironment(JsonObject content, String what) throws SignedDataException {
      Object env = content.getValue("environment");
      if (!environment.equals(env)) {
        throw new SignedDataException(
            what + ".environment is " + env + ", the account receives " + environment);
      }
    }
  }

  private static String stripSlash(String base) {
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }
}
