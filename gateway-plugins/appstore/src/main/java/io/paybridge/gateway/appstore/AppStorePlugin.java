package io.paybridge.gateway.appstore;

import static io.paybridge.spi.EventKind.PAYMENT;
import static io.paybridge.spi.EventKind.RECURRING_CANCELLED;
import static io.paybridge.spi.EventKind.RECURRING_CHARGED;
import static io.paybridge.spi.EventKind.REFUND;
import static io.paybridge.spi.EventKind.REFUND_REVERSED;

import io.paybridge.spi.AfterInit;
import io.paybridge.spi.CredentialField;
import io.paybridge.spi.CredentialSchema;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.EventRule;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.InvalidCredentialsException;
import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.Renewals;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
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
 * entry keys derive from the transaction id, so that re-notifications of one transaction book once:
 *
 * <ul>
 *   <li>{@code ONE_TIME_CHARGE} (consumables, non-consumables, non-renewing subscriptions): a
 *       payment, keyed {@code txn:<transactionId>}.
 *   <li>{@code SUBSCRIBED} ({@code INITIAL_BUY}, {@code RESUBSCRIBE}): a payment that starts the
 *       subscription, keyed {@code txn:<transactionId>}.
 *   <li>{@code DID_RENEW} (also {@code BILLING_RECOVERY}): a recurring charge, keyed {@code
 *       txn:<transactionId>}.
 *   <li>{@code OFFER_REDEEMED}: with {@code INITIAL_BUY} or {@code RESUBSCRIBE} a payment, with
 *       {@code UPGRADE} a recurring charge, of the (discounted) price, keyed {@code
 *       txn:<transactionId>}; with {@code DOWNGRADE} or no subtype the offer applies from the next
 *       renewal, so nothing is booked now.
 *   <li>{@code DID_CHANGE_RENEWAL_PREF}: with {@code UPGRADE}, which Apple charges at once, a
 *       recurring charge of the new transaction keyed {@code txn:<transactionId>}; a downgrade or a
 *       return to the current plan changes only the next renewal. (Apple also refunds the unused
 *       part of the old period on an upgrade, but reports no amount for it; that refund is not
 *       booked.)
 *   <li>{@code REFUND}: a refund (negative) of the transaction's price, or for a prorated refund of
 *       its {@code revocationPercentage}, keyed {@code refund:<transactionId>}.
 *   <li>{@code REFUND_REVERSED}: the refund under its key {@code refund:<transactionId>} (booked
 *       once, whichever of the two notifications comes first) and the reversal {@code
 *       refund_reversal:<transactionId>} of the same amount, so the ledger nets to zero in either
 *       order. Apple drops {@code revocationPercentage} from a reversed transaction, so a reversed
 *       prorated refund that was booked first nets to the price minus the refunded share; the SPI
 *       has no way yet to reverse "what that key booked".
 *   <li>{@code EXPIRED}, {@code GRACE_PERIOD_EXPIRED}, and {@code REVOKE} of a subscription: the
 *       subscription ended, keyed {@code ended:<transactionId>}.
 *   <li>Every other type ({@code DID_CHANGE_RENEWAL_STATUS}, {@code DID_FAIL_TO_RENEW}, {@code
 *       PRICE_INCREASE}, {@code REFUND_DECLINED}, {@code CONSUMPTION_REQUEST}, {@code
 *       RENEWAL_EXTENDED}, {@code RENEWAL_EXTENSION}, {@code EXTERNAL_PURCHASE_TOKEN}, {@code
 *       TEST}, {@code RESCIND_CONSENT} and the Advanced Commerce types {@code METADATA_UPDATE},
 *       {@code MIGRATION}, {@code PRICE_CHANGE}): acknowledged and kept with the reason no money
 *       moved; a type Apple adds later is kept with a reason naming it.
 * </ul>
 *
 * Money moves only for transactions the customer bought: a Family Sharing member's transaction
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
 */
public final class AppStorePlugin implements GatewayPlugin, Renewals {

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

