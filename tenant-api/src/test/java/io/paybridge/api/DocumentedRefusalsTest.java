package io.paybridge.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The API document tells a partner's program every refusal it can meet: each operation a limit can
 * refuse lists its 429 with the headers that say when to come back, each operation that takes input
 * lists the 422 that names what is wrong with it, and 400 is listed only where there is a body that
 * might not be readable.
 */
class DocumentedRefusalsTest {

  /** Served to anyone, counted by no limit: the document itself. */
  private static final Set<String> UNLIMITED = Set.of("openapi");

  /** RFC 6749 fixes 400 for a token request's errors. */
  private static final String TOKEN = "token";

  private final JsonObject doc = OpenApiDocument.load().toJsonObject();

  private record Operation(String id, JsonObject spec, boolean bearer, boolean input) {}

  private List<Operation> operations() {
    List<Operation> out = new ArrayList<>();
    JsonObject paths = doc.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      boolean shared = item.getJsonArray("parameters", new JsonArray()).size() > 0;
      for (String method : List.of("get", "put", "post", "delete", "patch")) {
        JsonObject op = item.getJsonObject(method);
        if (op == null) {
          continue;
        }
        JsonArray security = op.getJsonArray("security", doc.getJsonArray("security"));
        boolean bearer = security.stream().anyMatch(s -> ((JsonObject) s).containsKey("bearer"));
        boolean input =
            shared
                || op.getJsonArray("parameters", new JsonArray()).size() > 0
                || op.containsKey("requestBody");
        out.add(new Operation(op.getString("operationId"), op, bearer, input));
      }
    }
    assertThat(out).hasSizeGreaterThan(40);
    return out;
  }

  private JsonObject response(Operation op, String status) {
    JsonObject r = op.spec().getJsonObject("responses").getJsonObject(status);
    if (r == null) {
      return null;
    }
    String ref = r.getString("$ref");
    return ref == null
        ? r
        : doc.getJsonObject("components")
            .getJsonObject("responses")
            .getJsonObject(ref.substring(ref.lastIndexOf('/') + 1));
  }

  @Test
  void everyOperationALimitCanRefuseListsItsTooManyRequests() {
    for (Operation op : operations()) {
      if (UNLIMITED.contains(op.id())) {
        assertThat(op.bearer()).as(op.id()).isFalse();
        continue;
      }
      JsonObject tooMany = response(op, "429");
      assertThat(tooMany).as("%s lists 429", op.id()).isNotNull();
      Set<String> headers = tooMany.getJsonObject("headers", new JsonObject()).fieldNames();
      assertThat(headers).as("%s's 429 headers", op.id()).contains("Retry-After");
      if (op.bearer()) {
        assertThat(headers)
            .as("%s's 429 headers", op.id())
            .contains("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset");
      }
    }
  }

  @Test
  void inputAtFaultIsUnprocessableAndOnlyAnUnreadableBodyIsABadRequest() {
    for (Operation op : operations()) {
      if (op.id().equals(TOKEN)) {
        assertThat(response(op, "400")).as("RFC 6749's 400 of the token request").isNotNull();
        continue;
      }
      if (op.input()) {
        assertThat(response(op, "422")).as("%s lists 422", op.id()).isNotNull();
      }
      JsonObject bad = response(op, "400");
      if (bad != null) {
        assertThat(op.spec().containsKey("requestBody"))
            .as("%s lists 400 but takes no body", op.id())
            .isTrue();
        assertThat(bad.getString("description")).as(op.id()).contains("invalid_json");
      }
    }
  }

  @Test
  void theProblemTypesSayInputAtFaultIsUnprocessable() {
    JsonArray types =
        doc.getJsonObject("components")
            .getJsonObject("schemas")
            .getJsonObject("ProblemType")
            .getJsonArray("oneOf");
    for (Object t : types) {
      JsonObject type = (JsonObject) t;
      String code = type.getString("const").substring("urn:paybridge:problem:".length());
      if (Set.of("invalid_field", "invalid_text", "invalid_parameter", "invalid_credentials")
          .contains(code)) {
        assertThat(type.getString("description")).as(code).startsWith("422");
      }
      if (type.getString("description").startsWith("400")) {
        assertThat(code).isIn("invalid_json", "bad_request");
      }
    }
  }
}
