package io.paybridge.gateway.googleplay;

import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.Answer;
import io.paybridge.testkit.ApiCall;
import io.paybridge.testkit.Fault;
import io.paybridge.testkit.GatewaySimulator;
import io.paybridge.testkit.RandomIds;
import io.paybridge.testkit.Webhook;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Plays Google's part in tests, as one local Vert.x HTTP server on 127.0.0.1 (random port):
 *
 * <ul>
 *   <li><b>Pub/Sub push signer</b>: RSA keys published as a JWK set at {@code /oauth2/v3/certs}
 *       (with {@code Cache-Control: public, max-age=…}, rotatable), and push tokens signed exactly
 *       like Google's OpenID Connect ID tokens (RS256, {@code kid}, {@code iss}, {@code aud},
 *       {@code azp}, {@code email}, {@code email_verified}, {@code sub}, {@code iat}, {@code exp}
 *       one hour later).
 *   <li><b>Notifications</b>: real-time developer notification bodies of every kind, wrapped in
 *       Pub/Sub's push envelope ({@code message.data} base64, {@code messageId}, {@code
 *       publishTime}, their snake_case twins, {@code subscription}), posted over real HTTP.
 *   <li><b>OAuth token endpoint</b> ({@code POST /token}): checks the service-account assertion's
 *       RS256 signature against the keys of service accounts it issued, its issuer, audience, scope
 *       and times, and hands out access tokens valid for an hour.
 *   <li><b>Android Publisher v3</b>: {@code purchases.subscriptionsv2.get}, {@code
 *       purchases.products.get}, {@code purchases.products.acknowledge}, {@code orders.get}, {@code
 *       orders.refund} and {@code purchases.subscriptions.cancel} over purchases and orders the
 *       test puts in, answering Google's error shape; refunds and cancellations change the stored
 *       state as Google does.
 * </ul>
 *
 * Every request is logged ({@link #calls(String)} by operation); {@link #failNext} and {@link
 * #delayNext} inject errors and slowness per operation; {@link #deleteServiceAccountKey} and {@link
 * #refuseServiceAccount} make Google refuse a tenant's service account as it does when its key is
 * deleted, when it has no access to the app in Play Console, or when the API is disabled. {@link
 * #pluginSettings()} are the plugin settings that point the plugin here. Other modules' end-to-end
 * tests use it through this module's test-jar.
 */
public final class GooglePlaySimulator extends GatewaySimulator<GooglePlaySimulator> {

  public static final String PACKAGE_NAME = "com.paybridge.sample";
  public static final String PUSH_AUDIENCE = "https://hooks.paybridge.example/googleplay/rtdn";
  public static final String PUSH_SERVICE_ACCOUNT =
      "rtdn-push@paybridge-sample.iam.gserviceaccount.com";
  public static final String PUBSUB_SUBSCRIPTION =
      "projects/paybridge-sample/subscriptions/play-rtdn-push";

  /** Google's ID token issuer. */
  public static final String ISSUER = "https://accounts.google.com";

  public static final String OP_JWKS = "jwks";
  public static final String OP_TOKEN = "token";
  public static final String OP_SUBSCRIPTION_GET = "purchases.subscriptionsv2.get";
  public static final String OP_PRODUCT_GET = "purchases.products.get";
  public static final String OP_PRODUCT_ACKNOWLEDGE = "purchases.products.acknowledge";
  public static final String OP_ORDER_GET = "orders.get";
  public static final String OP_ORDER_REFUND = "orders.refund";
  public static final String OP_SUBSCRIPTION_CANCEL = "purchases.subscriptions.cancel";

  private static final String USER_AGENT =
      "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)";
  private static final String HOOK_PATH = "/hooks/test/googleplay";

  /** An address in a range Google pushes from. */
  private static final String GOOGLE_ADDRESS = "66.102.6.39";

  private static final String SCOPE = "https://www.googleapis.com/auth/androidpublisher";
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private record SigningKey(String kid, KeyPair pair) {}

  private record Refusal(int status, String message) {}

  private final List<SigningKey> pushKeys = new CopyOnWriteArrayList<>();
  private final Map<String, PublicKey> serviceAccounts = new ConcurrentHashMap<>();
  private final Map<String, Instant> accessTokens = new ConcurrentHashMap<>();
  private final Map<String, String> tokenOwners = new ConcurrentHashMap<>();
  private final Map<String, Refusal> refusedAccounts = new ConcurrentHashMap<>();
  private final Map<String, JsonObject> subscriptions = new ConcurrentHashMap<>();
  private final Map<String, JsonObject> products = new ConcurrentHashMap<>();
  private final Map<String, JsonObject> orders = new ConcurrentHashMap<>();
  private final Set<String> deletedKeys = ConcurrentHashMap.newKeySet();
  private volatile long jwksMaxAgeSeconds = 21_600;

  /** A simulator with a fresh push signing key; {@link #start} serves it. */
  public GooglePlaySimulator() {
    pushKeys.add(newSigningKey());
  }

  public String tokenUri() {
    return baseUrl() + "/token";
  }

  public String jwksUrl() {
    return baseUrl() + "/oauth2/v3/certs";
  }

  /** Plugin settings pointing the API, the token endpoint and the key source here. */
  @Override
  public Map<String, String> pluginSettings() {
    return Map.of(
        GooglePlayPlugin.SETTING_API_BASE, baseUrl(),
        GooglePlayPlugin.SETTING_TOKEN_URI, tokenUri(),
        GooglePlayPlugin.SETTING_JWKS_URL, jwksUrl());
  }

  // ---- credentials

  /**
   * A new service account: its key file as Google Cloud downloads it (the {@code token_uri} is
   * Google's; the plugin's {@code googleplay.token.uri} setting sends it here), registered with the
   * token endpoint.
   */
  public String newServiceAccountJson(String clientEmail) {
    KeyPair pair = rsaKeyPair();
    serviceAccounts.put(clientEmail, pair.getPublic());
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pair.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    String project = clientEmail.substring(clientEmail.indexOf('@') + 1).split("\\.")[0];
    return new JsonObject()
        .put("type", "service_account")
        .put("project_id", project)
        .put("private_key_id", HexFormat.of().formatHex(randomBytes(20)))
        .put("private_key", pem)
        .put("client_email", clientEmail)
        .put("client_id", RandomIds.digits(21))
        .put("auth_uri", "https://accounts.google.com/o/oauth2/auth")
        .put("token_uri", "https://oauth2.googleapis.com/token")
        .put("auth_provider_x509_cert_url", "https://www.googleapis.com/oauth2/v1/certs")
        .put(
            "client_x509_cert_url",
            "https://www.googleapis.com/robot/v1/metadata/x509/" + clientEmail.replace("@", "%40"))
        .put("universe_domain", "googleapis.com")
        .encodePrettily();
  }

  /** An account's credentials as a tenant would save them, with push authentication. */
  public JsonObject credentialsJson(String serviceAccountJson) {
    return new JsonObject()
        .put(GooglePlayPlugin.PACKAGE_NAME, PACKAGE_NAME)
        .put(GooglePlayPlugin.SERVICE_ACCOUNT_JSON, serviceAccountJson)
        .put(GooglePlayPlugin.PUSH_AUDIENCE, PUSH_AUDIENCE)
        .put(GooglePlayPlugin.PUSH_SERVICE_ACCOUNT_EMAIL, PUSH_SERVICE_ACCOUNT);
  }

  /** Makes every access token handed out so far invalid, as a revoked key would. */
  public void revokeAccessTokens() {
    accessTokens.clear();
  }

  /**
   * Deletes the service account's key, as a tenant does in Google Cloud console: from now on the
   * token endpoint answers its assertions {@code 400 invalid_grant "Invalid JWT Signature."}, as
   * Google does, and the access tokens it already has stop working.
   */
  public void deleteServiceAccountKey(String clientEmail) {
    deletedKeys.add(clientEmail);
    tokenOwners.forEach(
        (token, owner) -> {
          if (owner.equals(clientEmail)) {
            accessTokens.remove(token);
          }
        });
  }

  /**
   * From now on the Play Developer API refuses calls made with the service account's tokens, as
   * Google does when it has no access to the app in Play Console ({@code 401 "The current user has
   * insufficient permissions to perform the requested operation."}) or when the API is disabled in
   * its Cloud project ({@code 403 PERMISSION_DENIED}).
   */
  public void refuseServiceAccount(String clientEmail, int status, String message) {
    refusedAccounts.put(clientEmail, new Refusal(status, message));
  }

  /** Lets the service account call the API again (its access was granted in Play Console). */
  public void acceptServiceAccount(String clientEmail) {
    refusedAccounts.remove(clientEmail);
  }

  // ---- push signing

  /** A push token as Pub/Sub sends it for this audience and push service account. */
  public String pushToken(String audience, String email, Instant issuedAt) {
    long iat = issuedAt.getEpochSecond();
    String subject = "1" + RandomIds.digits(20);
    JsonObject claims =
        new JsonObject()
            .put("aud", audience)
            .put("azp", subject)
            .put("email", email)
            .put("email_verified", true)
            .put("exp", iat + 3600)
            .put("iat", iat)
            .put("iss", ISSUER)
            .put("sub", subject);
    return signPushToken(claims);
  }

  /** The default push token: the simulator's audience and push service account. */
  public String pushToken(Instant issuedAt) {
    return pushToken(PUSH_AUDIENCE, PUSH_SERVICE_ACCOUNT, issuedAt);
  }

  /** Any claims, signed with the current push key under Google's header. */
  public String signPushToken(JsonObject claims) {
    SigningKey key = currentPushKey();
    return signJwt(
        new JsonObject().put("alg", "RS256").put("kid", key.kid()).put("typ", "JWT"),
        claims,
        key.pair());
  }

  /** Any header and claims, RS256-signed with the current push key (for malformed tokens). */
  public String signPushToken(JsonObject header, JsonObject claims) {
    return signJwt(header, claims, currentPushKey().pair());
  }

  public String currentKeyId() {
    return currentPushKey().kid();
  }

  /**
   * Starts signing with a new key. The JWK set then publishes the new key and, if {@code
   * keepPrevious}, the previous one too (Google publishes two keys around a rotation).
   */
  public String rotatePushKey(boolean keepPrevious) {
    SigningKey next = newSigningKey();
    if (!keepPrevious) {
      pushKeys.clear();
    }
    pushKeys.add(next);
    return next.kid();
  }

  /** The {@code max-age} the JWK set is served with. */
  public void jwksMaxAge(long seconds) {
    jwksMaxAgeSeconds = seconds;
  }

  /** The published JWK set. */
  public JsonObject jwks() {
    JsonArray keys = new JsonArray();
    for (SigningKey key : pushKeys) {
      RSAPublicKey pub = (RSAPublicKey) key.pair().getPublic();
      keys.add(
          new JsonObject()
              .put("kty", "RSA")
              .put("alg", "RS256")
              .put("use", "sig")
              .put("kid", key.kid())
              .put("n", BASE64URL.encodeToString(unsigned(pub.getModulus())))
              .put("e", BASE64URL.encodeToString(unsigned(pub.getPublicExponent()))));
    }
    return new JsonObject().put("keys", keys);
  }

  // ---- notifications

  /** A {@code subscriptionNotification} of the given type. */
  public static String subscriptionNotification(
      String packageName, int type, String purchaseToken, String subscriptionId, Instant at) {
    return developerNotification(packageName, at)
        .put(
            "subscriptionNotification",
            new JsonObject()
                .put("version", "1.0")
                .put("notificationType", type)
                .put("purchaseToken", purchaseToken)
                .put("subscriptionId", subscriptionId))
        .encode();
  }

  /** A {@code oneTimeProductNotification} of the given type. */
  public static String oneTimeProductNotification(
      String packageName, int type, String purchaseToken, String sku, Instant at) {
    return developerNotification(packageName, at)
        .put(
            "oneTimeProductNotification",
            new JsonObject()
                .put("version", "1.0")
                .put("notificationType", type)
                .put("purchaseToken", purchaseToken)
                .put("sku", sku))
        .encode();
  }

  /**
   * A {@code voidedPurchaseNotification}.
   *
   * @param productType 1 subscription, 2 one-time product
   * @param refundType 1 full refund, 2 quantity-based partial refund
   */
  public static String voidedPurchaseNotification(
      String packageName,
      String purchaseToken,
      String orderId,
      int productType,
      int refundType,
      Instant at) {
    return developerNotification(packageName, at)
        .put(
            "voidedPurchaseNotification",
            new JsonObject()
                .put("purchaseToken", purchaseToken)
                .put("orderId", orderId)
                .put("productType", productType)
                .put("refundType", refundType))
        .encode();
  }

  /** The notification Play Console sends with "Send test notification". */
  public static String testNotification(String packageName, Instant at) {
    return developerNotification(packageName, at)
        .put("testNotification", new JsonObject().put("version", "1.0"))
        .encode();
  }

  private static JsonObject developerNotification(String packageName, Instant at) {
    return new JsonObject()
        .put("version", "1.0")
        .put("packageName", packageName)
        .put("eventTimeMillis", Long.toString(at.toEpochMilli()));
  }

  /** A notification in Pub/Sub's push envelope, with a fresh message id, published now. */
  public static String push(String notification) {
    return pushBody(notification, newMessageId(), Instant.now());
  }

  /** A notification in Pub/Sub's push envelope. */
  public static String pushBody(String notification, String messageId, Instant publishTime) {
    String data = Base64.getEncoder().encodeToString(notification.getBytes(StandardCharsets.UTF_8));
    String published = publishTime.toString();
    return new JsonObject()
        .put(
            "message",
            new JsonObject()
                .put("attributes", new JsonObject())
                .put("data", data)
                .put("messageId", messageId)
                .put("message_id", messageId)
                .put("publishTime", published)
                .put("publish_time", published))
        .put("subscription", PUBSUB_SUBSCRIPTION)
        .encode();
  }

  /** A Pub/Sub message id: a long decimal number. */
  public static String newMessageId() {
    return "1" + RandomIds.digits(15);
  }

  /** A purchase token in Play's shape: letters, then dot-separated base64url. */
  public static String newPurchaseToken() {
    String letters = RandomIds.of("abcdefghijklmnopqrstuvwxyz", 24);
    return letters + ".AO-J1O" + BASE64URL.encodeToString(randomBytes(96));
  }

  /** An order id in Play's shape, {@code GPA.dddd-dddd-dddd-ddddd}. */
  public static String newOrderId() {
    return "GPA."
        + RandomIds.digits(4)
        + "-"
        + RandomIds.digits(4)
        + "-"
        + RandomIds.digits(4)
        + "-"
        + RandomIds.digits(5);
  }

  /**
   * The delivery as the platform receives it.
   *
   * @param bearer the push token, or {@code null} for a subscription without authentication
   */
  /**
   * The push as Pub/Sub sends it.
   *
   * @param bearer the push token, or {@code null} for a subscription without authentication
   */
  public static Webhook webhook(String body, String bearer) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("User-Agent", USER_AGENT);
    headers.put("From", "noreply@google.com");
    if (bearer != null) {
      headers.put(GooglePlayPlugin.AUTHORIZATION_HEADER, "Bearer " + bearer);
    }
    return Webhook.of(body, headers);
  }

  /**
   * The delivery as the platform receives it.
   *
   * @param bearer the push token, or {@code null} for a subscription without authentication
   */
  public WebhookRequest request(String body, String bearer, Instant receivedAt) {
    return webhook(body, bearer).received(HOOK_PATH, GOOGLE_ADDRESS, receivedAt);
  }

  /** Pushes {@code body} to {@code url} as Pub/Sub does, with the bearer token if given. */
  public Future<HttpResponse<Buffer>> post(
      WebClient client, String url, String body, String bearer) {
    return webhook(body, bearer).post(client, url);
  }

  // ---- Play Developer API state

  /** Money in Google's shape: {@code units} as an int64 string, {@code nanos} billionths. */
  public static JsonObject money(String currency, long units, int nanos) {
    return new JsonObject()
        .put("currencyCode", currency)
        .put("units", Long.toString(units))
        .put("nanos", nanos);
  }

  /**
   * A {@code SubscriptionPurchaseV2}.
   *
   * @param state e.g. {@code SUBSCRIPTION_STATE_ACTIVE}
   * @param latestOrderId the latest successful order (also the deprecated {@code latestOrderId})
   * @param customerRef the {@code obfuscatedExternalAccountId}, or {@code null}
   * @param recurringPrice the plan's list price, as Google reports it beside the order
   */
  public static JsonObject subscriptionPurchase(
      String state,
      String productId,
      String latestOrderId,
      Instant expiry,
      String customerRef,
      boolean autoRenewing,
      JsonObject recurringPrice) {
    JsonObject purchase =
        new JsonObject()
            .put("kind", "androidpublisher#subscriptionPurchaseV2")
            .put("regionCode", "US")
            .put(
                "lineItems",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("productId", productId)
                            .put("expiryTime", expiry.toString())
                            .put(
                                "autoRenewingPlan",
                                new JsonObject()
                                    .put("autoRenewEnabled", autoRenewing)
                                    .put("recurringPrice", recurringPrice))
                            .put(
                                "offerDetails",
                                new JsonObject()
                                    .put("basePlanId", "monthly")
                                    .put("offerTags", new JsonArray()))
                            .put("latestSuccessfulOrderId", latestOrderId)))
            .put("startTime", expiry.minusSeconds(30L * 24 * 3600).toString())
            .put("subscriptionState", state)
            .put("latestOrderId", latestOrderId)
            .put("acknowledgementState", "ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED");
    if (customerRef != null) {
      purchase.put(
          "externalAccountIdentifiers",
          new JsonObject().put("obfuscatedExternalAccountId", customerRef));
    }
    return purchase;
  }

  /**
   * A {@code ProductPurchase}.
   *
   * @param purchaseState 0 purchased, 1 canceled, 2 pending
   */
  public static JsonObject productPurchase(String orderId, int purchaseState, String customerRef) {
    JsonObject purchase =
        new JsonObject()
            .put("kind", "androidpublisher#productPurchase")
            .put("purchaseTimeMillis", Long.toString(Instant.now().toEpochMilli()))
            .put("purchaseState", purchaseState)
            .put("consumptionState", 0)
            .put("developerPayload", "")
            .put("acknowledgementState", 1)
            .put("quantity", 1)
            .put("regionCode", "US");
    if (orderId != null) {
      purchase.put("orderId", orderId);
    }
    if (customerRef != null) {
      purchase.put("obfuscatedExternalAccountId", customerRef);
    }
    return purchase;
  }

  /** An {@code Order} for one line item, with tax included in {@code total}. */
  public static JsonObject order(
      String orderId, String purchaseToken, String state, JsonObject total, String productId) {
    String now = Instant.now().toString();
    JsonObject tax = money(total.getString("currencyCode"), 0, 0);
    return new JsonObject()
        .put(
            "lineItems",
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("productId", productId)
                        .put("productTitle", productId + " (Paybridge Sample)")
                        .put("listingPrice", total.copy())
                        .put("total", total.copy())
                        .put("tax", tax.copy())))
        .put("orderId", orderId)
        .put("purchaseToken", purchaseToken)
        .put("state", state)
        .put("createTime", now)
        .put("lastEventTime", now)
        .put("buyerAddress", new JsonObject().put("buyerCountry", "US"))
        .put("total", total)
        .put("tax", tax)
        .put("orderDetails", new JsonObject().put("taxInclusive", true))
        .put(
            "orderHistory",
            new JsonObject().put("processedEvent", new JsonObject().put("eventTime", now)))
        .put("salesChannel", "PLAY_STORE");
  }

  public void putSubscription(String packageName, String token, JsonObject purchase) {
    subscriptions.put(packageName + "/" + token, purchase);
  }

  public void putProductPurchase(
      String packageName, String productId, String token, JsonObject purchase) {
    products.put(packageName + "/" + productId + "/" + token, purchase);
  }

  public void putOrder(String packageName, JsonObject order) {
    orders.put(packageName + "/" + order.getString("orderId"), order);
  }

  /** The stored subscription, as changed by cancellations and refunds. */
  public JsonObject subscription(String packageName, String token) {
    return subscriptions.get(packageName + "/" + token);
  }

  /** The stored one-time purchase, as changed by acknowledgements. */
  public JsonObject storedProductPurchase(String packageName, String productId, String token) {
    return products.get(packageName + "/" + productId + "/" + token);
  }

  /** The stored order, as changed by refunds. */
  public JsonObject storedOrder(String packageName, String orderId) {
    return orders.get(packageName + "/" + orderId);
  }

  /** Marks an order fully refunded, as Play does before it sends a voided-purchase notification. */
  public void refund(String packageName, String orderId) {
    JsonObject order = storedOrder(packageName, orderId);
    order.put("state", "REFUNDED");
    order
        .getJsonObject("orderHistory")
        .put(
            "refundEvent",
            new JsonObject()
                .put("eventTime", Instant.now().toString())
                .put(
                    "refundDetails",
                    new JsonObject()
                        .put("total", order.getJsonObject("total").copy())
                        .put("tax", order.getJsonObject("tax").copy()))
                .put("refundReason", "OTHER"));
  }

  /** Adds a processed partial refund to an order. */
  public void partialRefund(
      String packageName, String orderId, JsonObject amount, Instant createdAt) {
    JsonObject order = storedOrder(packageName, orderId);
    order.put("state", "PARTIALLY_REFUNDED");
    JsonObject history = order.getJsonObject("orderHistory");
    JsonArray partials = history.getJsonArray("partialRefundEvents");
    if (partials == null) {
      partials = new JsonArray();
      history.put("partialRefundEvents", partials);
    }
    partials.add(
        new JsonObject()
            .put("createTime", createdAt.toString())
            .put("processTime", createdAt.plusSeconds(60).toString())
            .put("state", "PROCESSED_SUCCESSFULLY")
            .put(
                "refundDetails",
                new JsonObject()
                    .put("total", amount)
                    .put("tax", money(amount.getString("currencyCode"), 0, 0))));
  }

  // ---- faults and calls

  /** The next request for {@code operation} is answered with {@code status} and Google's error. */
  public void failNext(String operation, int status) {
    injectNext(call -> operation(call).equals(operation), Fault.status(status));
  }

  /** The next request for {@code operation} is run, and its answer held back {@code delayMs}. */
  public void delayNext(String operation, long delayMs) {
    injectNext(
        call -> operation(call).equals(operation), Fault.latency(Duration.ofMillis(delayMs)));
  }

  /** The requests received for {@code operation}, oldest first. */
  public List<ApiCall> calls(String operation) {
    return calls().stream().filter(call -> operation(call).equals(operation)).toList();
  }

  /** The operation a request calls, e.g. {@value #OP_SUBSCRIPTION_GET}, or {@code unknown}. */
  public static String operation(ApiCall call) {
    String path = call.path();
    if (path.equals("/oauth2/v3/certs")) {
      return OP_JWKS;
    }
    if (path.equals("/token")) {
      return OP_TOKEN;
    }
    boolean get = call.method().equals("GET");
    boolean post = call.method().equals("POST");
    String[] s = path.split("/", -1);
    // /androidpublisher/v3/applications/{pkg}/...
    if (s.length < 6 || !s[1].equals("androidpublisher") || !s[3].equals("applications")) {
      return "unknown";
    }
    if (s.length == 9 && s[5].equals("purchases") && s[6].equals("subscriptionsv2")) {
      return get ? OP_SUBSCRIPTION_GET : "unknown";
    }
    if (s.length == 10 && s[5].equals("purchases") && s[6].equals("products")) {
      if (post && s[9].endsWith(":acknowledge")) {
        return OP_PRODUCT_ACKNOWLEDGE;
      }
      return get ? OP_PRODUCT_GET : "unknown";
    }
    if (s.length == 10 && s[5].equals("purchases") && s[6].equals("subscriptions")) {
      return post && s[9].endsWith(":cancel") ? OP_SUBSCRIPTION_CANCEL : "unknown";
    }
    if (s.length == 7 && s[5].equals("orders")) {
      if (post && s[6].endsWith(":refund")) {
        return OP_ORDER_REFUND;
      }
      return get ? OP_ORDER_GET : "unknown";
    }
    return "unknown";
  }

  // ---- the server

  /** Google's APIs are named by operation; one route answers each request by its operation. */
  @Override
  protected void routes(Router router) {
    router.route().handler(ctx -> answer(ctx, dispatch(call(ctx))));
  }

  /** Google's error body for an injected status, naming the operation that failed. */
  @Override
  protected Answer errorAnswer(int status, ApiCall call) {
    return error(status, "injected failure of " + operation(call));
  }

  private Answer dispatch(ApiCall call) {
    String operation = operation(call);
    switch (operation) {
      case OP_JWKS -> {
        return Answer.of(200, "application/json; charset=UTF-8", jwks().encode())
            .withHeader(
                "Cache-Control", "public, max-age=" + jwksMaxAgeSeconds + ", must-revalidate");
      }
      case OP_TOKEN -> {
        return token(call);
      }
      case "unknown" -> {
        return error(404, "no such method");
      }
      default -> {
        return publisherApi(operation, call);
      }
    }
  }

  /** The Android Publisher API, for an authorized service account Play Console lets in. */
  private Answer publisherApi(String operation, ApiCall call) {
    String authorization = call.header("Authorization");
    if (!authorized(authorization)) {
      return error(401, "Request had invalid authentication credentials.");
    }
    Refusal refusal = refusedAccounts.get(tokenOwners.getOrDefault(authorization.substring(7), ""));
    if (refusal != null) {
      return error(refusal.status(), refusal.message());
    }
    String[] s = call.path().split("/", -1);
    String packageName = decode(s[4]);
    return switch (operation) {
      case OP_SUBSCRIPTION_GET -> found(subscriptions.get(packageName + "/" + decode(s[8])));
      case OP_PRODUCT_GET ->
          found(products.get(packageName + "/" + decode(s[7]) + "/" + decode(s[9])));
      case OP_PRODUCT_ACKNOWLEDGE ->
          acknowledge(packageName + "/" + decode(s[7]) + "/" + decode(strip(s[9], ":acknowledge")));
      case OP_ORDER_GET -> found(orders.get(packageName + "/" + decode(s[6])));
      case OP_ORDER_REFUND ->
          refundOrder(
              packageName,
              decode(strip(s[6], ":refund")),
              "true".equals(call.queryParams().get("revoke")));
      case OP_SUBSCRIPTION_CANCEL ->
          cancel(packageName, decode(s[7]), decode(strip(s[9], ":cancel")));
      default -> error(404, "no such method");
    };
  }

  private static Answer found(JsonObject resource) {
    return resource == null
        ? error(404, "The purchase or order was not found.")
        : Answer.of(200, "application/json; charset=UTF-8", resource.encodePrettily());
  }

  /**
   * {@code purchases.products.acknowledge}: an empty answer, and the purchase acknowledged. Google
   * refuses a purchase that is not purchased, or is acknowledged already, with 400.
   */
  private Answer acknowledge(String key) {
    JsonObject purchase = products.get(key);
    if (purchase == null) {
      return error(404, "The purchase was not found.");
    }
    if (purchase.getInteger("purchaseState", -1) != 0
        || purchase.getInteger("acknowledgementState", 0) == 1) {
      return error(400, "The purchase is not in a valid state to perform the desired operation.");
    }
    purchase.put("acknowledgementState", 1);
    return Answer.empty(200);
  }

  private Answer refundOrder(String packageName, String orderId, boolean revoke) {
    JsonObject order = orders.get(packageName + "/" + orderId);
    if (order == null) {
      return error(404, "The order was not found.");
    }
    String state = order.getString("state");
    if (state.equals("REFUNDED") || state.equals("PENDING_REFUND")) {
      return error(400, "The order has already been refunded.");
    }
    refund(packageName, orderId);
    if (revoke) {
      for (Map.Entry<String, JsonObject> e : subscriptions.entrySet()) {
        JsonObject sub = e.getValue();
        String token = e.getKey().substring(e.getKey().indexOf('/') + 1);
        if (e.getKey().startsWith(packageName + "/")
            && token.equals(order.getString("purchaseToken"))
            && orderId.equals(sub.getString("latestOrderId"))) {
          sub.put("subscriptionState", "SUBSCRIPTION_STATE_EXPIRED");
          sub.put(
              "canceledStateContext",
              new JsonObject().put("systemInitiatedCancellation", new JsonObject()));
          autoRenew(sub, false);
        }
      }
    }
    return Answer.empty(200);
  }

  private Answer cancel(String packageName, String productId, String token) {
    JsonObject sub = subscriptions.get(packageName + "/" + token);
    if (sub == null
        || !productId.equals(
            sub.getJsonArray("lineItems").getJsonObject(0).getString("productId"))) {
      return error(404, "The subscription purchase was not found.");
    }
    if (!sub.getString("subscriptionState").equals("SUBSCRIPTION_STATE_EXPIRED")) {
      sub.put("subscriptionState", "SUBSCRIPTION_STATE_CANCELED");
      sub.put(
          "canceledStateContext",
          new JsonObject().put("developerInitiatedCancellation", new JsonObject()));
    }
    autoRenew(sub, false);
    return Answer.empty(200);
  }

  private static void autoRenew(JsonObject sub, boolean enabled) {
    for (Object item : sub.getJsonArray("lineItems")) {
      JsonObject plan = ((JsonObject) item).getJsonObject("autoRenewingPlan");
      if (plan != null) {
        plan.put("autoRenewEnabled", enabled);
      }
    }
  }

  private boolean authorized(String header) {
    if (header == null || !header.startsWith("Bearer ")) {
      return false;
    }
    Instant expiry = accessTokens.get(header.substring(7));
    return expiry != null && Instant.now().isBefore(expiry);
  }

  /** The OAuth token endpoint: checks the assertion as Google does, then issues a token. */
  private Answer token(ApiCall call) {
    Map<String, String> form = call.form();
    if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))) {
      return oauthError("unsupported_grant_type", "Invalid grant_type");
    }
    String problem = assertionProblem(form.get("assertion"));
    if (problem != null) {
      return oauthError("invalid_grant", problem);
    }
    String token = "ya29.sim-" + BASE64URL.encodeToString(randomBytes(32));
    accessTokens.put(token, Instant.now().plusSeconds(3599));
    tokenOwners.put(token, String.valueOf(assertionIssuer(form.get("assertion"))));
    return Answer.of(
        200,
        "application/json; charset=utf-8",
        new JsonObject()
            .put("access_token", token)
            .put("expires_in", 3599)
            .put("token_type", "Bearer")
            .encode());
  }

  private String assertionProblem(String assertion) {
    if (assertion == null) {
      return "Missing assertion.";
    }
    String[] parts = assertion.split("\\.", -1);
    if (parts.length != 3) {
      return "Invalid JWT: not three parts.";
    }
    JsonObject header;
    JsonObject claims;
    try {
      header =
          new JsonObject(
              new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
      claims =
          new JsonObject(
              new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      return "Invalid JWT: undecodable.";
    }
    if (!"RS256".equals(header.getString("alg"))) {
      return "Invalid JWT: alg must be RS256.";
    }
    PublicKey key = serviceAccounts.get(String.valueOf(claims.getValue("iss")));
    if (key == null) {
      return "Invalid JWT: unknown issuer.";
    }
    if (deletedKeys.contains(String.valueOf(claims.getValue("iss")))) {
      return "Invalid JWT Signature.";
    }
    try {
      Signature verifier = Signature.getInstance("SHA256withRSA");
      verifier.initVerify(key);
      verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!verifier.verify(Base64.getUrlDecoder().decode(parts[2]))) {
        return "Invalid JWT Signature.";
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return "Invalid JWT Signature.";
    }
    if (!tokenUri().equals(claims.getValue("aud"))) {
      return "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe (aud).";
    }
    if (!SCOPE.equals(claims.getValue("scope"))) {
      return "Invalid JWT: scope.";
    }
    long now = Instant.now().getEpochSecond();
    long iat = claims.getLong("iat", -1L);
    long exp = claims.getLong("exp", -1L);
    if (iat < now - 300 || iat > now + 300 || exp <= now || exp - iat > 3600) {
      return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable"
          + " timeframe.";
    }
    return null;
  }

  /** The {@code iss} of a well-formed assertion, for recording whose token it is. */
  private static Object assertionIssuer(String assertion) {
    String[] parts = assertion.split("\\.", -1);
    return new JsonObject(
            new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8))
        .getValue("iss");
  }

  private static Answer oauthError(String error, String description) {
    return Answer.of(
        400,
        "application/json; charset=utf-8",
        new JsonObject().put("error", error).put("error_description", description).encode());
  }

  private static Answer error(int status, String message) {
    String code =
        switch (status) {
          case 400 -> "INVALID_ARGUMENT";
          case 401 -> "UNAUTHENTICATED";
          case 403 -> "PERMISSION_DENIED";
          case 404 -> "NOT_FOUND";
          case 409 -> "ABORTED";
          case 410 -> "NOT_FOUND";
          case 429 -> "RESOURCE_EXHAUSTED";
          case 503 -> "UNAVAILABLE";
          default -> "INTERNAL";
        };
    return Answer.of(
        status,
        "application/json; charset=UTF-8",
        new JsonObject()
            .put(
                "error",
                new JsonObject().put("code", status).put("message", message).put("status", code))
            .encodePrettily());
  }

  // ---- helpers

  private SigningKey currentPushKey() {
    return pushKeys.get(pushKeys.size() - 1);
  }

  private static SigningKey newSigningKey() {
    return new SigningKey(HexFormat.of().formatHex(randomBytes(20)), rsaKeyPair());
  }

  private static KeyPair rsaKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String signJwt(JsonObject header, JsonObject claims, KeyPair pair) {
    String input =
        BASE64URL.encodeToString(header.encode().getBytes(StandardCharsets.UTF_8))
            + "."
            + BASE64URL.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    try {
      Signature signer = Signature.getInstance("SHA256withRSA");
      signer.initSign((RSAPrivateKey) pair.getPrivate());
      signer.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + BASE64URL.encodeToString(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A positive big integer's big-endian bytes without the sign byte, as JWKs carry it. */
  private static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(bytes, 1, bytes.length - 1);
      return out.toByteArray();
    }
    return bytes;
  }

  private static String decode(String segment) {
    return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String strip(String segment, String suffix) {
    return segment.substring(0, segment.length() - suffix.length());
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }
}