  private static final String AUTO_RENEWABLE = "Auto-Renewable Subscription";
  private static final String FAMILY_SHARED = "FAMILY_SHARED";
  static final String SIGNED_TRANSACTION = "signedTransactionInfo";
  static final String SIGNED_RENEWAL = "signedRenewalInfo";

  private static final Pattern DIGITS = Pattern.compile("[1-9][0-9]{0,18}");
  private static final Pattern KEY_ID_FORMAT = Pattern.compile("[A-Z0-9]{10}");

  private static final CredentialSchema SCHEMA =
      CredentialSchema.of(
          CredentialField.text(
              BUNDLE_ID,
              "Bundle ID",
              "The app's bundle identifier, e.g. com.example.app (App Store Connect > your app >"
                  + " App Information)"),
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
              .optional(null),
          CredentialField.text(
                  ISSUER_ID,
                  "In-App Purchase key: issuer ID",
                  "Users and Access > Integrations > In-App Purchase: the Issuer ID; with the key"
                      + " ID and private key, lets Paybridge read subscription renewals")
              .optional(null),
          CredentialField.text(
                  KEY_ID,
                  "In-App Purchase key: key ID",
                  "The ID of the In-App Purchase key, 10 characters")
              .optional(null),
          CredentialField.secret(
                  PRIVATE_KEY,
                  "In-App Purchase key: private key",
                  "The contents of the key's .p8 file (-----BEGIN PRIVATE KEY----- …)")
              .optional(null));

  private static final List<EventRule> EVENT_TABLE = AppStoreEvents.table();

  private volatile AppleSignedData signedData =
      new AppleSignedData(AppleCertificateChain.appleRoot());

  /** Built by {@link #init}; notifications are verified and parsed without it. */
  private final AfterInit<AppStoreApi> api = new AfterInit<>("App Store");

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String displayName() {
    return "Apple App Store";
  }

  @Override
  public CredentialSchema credentialSchema() {
    return SCHEMA;
  }

  /**
   * The schema, plus what it cannot say: a production account needs its numeric {@value
   * #APP_APPLE_ID}; the In-App Purchase key comes whole ({@value #ISSUER_ID}, {@value #KEY_ID} and
   * {@value #PRIVATE_KEY} together, or none); and the private key must be a P-256 PKCS#8 key.
   */
  @Override
  public Credentials validateCredentials(JsonObject submitted) {
    Credentials credentials = SCHEMA.validate(submitted);
    String appAppleId = credentials.get(APP_APPLE_ID);
    if (appAppleId != null && !DIGITS.matcher(appAppleId).matches()) {
      throw new InvalidCredentialsException(
          APP_APPLE_ID, "'" + APP_APPLE_ID + "' must be the app's numeric Apple ID");
    }
    if (PRODUCTION.equals(credentials.get(ENVIRONMENT)) && appAppleId == null) {
      throw new InvalidCredentialsException(
          APP_APPLE_ID, "'" + APP_APPLE_ID + "' is required for the Production environment");
    }
    boolean anyKeyField = false;
    for (String field : List.of(ISSUER_ID, KEY_ID, PRIVATE_KEY)) {
      anyKeyField |= credentials.get(field) != null;
    }
    if (anyKeyField) {
      for (String field : List.of(ISSUER_ID, KEY_ID, PRIVATE_KEY)) {
        if (credentials.get(field) == null) {
          throw new InvalidCredentialsException(
              field,
              "'"
                  + field
                  + "' is required with the other In-App Purchase key fields ("
                  + ISSUER_ID
                  + ", "
                  + KEY_ID
                  + ", "
                  + PRIVATE_KEY
                  + ")");
        }
      }
      try {
        UUID.fromString(credentials.get(ISSUER_ID));
      } catch (IllegalArgumentException e) {
        throw new InvalidCredentialsException(
            ISSUER_ID, "'" + ISSUER_ID + "' must be the issuer ID, a UUID");
      }
      if (!KEY_ID_FORMAT.matcher(credentials.get(KEY_ID)).matches()) {
        throw new InvalidCredentialsException(
            KEY_ID, "'" + KEY_ID + "' must be the key's 10-character ID");
      }
      try {
        AppStoreApiKey.parsePrivateKey(credentials.get(PRIVATE_KEY));
      } catch (IllegalArgumentException e) {
        throw new InvalidCredentialsException(
            PRIVATE_KEY,
            "'" + PRIVATE_KEY + "' is not the .p8 In-App Purchase key: " + e.getMessage());
      }
    }
    return credentials;
  }

