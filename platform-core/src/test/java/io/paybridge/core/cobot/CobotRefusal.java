package io.paybridge.core.cobot;

import io.paybridge.testkit.Answer;
import io.vertx.core.json.JsonObject;

/**
 * Cobot refusing a request: thrown by the simulator's state classes where Cobot would answer an
 * error, and turned into that answer by {@link CobotSimulator}. It carries no stack trace.
 */
final class CobotRefusal extends RuntimeException {

  private final transient Answer answer;

  CobotRefusal(Answer answer) {
    super("Cobot answers " + answer.status(), null, false, false);
    this.answer = answer;
  }

  /** What Cobot answers instead. */
  Answer answer() {
    return answer;
  }

  /** {@code 404 {}}, Cobot's answer for an unknown resource. */
  static CobotRefusal notFound() {
    return new CobotRefusal(Answer.json(404, new JsonObject()));
  }

  /** {@code 422 {"errors":"…"}}, the string form payment records use. */
  static CobotRefusal invalid(String message) {
    return new CobotRefusal(Answer.json(422, new JsonObject().put("errors", message)));
  }

  /** {@code 422 {"errors":{"field":"…"}}}, the per-field form of Rails validations. */
  static CobotRefusal invalidField(String field, String message) {
    return new CobotRefusal(
        Answer.json(422, new JsonObject().put("errors", new JsonObject().put(field, message))));
  }

  /** {@code 400 {"error":…,"error_description":…}}. */
  static CobotRefusal badRequest(String error, String description) {
    return new CobotRefusal(
        Answer.json(
            400, new JsonObject().put("error", error).put("error_description", description)));
  }

  /** {@code 403 {"error":…,"error_description":…}}. */
  static CobotRefusal forbidden(String error, String description) {
    return new CobotRefusal(
        Answer.json(
            403, new JsonObject().put("error", error).put("error_description", description)));
  }
}
