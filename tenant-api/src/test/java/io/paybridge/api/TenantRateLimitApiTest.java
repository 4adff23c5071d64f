package io.paybridge.api;

import static io.paybridge.api.ApiTestServer.assertProblem;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.api.ApiTestServer.Partner;
import io.paybridge.testkit.ManualClock;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A tenant's API clients share a bucket beside their own, so creating clients does not multiply
 * what a tenant may send: here each client may send three at once, the tenant's clients four
 * together, two a second each. Another tenant's clients are not touched by it. Time is moved by
 * hand.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantRateLimitApiTest {

  private static final String PAYMENTS = "/api/v1/payments";

  private final ManualClock clock = new ManualClock();
  private ApiTestServer api;

  @BeforeAll
  void start() {
    api =
        ApiTestServer.start(
            "api_tenant_limits",
            clock,
            Map.of(
                "PAYBRIDGE_API_RATE", "2",
                "PAYBRIDGE_API_BURST", "3",
                "PAYBRIDGE_API_TENANT_RATE", "2",
                "PAYBRIDGE_API_TENANT_BURST", "4"));
  }

  @AfterAll
  void stop() {
    api.close();
  }

  /** A second API client of the partner's tenant, and a token of it. */
  private String secondClientToken(Partner partner) {
    HttpResponse<Buffer> created =
        api.call(
            POST,
            "/api/v1/api-clients",
            partner.token(),
            new JsonObject()
                .put("name", "second")
                .put("scopes", new JsonArray().add("payments:read")));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    JsonObject client = created.bodyAsJsonObject();
    HttpResponse<Buffer> token =
        api.requestToken(
            client.getString("clientId"),
            client.getString("clientSecret"),
            MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials"));
    assertThat(token.statusCode()).as(token.bodyAsString()).isEqualTo(200);
    return token.bodyAsJsonObject().getString("access_token");
  }

  private static void assertStanding(HttpResponse<Buffer> r, long limit, long remaining) {
    assertThat(r.getHeader("RateLimit-Limit")).isEqualTo(String.valueOf(limit));
    assertThat(r.getHeader("RateLimit-Remaining")).isEqualTo(String.valueOf(remaining));
  }

  @Test
  void twoClientsOfOneTenantShareItsLimitAndAnotherTenantIsUnaffected() {
    // GIVEN a tenant with two API clients, another tenant with one, all buckets full
    Partner busy = api.signUp();
    String first = busy.token();
    String second = secondClientToken(busy);
    Partner other = api.signUp();
    clock.advance(Duration.ofMinutes(1));

    // WHEN the first client sends its whole burst THEN each answer shows its own bucket
    for (int i = 2; i >= 0; i--) {
      HttpResponse<Buffer> r = api.call(GET, PAYMENTS, first);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      assertStanding(r, 3, i);
    }
    // AND the second client's first request takes the tenant's last, which its answer shows
    HttpResponse<Buffer> last = api.call(GET, PAYMENTS, second);
    assertThat(last.statusCode()).as(last.bodyAsString()).isEqualTo(200);
    assertStanding(last, 4, 0);

    // WHEN the second client, with two left of its own, sends again THEN the tenant's limit refuses
    HttpResponse<Buffer> refused = api.call(GET, PAYMENTS, second);
    JsonObject problem = assertProblem(refused, 429, null);
    assertThat(problem.getString("error")).isEqualTo("rate_limited");
    assertThat(problem.getString("message")).contains("tenant");
    assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
    assertStanding(refused, 4, 0);
    assertThat(refused.getHeader("RateLimit-Reset")).isEqualTo("2");

    // AND the other tenant's client is not affected
    HttpResponse<Buffer> unaffected = api.call(GET, PAYMENTS, other.token());
    assertThat(unaffected.statusCode()).as(unaffected.bodyAsString()).isEqualTo(200);
    assertStanding(unaffected, 3, 2);

    // WHEN the second client keeps sending THEN each is refused by the tenant's limit, never by
    // its own: a request the tenant's limit refused did not cost the client its own
    for (int i = 0; i < 3; i++) {
      HttpResponse<Buffer> more = api.call(GET, PAYMENTS, second);
      assertThat(more.statusCode()).isEqualTo(429);
      assertStanding(more, 4, 0);
    }

    // WHEN half a second passes THEN the tenant has one more request, whichever client sends it
    clock.advance(Duration.ofMillis(500));
    HttpResponse<Buffer> again = api.call(GET, PAYMENTS, second);
    assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(200);
    assertStanding(again, 4, 0);
    assertThat(api.call(GET, PAYMENTS, first).statusCode()).isEqualTo(429);
  }
}
