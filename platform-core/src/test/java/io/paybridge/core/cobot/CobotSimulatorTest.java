package io.paybridge.core.cobot;

import static io.paybridge.core.cobot.CobotTestClient.CLIENT_ID;
import static io.paybridge.core.cobot.CobotTestClient.CLIENT_SECRET;
import static io.paybridge.core.cobot.CobotTestClient.REDIRECT_URI;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Cobot's OAuth 2 server and the checks on every API call, played over real HTTP. */
@ExtendWith(VertxExtension.class)
class CobotSimulatorTest {

  private CobotSimulator cobot;
  private CobotTestClient http;
  private String alice;

  @BeforeEach
  void start(Vertx vertx) {
    cobot = new CobotSimulator().start(vertx).await();
    http = new CobotTestClient(vertx);
    alice = cobot.addUser("alice@example.com", "Alice");
    cobot.addSpace("co-up", "Co-Up", "EUR").addAdmin("co-up", alice);
    cobot.addClient(CLIENT_ID, CLIENT_SECRET).signInAs(alice);
  }

  @AfterEach
  void stop() {
    http.close();
    cobot.close().await();
  }

  @Test
  void settingsPointAtTheSimulator() {
    assertThat(cobot.pluginSettings())
        .containsEntry("PAYBRIDGE_COBOT_URL", cobot.baseUrl())
        .containsEntry("PAYBRIDGE_COBOT_SPACE_URL", cobot.baseUrl() + "/spaces/{subdomain}");
    assertThat(cobot.spaceApiBase("co-up")).isEqualTo(cobot.baseUrl() + "/spaces/co-up/api");
  }

  @Test
  void theCodeFlowGivesATokenAndTheCodeOnlyOnce() {
    // GIVEN a code from the signed-in admin's consent
    String code =
        http.authorize(cobot.baseUrl() + "/oauth/authorize", "read_user navigation", "xyz");

    // WHEN the app exchanges it with its credentials in the body
    MultiMap form =
        MultiMap.caseInsensitiveMultiMap()
            .add("client_id", CLIENT_ID)
            .add("client_secret", CLIENT_SECRET)
            .add("grant_type", "authorization_code")
            .add("code", code)
            .add("redirect_uri", REDIRECT_URI);
    HttpResponse<Buffer> token = http.tokenRequest(cobot.baseUrl(), form).await();

    // THEN it gets a bearer token with the scopes, and the code is used up
    assertThat(token.statusCode()).isEqualTo(200);
    assertThat(token.getHeader("Cache-Control")).isEqualTo("no-store");
    JsonObject body = token.bodyAsJsonObject();
    assertThat(body.getString("token_type")).isEqualTo("bearer");
    assertThat(body.getString("scope")).isEqualTo("read_user navigation");
    assertThat(body.getLong("expires_in")).isEqualTo(7200L);
    assertThat(body.getString("refresh_token")).isNotBlank();
    assertThat(body.getLong("created_at")).isCloseTo(Instant.now().getEpochSecond(), offset(5L));
    HttpResponse<Buffer> again = http.tokenRequest(cobot.baseUrl(), form).await();
    assertThat(again.statusCode()).isEqualTo(400);
    assertThat(again.bodyAsJsonObject().getString("error")).isEqualTo("invalid_grant");
  }

  @Test
  void theRedirectCarriesCodeAndStateAndAlsoWorksOnTheSpacesSubdomain() {
    HttpResponse<Buffer> redirect =
        http.get(
            cobot.baseUrl()
                + "/spaces/co-up/oauth/authorize?response_type=code&client_id="
                + CLIENT_ID
                + "&redirect_uri=https%3A%2F%2Fpaybridge.example%2Fcb%3Ftenant%3D7&scope=read_user"
                + "&state=a%20b",
            null);

    assertThat(redirect.statusCode()).isEqualTo(302);
    String location = redirect.getHeader("Location");
    assertThat(location).startsWith("https://paybridge.example/cb?tenant=7&code=");
    assertThat(CobotTestClient.query(location)).containsEntry("state", "a b").containsKey("code");
  }

  @Test
  void authorizationRefusals() {
    String authorize =
        cobot.baseUrl()
            + "/oauth/authorize?response_type=code&redirect_uri=https://app.example/cb&state=s1";

    assertThat(http.get(authorize + "&client_id=nobody", null).statusCode()).isEqualTo(400);
    assertThat(http.get(cobot.baseUrl() + "/spaces/nowhere/oauth/authorize", null).statusCode())
        .isEqualTo(404);

    cobot.denyNextAuthorization();
    HttpResponse<Buffer> denied = http.get(authorize + "&client_id=" + CLIENT_ID, null);
    assertThat(denied.statusCode()).isEqualTo(302);
    assertThat(denied.getHeader("Location"))
        .isEqualTo("https://app.example/cb?error=access_denied&state=s1");
    assertThat(http.get(authorize + "&client_id=" + CLIENT_ID, null).statusCode())
        .as("only the next one is denied")
        .isEqualTo(302);

    cobot.signInAs(null);
    HttpResponse<Buffer> anonymous = http.get(authorize + "&client_id=" + CLIENT_ID, null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.bodyAsString()).contains("Not signed in");
  }

