package io.paybridge.gateway.appstore;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.Answer;
import io.paybridge.testkit.Fault;
import io.paybridge.testkit.GatewaySimulator;
import io.paybridge.testkit.RandomIds;
import io.paybridge.testkit.RequestMatch;
import io.paybridge.testkit.Webhook;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Plays the App Store's part in tests, for this module and, through its test-jar, for end-to-end
 * tests elsewhere (which then need {@code org.bouncycastle:bcpkix-jdk18on} on their test class path
 * too).
 *
 * <ul>
 *   <li>Builds notification, transaction and renewal-info payloads shaped like App Store Server
 *       Notifications V2 and signs them as the App Store does: ES256 compact JWS whose {@code x5c}
 *       header carries leaf, intermediate and root of a {@link SigningChain} with Apple's extension
 *       OIDs. The plugin trusts that chain through {@link #pluginSettings()}, which pins the test
 *       root's fingerprint.
 *   <li>Delivers a notification body over real HTTP ({@link #post}) or as a {@link WebhookRequest}.
 *   <li>Fakes the App Store Server API's {@code GET
 *       /inApps/v1/subscriptions/{originalTransactionId}} (Get All Subscription Statuses) and
 *       {@code GET /inApps/v1/transactions/{transactionId}} (Get Transaction Info) as a Vert.x HTTP
 *       server on 127.0.0.1 ({@link #start}); it accepts only bearer tokens signed ES256 with this
 *       simulator's In-App Purchase key and carrying Apple's claims (answering 401 with an empty
 *       body otherwise, as Apple does, and for every token once the key is {@linkplain
 *       #revokeApiKey revoked}), answers with JWS signed by the chain and Apple's error bodies, and
 *       can be told to fail or stall the next call.
 *   <li>Builds every notification shape Apple sends: {@code data} with a transaction (and renewal
 *       info for subscriptions), {@code summary} ({@link #renewalExtensionSummary}), {@code
 *       externalPurchaseToken} ({@link #externalPurchaseToken}) and {@code appData} ({@link
 *       #rescindConsent}).
 * </ul>
 */
public final class AppStoreSimulator extends GatewaySimulator<AppStoreSimulator> {

  /** Path the simulator's requests carry. */
  public static final String PATH = "/hooks/test/appstore";

  private static final String TRANSACTIONS = "/inApps/v1/transactions/";
  private static final String SUBSCRIPTIONS = "/inApps/v1/subscriptions/";

  /** Apple's sending network is 17.0.0.0/8. */
  private static final String APPLE_ADDRESS = "17.58.0.12";

  private static final String USER_AGENT = "Apple-Server-Notifications/2";
  private static final String CONTENT_TYPE = "application/json";
  private static final String AUTO_RENEWABLE = "Auto-Renewable Subscription";

  private final String bundleId;
  private final long appAppleId;
  private final String environment;
  private final SigningChain chain;
  private final KeyPair apiKey = SigningChain.ecKeyPair("secp256r1");
  private final String issuerId = UUID.randomUUID().toString();
  private final String keyId = randomKeyId();
  private volatile Clock clock = Clock.systemUTC();

  private final Map<String, JsonObject> subscriptions = new ConcurrentHashMap<>();
  private final Map<String, JsonObject> transactions = new ConcurrentHashMap<>();
  private volatile boolean apiKeyRevoked;

  /** A simulator for a sandbox app with a fresh signing chain. */
  public AppStoreSimulator() {
    this("com.example.paybridge", 1_234_567_890L, "Sandbox", SigningChain.create());
  }

  public AppStoreSimulator(String bundleId, long appAppleId, String environment) {
    this(bundleId, appAppleId, environment, SigningChain.create());
  }

  public AppStoreSimulator(
      String bundleId, long appAppleId, String environment, SigningChain chain) {
    this.bundleId = Objects.requireNonNull(bundleId);
    this.appAppleId = appAppleId;
    this.environment = Objects.requireNonNull(environment);
    this.chain = Objects.requireNonNull(chain);
  }

  /** Signs with another clock's time from now on (the default is the system clock). */
  public AppStoreSimulator useClock(Clock clock) {
    this.clock = Objects.requireNonNull(clock);
    return this;
  }

  public SigningChain chain() {
    return chain;
  }

  public String bundleId() {
    return bundleId;
  }

  public long appAppleId() {
    return appAppleId;
  }

  public String environment() {
    return environment;
  }

  public String issuerId() {
    return issuerId;
  }

  public String keyId() {
    return keyId;
  }

  /** The In-App Purchase key as App Store Connect hands it out: a PKCS#8 PEM {@code .p8} file. */
  public String privateKeyPem() {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(apiKey.getPrivate().getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
  }

  /** The account's credential fields, as a tenant would submit them. */
  public JsonObject credentialsJson() {
    return new JsonObject()
        .put(AppStorePlugin.BUNDLE_ID, bundleId)
        .put(AppStorePlugin.ENVIRONMENT, environment)
        .put(AppStorePlugin.APP_APPLE_ID, Long.toString(appAppleId))
        .put(AppStorePlugin.ISSUER_ID, issuerId)
        .put(AppStorePlugin.KEY_ID, keyId)
        .put(AppStorePlugin.PRIVATE_KEY, privateKeyPem());
  }

  /** The account's credentials as stored. */
  public Credentials credentials() {
    Map<String, String> values = new LinkedHashMap<>();
    credentialsJson().forEach(e -> values.put(e.getKey(), (String) e.getValue()));
    return new Credentials(values);
  }

  /**
   * Plugin settings that trust this simulator's root and, once {@link #start} has run, reach its
   * fake API.
   */
  @Override
  public Map<String, String> pluginSettings() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put(AppStorePlugin.TRUST_ANCHOR_SETTING, chain.rootFingerprint());
    if (started()) {
      settings.put(AppStorePlugin.API_BASE_SETTING, baseUrl());
    }
    return settings;
  }

  // ---- payloads ----

  /**
   * The decoded payload of a transaction of an auto-renewable subscription, bought now for a month.
   *
   * @param price in milliunits, as Apple sends it (10990 is 10.99)
   */
  public JsonObject subscriptionTransaction(
      String transactionId,
      String originalTransactionId,
      long price,
      String currency,
      String appAccountToken) {
    Instant now = now();
    return transaction(transactionId, originalTransactionId, price, currency, appAccountToken)
        .put("webOrderLineItemId", digits(14))
        .put("productId", "com.example.pro.monthly")
        .put("subscriptionGroupIdentifier", "21482113")
        .put("expiresDate", now.plus(Duration.ofDays(30)).toEpochMilli())
        .put("type", AUTO_RENEWABLE)
        .put("transactionReason", "PURCHASE");
  }

  /**
   * The decoded payload of a one-time purchase (a consumable) made now.
   *
   * @param price in milliunits, for the whole quantity
   */
  public JsonObject oneTimeTransaction(
      String transactionId, long price, String currency, String appAccountToken) {
    return transaction(transactionId, transactionId, price, currency, appAccountToken)
        .put("productId", "com.example.coins.100")
        .put("type", "Consumable")
        .put("transactionReason", "PURCHASE");
  }

  /** The decoded renewal info of a subscription that renews automatically. */
  public JsonObject renewalInfo(JsonObject subscriptionTransaction) {
    Instant expires =
        Instant.ofEpochMilli(subscriptionTransaction.getLong("expiresDate", now().toEpochMilli()));
    JsonObject info =
        new JsonObject()
            .put(
                "originalTransactionId", subscriptionTransaction.getString("originalTransactionId"))
            .put("autoRenewProductId", subscriptionTransaction.getString("productId"))
            .put("productId", subscriptionTransaction.getString("productId"))
            .put("autoRenewStatus", 1)
            .put("renewalPrice", subscriptionTransaction.getValue("price"))
            .put("currency", subscriptionTransaction.getString("currency"))
            .put("signedDate", now().toEpochMilli())
            .put("environment", environment)
            .put("recentSubscriptionStartDate", subscriptionTransaction.getValue("purchaseDate"))
            .put("renewalDate", expires.toEpochMilli())
            .put("appTransactionId", digits(18));
    String token = subscriptionTransaction.getString("appAccountToken");
    if (token != null) {
      info.put("appAccountToken", token);
    }
    return info;
  }

  private JsonObject transaction(
      String transactionId,
      String originalTransactionId,
      long price,
      String currency,
      String appAccountToken) {
    long now = now().toEpochMilli();
    JsonObject txn =
        new JsonObject()
            .put("transactionId", transactionId)
            .put("originalTransactionId", originalTransactionId)
            .put("bundleId", bundleId)
            .put("purchaseDate", now - 1_000)
            .put("originalPurchaseDate", now - 1_000)
            .put("quantity", 1)
            .put("inAppOwnershipType", "PURCHASED")
            .put("signedDate", now)
            .put("environment", environment)
            .put("storefront", "USA")
            .put("storefrontId", "143441")
            .put("price", price)
            .put("currency", currency.toUpperCase(Locale.ROOT))
            .put("appTransactionId", digits(18));
    if (appAccountToken != null) {
      txn.put("appAccountToken", appAccountToken);
    }
    return txn;
  }

  // ---- notifications (bodies as posted) ----

  /** {@code ONE_TIME_CHARGE}: a consumable, non-consumable or non-renewing purchase. */
  public String oneTimeCharge(JsonObject transaction) {
    return notification("ONE_TIME_CHARGE", null, transaction, null);
  }

  /** {@code SUBSCRIBED} with subtype {@code INITIAL_BUY}: a subscription's first purchase. */
  public String subscribed(JsonObject transaction) {
    return notification("SUBSCRIBED", "INITIAL_BUY", transaction, renewalInfo(transaction));
  }

  /** {@code DID_RENEW}: the subscription renewed and was charged. */
  public String didRenew(JsonObject transaction) {
    return notification("DID_RENEW", null, transaction, renewalInfo(transaction));
  }

  /**
   * {@code REFUND}: Apple refunded the transaction in full. The transaction gains {@code
   * revocationDate}, {@code revocationReason} and {@code revocationType}.
   */
  public String refund(JsonObject transaction) {
    JsonObject revoked =
        transaction
            .copy()
            .put("revocationDate", now().toEpochMilli())
            .put("revocationReason", 0)
            .put("revocationType", "REFUND_FULL");
    return notification("REFUND", null, revoked, renewalFor(revoked));
  }

  /** {@code REFUND} of part of the transaction: {@code percentage} in milliunits (40000 = 40%). */
  public String proratedRefund(JsonObject transaction, long percentage) {
    JsonObject revoked =
        transaction
            .copy()
            .put("revocationDate", now().toEpochMilli())
            .put("revocationReason", 0)
            .put("revocationType", "REFUND_PRORATED")
            .put("revocationPercentage", percentage);
    return notification("REFUND", null, revoked, renewalFor(revoked));
  }

  /** {@code REFUND_REVERSED}: a refund undone; the revocation fields are gone again. */
  public String refundReversed(JsonObject transaction) {
    return notification("REFUND_REVERSED", null, transaction, renewalFor(transaction));
  }

  /** {@code EXPIRED} with subtype {@code VOLUNTARY}: the customer turned auto-renew off. */
  public String expired(JsonObject transaction) {
    JsonObject renewal =
        renewalInfo(transaction).put("autoRenewStatus", 0).put("expirationIntent", 1);
    return notification("EXPIRED", "VOLUNTARY", transaction, renewal);
  }

  /** {@code GRACE_PERIOD_EXPIRED}: billing failed through the grace period. */
  public String gracePeriodExpired(JsonObject transaction) {
    JsonObject renewal =
        renewalInfo(transaction).put("isInBillingRetryPeriod", true).put("expirationIntent", 2);
    return notification("GRACE_PERIOD_EXPIRED", null, transaction, renewal);
  }

  /** {@code REVOKE}: a Family Sharing member lost the purchase. */
  public String revoke(JsonObject transaction) {
    JsonObject shared =
        transaction
            .copy()
            .put("inAppOwnershipType", "FAMILY_SHARED")
            .put("revocationDate", now().toEpochMilli())
            .put("revocationReason", 0)
            .put("revocationType", "FAMILY_REVOKE");
    return notification("REVOKE", null, shared, renewalFor(shared));
  }

  /** {@code TEST}: what App Store Connect's "Request a Test Notification" sends. */
  public String test() {
    return notification("TEST", null, null, null);
  }

  /**
   * {@code RENEWAL_EXTENSION} with subtype {@code SUMMARY}: a mass renewal-date extension finished.
   * The payload carries {@code summary} instead of {@code data}.
   */
  public String renewalExtensionSummary() {
    JsonObject summary =
        new JsonObject()
            .put("requestIdentifier", UUID.randomUUID().toString())
            .put("environment", environment)
            .put("appAppleId", appAppleId)
            .put("bundleId", bundleId)
            .put("productId", "com.example.pro.monthly")
            .put("storefrontCountryCodes", new JsonArray().add("USA").add("FRA"))
            .put("succeededCount", 5)
            .put("failedCount", 0);
    return shaped("RENEWAL_EXTENSION", "SUMMARY", "summary", summary);
  }

  /**
   * {@code EXTERNAL_PURCHASE_TOKEN} with a subtype ({@code UNREPORTED}, {@code CREATED}, {@code
   * ACTIVE_TOKEN_REMINDER}): the payload carries {@code externalPurchaseToken} instead of {@code
   * data}.
   */
  public String externalPurchaseToken(String subtype) {
    JsonObject token =
        new JsonObject()
            .put("externalPurchaseId", UUID.randomUUID().toString())
            .put("tokenCreationDate", now().toEpochMilli())
            .put("appAppleId", appAppleId)
            .put("bundleId", bundleId);
    return shaped("EXTERNAL_PURCHASE_TOKEN", subtype, "externalPurchaseToken", token);
  }

  /**
   * {@code RESCIND_CONSENT}: a parent withdrew consent for the app. The payload carries {@code
   * appData}, with the app transaction signed into it, instead of {@code data}.
   */
  public String rescindConsent() {
    JsonObject appTransaction =
        new JsonObject()
            .put("receiptType", environment)
            .put("appAppleId", appAppleId)
            .put("bundleId", bundleId)
            .put("applicationVersion", "42")
            .put("originalApplicationVersion", "1")
            .put("originalPurchaseDate", now().minus(Duration.ofDays(90)).toEpochMilli())
            .put("appTransactionId", digits(18))
            .put("originalPlatform", "iOS");
    JsonObject appData =
        new JsonObject()
            .put("appAppleId", appAppleId)
            .put("bundleId", bundleId)
            .put("environment", environment)
            .put("signedAppTransactionInfo", sign(appTransaction));
    return shaped("RESCIND_CONSENT", null, "appData", appData);
  }

  private String shaped(String type, String subtype, String member, JsonObject content) {
    JsonObject payload =
        new JsonObject()
            .put("notificationType", type)
            .put("notificationUUID", UUID.randomUUID().toString())
            .put(member, content)
            .put("version", "2.0")
            .put("signedDate", now().toEpochMilli());
    if (subtype != null) {
      payload.put("subtype", subtype);
    }
    return body(signPayload(payload));
  }

  /**
   * A notification of any type and subtype (or {@code null}), with the transaction and renewal info
   * (either may be {@code null}) signed into {@code data}, as a body {@code {"signedPayload":…}}.
   */
  public String notification(
      String type, String subtype, JsonObject transaction, JsonObject renewal) {
    JsonObject data =
        new JsonObject()
            .put("appAppleId", appAppleId)
            .put("bundleId", bundleId)
            .put("bundleVersion", "42")
            .put("environment", environment);
    if (transaction != null) {
      data.put("signedTransactionInfo", sign(transaction));
    }
    if (renewal != null) {
      data.put("signedRenewalInfo", sign(renewal));
    }
    if (transaction != null && AUTO_RENEWABLE.equals(transaction.getString("type"))) {
      data.put("status", "EXPIRED".equals(type) || "GRACE_PERIOD_EXPIRED".equals(type) ? 2 : 1);
    }
    JsonObject payload =
        new JsonObject()
            .put("notificationType", type)
            .put("notificationUUID", UUID.randomUUID().toString())
            .put("data", data)
            .put("version", "2.0")
            .put("signedDate", now().toEpochMilli());
    if (subtype != null) {
      payload.put("subtype", subtype);
    }
    return body(signPayload(payload));
  }

  /** A payload signed with this simulator's chain, with its {@code signedDate} set to now. */
  public String sign(JsonObject payload) {
    return chain.sign(payload.copy().put("signedDate", now().toEpochMilli()));
  }

  /** A payload signed as is, keeping its {@code signedDate}. */
  public String signPayload(JsonObject payload) {
    return chain.sign(payload);
  }

  /** The notification body Apple posts around a signed payload. */
  public static String body(String signedPayload) {
    return new JsonObject().put("signedPayload", signedPayload).encode();
  }

  /** The decoded notification payload of a body, as the App Store signed it. */
  public static JsonObject payloadOf(String body) {
    String jws = new JsonObject(body).getString("signedPayload");
    return decode(jws);
  }

  /** The decoded payload of a compact JWS. */
  public static JsonObject decode(String jws) {
    String[] parts = jws.split("\\.");
    return new JsonObject(
        Buffer.buffer(Base64.getUrlDecoder().decode(parts[1].getBytes(StandardCharsets.US_ASCII))));
  }

  // ---- delivery ----

  /** The notification body as the App Store posts it. */
  public static Webhook webhook(String body) {
    return Webhook.of(body, Map.of("Content-Type", CONTENT_TYPE, "User-Agent", USER_AGENT));
  }

  /** The delivery as the platform would receive it at the moment Apple signed it. */
  public WebhookRequest request(String body) {
    Instant signed = Instant.ofEpochMilli(payloadOf(body).getLong("signedDate"));
    return webhook(body).received(PATH, APPLE_ADDRESS, signed);
  }

  /** Posts {@code body} to {@code url} as the App Store does. */
  public Future<HttpResponse<Buffer>> post(WebClient client, String url, String body) {
    return webhook(body).post(client, url);
  }

  // ---- fake App Store Server API ----

  /**
   * Makes the fake API report a subscription: {@code status} as Apple numbers them (1 active, 2
   * expired, 3 billing retry, 4 grace period, 5 revoked) with its latest transaction and renewal
   * info, signed afresh on every answer.
   */
  public void putSubscription(int status, JsonObject transaction, JsonObject renewal) {
    subscriptions.put(
        transaction.getString("originalTransactionId"),
        new JsonObject()
            .put("status", status)
            .put("transaction", transaction)
            .put("renewal", renewal));
  }

  /**
   * Makes the fake API's Get Transaction Info report a transaction (signed afresh on every answer),
   * as Apple reports it whatever the notification carried.
   */
  public void putTransaction(JsonObject transaction) {
    transactions.put(transaction.getString("transactionId"), transaction);
  }

  /**
   * Revokes the In-App Purchase key, as App Store Connect does: from now on the API answers every
   * call 401 with an empty body, as Apple does for a token signed by a revoked key.
   */
  public void revokeApiKey() {
    apiKeyRevoked = true;
  }

  /** Reinstates the key (a test's way of saying the tenant saved a working one). */
  public void reinstateApiKey() {
    apiKeyRevoked = false;
  }

  /** The next API call is answered with this status and body. */
  public void failNext(int status, String body) {
    injectNext(RequestMatch.any(), Fault.answer(status, body));
  }

  /** The next API call is answered normally, {@code delayMs} late. */
  public void delayNext(long delayMs) {
    injectNext(RequestMatch.any(), Fault.latency(Duration.ofMillis(delayMs)));
  }

  /** The bearer tokens the fake API received, in order. */
  public List<String> receivedTokens() {
    return calls().stream()
        .map(call -> call.header("Authorization"))
        .filter(authorization -> authorization != null && authorization.startsWith("Bearer "))
        .map(authorization -> authorization.substring(7))
        .toList();
  }

  @Override
  protected void routes(Router router) {
    router.route().handler(this::authenticate);
    router.get(TRANSACTIONS + ":id").handler(ctx -> answer(ctx, transaction(ctx.pathParam("id"))));
    router
        .get(SUBSCRIPTIONS + ":id")
        .handler(ctx -> answer(ctx, subscriptionStatuses(ctx.pathParam("id"))));
    router.route().handler(ctx -> answer(ctx, error(404, 4040010, "Not found.")));
  }

  /** Apple answers JSON. */
  @Override
  protected Answer withGatewayHeaders(Answer answer) {
    return answer.body().length() == 0
        ? answer
        : answer.withDefaultHeader("Content-Type", "application/json");
  }

  /** Apple answers 401 with an empty body to a token it does not accept, or of a revoked key. */
  private void authenticate(RoutingContext ctx) {
    String problem =
        apiKeyRevoked ? "revoked key" : tokenProblem(call(ctx).header("Authorization"));
    if (problem == null) {
      ctx.next();
    } else {
      answer(ctx, Answer.empty(401));
    }
  }

  /** Get Transaction Info. */
  private Answer transaction(String transactionId) {
    JsonObject transaction = transactions.get(transactionId);
    if (transaction == null) {
      return error(404, 4040010, "Transaction id not found.");
    }
    return json(new JsonObject().put("signedTransactionInfo", sign(transaction)));
  }

  /** Get All Subscription Statuses, with the latest transaction signed afresh. */
  private Answer subscriptionStatuses(String originalTransactionId) {
    JsonObject subscription = subscriptions.get(originalTransactionId);
    if (subscription == null) {
      return error(404, 4040005, "Original transaction id not found.");
    }
    JsonObject last =
        new JsonObject()
            .put("originalTransactionId", originalTransactionId)
            .put("status", subscription.getInteger("status"))
            .put("signedTransactionInfo", sign(subscription.getJsonObject("transaction")));
    JsonObject renewal = subscription.getJsonObject("renewal");
    if (renewal != null) {
      last.put("signedRenewalInfo", sign(renewal));
    }
    return json(
        new JsonObject()
            .put("environment", environment)
            .put("appAppleId", appAppleId)
            .put("bundleId", bundleId)
            .put(
                "data",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("subscriptionGroupIdentifier", "21482113")
                            .put("lastTransactions", new JsonArray().add(last)))));
  }

  private static Answer json(JsonObject body) {
    return Answer.of(200, "application/json", body.encode());
  }

  private static Answer error(int status, long code, String message) {
    return Answer.of(
        status,
        "application/json",
        new JsonObject().put("errorCode", code).put("errorMessage", message).encode());
  }

  /** Why a bearer token would not pass Apple's checks, or {@code null} when it would. */
  private String tokenProblem(String authorization) {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return "no bearer token";
    }
    String[] parts = authorization.substring(7).split("\\.", -1);
    if (parts.length != 3) {
      return "not a JWT";
    }
    try {
      Base64.Decoder decoder = Base64.getUrlDecoder();
      JsonObject header = new JsonObject(Buffer.buffer(decoder.decode(parts[0])));
      JsonObject claims = new JsonObject(Buffer.buffer(decoder.decode(parts[1])));
      if (!"ES256".equals(header.getString("alg"))
          || !keyId.equals(header.getString("kid"))
          || !"JWT".equals(header.getString("typ"))) {
        return "header";
      }
      if (!verifies(apiKey.getPublic(), parts[0] + "." + parts[1], decoder.decode(parts[2]))) {
        return "signature";
      }
      long now = clock.instant().getEpochSecond();
      long iat = claims.getLong("iat");
      long exp = claims.getLong("exp");
      if (!issuerId.equals(claims.getString("iss"))
          || !"appstoreconnect-v1".equals(claims.getString("aud"))
          || !bundleId.equals(claims.getString("bid"))
          || exp - iat > 3600
          || exp <= now
          || iat > now + 60) {
        return "claims";
      }
      return null;
    } catch (RuntimeException e) {
      return "unreadable";
    }
  }

  private static boolean verifies(PublicKey key, String input, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
      verifier.initVerify(key);
      verifier.update(input.getBytes(StandardCharsets.US_ASCII));
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private JsonObject renewalFor(JsonObject transaction) {
    return AUTO_RENEWABLE.equals(transaction.getString("type")) ? renewalInfo(transaction) : null;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /** A random id in Apple's style: decimal digits. */
  public static String newTransactionId() {
    return "2000000" + digits(9);
  }

  /** Decimal digits, the first not 0. */
  private static String digits(int n) {
    return (1 + ThreadLocalRandom.current().nextInt(9)) + RandomIds.digits(n - 1);
  }

  private static String randomKeyId() {
    return RandomIds.of(RandomIds.UPPER_ALPHANUMERIC, 10);
  }
}
