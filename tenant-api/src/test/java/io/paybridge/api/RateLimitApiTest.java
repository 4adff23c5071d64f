package io.paybridge.api;

import static io.paybridge.api.ApiTestServer.assertProblem;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.api.ApiTestServer.Partner;
import io.paybridge.testkit.ManualClock;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Each API client has a bucket of requests on the node: a burst at once, then the rate a second.
 * Every answer to it says where it stands ({@code RateLimit-*}); one request too many is a 429 with
 * {@code Retry-After}. Time is moved by hand: here, three at once and two a second.
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitApiTest {

  private static final String PAYMENTS = "/api/v1/payments";

  private final ManualClock clock = new ManualClock();
  private ApiTestServer api;

  @BeforeAll
  void start() {
    api =
        ApiTestServer.start(
            "api_rate_limits",
            clock,
            Map.of("PAYBRIDGE_API_RATE", "2", "PAYBRIDGE_API_BURST", "3"));
  }

  @AfterAll
  void stop() {
    api.close();
  }

  private static void assertStanding(HttpResponse<Buffer> r, long remaining, long reset) {
    assertThat(r.getHeader("RateLimit-Limit")).isEqualTo("3");
    assertThat(r.getHeader("RateLimit-Remaining")).isEqualTo(String.valueOf(remaining));
    assertThat(r.getHeader("RateLimit-Reset")).isEqualTo(String.valueOf(reset));
  }

  @Test
  void aClientGetsItsBurstThenItsRateAndEveryAnswerSaysWhereItStands() {
    Partner partner = api.signUp();
    clock.advance(Duration.ofSeconds(10));

    // WHEN it sends its burst THEN each answer counts down (the bucket fills at two a second)
    HttpResponse<Buffer> first = api.call(GET, PAYMENTS, partner.token());
    assertThat(first.statusCode()).isEqualTo(200);
    assertStanding(first, 2, 1);
    assertStanding(api.call(GET, PAYMENTS, partner.token()), 1, 1);
    assertStanding(api.call(GET, PAYMENTS, partner.token()), 0, 2);

    // WHEN it sends one more at once THEN it is refused, saying when to send again
    HttpResponse<Buffer> refused = api.call(GET, PAYMENTS, partner.token());
    JsonObject problem = assertProblem(refused, 429, null);
    assertThat(problem.getString("error")).isEqualTo("rate_limited");
    assertThat(problem.getLong("retryAfter")).isEqualTo(1);
    assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
    assertStanding(refused, 0, 2);

    // WHEN half a second passes THEN one more request is allowed, and no more
    clock.advance(Duration.ofMillis(500));
    assertThat(api.call(GET, PAYMENTS, partner.token()).statusCode()).isEqualTo(200);
    assertThat(api.call(GET, PAYMENTS, partner.token()).statusCode()).isEqualTo(429);

    // WHEN the bucket has had time to fill THEN the whole burst is back, and never more
    clock.advance(Duration.ofMinutes(1));
    assertStanding(api.call(GET, PAYMENTS, partner.token()), 2, 1);
  }

  @Test
  void clientsHaveBucketsOfTheirOwn() {
    Partner busy = api.signUp();
    Partner quiet = api.signUp();
    clock.advance(Duration.ofSeconds(10));
    for (int i = 0; i < 3; i++) {
      api.call(GET, PAYMENTS, busy.token());
    }
    assertThat(api.call(GET, PAYMENTS, busy.token()).statusCode()).isEqualTo(429);

    HttpResponse<Buffer> other = api.call(GET, PAYMENTS, quiet.token());

    assertThat(other.statusCode()).isEqualTo(200);
    assertStanding(other, 2, 1);
  }

  @Test
  void refusedRequestsCountAndCarryTheHeadersButUnauthenticatedOnesDoNot() {
    Partner partner = api.signUp();
    clock.advance(Duration.ofSeconds(10));

    HttpResponse<Buffer> invalid =
        api.call(
            PUT,
            "/api/v1/gateway-accounts/stripe",
            partner.token(),
            new JsonObject().put("nope", 1));
    HttpResponse<Buffer> forbidden =
        api.call(GET, "/api/v1/gateway-accounts", api.token(partner, "payments:read"));
    HttpResponse<Buffer> anonymous = api.call(GET, PAYMENTS, null);

    assertThat(invalid.statusCode()).isEqualTo(422);
    assertStanding(invalid, 2, 1);
    assertThat(forbidden.statusCode()).isEqualTo(403);
    assertStanding(forbidden, 1, 1);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.getHeader("RateLimit-Limit")).isNull();
    assertStanding(api.call(GET, PAYMENTS, partner.token()), 0, 2);
  }

  @Test
  void eachNodeOfAClusterAllowsItsShare() {
    RateLimits share = RateLimits.perNode(100, 200, 3, clock);
    RateLimits.Decision first = share.take("client:pbc_x");
    assertThat(first.limit()).isEqualTo(67);
    assertThat(first.remaining()).isEqualTo(66);
    assertThat(RateLimits.perNode(1, 1, 5, clock).take("client:pbc_y").limit()).isEqualTo(1);
  }
}
