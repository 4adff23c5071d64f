package io.paybridge.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The API's OpenAPI document ({@code paybridge/openapi.json}): served as it is, and the contract
 * the router is built from and responses are checked against.
 *
 * <p>vertx-openapi 5.0 refuses a document naming a media type it cannot validate, such as our error
 * responses' {@code application/problem+json} and the token endpoint's form body
 * (eclipse-vertx/vertx-openapi#107; custom media types arrive in 5.1). The contract is therefore
 * built from a copy without those media types: requests are checked in full (no checked request
 * uses one), and a response of such a type is checked for its status only. The copy also leaves out
 * the {@code WWW-Authenticate} response header, whose challenges hold quoted strings that
 * vertx-openapi 5.0 cannot decode as a header parameter.
 */
public final class OpenApiDocument {

  /** Where the document is on the class path. */
  static final String RESOURCE = "/paybridge/openapi.json";

  private OpenApiDocument() {}

  /** The document as served at {@code /api/v1/openapi.json}. */
  public static Buffer load() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the class path");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The document as a checked contract. */
  public static Future<OpenAPIContract> contract(Vertx vertx) {
    return contract(vertx, load());
  }

  static Future<OpenAPIContract> contract(Vertx vertx, Buffer document) {
    return OpenAPIContract.from(vertx, withValidatableMediaTypes(document.toJsonObject()));
  }

  /** A copy of the document without the media types vertx-openapi cannot validate. */
  static JsonObject withValidatableMediaTypes(JsonObject document) {
    JsonObject copy = document.copy();
    JsonObject paths = copy.getJsonObject("paths", new JsonObject());
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (item.getValue(method) instanceof JsonObject operation) {
          if (operation.getValue("requestBody") instanceof JsonObject body
              && !keepSupported(body)) {
            operation.remove("requestBody");
          }
          if (operation.getValue("responses") instanceof JsonObject responses) {
            responses.forEach(r -> keepSupported(r.getValue()));
            responses.forEach(r -> withoutChallenge(r.getValue()));
          }
        }
      }
    }
    JsonObject components = copy.getJsonObject("components", new JsonObject());
    for (String kind : new String[] {"responses", "requestBodies"}) {
      if (components.getValue(kind) instanceof JsonObject defined) {
        defined.forEach(d -> keepSupported(d.getValue()));
        defined.forEach(d -> withoutChallenge(d.getValue()));
      }
    }
    return copy;
  }

  /** Removes a response's {@code WWW-Authenticate} header, which the validator cannot decode. */
  private static void withoutChallenge(Object response) {
    if (response instanceof JsonObject o && o.getValue("headers") instanceof JsonObject headers) {
      headers.remove("WWW-Authenticate");
    }
  }

  /**
   * Removes the unsupported media types of a request body or response; false when none is left of a
   * body that had some.
   */
  private static boolean keepSupported(Object bodyOrResponse) {
    if (!(bodyOrResponse instanceof JsonObject o)
        || !(o.getValue("content") instanceof JsonObject content)) {
      return true;
    }
    content.fieldNames().removeIf(type -> !MediaType.isMediaTypeSupported(type));
    if (content.isEmpty()) {
      o.remove("content");
      return false;
    }
    return true;
  }
}