  @Test
  void tokenRequestRefusals() {
    String code = http.authorize(cobot.baseUrl() + "/oauth/authorize", "read_user", "s");
    MultiMap wrongSecret =
        MultiMap.caseInsensitiveMultiMap()
            .add("client_id", CLIENT_ID)
            .add("client_secret", "guess")
            .add("grant_type", "authorization_code")
            .add("code", code);
    HttpResponse<Buffer> refused = http.tokenRequest(cobot.baseUrl(), wrongSecret).await();
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.bodyAsJsonObject().getString("error")).isEqualTo("invalid_client");

    MultiMap otherRedirect =
        MultiMap.caseInsensitiveMultiMap()
            .addAll(wrongSecret)
            .set("client_secret", CLIENT_SECRET)
            .add("redirect_uri", "https://evil.example/cb");
    assertThat(http.tokenRequest(cobot.baseUrl(), otherRedirect).await().statusCode())
        .isEqualTo(400);

    String late = http.authorize(cobot.baseUrl() + "/oauth/authorize", "read_user", "s");
    cobot.expireAuthorizationCodesNow();
    MultiMap expired = MultiMap.caseInsensitiveMultiMap().addAll(otherRedirect).set("code", late);
    expired.remove("redirect_uri");
    HttpResponse<Buffer> tooLate = http.tokenRequest(cobot.baseUrl(), expired).await();
    assertThat(tooLate.bodyAsJsonObject().getString("error")).isEqualTo("invalid_grant");
  }

  @Test
  void clientCredentialsAsHttpBasic() {
    // GIVEN a code, and a request that authenticates the client with Basic only
    String code = http.authorize(cobot.baseUrl() + "/oauth/authorize", "read_user", "s");
    String basic =
        Base64.getEncoder()
            .encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));

    // WHEN it is sent
    HttpResponse<Buffer> token =
        http.tokenRequestWith(
                cobot.baseUrl(),
                "Basic " + basic,
                MultiMap.caseInsensitiveMultiMap()
                    .add("grant_type", "authorization_code")
                    .add("code", code)
                    .add("redirect_uri", REDIRECT_URI))
            .await();

    // THEN it is accepted
    assertThat(token.statusCode()).isEqualTo(200);
    assertThat(token.bodyAsJsonObject().getString("access_token")).isNotBlank();
  }

  @Test
  void vertxOAuth2ClientGetsAToken(Vertx vertx) {
    // GIVEN Vert.x's own OAuth 2 client, configured for Cobot
    OAuth2Auth oauth2 =
        OAuth2Auth.create(
            vertx,
            new OAuth2Options()
                .setClientId(CLIENT_ID)
                .setClientSecret(CLIENT_SECRET)
                .setSite(cobot.baseUrl())
                .setAuthorizationPath("/oauth/authorize")
                .setTokenPath("/oauth/access_token"));
    String code = http.authorize(cobot.baseUrl() + "/oauth/authorize", "read_user", "s");

    // WHEN it exchanges the code
    var user =
        oauth2
            .authenticate(
                new Oauth2Credentials()
                    .setFlow(OAuth2FlowType.AUTH_CODE)
                    .setCode(code)
                    .setRedirectUri(REDIRECT_URI))
            .await();

    // THEN the token it holds calls the API
    String access = user.principal().getString("access_token");
    HttpResponse<Buffer> me = http.get(cobot.baseUrl() + "/api/user", access);
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(me.bodyAsJsonObject().getString("id")).isEqualTo(alice);
    assertThat(cobot.calls("POST", "/oauth/access_token").get(0).header("Authorization"))
        .as("the library authenticates the client with Basic")
        .startsWith("Basic ");
  }

  @Test
  void injectedFaultsAnswerAsCobot() {
    String access = cobot.issueToken(CLIENT_ID, alice, "read_user").getString("access_token");
    cobot.failNext("GET", "/api/user", 429);

    HttpResponse<Buffer> limited = http.get(cobot.baseUrl() + "/api/user", access);

    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.getHeader("Retry-After")).isEqualTo("60");
    assertThat(http.get(cobot.baseUrl() + "/api/user", access).statusCode()).isEqualTo(200);
  }

  @Test
  void refreshGivesANewTokenAndRetiresTheOld() {
    JsonObject first = http.connect(cobot.baseUrl(), "read_user");
    MultiMap refresh =
        MultiMap.caseInsensitiveMultiMap()
            .add("client_id", CLIENT_ID)
            .add("client_secret", CLIENT_SECRET)
            .add("grant_type", "refresh_token")
            .add("refresh_token", first.getString("refresh_token"));

    HttpResponse<Buffer> refreshed = http.tokenRequest(cobot.baseUrl(), refresh).await();

    assertThat(refreshed.statusCode()).isEqualTo(200);
    String access = refreshed.bodyAsJsonObject().getString("access_token");
    assertThat(access).isNotEqualTo(first.getString("access_token"));
    assertThat(http.get(cobot.baseUrl() + "/api/user", access).statusCode()).isEqualTo(200);
    assertThat(
            http.get(cobot.baseUrl() + "/api/user", first.getString("access_token")).statusCode())
        .isEqualTo(401);
    HttpResponse<Buffer> reused = http.tokenRequest(cobot.baseUrl(), refresh).await();
    assertThat(reused.statusCode()).isEqualTo(400);
    assertThat(reused.bodyAsJsonObject().getString("error")).isEqualTo("invalid_grant");
  }

  @Test
  void expiredAndUnknownTokensGet401() {
    cobot.tokenLifetime(Duration.ofMinutes(5));
    JsonObject token = http.connect(cobot.baseUrl(), "read_user");
    assertThat(token.getLong("expires_in")).isEqualTo(300L);

    cobot.expireTokensNow();
    HttpResponse<Buffer> expired =
        http.get(cobot.baseUrl() + "/api/user", token.getString("access_token"));

    assertThat(expired.statusCode()).isEqualTo(401);
    assertThat(expired.bodyAsJsonObject())
        .isEqualTo(
            new JsonObject()
                .put("error", "invalid_token")
                .put("error_description", "The access token expired"));
    assertThat(expired.getHeader("WWW-Authenticate")).startsWith("Bearer error=\"invalid_token\"");
    assertThat(http.get(cobot.baseUrl() + "/api/user", "made-up").statusCode()).isEqualTo(401);
    assertThat(http.get(cobot.baseUrl() + "/api/user", null).statusCode()).isEqualTo(401);
  }

  @Test
  void revokedTokensGet401AndTheQueryParameterIsAccepted() {
    String access = cobot.issueToken(CLIENT_ID, alice, "read_user").getString("access_token");
    assertThat(http.get(cobot.baseUrl() + "/api/user?access_token=" + access, null).statusCode())
        .isEqualTo(200);

    cobot.revokeAllTokens();

    HttpResponse<Buffer> revoked = http.get(cobot.baseUrl() + "/api/user", access);
    assertThat(revoked.statusCode()).isEqualTo(401);
    assertThat(revoked.bodyAsJsonObject().getString("error_description"))
        .isEqualTo("The access token was revoked");
  }

  @Test
  void aMissingScopeGets403() {
    String access = cobot.issueToken(CLIENT_ID, alice, "read_invoices").getString("access_token");

    HttpResponse<Buffer> user = http.get(cobot.baseUrl() + "/api/user", access);
    HttpResponse<Buffer> links =
        http.get(cobot.spaceApiBase("co-up") + "/navigation_links", access);

    assertThat(user.statusCode()).isEqualTo(403);
    assertThat(user.bodyAsJsonObject().getString("error")).isEqualTo("insufficient_scope");
    assertThat(links.statusCode()).isEqualTo(403);
    assertThat(links.bodyAsJsonObject().getString("error")).isEqualTo("insufficient_scope");
  }

  @Test
  void onlyAdminsOfTheSpaceGetIn() {
    String bob = cobot.addUser("bob@example.com");
    String bobs = cobot.issueToken(CLIENT_ID, bob, "navigation").getString("access_token");
    String alices = cobot.issueToken(CLIENT_ID, alice, "navigation").getString("access_token");
    String links = cobot.spaceApiBase("co-up") + "/navigation_links";

    assertThat(http.get(links, bobs).statusCode()).isEqualTo(403);
    assertThat(http.get(links, alices).statusCode()).isEqualTo(200);

    cobot.removeAdmin("co-up", alice);
    assertThat(http.get(links, alices).statusCode()).as("no longer an admin").isEqualTo(403);
  }

  @Test
  void theUserAsCobotDescribesIt() {
    String membership = cobot.addMembership("co-up", alice, "Alice A.", "alice@example.com");
    String access = http.connect(cobot.baseUrl(), "read_user").getString("access_token");

    JsonObject me = http.get(cobot.baseUrl() + "/api/user", access).bodyAsJsonObject();

    String base = cobot.baseUrl();
    assertThat(me)
        .isEqualTo(
            new JsonObject()
                .put("id", alice)
                .put("email", "alice@example.com")
                .put(
                    "memberships",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("id", membership)
                                .put("space_subdomain", "co-up")
                                .put("space_name", "Co-Up")
                                .put("space_link", base + "/api/spaces/co-up")
                                .put("link", base + "/spaces/co-up/api/memberships/" + membership)))
                .put(
                    "admin_of",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("space_subdomain", "co-up")
                                .put("space_name", "Co-Up")
                                .put("space_link", base + "/api/spaces/co-up")
                                .put("name", "Alice"))));
    assertThat(alice).startsWith("user-");
    assertThat(cobot.calls("GET", "/api/user")).hasSize(1);
  }
}
