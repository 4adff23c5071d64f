package io.paybridge.bench;

import io.paybridge.spi.Signatures;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.UsernamePasswordCredentials;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Creates the benchmark's tenants the way a partner would, through the public API only: sign up,
 * exchange the client credentials for a token, connect a Stripe account with a signing secret of
 * its own, and keep the webhook URL the platform hands back.
 */
final class TenantSetup {

  /**
   * A tenant ready to receive webhooks: its id, its webhook path, the signer holding its Stripe
   * secret, and the API access token its client obtained (valid for the node's token lifetime, an
   * hour by default).
   */
  record Tenant(UUID id, String hookPath, StripeSigner stripe, String accessToken) {}

  /**
   * Signs webhooks as Stripe signs them for one endpoint: {@code Stripe-Signature: t=<unix
   * seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>}.
   */
  record StripeSigner(String webhookSecret) {

    private static final SecureRandom SECRETS = new SecureRandom();

    /** A signer with a fresh secret in Stripe's format: {@code whsec_} and random base64. */
    static StripeSigner withNewSecret() {
      byte[] bytes = new byte[24];
      SECRETS.nextBytes(bytes);
      return new StripeSigner("whsec_" + Base64.getEncoder().encodeToString(bytes));
    }

    /** The {@code Stripe-Signature} value for {@code body} signed at {@code signedAt}. */
    String signatureHeader(String body, Instant signedAt) {
      String t = Long.toString(signedAt.getEpochSecond());
      byte[] mac =
          Signatures.hmacSha256(
              Signatures.utf8(webhookSecret), Signatures.utf8(t + "."), Signatures.utf8(body));
      return "t=" + t + ",v1=" + Signatures.hex(mac);
    }
  }

  private static final long TIMEOUT_MS = 30_000;

  private final WebClient client;
  private final String run;

  TenantSetup(Vertx vertx, int port, String run) {
    this.client =
        WebClient.create(
            vertx,
            new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port),
            new PoolOptions().setHttp1MaxSize(8));
    this.run = run;
  }

  /** Creates {@code count} tenants, all under way at once over a small connection pool. */
  Future<List<Tenant>> create(int count) {
    List<Future<Tenant>> all = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      all.add(createOne(i));
    }
    return Future.all(all)
        .map(
            done -> {
              List<Tenant> tenants = new ArrayList<>();
              for (Future<Tenant> f : all) {
                tenants.add(f.result());
              }
              return tenants;
            });
  }

  void close() {
    client.close();
  }

  private Future<Tenant> createOne(int index) {
    String email = "bench-" + run + "-" + index + "@example.com";
    StripeSigner signer = StripeSigner.withNewSecret();
    return client
        .post("/api/v1/signup")
        .timeout(TIMEOUT_MS)
        .sendJsonObject(
            new JsonObject()
                .put("name", "Bench tenant " + index)
                .put("email", email)
                .put("password", "bench-password-" + run))
        .compose(r -> expect(r, 201, "signup"))
        .compose(
            signup ->
                client
                    .post("/oauth/token")
                    .timeout(TIMEOUT_MS)
                    .authentication(
                        new UsernamePasswordCredentials(
                            signup.getString("clientId"), signup.getString("clientSecret")))
                    .sendForm(
                        MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials"))
                    .compose(r -> expect(r, 200, "token"))
                    .map(token -> token.getString("access_token"))
                    .compose(
                        token ->
                            client
                                .put("/api/v1/gateway-accounts/stripe")
                                .timeout(TIMEOUT_MS)
                                .bearerTokenAuthentication(token)
                                .sendJsonObject(
                                    new JsonObject().put("webhookSecret", signer.webhookSecret()))
                                .compose(r -> expect(r, 200, "connect Stripe"))
                                .map(
                                    account ->
                                        new Tenant(
                                            UUID.fromString(signup.getString("tenantId")),
                                            URI.create(account.getString("webhookUrl"))
                                                .getRawPath(),
                                            signer,
                                            token))));
  }

  private static Future<JsonObject> expect(HttpResponse<Buffer> r, int status, String step) {
    return expectStatus(r, status, step).map(HttpResponse::bodyAsJsonObject);
  }

  /** Fails with what the API answered unless it answered {@code status}. */
  static Future<HttpResponse<Buffer>> expectStatus(
      HttpResponse<Buffer> r, int status, String step) {
    if (r.statusCode() != status) {
      return Future.failedFuture(
          new IllegalStateException(
              step
                  + " answered "
                  + r.statusCode()
                  + " (expected "
                  + status
                  + "): "
                  + r.bodyAsString()));
    }
    return Future.succeededFuture(r);
  }
}
