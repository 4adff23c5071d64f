package io.paybridge.gateway.paypal;

import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.PermanentGatewayException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.logging.Logger;

/**
 * PayPal's error answer as the Orders API sends it: {@code {"name": "UNPROCESSABLE_ENTITY",
 * "message": …, "debug_id": …, "details": [{"issue": "ORDER_NOT_APPROVED", "description": …}]}}.
 * The issue is what a merchant acts on; the debug id is what PayPal's support asks for.
 *
 * @param name the error's name, e.g. {@code UNPROCESSABLE_ENTITY}
 * @param issue the first detail's issue, or the name when there are no details
 * @param description the first detail's description, or the message
 * @param debugId PayPal's id of the failed call, or {@code null}
 */
record PayPalError(String name, String issue, String description, String debugId) {

  private static final Logger LOG = Logger.getLogger(PayPalError.class.getName());

  /** The error in a failed call's answer, or {@code null} when the answer is not PayPal's error. */
  static PayPalError of(Throwable failure) {
    if (!(failure instanceof GatewayApiException e)
        || failure instanceof PermanentGatewayException
        || e.body() == null) {
      return null;
    }
    JsonObject body;
    try {
      body = new JsonObject(e.body());
    } catch (RuntimeException notJson) {
      return null;
    }
    String name = text(body.getValue("name"));
    if (name == null) {
      return null;
    }
    String issue = name;
    String description = text(body.getValue("message"));
    if (body.getValue("details") instanceof JsonArray details
        && !details.isEmpty()
        && details.getValue(0) instanceof JsonObject first) {
      issue = text(first.getValue("issue")) == null ? name : text(first.getValue("issue"));
      String said = text(first.getValue("description"));
      description = said == null ? description : said;
    }
    return new PayPalError(name, issue, description, text(body.getValue("debug_id")));
  }

  /** Whether the error is this issue. */
  boolean is(String wanted) {
    return wanted.equals(issue);
  }

  /** The issue and PayPal's words for it, with the debug id, for a tenant and for PayPal. */
  String describe() {
    return issue + ": " + explain();
  }

  /** PayPal's words for the issue, with the debug id, where the issue is said beside it. */
  String explain() {
    return (description == null ? issue : description)
        + (debugId == null ? "" : " (PayPal debug id " + debugId + ")");
  }

  /**
   * The failure a refused call ends in: PayPal's error restated as its issue and description, with
   * the HTTP status (so whether it may be retried is unchanged) and the whole answer kept; any
   * other failure as it is. Refusals are logged with PayPal's debug id.
   */
  static Throwable refusal(Throwable failure, String operation) {
    PayPalError error = of(failure);
    if (error == null) {
      return failure;
    }
    GatewayApiException e = (GatewayApiException) failure;
    LOG.warning(
        () -> "PayPal " + operation + " failed with HTTP " + e.status() + ": " + error.describe());
    return new GatewayApiException(
        PayPalPlugin.ID, operation, e.status(), error.describe(), e.body());
  }

  /** PayPal's id of an answered call, for the log; {@code -} when the answer has none. */
  static String debugId(GatewayHttp.Response response) {
    String id = response.headers().get("Paypal-Debug-Id");
    return id == null || id.isBlank() ? "-" : id;
  }

  private static String text(Object value) {
    return value instanceof String s && !s.isBlank() ? s : null;
  }
}
