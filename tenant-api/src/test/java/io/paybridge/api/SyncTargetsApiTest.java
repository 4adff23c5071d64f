package io.paybridge.api;

import static io.paybridge.api.ApiTestServer.assertProblem;
import static io.paybridge.core.Await.await;
import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PATCH;
import static io.vertx.core.http.HttpMethod.POST;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.api.ApiTestServer.Partner;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code /api/v1/sync-targets}: where a tenant's recorded payments are delivered. Created, listed,
 * enabled and removed through the contract router with real tokens, and only by their tenant.
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SyncTargetsApiTest {

  private ApiTestServer api;

  @BeforeAll
  void start() {
    // as in production: private targets not allowed; and at most three targets a tenant
    api =
        ApiTestServer.start(
            "api_sync_targets",
            Map.of("PAYBRIDGE_ALLOW_PRIVATE_TARGETS", "false", "PAYBRIDGE_MAX_SYNC_TARGETS", "3"));
  }

  @AfterAll
  void stop() {
    api.close();
  }

  private static JsonObject webhookTarget() {
    return new JsonObject().put("type", "webhook").put("url", "https://example.com/paybridge");
  }

  private String create(Partner partner, JsonObject target) {
    HttpResponse<Buffer> created = api.call(POST, "/api/v1/sync-targets", partner.token(), target);
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    return created.bodyAsJsonObject().getString("id");
  }

  private JsonArray targets(Partner partner) {
    return api.ok(GET, "/api/v1/sync-targets", partner.token()).getJsonArray("data");
  }

  @Test
  void aTargetIsCreatedListedAndRemoved() {
    // GIVEN a tenant
    Partner partner = api.signUp();

    // WHEN it adds a webhook target
    HttpResponse<Buffer> created =
        api.call(POST, "/api/v1/sync-targets", partner.token(), webhookTarget());

    // THEN its signing secret is shown once, and the target is listed without it
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    assertThat(created.getHeader("Cache-Control")).isEqualTo("no-store");
    JsonObject target = created.bodyAsJsonObject();
    assertThat(target.getString("secret")).startsWith("whsec_");
    assertThat(target.getString("type")).isEqualTo("webhook");
    assertThat(target.getString("url")).isEqualTo("https://example.com/paybridge");
    assertThat(target.getBoolean("enabled")).isTrue();
    JsonObject listed = targets(partner).getJsonObject(0);
    assertThat(listed.getString("id")).isEqualTo(target.getString("id"));
    assertThat(listed.containsKey("secret")).isFalse();

    // AND WHEN it removes the target THEN it is gone
    assertThat(
            api.call(DELETE, "/api/v1/sync-targets/" + target.getString("id"), partner.token())
                .statusCode())
        .isEqualTo(204);
    assertThat(targets(partner)).isEmpty();
  }

  @Test
  void aCustomerTransactionTargetShowsOnlyTheNamesOfItsHeaders() {
    Partner partner = api.signUp();

    create(
        partner,
        new JsonObject()
            .put("type", "customer-transaction")
            .put("url", "https://billing.example.com/transactions")
            .put("headers", new JsonObject().put("X-Api-Key", "k-123456")));

    JsonObject listed = targets(partner).getJsonObject(0);
    assertThat(listed.getJsonArray("headerNames")).containsExactly("X-Api-Key");
    assertThat(listed.encode()).doesNotContain("k-123456");
  }

  @Test
  void aTargetIsDisabledAndEnabledAgain() {
    Partner partner = api.signUp();
    String id = create(partner, webhookTarget());

    HttpResponse<Buffer> disabled =
        api.call(POST, "/api/v1/sync-targets/" + id + "/disable", partner.token());

    assertThat(disabled.statusCode()).as(disabled.bodyAsString()).isEqualTo(204);
    JsonObject listed = targets(partner).getJsonObject(0);
    assertThat(listed.getBoolean("enabled")).isFalse();
    assertThat(listed.getString("disabledReason")).isEqualTo("disabled by the tenant");
    assertThat(
            api.call(POST, "/api/v1/sync-targets/" + id + "/enable", partner.token()).statusCode())
        .isEqualTo(204);
    assertThat(targets(partner).getJsonObject(0).getBoolean("enabled")).isTrue();
  }

  @Test
  void anEnabledTargetCanBeEnabledAgain() {
    Partner partner = api.signUp();
    String id = create(partner, webhookTarget());

    HttpResponse<Buffer> enabled =
        api.call(POST, "/api/v1/sync-targets/" + id + "/enable", partner.token());

    assertThat(enabled.statusCode()).as(enabled.bodyAsString()).isEqualTo(204);
    assertThat(targets(partner).getJsonObject(0).getBoolean("enabled")).isTrue();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {"type": "carrier-pigeon", "url": "https://example.com/a"}           | type
          {"type": "webhook"}                                                  | url
          {"type": "webhook", "url": "https://example.com/a", "colour": "red"} | colour
          {"type": "webhook", "url": "https://169.254.169.254/latest"}         | url
          {"type": "webhook", "url": "http://[::ffff:127.0.0.1]/"}             | url
          {"type": "webhook", "url": "http://[::ffff:169.254.169.254]/"}       | url
          {"type": "webhook", "url": "http://[64:ff9b::a9fe:a9fe]/"}           | url
          {"type": "webhook", "url": "http://100.100.100.200/"}                | url
          {"type": "webhook", "url": "http://100.64.0.1/"}                     | url
          {"type": "webhook", "url": "http://2130706433/"}                     | url
          {"type": "webhook", "url": "http://0x7f.1/"}                         | url
          {"type": "webhook", "url": "http://127.0.0.1:8080/hook"}             | url
          {"type": "webhook", "url": "http://localhost:8080/hook"}             | url
          {"type": "webhook", "url": "ftp://example.com/a"}                    | url
          {"type": "webhook", "url": "https://example.com/a", "headers": {}}   | headers
          """)
  void aTargetTheApiRefusesIsAProblemNamingTheFieldAndIsNotCreated(String body, String field) {
    Partner partner = api.signUp();

    assertProblem(
        api.call(POST, "/api/v1/sync-targets", partner.token(), new JsonObject(body)), 422, field);

    assertThat(targets(partner)).isEmpty();
  }

  @Test
  void aTenantHasAtMostTheAllowedTargetsEvenWhenItAddsThemAtOnce() {
    // GIVEN a tenant
    Partner partner = api.signUp();

    // WHEN it adds six targets at once, three being the most allowed
    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      all.add(
          api.http()
              .post("/api/v1/sync-targets")
              .bearerTokenAuthentication(partner.token())
              .sendJsonObject(webhookTarget()));
    }
    await(Future.join(all));

    // THEN three are created and three refused with a problem that says why
    List<HttpResponse<Buffer>> answers = all.stream().map(Future::result).toList();
    assertThat(answers).filteredOn(r -> r.statusCode() == 201).hasSize(3);
    List<HttpResponse<Buffer>> refused =
        answers.stream().filter(r -> r.statusCode() != 201).toList();
    assertThat(refused).hasSize(3);
    for (HttpResponse<Buffer> r : refused) {
      JsonObject problem = assertProblem(r, 409, null);
      assertThat(problem.getString("error")).isEqualTo("too_many_sync_targets");
      assertThat(problem.getString("detail")).contains("at most 3 sync targets");
    }
    assertThat(targets(partner)).hasSize(3);

    // AND once one is removed, another can be added
    String removed = targets(partner).getJsonObject(0).getString("id");
    assertThat(api.call(DELETE, "/api/v1/sync-targets/" + removed, partner.token()).statusCode())
        .isEqualTo(204);
    create(partner, webhookTarget());
    assertThat(targets(partner)).hasSize(3);
  }

  @Test
  void anIdThatIsNotAUuidIsAProblemNamingIt() {
    String token = api.signUp().token();

    assertProblem(api.call(DELETE, "/api/v1/sync-targets/not-a-uuid", token), 422, "id");
    assertProblem(api.call(POST, "/api/v1/sync-targets/not-a-uuid/enable", token), 422, "id");
  }

  @Test
  void unknownAndForeignIdsAreNotFound() {
    Partner alice = api.signUp();
    Partner bob = api.signUp();
    String aliceTarget = create(alice, webhookTarget());

    JsonObject unknown =
        assertProblem(
            api.call(DELETE, "/api/v1/sync-targets/" + UUID.randomUUID(), alice.token()),
            404,
            null);
    assertThat(unknown.getString("error")).isEqualTo("not_found");
    // Bob is told exactly what he is told about an id that does not exist
    HttpResponse<Buffer> enable =
        api.call(POST, "/api/v1/sync-targets/" + aliceTarget + "/enable", bob.token());
    assertThat(assertProblem(enable, 404, null)).isEqualTo(unknown);
    HttpResponse<Buffer> disable =
        api.call(POST, "/api/v1/sync-targets/" + aliceTarget + "/disable", bob.token());
    assertThat(assertProblem(disable, 404, null)).isEqualTo(unknown);
    HttpResponse<Buffer> delete =
        api.call(DELETE, "/api/v1/sync-targets/" + aliceTarget, bob.token());
    assertThat(assertProblem(delete, 404, null)).isEqualTo(unknown);
    assertThat(targets(bob)).isEmpty();
    // and Alice's target is still there
    assertThat(targets(alice)).hasSize(1);
  }

  @Test
  void aTokenWithoutTheScopeIsRefused() {
    Partner partner = api.signUp();
    String readOnly = api.token(partner, "sync:read");
    String id = create(partner, webhookTarget());

    JsonObject refused =
        assertProblem(api.call(POST, "/api/v1/sync-targets", readOnly, webhookTarget()), 403, null);
    assertThat(refused.getString("error")).isEqualTo("insufficient_scope");
    assertThat(refused.getString("detail")).contains("sync:write");
    assertProblem(api.call(DELETE, "/api/v1/sync-targets/" + id, readOnly), 403, null);
    assertProblem(api.call(POST, "/api/v1/sync-targets/" + id + "/enable", readOnly), 403, null);
    assertProblem(
        api.call(GET, "/api/v1/sync-targets", api.token(partner, "payments:read")), 403, null);
    assertThat(api.call(GET, "/api/v1/sync-targets", readOnly).statusCode()).isEqualTo(200);
    assertThat(targets(partner)).hasSize(1);
  }

  @Test
  void noTokenOrAForgedOneIsUnauthorized() {
    assertProblem(api.call(GET, "/api/v1/sync-targets", null), 401, null);
    assertProblem(api.call(POST, "/api/v1/sync-targets", null, webhookTarget()), 401, null);
    String token = api.signUp().token();
    String forged = token.substring(0, token.lastIndexOf('.') + 1) + "c2lnbmF0dXJl";
    assertProblem(api.call(GET, "/api/v1/sync-targets", forged), 401, null);
  }

  @Test
  void aRouteTheDocumentDoesNotDescribeDoesNotExist() {
    String token = api.signUp().token();
    assertThat(api.call(GET, "/api/v1/sync-targets/extra/path", token).statusCode()).isEqualTo(404);
    assertThat(api.call(PATCH, "/api/v1/sync-targets", token).statusCode()).isIn(404, 405);
  }
}
