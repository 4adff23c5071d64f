package io.paybridge.api;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.core.TestUseCases;
import io.paybridge.core.config.PaybridgeConfig;
import io.paybridge.core.gateway.PluginRegistry;
import io.paybridge.core.http.HttpErrors;
import io.paybridge.core.vault.MasterKeys;
import io.paybridge.devdb.PgFixture;
import io.paybridge.gateway.stripe.StripePlugin;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Sync targets end to end through the contract router: the use cases on a throwaway database, the
 * API mounted from the OpenAPI document, real tokens.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SyncTargetsContractTest {

  private Vertx vertx;
  private TestUseCases core;
  private HttpServer server;
  private WebClient http;

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    String key = MasterKeys.generateSpec("test");
    PaybridgeConfig config =
        PaybridgeConfig.from(
            Map.of(
                "PAYBRIDGE_HTTP_PORT", "0",
                "PAYBRIDGE_HTTP_HOST", "127.0.0.1",
                "PAYBRIDGE_DATA_DIR", Files.createTempDirectory("paybridge-api").toString(),
                "PAYBRIDGE_MASTER_KEY", key,
                "PAYBRIDGE_PASSWORD_HASH_ITERATIONS", "10000"));
    core =
        await(
            TestUseCases.start(
                vertx,
                config,
                PgFixture.newDatabase("tenantapi"),
                MasterKeys.parse(key),
                new PluginRegistry(List.of(new StripePlugin()))));
    Router router = Router.router(vertx);
    await(
        ApiRoutes.mount(vertx, router, core.useCases(), core.tokenSigningKey(), config.tokenTtl()));
    router
        .route()
        .last()
        .handler(ctx -> HttpErrors.respond(ctx, 404, "not_found", "no such resource"));
    server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    http =
        WebClient.create(
            vertx,
            new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.actualPort()));
  }

  @AfterAll
  void stop() {
    await(server.close());
    await(core.close());
    await(vertx.close());
  }

  /** A new tenant's bearer token, with the scopes asked for (all of the client's when none). */
  private String token(String scope) {
    JsonObject signedUp =
        await(
                http.post("/api/v1/signup")
                    .sendJsonObject(
                        new JsonObject()
                            .put("name", "Contract")
                            .put("email", "api-" + UUID.randomUUID() + "@example.com")
                            .put("password", "a long enough password")))
            .bodyAsJsonObject();
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials");
    if (scope != null) {
      form.add("scope", scope);
    }
    HttpResponse<Buffer> token =
        await(
            http.post("/oauth/token")
                .basicAuthentication(
                    signedUp.getString("clientId"), signedUp.getString("clientSecret"))
                .sendForm(form));
    assertThat(token.statusCode()).as(token.bodyAsString()).isEqualTo(200);
    return token.bodyAsJsonObject().getString("access_token");
  }

  private static JsonObject webhookTarget() {
    return new JsonObject().put("type", "webhook").put("url", "https://example.com/paybridge");
  }

  private static void assertProblem(HttpResponse<Buffer> r, int status, String field) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
    JsonObject problem = r.bodyAsJsonObject();
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("type")).startsWith("urn:paybridge:problem:");
    assertThat(problem.getString("field")).isEqualTo(field);
  }

  @Test
  void aTargetIsCreatedListedAndRemoved() {
    // GIVEN a tenant
    String token = token(null);

    // WHEN it adds a webhook target
    HttpResponse<Buffer> created =
        await(
            http.post("/api/v1/sync-targets")
                .bearerTokenAuthentication(token)
                .sendJsonObject(webhookTarget()));

    // THEN the target is listed, with its signing secret shown once, and can be removed
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    JsonObject target = created.bodyAsJsonObject();
    assertThat(target.getString("secret")).isNotBlank();
    HttpResponse<Buffer> listed =
        await(http.get("/api/v1/sync-targets").bearerTokenAuthentication(token).send());
    assertThat(listed.bodyAsJsonObject().getJsonArray("data").getJsonObject(0).getString("id"))
        .isEqualTo(target.getString("id"));
    assertThat(
            await(
                    http.delete("/api/v1/sync-targets/" + target.getString("id"))
                        .bearerTokenAuthentication(token)
                        .send())
                .statusCode())
        .isEqualTo(204);
    assertThat(
            await(http.get("/api/v1/sync-targets").bearerTokenAuthentication(token).send())
                .bodyAsJsonObject()
                .getJsonArray("data"))
        .isEmpty();
  }

  @Test
  void inputTheDocumentRefusesIsAProblemNamingTheParameter() {
    String token = token(null);

    // a body field outside its enum
    assertProblem(
        await(
            http.post("/api/v1/sync-targets")
                .bearerTokenAuthentication(token)
                .sendJsonObject(webhookTarget().put("type", "carrier-pigeon"))),
        400,
        "type");
    // a path parameter that is not a UUID
    assertProblem(
        await(
            http.delete("/api/v1/sync-targets/not-a-uuid").bearerTokenAuthentication(token).send()),
        400,
        "id");
    // a query parameter out of range
    assertProblem(
        await(http.get("/api/v1/deliveries?limit=0").bearerTokenAuthentication(token).send()),
        400,
        "limit");
    // and nothing was created
    assertThat(
            await(http.get("/api/v1/sync-targets").bearerTokenAuthentication(token).send())
                .bodyAsJsonObject()
                .getJsonArray("data"))
        .isEmpty();
  }

  @Test
  void unknownAndForeignIdsAreNotFound() {
    String alice = token(null);
    String bob = token(null);
    String aliceTarget =
        await(
                http.post("/api/v1/sync-targets")
                    .bearerTokenAuthentication(alice)
                    .sendJsonObject(webhookTarget()))
            .bodyAsJsonObject()
            .getString("id");

    assertProblem(
        await(
            http.delete("/api/v1/sync-targets/" + UUID.randomUUID())
                .bearerTokenAuthentication(alice)
                .send()),
        404,
        null);
    assertProblem(
        await(
            http.post("/api/v1/sync-targets/" + aliceTarget + "/enable")
                .bearerTokenAuthentication(bob)
                .send()),
        404,
        null);
    assertProblem(
        await(
            http.delete("/api/v1/sync-targets/" + aliceTarget)
                .bearerTokenAuthentication(bob)
                .send()),
        404,
        null);
    // Alice's target is still there
    assertThat(
            await(http.get("/api/v1/sync-targets").bearerTokenAuthentication(alice).send())
                .bodyAsJsonObject()
                .getJsonArray("data"))
        .hasSize(1);
  }

  @Test
  void aTokenWithoutTheScopeIsRefused() {
    String readOnly = token("sync:read");

    assertProblem(
        await(
            http.post("/api/v1/sync-targets")
                .bearerTokenAuthentication(readOnly)
                .sendJsonObject(webhookTarget())),
        403,
        null);
    assertThat(
            await(http.get("/api/v1/sync-targets").bearerTokenAuthentication(readOnly).send())
                .statusCode())
        .isEqualTo(200);
    assertThat(await(http.get("/api/v1/sync-targets").send()).statusCode()).isEqualTo(401);
  }

  @Test
  void aRouteTheDocumentDoesNotDescribeDoesNotExist() {
    String token = token(null);
    assertThat(
            await(
                    http.get("/api/v1/sync-targets/extra/path")
                        .bearerTokenAuthentication(token)
                        .send())
                .statusCode())
        .isEqualTo(404);
    assertThat(
            await(http.patch("/api/v1/sync-targets").bearerTokenAuthentication(token).send())
                .statusCode())
        .isIn(404, 405);
  }
}
