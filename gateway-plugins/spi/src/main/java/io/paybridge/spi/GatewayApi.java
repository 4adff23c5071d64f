package io.paybridge.spi;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * One gateway's REST API as a plugin calls it: a base URL and a total timeout per call from the
 * platform's settings (so tests and staging point it at a simulator), answers that must be JSON
 * objects, and the account credentials a call cannot be made without. Calls go through {@link
 * GatewayHttp}: every non-2xx answer fails with a {@link GatewayApiException} carrying the
 * gateway's status, and what cannot be fixed by trying again (a 2xx that is not a JSON object, a
 * missing credential) fails with a {@link PermanentGatewayException}.
 */
public final class GatewayApi {

  private final GatewayHttp http;
  private final String gatewayId;
  private final String gatewayName;
  private final String base;
  private final long timeoutMs;

  /**
   * @param gatewayId the plugin's id, which failures carry
   * @param gatewayName the gateway as reasons name it, e.g. {@code Stripe}
   * @param base the API's base URL, without a trailing slash
   * @param timeoutMs total time one call may take
   */
  public GatewayApi(
      GatewayHttp http, String gatewayId, String gatewayName, String base, long timeoutMs) {
    this.http = http;
    this.gatewayId = gatewayId;
    this.gatewayName = gatewayName;
    this.base = base;
    this.timeoutMs = timeoutMs;
  }

  /**
   * The API as the settings configure it: the base URL from {@code baseSetting} (else {@code
   * defaultBase}), the timeout in milliseconds from {@code timeoutSetting} (else {@link
   * GatewayHttp#DEFAULT_TIMEOUT_MS}).
   *
   * @throws IllegalArgumentException naming the setting that is not a URL or a positive number
   */
  public static GatewayApi fromSettings(
      PluginContext context,
      String gatewayId,
      String gatewayName,
      String baseSetting,
      String defaultBase,
      String timeoutSetting) {
    String base = context.urlSetting(baseSetting, defaultBase);
    long timeoutMs = context.millisSetting(timeoutSetting, GatewayHttp.DEFAULT_TIMEOUT_MS);
    return new GatewayApi(
        new GatewayHttp(context.vertx(), gatewayId), gatewayId, gatewayName, base, timeoutMs);
  }

  /** The base URL calls go to. */
  public String base() {
    return base;
  }

  /** The total time one call may take, in milliseconds. */
  public long timeoutMs() {
    return timeoutMs;
  }

  /**
   * One call to {@code base + pathAndQuery}; the answer must be a JSON object.
   *
   * @param body the request body, or {@code null}
   */
  public Future<JsonObject> call(
      String operation,
      HttpMethod method,
      String pathAndQuery,
      Map<String, String> headers,
      Buffer body) {
    return http.send(operation, method, base + pathAndQuery, headers, body, timeoutMs)
        .map(
            response -> {
              try {
                return Json.object(response.body());
              } catch (MalformedWebhookException e) {
                throw permanent(
                    operation,
                    gatewayName + " answered HTTP " + response.status() + " without a JSON object");
              }
            });
  }

  /**
   * The account's value of a credential a call needs, or a failure naming the missing field before
   * anything is sent: {@code the Stripe account has no 'apiKey': <howToAdd>}.
   *
   * @param howToAdd what the tenant must add, e.g. {@code add a secret (sk_) API key to its
   *     credentials}
   */
  public Future<String> credential(
      Credentials credentials, String field, String operation, String howToAdd) {
    String value = credentials.get(field);
    if (value == null || value.isBlank()) {
      return Future.failedFuture(
          permanent(
              operation, "the " + gatewayName + " account has no '" + field + "': " + howToAdd));
    }
    return Future.succeededFuture(value);
  }

  /** A failure of {@code operation} that trying again cannot fix. */
  public PermanentGatewayException permanent(String operation, String detail) {
    return new PermanentGatewayException(gatewayId, operation, detail);
  }
}
