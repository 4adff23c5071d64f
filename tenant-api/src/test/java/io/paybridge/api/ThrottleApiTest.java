package io.paybridge.api;

import static io.paybridge.api.ApiTestServer.assertProblem;
import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.api.ApiTestServer.Partner;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Throttles that hold (issue 19) on {@code /oauth/token} and {@code POST /api/v1/signup}: attempts
 * are reserved per client address, for every node over the same database, before a secret is
 * checked or a password hashed; past the limit the answer is a 429 problem document with {@code
 * Retry-After}. Each client comes from its own loopback address, as partners on other machines
 * would.
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThrottleApiTest {

  /** Ten failed token requests and three sign-ups a minute per address. */
  private static final Map<String, String> LIMITS =
      Map.of(
          "PAYBRIDGE_THROTTLE_TOKEN_ADDRESS", "10/60",
          "PAYBRIDGE_THROTTLE_SIGNUP_ADDRESS", "3/60");

  private ApiTestServer api;
  private ApiTestServer beside;

  @BeforeAll
  void start() {
    api = ApiTestServer.start("api_throttle", LIMITS);
    beside = api.beside("api_throttle_2", LIMITS);
  }

  @AfterAll
  void stop() {
    beside.close();
    api.close();
  }

  private static Future<HttpResponse<Buffer>> token(WebClient client, String id, String secret) {
    return client
        .post("/oauth/token")
        .basicAuthentication(id, secret)
        .sendForm(MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials"));
  }

  private static HttpResponse<Buffer> signUp(WebClient client) {
    return await(
        client
            .post("/api/v1/signup")
            .sendJsonObject(
                new JsonObject()
                    .put("name", "Partner")
                    .put("email", "partner-" + UUID.randomUUID() + "@example.com")
                    .put("password", ApiTestServer.PASSWORD)));
  }

  private static long withStatus(List<HttpResponse<Buffer>> answers, int status) {
    return answers.stream().filter(r -> r.statusCode() == status).count();
  }

  /** A 429 problem document that says when to come back, within the minute. */
  private static void assertTooManyAttempts(HttpResponse<Buffer> r) {
    JsonObject problem = assertProblem(r, 429, null);
    assertThat(problem.getString("error")).isEqualTo("too_many_attempts");
    assertThat(problem.getString("message")).contains("Try again in");
    int retryAfter = Integer.parseInt(r.getHeader("Retry-After"));
    assertThat(retryAfter).isBetween(1, 60);
    assertThat(problem.getInteger("retryAfter")).isEqualTo(retryAfter);
  }

  @Test
  void thirtyParallelWrongSecretsAtTwoNodesAreCheckedAtMostTenTimes() {
    // GIVEN a partner's client, and a second node over the same database
    Partner partner = api.signUp();
    long checkedBefore = api.secretChecks() + beside.secretChecks();
    WebClient here = api.clientAt("127.0.0.2");
    WebClient there = beside.clientAt("127.0.0.2");
    // WHEN thirty wrong secrets for it arrive at once from one address, half at each node
    List<Future<HttpResponse<Buffer>>> tries =
        IntStream.range(0, 30)
            .mapToObj(i -> token(i % 2 == 0 ? here : there, partner.clientId(), "pbs_guess" + i))
            .toList();
    await(Future.all(tries));
    List<HttpResponse<Buffer>> answers = tries.stream().map(Future::result).toList();
    // THEN the nodes together checked ten, the limit; the rest were refused before any check
    long checked = api.secretChecks() + beside.secretChecks() - checkedBefore;
    assertThat(checked).isEqualTo(10);
    assertThat(withStatus(answers, 401)).isEqualTo(checked);
    assertThat(withStatus(answers, 429)).isEqualTo(20);
    answers.stream().filter(r -> r.statusCode() == 429).forEach(r -> assertTooManyAttempts(r));
    // AND that address is refused for now even with the right secret, while another is not
    assertTooManyAttempts(await(token(here, partner.clientId(), partner.clientSecret())));
    HttpResponse<Buffer> elsewhere =
        await(token(api.clientAt("127.0.0.3"), partner.clientId(), partner.clientSecret()));
    assertThat(elsewhere.statusCode()).as(elsewhere.bodyAsString()).isEqualTo(200);
  }

  @Test
  void goodCredentialsDoNotUseUpTheAddressesAttempts() {
    // GIVEN a partner whose client asks for tokens from one address
    HttpResponse<Buffer> signedUp = signUp(api.clientAt("127.0.0.4"));
    assertThat(signedUp.statusCode()).as(signedUp.bodyAsString()).isEqualTo(201);
    JsonObject client = signedUp.bodyAsJsonObject();
    WebClient partner = api.clientAt("127.0.0.4");
    // WHEN it asks for more tokens than the address may fail to get
    // THEN each is issued
    for (int i = 0; i < 15; i++) {
      HttpResponse<Buffer> r =
          await(token(partner, client.getString("clientId"), client.getString("clientSecret")));
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    }
  }

  @Test
  void signUpsAreLimitedPerAddressAtEveryNode() {
    // GIVEN an address that has signed up three times
    for (int i = 0; i < 3; i++) {
      assertThat(signUp(api.clientAt("127.0.0.5")).statusCode()).isEqualTo(201);
    }
    // WHEN it signs up again, at either node
    // THEN it is told to come back later
    assertTooManyAttempts(signUp(api.clientAt("127.0.0.5")));
    assertTooManyAttempts(signUp(beside.clientAt("127.0.0.5")));
    // AND another address signs up as before
    assertThat(signUp(beside.clientAt("127.0.0.6")).statusCode()).isEqualTo(201);
  }
}
