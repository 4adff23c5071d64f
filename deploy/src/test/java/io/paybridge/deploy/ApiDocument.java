package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.api.OpenApiDocument;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import java.util.HashMap;
import java.util.Map;

/**
 * The API's OpenAPI document as end-to-end tests hold answers against it: an answer is one the
 * document lists for its operation (status, headers, JSON body, by vertx-openapi), and a body
 * matches a named schema (problem documents included, whose media type vertx-openapi 5.0 does not
 * check).
 */
final class ApiDocument {

  private final JsonObject doc = OpenApiDocument.load().toJsonObject();
  private final ResponseValidator responses;

  ApiDocument(Vertx vertx) {
    this.responses = ResponseValidator.create(vertx, await(OpenApiDocument.contract(vertx)));
  }

  /** The answer is one the document lists for the operation; a problem matches {@code Error}. */
  void assertDocumented(String operationId, HttpResponse<Buffer> response) {
    String contentType = response.getHeader("Content-Type");
    Map<String, String> headers = new HashMap<>();
    response.headers().forEach(h -> headers.put(h.getKey(), h.getValue()));
    ValidatableResponse actual =
        response.body() == null || response.body().length() == 0
            ? ValidatableResponse.create(response.statusCode(), headers)
            : ValidatableResponse.create(
                response.statusCode(), headers, response.body(), contentType);
    try {
      await(responses.validate(actual, operationId));
    } catch (AssertionError e) {
      throw new AssertionError(
          operationId
              + " answered "
              + response.statusCode()
              + " "
              + response.bodyAsString()
              + ", which the document does not describe: "
              + e.getCause(),
          e);
    }
    if ("application/problem+json".equals(contentType)) {
      assertMatches("Error", response);
    }
  }

  /** Both: the operation's documented answer, and the named schema. */
  void assertMatches(String operationId, String schemaName, HttpResponse<Buffer> response) {
    assertDocumented(operationId, response);
    assertMatches(schemaName, response);
  }

  /** The body matches the named schema of the document's components. */
  void assertMatches(String schemaName, HttpResponse<Buffer> response) {
    JsonObject schema = doc.copy().put("$ref", "#/components/schemas/" + schemaName);
    Validator validator =
        Validator.create(
            JsonSchema.of(schema),
            new JsonSchemaOptions()
                .setDraft(Draft.DRAFT202012)
                .setBaseUri("https://paybridge.invalid/openapi.json"));
    OutputUnit result = validator.validate(response.bodyAsJsonObject());
    assertThat(result.getValid())
        .as("%s against %s: %s", response.bodyAsString(), schemaName, result)
        .isTrue();
  }

  /** The operations a router serves, as {@code METHOD /path/{param}}, sub-routers included. */
  static void collect(io.vertx.ext.web.Router router, String prefix, java.util.Set<String> out) {
    for (io.vertx.ext.web.Route route : router.getRoutes()) {
      String path = route.getPath() == null ? "" : route.getPath();
      if (route.getSubRouter() != null) {
        collect(
            route.getSubRouter(),
            prefix + (path.endsWith("/") ? path.substring(0, path.length() - 1) : path),
            out);
      } else if (route.methods() != null && !route.methods().isEmpty() && route.getPath() != null) {
        String openApiPath = (prefix + path).replaceAll(":([A-Za-z]+)", "{$1}");
        route.methods().forEach(m -> out.add(m.name() + " " + openApiPath));
      }
    }
  }
}
