package io.paybridge.testkit;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * What a {@link GatewaySimulator}'s route answers: status, headers and body, written by the
 * simulator so that injected latency can hold it back.
 *
 * @param status the HTTP status
 * @param headers the response headers (case-insensitive)
 * @param body the response body (empty for none)
 */
public record Answer(int status, MultiMap headers, Buffer body) {

  public Answer {
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(body, "body");
  }

  /** An answer with this content type and text body. */
  public static Answer of(int status, String contentType, String body) {
    return new Answer(
        status,
        MultiMap.caseInsensitiveMultiMap().add("Content-Type", contentType),
        Buffer.buffer(body));
  }

  /** An answer whose body is the text given, without a content type of its own. */
  public static Answer raw(int status, String body) {
    return new Answer(status, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer(body));
  }

  /** A JSON answer. */
  public static Answer json(int status, JsonObject body) {
    return of(status, "application/json", body.encode());
  }

  /** An answer without a body. */
  public static Answer empty(int status) {
    return new Answer(status, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer());
  }

  /** A copy with the header set, replacing any value it had. */
  public Answer withHeader(String name, String value) {
    return new Answer(
        status, MultiMap.caseInsensitiveMultiMap().addAll(headers).set(name, value), body);
  }

  /** A copy with the header set unless the answer already has it. */
  public Answer withDefaultHeader(String name, String value) {
    return headers.contains(name) ? this : withHeader(name, value);
  }
}
