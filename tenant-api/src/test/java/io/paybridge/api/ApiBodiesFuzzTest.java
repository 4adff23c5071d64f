package io.paybridge.api;

import static io.paybridge.testkit.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.api.ApiTestServer.Partner;
import io.paybridge.testkit.FuzzStats;
import io.paybridge.testkit.Mutations;
import io.paybridge.testkit.Mutations.Body;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * The partner API's request bodies under hostile input, through the contract router with a real
 * token: every JSON body it takes (and the token endpoint's form), mutated from a valid one or made
 * from scratch ({@link Mutations}), with its content type changed, empty or 10 MB. Whatever comes
 * in, the answer is never a 5xx, and a refusal says what was wrong: a problem document (RFC 9457),
 * or at the token endpoint OAuth's own error (RFC 6749).
 */
class ApiBodiesFuzzTest {

  /** One call the API takes a body on, with a body it accepts. */
  record Call(
      HttpMethod method, String path, boolean authenticated, String contentType, String valid) {}

  /** A call with the body it is sent. */
  record Attempt(Call call, Body body) {
    @Override
    public String toString() {
      return call.method() + " " + call.path() + ": " + body;
    }
  }

  private static final List<Call> CALLS =
      List.of(
          new Call(
              HttpMethod.POST,
              "/api/v1/sync-targets",
              true,
              "application/json",
              "{\"type\":\"webhook\",\"url\":\"https://example.com/paybridge\",\"headers\":{\"X-Key\":\"v\"}}"),
          new Call(
              HttpMethod.PUT,
              "/api/v1/gateway-accounts/stripe",
              true,
              "application/json",
              "{\"webhookSecret\":\"whsec_0123456789abcdef\",\"customerRefKey\":\"customer_ref\"}"),
          new Call(
              HttpMethod.PUT,
              "/api/v1/gateway-accounts/stripe/settings",
              true,
              "application/json",
              "{\"unknownSubscriptions\":\"cancel-and-refund\"}"),
          new Call(
              HttpMethod.PUT,
              "/api/v1/subscriptions/stripe/sub_fuzz",
              true,
              "application/json",
              "{\"customerRef\":\"member-7\"}"),
          new Call(
              HttpMethod.POST,
              "/api/v1/charges",
              true,
              "application/json",
              "{\"customerRef\":\"member-7\",\"amount\":1250,\"currency\":\"eur\",\"description\":\"desk\"}"),
          new Call(
              HttpMethod.PUT,
              "/api/v1/integrations/cobot",
              true,
              "application/json",
              "{\"subdomain\":\"acme\",\"clientId\":\"cid\",\"clientSecret\":\"csecret\",\"gateway\":\"stripe\"}"),
          new Call(
              HttpMethod.POST,
              "/api/v1/signup",
              false,
              "application/json",
              "{\"name\":\"Fuzz\",\"email\":\"fuzz@example.com\",\"password\":\"a long enough password\"}"),
          new Call(
              HttpMethod.POST,
              "/oauth/token",
              false,
              "application/x-www-form-urlencoded",
              "grant_type=client_credentials&scope=payments%3Aread"));

  private ApiTestServer api;
  private Partner partner;
  private FuzzStats stats;

  @BeforeProperty
  void start() {
    api = ApiTestServer.start("api_fuzz");
    partner = api.signUp();
    stats = new FuzzStats("tenant-api", "bodies");
  }

  @AfterProperty
  void stop() {
    stats.write();
    api.close();
  }

  @Provide
  Arbitrary<Attempt> attempts() {
    return Arbitraries.of(CALLS)
        .flatMap(
            call ->
                Arbitraries.frequencyOf(
                        Tuple.of(
                            4,
                            Mutations.of(
                                call.valid().getBytes(StandardCharsets.UTF_8), call.contentType())),
                        Tuple.of(1, Mutations.fromScratch()))
                    .map(body -> new Attempt(call, body)));
  }

  @Property
  void noBodyGetsA5xxAndEveryRefusalIsAProblem(@ForAll("attempts") Attempt attempt) {
    Call call = attempt.call();
    HttpRequest<Buffer> request = api.http().request(call.method(), call.path());
    if (call.authenticated()) {
      request.bearerTokenAuthentication(partner.token());
    } else if (call.path().equals("/oauth/token")) {
      request.basicAuthentication(partner.clientId(), partner.clientSecret());
    }
    if (call.path().equals("/api/v1/charges")) {
      request.putHeader("Idempotency-Key", UUID.randomUUID().toString());
    }
    if (!attempt.body().contentType().isEmpty()) {
      request.putHeader("Content-Type", attempt.body().contentType());
    }
    HttpResponse<Buffer> r = await(request.sendBuffer(Buffer.buffer(attempt.body().bytes())));

    assertThat(r.statusCode()).as("%s answered %s", attempt, r.bodyAsString()).isLessThan(500);
    if (r.statusCode() >= 400) {
      JsonObject problem = new JsonObject(r.bodyAsString());
      assertThat(problem.getString("error")).as("%s: %s", attempt, problem).isNotBlank();
      if (!call.path().equals("/oauth/token")) {
        // RFC 9457 here; the token endpoint answers as RFC 6749 says, error and description
        assertThat(problem.getInteger("status"))
            .as("%s: %s", attempt, problem)
            .isEqualTo(r.statusCode());
      }
    }
    stats.count(String.valueOf(r.statusCode()));
  }
}
