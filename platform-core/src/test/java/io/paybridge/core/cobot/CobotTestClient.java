package io.paybridge.core.cobot;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the simulator's tests call it with: a WebClient that does not follow redirects. */
final class CobotTestClient {

  static final String CLIENT_ID = "paybridge";
  static final String CLIENT_SECRET = "s3cret+/=";
  static final String REDIRECT_URI = "https://paybridge.example/cobot/callback";

  private final WebClient client;

  CobotTestClient(Vertx vertx) {
    client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
  }

  void close() {
    client.close();
  }

  HttpResponse<Buffer> get(String url, String token) {
    var request = client.getAbs(url).timeout(10_000);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    return request.send().await();
  }

  HttpResponse<Buffer> post(String url, String token, JsonObject body) {
    return client
        .postAbs(url)
        .timeout(10_000)
        .bearerTokenAuthentication(token)
        .sendJsonObject(body)
        .await();
  }

  HttpResponse<Buffer> delete(String url, String token) {
    return client.deleteAbs(url).timeout(10_000).bearerTokenAuthentication(token).send().await();
  }

  /** A token request, form-encoded, with the client's credentials in the body. */
  Future<HttpResponse<Buffer>> tokenRequest(String baseUrl, MultiMap form) {
    return client.postAbs(baseUrl + "/oauth/access_token").timeout(10_000).sendForm(form);
  }

  /** A token request, form-encoded, with this {@code Authorization} header. */
  Future<HttpResponse<Buffer>> tokenRequestWith(
      String baseUrl, String authorization, MultiMap form) {
    return client
        .postAbs(baseUrl + "/oauth/access_token")
        .timeout(10_000)
        .putHeader("Authorization", authorization)
        .sendForm(form);
  }

  /** Walks the browser through authorization and returns the code Cobot redirects with. */
  String authorize(String authorizeUrl, String scope, String state) {
    HttpResponse<Buffer> redirect =
        client
            .getAbs(authorizeUrl)
            .addQueryParam("response_type", "code")
            .addQueryParam("client_id", CLIENT_ID)
            .addQueryParam("redirect_uri", REDIRECT_URI)
            .addQueryParam("scope", scope)
            .addQueryParam("state", state)
            .send()
            .await();
    if (redirect.statusCode() != 302) {
      throw new AssertionError(
          "no redirect: " + redirect.statusCode() + " " + redirect.bodyAsString());
    }
    return query(redirect.getHeader("Location")).get("code");
  }

  /** The authorization code flow end to end, credentials in the body; the token response. */
  JsonObject connect(String baseUrl, String scope) {
    String code = authorize(baseUrl + "/oauth/authorize", scope, "s");
    HttpResponse<Buffer> token =
        tokenRequest(
                baseUrl,
                MultiMap.caseInsensitiveMultiMap()
                    .add("client_id", CLIENT_ID)
                    .add("client_secret", CLIENT_SECRET)
                    .add("grant_type", "authorization_code")
                    .add("code", code)
                    .add("redirect_uri", REDIRECT_URI))
            .await();
    if (token.statusCode() != 200) {
      throw new AssertionError("no token: " + token.statusCode() + " " + token.bodyAsString());
    }
    return token.bodyAsJsonObject();
  }

  /** The decoded query parameters of a URL. */
  static Map<String, String> query(String url) {
    Map<String, String> out = new LinkedHashMap<>();
    String raw = URI.create(url).getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        out.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }
}
