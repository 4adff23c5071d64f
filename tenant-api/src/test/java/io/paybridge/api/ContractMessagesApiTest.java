package io.paybridge.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the API says about requests its document refuses: every field at fault at once, each with
 * what it must be in the API's words — never the validator's sentences or a Java type name — and
 * one wording per kind of limit ("at most N characters", "at most N").
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContractMessagesApiTest {

  private ApiTestServer api;
  private String token;

  @BeforeAll
  void start() {
    api = ApiTestServer.start("api_contract_messages");
    token = api.signUp().token();
  }

  @AfterAll
  void stop() {
    api.close();
  }

  @Test
  void everyFieldAtFaultIsNamedAtOnceWithWhatItMustBe() {
    assertThat(
            problems(
                api.call(
                    HttpMethod.POST,
                    "/api/v1/sync-targets",
                    token,
                    new JsonObject().put("type", 5).put("url", 7))))
        .containsExactly(
            "type: 'type' must be a string, not a number",
            "url: 'url' must be a string, not a number");
    assertThat(problems(api.call(HttpMethod.POST, "/api/v1/sync-targets", token, new JsonObject())))
        .containsExactly("type: 'type' is required", "url: 'url' is required");
    assertThat(
            problems(
                api.call(
                    HttpMethod.PUT,
                    "/api/v1/gateway-accounts/stripe/settings",
                    token,
                    new JsonObject().put("unknownSubscriptions", "shred").put("refunds", "x"))))
        .containsExactly(
            "unknownSubscriptions: 'unknownSubscriptions' must be one of: record,"
                + " cancel-and-refund",
            "refunds: 'refunds' is not a field of this request");
  }

  @Test
  void aLongUrlWithinTheLimitIsJudgedNotACrash() {
    // the document's own URL check recursed once per character: a long URL crashed the request
    HttpResponse<Buffer> created =
        api.call(
            HttpMethod.POST,
            "/api/v1/sync-targets",
            token,
            new JsonObject()
                .put("type", "webhook")
                .put("url", "https://" + "x".repeat(2000) + ".example/hooks"));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String id = created.bodyAsJsonObject().getString("id");
    assertThat(api.call(HttpMethod.DELETE, "/api/v1/sync-targets/" + id, token).statusCode())
        .isEqualTo(204);
  }

  @Test
  void limitsAreWordedOneWayAndTypesInTheApisWords() {
    assertThat(
            problems(
                api.call(
                    HttpMethod.POST,
                    "/api/v1/sync-targets",
                    token,
                    new JsonObject()
                        .put("type", "webhook")
                        .put("url", "https://" + "x".repeat(3000)))))
        .containsExactly("url: 'url' must be at most 2048 characters");
    assertThat(listParameter(api.call(HttpMethod.GET, "/api/v1/payments?limit=5000", token)))
        .isEqualTo("limit: 'limit' must be at most 100");
    assertThat(listParameter(api.call(HttpMethod.GET, "/api/v1/payments?limit=0", token)))
        .isEqualTo("limit: 'limit' must be at least 1");
    HttpResponse<Buffer> typed = api.call(HttpMethod.GET, "/api/v1/payments?limit=ten", token);
    assertThat(listParameter(typed))
        .isEqualTo("limit: 'limit' must be a whole number, not a string");
    assertThat(typed.bodyAsString()).doesNotContain("Instance").doesNotContain("String ");
  }

  /**
   * {@code parameter: message} of a list parameter's refusal, after checking that it is the 422
   * {@code invalid_parameter} every list answers.
   */
  private static String listParameter(HttpResponse<Buffer> r) {
    JsonObject body = r.bodyAsJsonObject();
    ApiTestServer.assertProblem(r, 422, body.getString("field"));
    assertThat(body.getString("error")).isEqualTo("invalid_parameter");
    return body.getString("field") + ": " + body.getString("message");
  }

  /** {@code field: message} of each problem, after checking the answer's shape. */
  private static java.util.List<String> problems(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(422);
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.getString("error")).isEqualTo("invalid_field");
    JsonArray problems = body.getJsonArray("problems");
    ApiTestServer.assertProblem(r, 422, problems.getJsonObject(0).getString("field"));
    assertThat(body.getString("field")).isEqualTo(problems.getJsonObject(0).getString("field"));
    java.util.List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < problems.size(); i++) {
      JsonObject p = problems.getJsonObject(i);
      out.add(p.getString("field") + ": " + p.getString("message"));
      assertThat(body.getString("message")).contains(p.getString("message"));
    }
    return out;
  }
}
