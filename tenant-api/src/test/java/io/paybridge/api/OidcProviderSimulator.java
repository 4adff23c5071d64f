package io.paybridge.api;

import static io.paybridge.core.Await.await;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An operator's OpenID Connect provider as the API meets one, on 127.0.0.1: the discovery document
 * at {@code /.well-known/openid-configuration}, the signing keys at {@code /jwks} (rotated by the
 * test, every fetch counted), and RS256 access tokens minted as such a provider mints them for its
 * clients (client credentials), with the claims a test chooses. It also advertises the userinfo and
 * introspection endpoints providers have, counting calls to them, which the API must never make.
 */
final class OidcProviderSimulator implements AutoCloseable {

  /** A signing key with its id. */
  record Key(String kid, KeyPair pair) {}

  private final Vertx vertx;
  private final Clock clock;
  private final List<Key> published = new CopyOnWriteArrayList<>();
  private final AtomicInteger keyFetches = new AtomicInteger();
  private final AtomicInteger providerCalls = new AtomicInteger();
  private HttpServer server;

  private OidcProviderSimulator(Vertx vertx, Clock clock) {
    this.vertx = vertx;
    this.clock = clock;
  }

  /** A provider listening on a free port, publishing one key; tokens are timed by {@code clock}. */
  static OidcProviderSimulator start(Clock clock) {
    OidcProviderSimulator sim = new OidcProviderSimulator(Vertx.vertx(), clock);
    sim.published.add(newKey());
    Router router = Router.router(sim.vertx);
    router.get("/.well-known/openid-configuration").handler(ctx -> ctx.json(sim.discovery()));
    router
        .get("/jwks")
        .handler(
            ctx -> {
              sim.keyFetches.incrementAndGet();
              JsonArray keys = new JsonArray();
              sim.published.forEach(k -> keys.add(jwk(k)));
              ctx.json(new JsonObject().put("keys", keys));
            });
    router
        .route("/userinfo")
        .handler(
            ctx -> {
              sim.providerCalls.incrementAndGet();
              ctx.response().setStatusCode(500).end();
            });
    router
        .route("/introspect")
        .handler(
            ctx -> {
              sim.providerCalls.incrementAndGet();
              ctx.response().setStatusCode(500).end();
            });
    sim.server = await(sim.vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    return sim;
  }

  /** The issuer, as {@code PAYBRIDGE_OIDC_ISSUER} names it. */
  String issuer() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  private JsonObject discovery() {
    return new JsonObject()
        .put("issuer", issuer())
        .put("jwks_uri", issuer() + "/jwks")
        .put("token_endpoint", issuer() + "/token")
        .put("userinfo_endpoint", issuer() + "/userinfo")
        .put("introspection_endpoint", issuer() + "/introspect")
        .put("grant_types_supported", new JsonArray().add("client_credentials"))
        .put("response_types_supported", new JsonArray().add("token"))
        .put("subject_types_supported", new JsonArray().add("public"))
        .put("id_token_signing_alg_values_supported", new JsonArray().add("RS256"));
  }

  /** The key tokens are signed with now (the last published). */
  Key current() {
    return published.get(published.size() - 1);
  }

  /** Publishes a new signing key in place of the old ones, as a provider retiring a key does. */
  Key rotate() {
    Key next = newKey();
    published.clear();
    published.add(next);
    return next;
  }

  /** How many times the keys were fetched. */
  int keyFetches() {
    return keyFetches.get();
  }

  /** How many times the userinfo or introspection endpoints were called. */
  int providerCalls() {
    return providerCalls.get();
  }

  /** Claims of an access token for a client of the provider, valid for five minutes. */
  JsonObject claims(String tenantId, String scope) {
    long now = clock.instant().getEpochSecond();
    return new JsonObject()
        .put("iss", issuer())
        .put("aud", "paybridge")
        .put("sub", "billing-service")
        .put("client_id", "billing-service")
        .put("iat", now)
        .put("exp", now + 300)
        .put("paybridge_tenant", tenantId)
        .put("scope", scope);
  }

  /** A token with these claims, signed RS256 by {@code key} and naming {@code kid}. */
  static String sign(Key key, String kid, JsonObject claims) {
    String input =
        b64(new JsonObject().put("alg", "RS256").put("typ", "JWT").put("kid", kid))
            + "."
            + b64(claims);
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initSign(key.pair().getPrivate());
      rsa.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A token signed by the current key. */
  String mint(JsonObject claims) {
    return sign(current(), current().kid(), claims);
  }

  /**
   * The algorithm-confusion forgery: an HS256 token whose HMAC key is the provider's public key,
   * which anyone can fetch.
   */
  String hs256WithPublicKey(JsonObject claims) {
    String input =
        b64(new JsonObject().put("alg", "HS256").put("typ", "JWT").put("kid", current().kid()))
            + "."
            + b64(claims);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(current().pair().getPublic().getEncoded(), "HmacSHA256"));
      return input
          + "."
          + Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An unsigned token ({@code alg: none}), with or without a made-up signature part. */
  static String unsigned(JsonObject claims, String signature) {
    return b64(new JsonObject().put("alg", "none").put("typ", "JWT"))
        + "."
        + b64(claims)
        + "."
        + signature;
  }

  /** A key the provider never published. */
  static Key newKey() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return new Key("k-" + UUID.randomUUID(), generator.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonObject jwk(Key key) {
    RSAPublicKey pub = (RSAPublicKey) key.pair().getPublic();
    return new JsonObject()
        .put("kty", "RSA")
        .put("kid", key.kid())
        .put("use", "sig")
        .put("alg", "RS256")
        .put("n", unsigned(pub.getModulus()))
        .put("e", unsigned(pub.getPublicExponent()));
  }

  private static String unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String b64(JsonObject json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    await(vertx.close());
  }
}
