package io.paybridge.api;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PUT;
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
 * Text holding a NUL character, which PostgreSQL cannot store or compare, in a path, a query and a
 * JSON body: the sender's mistake, answered 422 {@code invalid_text}, never 500 (found by {@link
 * ApiBodiesFuzzTest}'s kind of input).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NulCharactersApiTest {

  private ApiTestServer api;
  private Partner partner;

  @BeforeAll
  void start() {
    api = ApiTestServer.start("api_nul_characters");
    partner = api.signUp();
  }

  @AfterAll
  void stop() {
    api.close();
  }

  @Test
  void aNulCharacterInAPathIsRefusedAsInput() {
    HttpResponse<Buffer> r =
        api.call(GET, "/api/v1/customers/member%00seven/balance", partner.token());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(422);
    assertThat(r.bodyAsJsonObject().getString("error"))
        .isIn("invalid_text", "invalid_field", "bad_request");
  }

  @Test
  void aNulCharacterInAQueryIsRefusedAsInput() {
    HttpResponse<Buffer> r =
        api.call(GET, "/api/v1/payments?customerRef=member%00seven", partner.token());
    // a list's parameter it cannot use is refused as every list refuses one, naming it
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(422);
    assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo("customerRef");
  }

  @Test
  void aNulCharacterInABodyIsRefusedAsInputAndNothingIsKept() {
    HttpResponse<Buffer> r =
        api.call(
            PUT,
            "/api/v1/subscriptions/stripe/sub_nul",
            partner.token(),
            new JsonObject().put("customerRef", "member\u0000seven"));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(422);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(api.call(GET, "/api/v1/subscriptions/stripe/sub_nul", partner.token()).statusCode())
        .isEqualTo(404);
  }
}
