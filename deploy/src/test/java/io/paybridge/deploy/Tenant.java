package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.UUID;

/** A tenant as a partner's program sees it: signed up, holding a bearer token. */
final class Tenant {

  final String tenantId;
  final String clientId;
  final String clientSecret;
  final String token;
  private final WebClient http;

  private Tenant(
      WebClient http, String tenantId, String clientId, String clientSecret, String token) {
    this.http = http;
    this.tenantId = tenantId;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.token = token;
  }

  /** Signs up a fresh tenant and fetches a token. */
  static Tenant signUp(TestNode node) {
    String email = "owner-" + UUID.randomUUID() + "@example.com";
    HttpResponse<Buffer> r =
        await(
            node.http
                .post("/api/v1/signup")
                .sendJsonObject(
                    new JsonObject()
                        .put("name", "Tenant " + email)
                        .put("email", email)
                        .put("password", "correct horse battery staple")));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    JsonObject body = r.bodyAsJsonObject();
    String token = token(node.http, body.getString("clientId"), body.getString("clientSecret"));
    return new Tenant(
        node.http,
        body.getString("tenantId"),
        body.getString("clientId"),
        body.getString("clientSecret"),
        token);
  }

  static String token(WebClient http, String clientId, String clientSecret) {
    HttpResponse<Buffer> r =
        await(
            http.post("/oauth/token")
                .basicAuthentication(clientId, clientSecret)
                .sendForm(
                    io.vertx.core.MultiMap.caseInsensitiveMultiMap()
                        .add("grant_type", "client_credentials")));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getString("access_token");
  }

  WebClient http() {
    return http;
  }

  HttpRequest<Buffer> get(String path) {
    return http.get(path).bearerTokenAuthentication(token);
  }

  HttpRequest<Buffer> put(String path) {
    return http.put(path).bearerTokenAuthentication(token);
  }

  HttpRequest<Buffer> delete(String path) {
    return http.delete(path).bearerTokenAuthentication(token);
  }

  /** Connects a gateway and returns the account as the API shows it. */
  JsonObject connect(String gateway, JsonObject credentials) {
    HttpResponse<Buffer> r =
        await(put("/api/v1/gateway-accounts/" + gateway).sendJsonObject(credentials));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  /** The path part of the account's webhook URL. */
  static String hookPath(JsonObject account) {
    return java.net.URI.create(account.getString("webhookUrl")).getPath();
  }

  JsonObject payments(String query) {
    HttpResponse<Buffer> r = await(get("/api/v1/payments" + query).send());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  /** The tenant's webhook receipts, newest first, with the given query string ("" or "?…"). */
  JsonObject receipts(String query) {
    HttpResponse<Buffer> r = await(get("/api/v1/receipts" + query).send());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  HttpRequest<Buffer> post(String path) {
    return http.post(path).bearerTokenAuthentication(token);
  }

  /** A POST of {@code json} as it is, under an {@code Idempotency-Key}. */
  HttpResponse<Buffer> postJson(String path, String idempotencyKey, String json) {
    return await(
        post(path)
            .putHeader("Idempotency-Key", idempotencyKey)
            .putHeader("Content-Type", "application/json")
            .sendBuffer(Buffer.buffer(json)));
  }

  JsonObject balance(String customerRef) {
    HttpResponse<Buffer> r = await(get("/api/v1/customers/" + customerRef + "/balance").send());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }
}
