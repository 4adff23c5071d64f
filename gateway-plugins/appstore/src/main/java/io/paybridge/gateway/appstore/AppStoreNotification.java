package io.paybridge.gateway.appstore;

import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * An App Store Server Notification V2 as the plugin reads it: its identity, when Apple signed it,
 * and the payloads of its signed transaction and renewal infos. Decoding reads; {@link
 * AppStoreCheck} is what verifies.
 *
 * @param uuid {@code notificationUUID}, the receipt's dedupe key
 * @param type {@code notificationType}
 * @param subtype {@code subtype}, or {@code null}
 * @param signedDate when Apple signed the notification: the time of what it books
 * @param transaction the payload of {@code data.signedTransactionInfo}, or {@code null}
 * @param renewal the payload of {@code data.signedRenewalInfo}, or {@code null}
 */
record AppStoreNotification(
    String uuid,
    String type,
    String subtype,
    Instant signedDate,
    JsonObject transaction,
    JsonObject renewal) {

  static final String SIGNED_TRANSACTION = "signedTransactionInfo";
  static final String SIGNED_RENEWAL = "signedRenewalInfo";

  private static final String AUTO_RENEWABLE = "Auto-Renewable Subscription";
  private static final String FAMILY_SHARED = "FAMILY_SHARED";

  /**
   * Reads a delivery's body without verifying it.
   *
   * @throws MalformedWebhookException when the body is not a notification
   */
  static AppStoreNotification decode(Buffer body) {
    try {
      JsonObject payload = AppleSignedData.payloadOf(signedPayload(body), "signedPayload");
      String uuid = Json.requireString(payload, "notificationUUID");
      String type = Json.requireString(payload, "notificationType");
      String subtype = Json.optString(payload, "subtype");
      Instant signedDate = AppleSignedData.signedDate(payload, "signedPayload");
      JsonObject data = Json.optObject(payload, "data");
      return new AppStoreNotification(
          uuid,
          type,
          subtype == null || subtype.isBlank() ? null : subtype,
          signedDate,
          data == null ? null : signedInfo(data, SIGNED_TRANSACTION),
          data == null ? null : signedInfo(data, SIGNED_RENEWAL));
    } catch (SignedDataException e) {
      throw new MalformedWebhookException(e.getMessage());
    }
  }

  private static JsonObject signedInfo(JsonObject data, String field) throws SignedDataException {
    Object token = data.getValue(field);
    return token == null
        ? null
        : AppleSignedData.payloadOf(AppleSignedData.token(token, field), field);
  }

  /** The compact JWS of a body {@code {"signedPayload": "<JWS>"}}. */
  static String signedPayload(Buffer body) throws SignedDataException {
    Object value;
    try {
      value = io.vertx.core.json.Json.decodeValue(body);
    } catch (DecodeException e) {
      throw new SignedDataException("body is not JSON");
    }
    if (!(value instanceof JsonObject object)) {
      throw new SignedDataException("body is not a JSON object");
    }
    return AppleSignedData.token(object.getValue("signedPayload"), "signedPayload");
  }

  /** This notification about another rendering of its transaction (the API's). */
  AppStoreNotification withTransaction(JsonObject other) {
    return new AppStoreNotification(uuid, type, subtype, signedDate, other, renewal);
  }

  JsonObject requireTransaction() {
    if (transaction == null) {
      throw new MalformedWebhookException("data.signedTransactionInfo is missing");
    }
    return transaction;
  }

  /** Whether the transaction names its price and currency (both, or it cannot be booked). */
  boolean hasPrice() {
    return transaction.getValue("price") != null && transaction.getValue("currency") != null;
  }

  boolean familyShared() {
    return FAMILY_SHARED.equals(Json.optString(transaction, "inAppOwnershipType"));
  }

  /** The subscription id, for transactions of auto-renewable subscriptions only. */
  String subscriptionId() {
    if (!AUTO_RENEWABLE.equals(Json.optString(transaction, "type"))) {
      return null;
    }
    return Json.requireString(transaction, "originalTransactionId");
  }

  String customerRef() {
    String token = Json.optString(transaction, "appAccountToken");
    if ((token == null || token.isBlank()) && renewal != null) {
      token = Json.optString(renewal, "appAccountToken");
    }
    return token;
  }

  /** Books nothing, saying why. */
  ParsedWebhook ignored(String reason) {
    return ParsedWebhook.ignored(uuid, type, reason);
  }

  /** Kept until the tenant fixes what {@code hold} names, saying why. */
  ParsedWebhook held(String hold, String reason) {
    return ParsedWebhook.held(uuid, type, hold, reason);
  }
}
