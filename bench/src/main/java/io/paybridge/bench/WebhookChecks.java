package io.paybridge.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;

/** What the benchmark's receiver checks of each Standard Webhooks request it is sent. */
final class WebhookChecks {

  private WebhookChecks() {}

  /** Whether the {@code webhook-timestamp} is present and within {@code tolerance} of now. */
  static boolean fresh(String timestamp, Duration tolerance) {
    if (timestamp == null) {
      return false;
    }
    try {
      long skew = Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(timestamp));
      return skew <= tolerance.toSeconds();
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * Whether any of the space-separated {@code v1,<base64>} signatures is the HMAC of {@code
   * id.timestamp.body}, compared in constant time.
   */
  static boolean verified(Mac mac, String id, String timestamp, String signatures, Buffer body) {
    mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
    byte[] expected = mac.doFinal(body.getBytes());
    for (String candidate : signatures.split(" ")) {
      if (!candidate.startsWith("v1,")) {
        continue;
      }
      byte[] given;
      try {
        given = Base64.getDecoder().decode(candidate.substring(3));
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (MessageDigest.isEqual(expected, given)) {
        return true;
      }
    }
    return false;
  }

  /** The event's own id is the header's, and it is addressed to the endpoint's tenant. */
  static boolean namesItself(Buffer body, String id, String tenantId) {
    try {
      JsonObject event = body.toJsonObject();
      return id.equals(event.getString("id")) && tenantId.equals(event.getString("tenantId"));
    } catch (DecodeException | ClassCastException e) {
      return false;
    }
  }
}