  /**
   * Every App Store Server Notifications V2 type and what Paybridge does with it. Apple sends every
   * type to the one URL configured in App Store Connect; there is nothing to subscribe to.
   */
  @Override
  public List<EventRule> eventTable() {
    return EVENT_TABLE;
  }

  /** Reads the trusted roots, the API base and the API timeout from the settings. */
  @Override
  public Future<Void> init(PluginContext context) {
    AppleCertificateChain chain;
    long timeout;
    try {
      chain = AppleCertificateChain.fromSetting(context.setting(TRUST_ANCHOR_SETTING, null));
      timeout =
          Long.parseLong(
              context.setting(API_TIMEOUT_SETTING, Long.toString(GatewayHttp.DEFAULT_TIMEOUT_MS)));
      if (timeout <= 0) {
        throw new IllegalArgumentException(API_TIMEOUT_SETTING + " must be positive");
      }
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
  public Future<Verdict> verify(WebhookRequest request, Credentials credentials) {
    try {
      check(request, Account.of(credentials));
      return Future.succeededFuture(Verdict.ok());
    } catch (SignedDataException e) {
      return Future.succeededFuture(Verdict.rejected(e.getMessage()));
    } catch (InvalidCredentialsException e) {
      return Future.succeededFuture(Verdict.rejected("App Store account: " + e.getMessage()));
    } catch (RuntimeException e) {
      return Future.succeededFuture(
          Verdict.rejected(
              "App Store notification could not be checked: " + e.getClass().getSimpleName()));
    }
  }

  private void check(WebhookRequest request, Account account) throws SignedDataException {
    if (request.body().length() > MAX_BODY) {
      throw new SignedDataException(
          "body is " + request.body().length() + " bytes, more than a notification carries");
    }
    String token = signedPayload(request.body());
    AppleSignedData verifier = signedData;
    AppleSignedData.Verified notification = verifier.verify(token, "signedPayload");
    JsonObject payload = notification.payload();
    Instant signedDate = notification.signedDate();
    Duration age = Duration.between(signedDate, request.receivedAt());
    if (age.compareTo(MAX_AGE) > 0) {
      throw new SignedDataException(
          "signedPayload was signed at " + signedDate + ", more than " + MAX_AGE + " ago");
    }
    if (age.negated().compareTo(MAX_CLOCK_SKEW) > 0) {
      throw new SignedDataException(
          "signedPayload was signed at " + signedDate + ", in the future of its receipt");
    }
    requireText(payload, "notificationType");
    requireText(payload, "notificationUUID");
    JsonObject data = payload.getValue("data") instanceof JsonObject o ? o : null;
    if (data != null) {
      account.checkApp(data, "data", true, true);
    } else if (payload.getValue("summary") instanceof JsonObject summary) {
      account.checkApp(summary, "summary", true, true);
    } else if (payload.getValue("externalPurchaseToken") instanceof JsonObject purchaseToken) {
      account.checkApp(purchaseToken, "externalPurchaseToken", false, true);
    } else if (payload.getValue("appData") instanceof JsonObject appData) {
      account.checkApp(appData, "appData", true, true);
    } else {
      throw new SignedDataException(
          "signedPayload names no app (no data, summary, externalPurchaseToken or appData)");
    }
    if (data == null) {
      return;
    }
    Object transaction = data.getValue(SIGNED_TRANSACTION);
    if (transaction != null) {
      JsonObject info =
          verifier
              .verify(AppleSignedData.token(transaction, SIGNED_TRANSACTION), SIGNED_TRANSACTION)
              .payload();
      account.checkApp(info, SIGNED_TRANSACTION, true, false);
    }
    Object renewal = data.getValue(SIGNED_RENEWAL);
    if (renewal != null) {
      JsonObject info =
          verifier.verify(AppleSignedData.token(renewal, SIGNED_RENEWAL), SIGNED_RENEWAL).payload();
      account.checkEnvironment(info, SIGNED_RENEWAL);
    }
  }

  /**
   * What the notification means (see the class comment). A notification whose transaction carries
   * no price is held when the account has no In-App Purchase key, else completed by {@link
   * #resolve} from the App Store Server API.
   */
  @Override
  public ParsedWebhook parse(WebhookRequest request, Credentials credentials) {
    Decoded d = decode(request);
    Mapped m = map(d, d.notification());
    if (m.missingPrice() == null) {
      return m.toParsed(d);
    }
    if (!AppStoreApiKey.configured(credentials)) {
      return needsKey(d, m.missingPrice());
    }
    return ParsedWebhook.ignored(
        d.uuid(),
        d.type(),
        d.type()
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
    Decoded d;
    Mapped m;
    try {
      d = decode(request);
      m = map(d, d.notification());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    String transactionId = m.missingPrice();
    if (transactionId == null) {
      return Future.succeededFuture(parsed);
    }
    if (!AppStoreApiKey.configured(credentials)) {
      return Future.succeededFuture(needsKey(d, transactionId));
    }
    return api.call(client -> priceFromApi(client, d, transactionId, credentials));
  }

  /**
   * The notification completed with the price of its transaction as the App Store Server API
   * reports it; held when the account's key cannot be used or Apple refuses it.
   */
  private static Future<ParsedWebhook> priceFromApi(
      AppStoreApi client, Decoded d, String transactionId, Credentials credentials) {
    Account account;
    AppStoreApiKey key;
    try {
      account = Account.of(credentials);
      key = AppStoreApiKey.of(credentials);
    } catch (InvalidCredentialsException e) {
      return Future.succeededFuture(
          ParsedWebhook.held(
              d.uuid(),
              d.type(),
              ParsedWebhook.NEEDS_API_CREDENTIALS,
              d.type()
                  + ": the saved In-App Purchase key cannot be used ("
                  + e.getMessage()
                  + "), and the price of transaction "
                  + transactionId
                  + " must be read with it. Paste the .p8 key into privateKey again; the"
                  + " notification is kept and booked once you save it."));
    }
    return client
        .transaction(account, key, transactionId)
        .map(
            fromApi -> {
              JsonObject merged = d.notification().transaction().copy();
              for (String field : List.of("price", "currency")) {
                if (fromApi.getValue(field) != null) {
                  merged.put(field, fromApi.getValue(field));
                }
              }
              Mapped completed = map(d, d.notification().withTransaction(merged));
              if (completed.missingPrice() != null) {
                return ParsedWebhook.ignored(
                    d.uuid(),
                    d.type(),
                    d.type()
                        + ": Apple reports no price for transaction "
                        + transactionId
                        + ", neither in the notification nor through the App Store Server API,"
                        + " so its amount is unknown and nothing is booked; book it by hand from"
                        + " App Store Connect's sales reports");
              }
              return completed.toParsed(d);
            })
        .recover(
            err -> {
              if (err instanceof GatewayApiException api
                  && (api.status() == 401 || api.status() == 403)) {
                return Future.succeededFuture(keyRefused(d, transactionId, key, api));
              }
              if (err instanceof GatewayApiException api && api.status() == 404) {
                return Future.succeededFuture(
                    ParsedWebhook.ignored(
                        d.uuid(),
                        d.type(),
                        d.type()
                            + ": the App Store Server API does not know transaction "
                            + transactionId
                            + " (HTTP 404), so its price is unknown and nothing is booked; check"
                            + " the transaction in App Store Connect"));
              }
              return Future.failedFuture(err);
            });
  }

  /** Held: the price must come from the API, and the account has no In-App Purchase key. */
  private static ParsedWebhook needsKey(Decoded d, String transactionId) {
    return ParsedWebhook.held(
        d.uuid(),
        d.type(),
        ParsedWebhook.NEEDS_API_CREDENTIALS,
        d.type()
            + ": transaction "
            + transactionId
            + " carries no price, so Paybridge must read it from the App Store Server API, and"
            + " this account has no In-App Purchase key. Add issuerId, keyId and privateKey (App"
            + " Store Connect > Users and Access > Integrations > In-App Purchase); the"
            + " notification is kept and booked once you save them.");
  }

  /** Held: Apple refused the account's In-App Purchase key. */
  private static ParsedWebhook keyRefused(
      Decoded d, String transactionId, AppStoreApiKey key, GatewayApiException e) {
    return ParsedWebhook.held(
        d.uuid(),
        d.type(),
        ParsedWebhook.API_CREDENTIALS_REJECTED,
        d.type()
            + ": the App Store Server API refused the In-App Purchase key "
            + key.keyId()
            + " (HTTP "
            + e.status()
            + ") when Paybridge asked for the price of transaction "
            + transactionId
            + ": the key was revoked, or issuerId, keyId and privateKey do not belong together."
            + " Generate a key in App Store Connect > Users and Access > Integrations > In-App"
            + " Purchase and save it; the notification is kept and booked once the key works.");
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

  /** The API base for an account: the override setting, else by environment. */
  String apiBase(Account account) {
    return api.get().base(account);
  }

  // ---- mapping ----

  /** A notification's identity and decoded parts. */
  private record Decoded(String uuid, String type, String subtype, Notification notification) {}

  private static Decoded decode(WebhookRequest request) {
    JsonObject payload;
    try {
      payload = AppleSignedData.payloadOf(signedPayload(request.body()), "signedPayload");
    } catch (SignedDataException e) {
      throw new MalformedWebhookException(e.getMessage());
    }
    String uuid = Json.requireString(payload, "notificationUUID");
    String type = Json.requireString(payload, "notificationType");
    String subtype = Json.optString(payload, "subtype");
    try {
      return new Decoded(
          uuid,
          type,
          subtype == null || subtype.isBlank() ? null : subtype,
          Notification.of(payload));
    } catch (SignedDataException e) {
      throw new MalformedWebhookException(e.getMessage());
    }
  }

  /**
   * What a notification means: events to book, the reason it books nothing, or the transaction
   * whose price must first be read from the App Store Server API.
   */
  private record Mapped(List<PaymentEvent> events, String reason, String missingPrice) {

    static Mapped book(List<PaymentEvent> events) {
      return new Mapped(events, null, null);
    }

    static Mapped nothing(String reason) {
      return new Mapped(List.of(), reason, null);
    }

    static Mapped priceOf(String transactionId) {
      return new Mapped(List.of(), null, transactionId);
    }

    ParsedWebhook toParsed(Decoded d) {
      return events.isEmpty()
          ? ParsedWebhook.ignored(d.uuid(), d.type(), reason)
          : new ParsedWebhook(d.uuid(), d.type(), events);
    }
  }

  private static Mapped map(Decoded d, Notification n) {
    String type = d.type();
    String subtype = d.subtype() == null ? "" : d.subtype();
    try {
      return switch (type) {
        case "ONE_TIME_CHARGE" -> charge(type, PAYMENT, n, false);
        case "SUBSCRIBED" -> charge(type, PAYMENT, n, true);
        case "DID_RENEW" -> charge(type, RECURRING_CHARGED, n, true);
        case "OFFER_REDEEMED" ->
            switch (subtype) {
              case "INITIAL_BUY", "RESUBSCRIBE" -> charge(type, PAYMENT, n, true);
              case "UPGRADE" -> charge(type, RECURRING_CHARGED, n, true);
              default -> Mapped.nothing(AppStoreEvents.ignoredReason(type, d.subtype()));
            };
        case "DID_CHANGE_RENEWAL_PREF" ->
            "UPGRADE".equals(subtype)
                ? charge(type, RECURRING_CHARGED, n, true)
                : Mapped.nothing(AppStoreEvents.ignoredReason(type, d.subtype()));
        case "REFUND" -> refund(type, n);
        case "REFUND_REVERSED" -> refundReversed(type, n);
        case "EXPIRED", "GRACE_PERIOD_EXPIRED", "REVOKE" -> ended(type, n);
        default -> Mapped.nothing(AppStoreEvents.ignoredReason(type, d.subtype()));
      };
    } catch (MalformedWebhookException e) {
      throw new MalformedWebhookException(
          "App Store notification " + d.uuid() + " (" + type + "): " + e.getMessage(), e);
    }
  }

  private static Mapped charge(String type, EventKind kind, Notification n, boolean subscription) {
    JsonObject txn = n.requireTransaction();
    String id = Json.requireString(txn, "transactionId");
    if (n.familyShared()) {
      return Mapped.nothing(familyShared(type, id));
    }
    if (!n.hasPrice()) {
      return Mapped.priceOf(id);
    }
    String currency = currency(txn);
    long amount = AppStoreAmounts.priceToMinor(price(txn), currency);
    if (amount == 0) {
      return Mapped.nothing(
          type
              + ": transaction "
              + id
              + " cost nothing (a free trial or a free offer): no money moved, nothing to book");
    }
    return Mapped.book(
        List.of(
            PaymentEvent.builder(kind, "txn:" + id, n.signedDate())
                .amount(amount, currency)
                .externalPaymentId(id)
                .externalSubscriptionId(
                    subscription
                        ? Json.requireString(txn, "originalTransactionId")
                        : n.subscriptionId())
                .customerRef(n.customerRef())
                .periodEnd(optMillis(txn, "expiresDate"))
                .build()));
  }

  private static Mapped refund(String type, Notification n) {
    JsonObject txn = n.requireTransaction();
    String id = Json.requireString(txn, "transactionId");
    if (n.familyShared()) {
      return Mapped.nothing(familyShared(type, id));
    }
    if (!n.hasPrice()) {
      return Mapped.priceOf(id);
    }
    long amount = refunded(txn);
    if (amount == 0) {
      return Mapped.nothing(refundedNothing(type, id));
    }
    return Mapped.book(List.of(refundEvent(n, id, amount)));
  }

  /**
   * A refund undone. Books the refund too, under its own key: whichever of {@code REFUND} and
   * {@code REFUND_REVERSED} arrives first books it, the other finds it booked, and the reversal
   * brings it back, so the ledger nets to zero in either order (and when a {@code REFUND} older
   * than the reversal never arrives at all).
   */
  private static Mapped refundReversed(String type, Notification n) {
    JsonObject txn = n.requireTransaction();
    String id = Json.requireString(txn, "transactionId");
    if (n.familyShared()) {
      return Mapped.nothing(familyShared(type, id));
    }
    if (!n.hasPrice()) {
      return Mapped.priceOf(id);
    }
    long amount = refunded(txn);
    if (amount == 0) {
      return Mapped.nothing(refundedNothing(type, id));
    }
    return Mapped.book(
        List.of(
            refundEvent(n, id, amount),
            PaymentEvent.builder(REFUND_REVERSED, "refund_reversal:" + id, n.signedDate())
                .amount(amount, currency(txn))
                .externalPaymentId(id)
                .externalSubscriptionId(n.subscriptionId())
                .customerRef(n.customerRef())
                .build()));
  }

  /** The refunded share of a transaction: its price, or its revocationPercentage of it. */
  private static long refunded(JsonObject txn) {
    return AppStoreAmounts.refundedMinor(
        price(txn), Json.optLong(txn, "revocationPercentage"), currency(txn));
  }

  private static PaymentEvent refundEvent(Notification n, String id, long amount) {
    return PaymentEvent.builder(REFUND, "refund:" + id, n.signedDate())
        .amount(-amount, currency(n.transaction()))
        .externalPaymentId(id)
        .externalSubscriptionId(n.subscriptionId())
        .customerRef(n.customerRef())
        .build();
  }

  private static String familyShared(String type, String id) {
    return type
        + ": transaction "
        + id
        + " is a Family Sharing member's (inAppOwnershipType FAMILY_SHARED): the purchaser's own"
        + " transaction carries the money, so nothing is booked for this one";
  }

  private static String refundedNothing(String type, String id) {
    return type
        + ": transaction "
        + id
        + " refunded nothing (a free transaction, or revocationPercentage 0): nothing to book";
  }

  private static Mapped ended(String type, Notification n) {
    JsonObject txn = n.requireTransaction();
    String id = Json.requireString(txn, "transactionId");
    String subscriptionId = n.subscriptionId();
    if (subscriptionId == null) {
      return Mapped.nothing(
          type
              + ": transaction "
              + id
              + " is a "
              + Json.optString(txn, "type")
              + ", not an auto-renewable subscription: access to it ended, no money moved and no"
              + " subscription ends");
    }
    return Mapped.book(
        List.of(
            PaymentEvent.builder(RECURRING_CANCELLED, "ended:" + id, n.signedDate())
                .externalPaymentId(id)
                .externalSubscriptionId(subscriptionId)
                .customerRef(n.customerRef())
                .periodEnd(optMillis(txn, "expiresDate"))
                .build()));
  }

  private static long price(JsonObject txn) {
    Long price = Json.optLong(txn, "price");
    if (price == null) {
      throw new MalformedWebhookException(
          "the transaction carries no price, so its amount is unknown");
    }
    return price;
  }

  private static String currency(JsonObject txn) {
    return Money.currency(Json.requireString(txn, "currency"));
  }

  /** A notification's decoded parts. */
  private record Notification(Instant signedDate, JsonObject transaction, JsonObject renewal) {

    static Notification of(JsonObject payload) throws SignedDataException {
      Instant signedDate = AppleSignedData.signedDate(payload, "signedPayload");
      JsonObject data = Json.optObject(payload, "data");
      JsonObject transaction = null;
      JsonObject renewal = null;
      if (data != null) {
        Object t = data.getValue(SIGNED_TRANSACTION);
        if (t != null) {
          transaction =
              AppleSignedData.payloadOf(
                  AppleSignedData.token(t, SIGNED_TRANSACTION), SIGNED_TRANSACTION);
        }
        Object r = data.getValue(SIGNED_RENEWAL);
        if (r != null) {
          renewal =
              AppleSignedData.payloadOf(AppleSignedData.token(r, SIGNED_RENEWAL), SIGNED_RENEWAL);
        }
      }
      return new Notification(signedDate, transaction, renewal);
    }

    /** This notification about another rendering of its transaction (the API's). */
    Notification withTransaction(JsonObject other) {
      return new Notification(signedDate, other, renewal);
    }

    JsonObject requireTransaction() {
      if (transaction == null) {
        throw new MalformedWebhookException("data.signedTransactionInfo is missing");
      }
      return transaction;
    }

    /** Whether the transaction names its price and currency (both, or it cannot be booked). */
    boolean hasPrice() {
      return transaction.getValue("price") != null && transaction.getValue("currency") != null;
    }

    boolean familyShared() {
      return FAMILY_SHARED.equals(Json.optString(transaction, "inAppOwnershipType"));
    }

    /** The subscription id, for transactions of auto-renewable subscriptions only. */
    String subscriptionId() {
      if (!AUTO_RENEWABLE.equals(Json.optString(transaction, "type"))) {
        return null;
      }
      return Json.requireString(transaction, "originalTransactionId");
    }

    String customerRef() {
      String token = Json.optString(transaction, "appAccountToken");
      if ((token == null || token.isBlank()) && renewal != null) {
        token = Json.optString(renewal, "appAccountToken");
      }
      return token;
    }
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

  private static String signedPayload(Buffer body) throws SignedDataException {
    Object value;
    try {
      value = io.vertx.core.json.Json.decodeValue(body);
    } catch (DecodeException e) {
      throw new SignedDataException("body is not JSON");
    }
    if (!(value instanceof JsonObject object)) {
      throw new SignedDataException("body is not a JSON object");
    }
    return AppleSignedData.token(object.getValue("signedPayload"), "signedPayload");
  }

  private static void requireText(JsonObject payload, String field) throws SignedDataException {
    AppleSignedData.token(payload.getValue(field), "signedPayload " + field);
  }

  private static Instant optMillis(JsonObject object, String field) {
    Long millis = Json.optLong(object, field);
    if (millis == null) {
      return null;
    }
    try {
      return Instant.ofEpochMilli(millis);
    } catch (DateTimeException e) {
      throw new MalformedWebhookException("'" + field + "' is not a time in milliseconds");
    }
  }

  private static String stripSlash(String base) {
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }
}
