package io.paybridge.api;

import static io.paybridge.api.ApiTestServer.assertProblem;
import static io.paybridge.core.Await.await;
import static io.vertx.core.http.HttpMethod.GET;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.api.ApiTestServer.Partner;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code Idempotency-Key} on the API's writes: a write sent again with its key gets the first
 * answer (marked {@code Idempotent-Replayed}) and changes nothing; the key with another body is
 * {@code 422}; a write that failed lets its key go; keys are the tenant's own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotencyApiTest {

  private ApiTestServer api;

  @BeforeAll
  void start() {
    api = ApiTestServer.start("api_idempotency");
  }

  @AfterAll
  void stop() {
    api.close();
  }

  private HttpResponse<Buffer> createTarget(Partner partner, String key, JsonObject body) {
    var request =
        api.http().post("/api/v1/sync-targets").bearerTokenAuthentication(partner.token());
    if (key != null) {
      request.putHeader("Idempotency-Key", key);
    }
    return await(request.sendJsonObject(body));
  }

  private static JsonObject target(String url) {
    return new JsonObject().put("type", "webhook").put("url", url);
  }

  @Test
  void aWriteSentAgainWithItsKeyGetsTheFirstAnswerAndChangesNothing() {
    Partner partner = api.signUp();
    HttpResponse<Buffer> first = createTarget(partner, "create-1", target("https://example.com/a"));
    HttpResponse<Buffer> again = createTarget(partner, "create-1", target("https://example.com/a"));

    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(201);
    assertThat(first.getHeader("Idempotent-Replayed")).isNull();
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.getHeader("Idempotent-Replayed")).isEqualTo("true");
    assertThat(again.bodyAsJsonObject()).isEqualTo(first.bodyAsJsonObject());
    assertThat(again.bodyAsJsonObject().getString("secret")).startsWith("whsec_");
    assertThat(api.ok(GET, "/api/v1/sync-targets", partner.token()).getJsonArray("data"))
        .hasSize(1);

    // without a key, the same write is a second target
    assertThat(createTarget(partner, null, target("https://example.com/a")).statusCode())
        .isEqualTo(201);
    assertThat(api.ok(GET, "/api/v1/sync-targets", partner.token()).getJsonArray("data"))
        .hasSize(2);
  }

  @Test
  void theKeyWithAnotherBodyIsRefused() {
    Partner partner = api.signUp();
    createTarget(partner, "create-2", target("https://example.com/b"));
    JsonObject problem =
        assertProblem(
            createTarget(partner, "create-2", target("https://example.com/c")), 422, null);
    assertThat(problem.getString("error")).isEqualTo("idempotency_key_reused");
    assertThat(api.ok(GET, "/api/v1/sync-targets", partner.token()).getJsonArray("data"))
        .hasSize(1);
  }

  @Test
  void aWriteThatFailedLetsItsKeyGo() {
    Partner partner = api.signUp();
    assertProblem(createTarget(partner, "create-3", target("not a url")), 422, "url");
    HttpResponse<Buffer> fixed = createTarget(partner, "create-3", target("not a url"));
    assertThat(fixed.statusCode()).isEqualTo(422);
    assertThat(fixed.getHeader("Idempotent-Replayed")).isNull();
    // a failed write kept no answer, so the corrected request may use the same key
    assertThat(createTarget(partner, "create-3", target("https://example.com/d")).statusCode())
        .isEqualTo(201);
  }

  @Test
  void keysAreTheTenantsOwnAndMalformedKeysAreProblems() {
    Partner a = api.signUp();
    Partner b = api.signUp();
    HttpResponse<Buffer> byA = createTarget(a, "shared-name", target("https://example.com/e"));
    HttpResponse<Buffer> byB = createTarget(b, "shared-name", target("https://example.com/e"));
    assertThat(byB.getHeader("Idempotent-Replayed")).isNull();
    assertThat(byB.bodyAsJsonObject().getString("id"))
        .isNotEqualTo(byA.bodyAsJsonObject().getString("id"));

    assertProblem(
        createTarget(a, "x".repeat(256), target("https://example.com/f")), 422, "Idempotency-Key");
  }
}
