package io.paybridge.gateway.googleplay;

import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * One Google Play real-time developer notification as Cloud Pub/Sub pushes it: the push envelope
 * {@code {"message":{"data","messageId","publishTime","attributes"},"subscription"}} with the
 * notification itself base64-encoded (standard or URL-safe alphabet, padded or not) in {@code
 * message.data}.
 *
 * <p>Decoding is pure and deterministic, so {@code parse} and {@code resolve} can each decode the
 * same delivery and agree.
 *
 * @param messageId Pub/Sub's id of the message: the receipt's dedupe key (Pub/Sub redelivers a
 *     message with the same id until it is acknowledged)
 * @param subscription the Pub/Sub subscription that pushed it, if sent
 * @param packageName the app the notification is about
 * @param eventTime when Google says the event happened ({@code eventTimeMillis})
 * @param kind which of the notification members is set
 * @param type the member's {@code notificationType}; 0 for voided purchases and tests
 * @param purchaseToken the purchase token, for subscription, one-time and voided notifications
 * @param productId the subscription id or the one-time product's {@code sku}, when sent
 * @param orderId the voided order's id, for voided purchases
 * @param productType for voided purchases: 1 subscription, 2 one-time product
 * @param refundType for voided purchases: 1 full refund, 2 quantity-based partial refund
 * @param otherMembers for {@link Kind#OTHER}: the names of the notification's members this plugin
 *     does not know, comma-separated (empty when there are none)
 */
record PlayNotification(
    String messageId,
    String subscription,
    String packageName,
    Instant eventTime,
    Kind kind,
    int type,
    String purchaseToken,
    String productId,
    String orderId,
    int productType,
    int refundType,
    String otherMembers) {

  /** Which notification member a delivery carries. */
  enum Kind {
    SUBSCRIPTION,
    ONE_TIME_PRODUCT,
    VOIDED_PURCHASE,
    TEST,
    /** A member this plugin does not know (pending refund reviews, future kinds). */
    OTHER
  }

  static final int SUBSCRIPTION_RECOVERED = 1;
  static final int SUBSCRIPTION_RENEWED = 2;
  static final int SUBSCRIPTION_CANCELED = 3;
  static final int SUBSCRIPTION_PURCHASED = 4;
  static final int SUBSCRIPTION_REVOKED = 12;
  static final int SUBSCRIPTION_EXPIRED = 13;
  static final int SUBSCRIPTION_ITEMS_CHANGED = 17;
  static final int ONE_TIME_PRODUCT_PURCHASED = 1;
  static final int ONE_TIME_PRODUCT_CANCELED = 2;
  static final int VOIDED_PRODUCT_TYPE_SUBSCRIPTION = 1;
  static final int VOIDED_PRODUCT_TYPE_ONE_TIME = 2;
  static final int REFUND_TYPE_FULL = 1;
  static final int REFUND_TYPE_PARTIAL = 2;

  /** Names of the subscription notification types, as Google's reference lists them. */
  private static final Map<Integer, String> SUBSCRIPTION_TYPES =
      Map.ofEntries(
          Map.entry(1, "SUBSCRIPTION_RECOVERED"),
          Map.entry(2, "SUBSCRIPTION_RENEWED"),
          Map.entry(3, "SUBSCRIPTION_CANCELED"),
          Map.entry(4, "SUBSCRIPTION_PURCHASED"),
          Map.entry(5, "SUBSCRIPTION_ON_HOLD"),
          Map.entry(6, "SUBSCRIPTION_IN_GRACE_PERIOD"),
          Map.entry(7, "SUBSCRIPTION_RESTARTED"),
          Map.entry(8, "SUBSCRIPTION_PRICE_CHANGE_CONFIRMED"),
          Map.entry(9, "SUBSCRIPTION_DEFERRED"),
          Map.entry(10, "SUBSCRIPTION_PAUSED"),
          Map.entry(11, "SUBSCRIPTION_PAUSE_SCHEDULE_CHANGED"),
          Map.entry(12, "SUBSCRIPTION_REVOKED"),
          Map.entry(13, "SUBSCRIPTION_EXPIRED"),
          Map.entry(17, "SUBSCRIPTION_ITEMS_CHANGED"),
          Map.entry(18, "SUBSCRIPTION_CANCELLATION_SCHEDULED"),
          Map.entry(19, "SUBSCRIPTION_PRICE_CHANGE_UPDATED"),
          Map.entry(20, "SUBSCRIPTION_PENDING_PURCHASE_CANCELED"),
          Map.entry(22, "SUBSCRIPTION_PRICE_STEP_UP_CONSENT_UPDATED"));

  /** The members of a developer notification that are not a notification of their own. */
  private static final java.util.Set<String> ENVELOPE_MEMBERS =
      java.util.Set.of("version", "packageName", "eventTimeMillis");

  private static final Map<Integer, String> ONE_TIME_TYPES =
      Map.of(1, "ONE_TIME_PRODUCT_PURCHASED", 2, "ONE_TIME_PRODUCT_CANCELED");

  /** The decoded notification is never larger than this (real ones are a few hundred bytes). */
  private static final int MAX_DATA_BYTES = 64 * 1024;

  /** The names of the documented subscription notification types, by number. */
  static Map<Integer, String> subscriptionTypes() {
    return SUBSCRIPTION_TYPES;
  }

  /** The names of the documented one-time product notification types, by number. */
  static Map<Integer, String> oneTimeTypes() {
    return ONE_TIME_TYPES;
  }

  /** Whether Google documents this notification's type (a name of its own, not a number). */
  boolean documented() {
    return switch (kind) {
      case SUBSCRIPTION -> SUBSCRIPTION_TYPES.containsKey(type);
      case ONE_TIME_PRODUCT -> ONE_TIME_TYPES.containsKey(type);
      case VOIDED_PURCHASE, TEST -> true;
      case OTHER -> false;
    };
  }

  /** The notification's type as a name, e.g. {@code SUBSCRIPTION_PURCHASED}: the event type. */
  String typeName() {
    return switch (kind) {
      case SUBSCRIPTION ->
          SUBSCRIPTION_TYPES.getOrDefault(type, "SUBSCRIPTION_NOTIFICATION_" + type);
      case ONE_TIME_PRODUCT ->
          ONE_TIME_TYPES.getOrDefault(type, "ONE_TIME_PRODUCT_NOTIFICATION_" + type);
      case VOIDED_PURCHASE -> "VOIDED_PURCHASE";
      case TEST -> "TEST_NOTIFICATION";
      case OTHER -> "UNKNOWN_NOTIFICATION";
    };
  }

  /**
   * Decodes a push body.
   *
   * @throws MalformedWebhookException naming what is missing or of the wrong type
   */
  static PlayNotification decode(Buffer body) {
    JsonObject push = Json.object(body);
    JsonObject message = Json.requireObject(push, "message");
    String messageId = Json.optString(message, "messageId");
    if (messageId == null || messageId.isBlank()) {
      messageId = Json.optString(message, "message_id");
    }
    if (messageId == null || messageId.isBlank()) {
      throw new MalformedWebhookException("'message.messageId' is missing");
    }
    String subscription = Json.optString(push, "subscription");
    JsonObject notification = notification(Json.requireString(message, "data"));
    String packageName = Json.requireString(notification, "packageName");
    Instant eventTime = eventTime(notification);

    JsonObject sub = Json.optObject(notification, "subscriptionNotification");
    JsonObject oneTime = Json.optObject(notification, "oneTimeProductNotification");
    JsonObject voided = Json.optObject(notification, "voidedPurchaseNotification");
    JsonObject test = Json.optObject(notification, "testNotification");
    int members =
        (sub == null ? 0 : 1)
            + (oneTime == null ? 0 : 1)
            + (voided == null ? 0 : 1)
            + (test == null ? 0 : 1);
    if (members > 1) {
      throw new MalformedWebhookException("the notification carries more than one notification");
    }
    if (sub != null) {
      return new PlayNotification(
          messageId,
          subscription,
          packageName,
          eventTime,
          Kind.SUBSCRIPTION,
          intField(sub, "subscriptionNotification.notificationType"),
          Json.requireString(sub, "purchaseToken"),
          Json.optString(sub, "subscriptionId"),
          null,
          0,
          0,
          "");
    }
    if (oneTime != null) {
      return new PlayNotification(
          messageId,
          subscription,
          packageName,
          eventTime,
          Kind.ONE_TIME_PRODUCT,
          intField(oneTime, "oneTimeProductNotification.notificationType"),
          Json.requireString(oneTime, "purchaseToken"),
          Json.requireString(oneTime, "sku"),
          null,
          0,
          0,
          "");
    }
    if (voided != null) {
      return new PlayNotification(
          messageId,
          subscription,
          packageName,
          eventTime,
          Kind.VOIDED_PURCHASE,
          0,
          Json.requireString(voided, "purchaseToken"),
          null,
          Json.requireString(voided, "orderId"),
          intField(voided, "voidedPurchaseNotification.productType"),
          intField(voided, "voidedPurchaseNotification.refundType"),
          "");
    }
    String others =
        notification.fieldNames().stream()
            .filter(name -> !ENVELOPE_MEMBERS.contains(name))
            .filter(name -> name.length() <= 64 && name.matches("[A-Za-z0-9_]+"))
            .sorted()
            .limit(5)
            .collect(java.util.stream.Collectors.joining(", "));
    return new PlayNotification(
        messageId,
        subscription,
        packageName,
        eventTime,
        test != null ? Kind.TEST : Kind.OTHER,
        0,
        null,
        null,
        null,
        0,
        0,
        test != null ? "" : others);
  }

  private static JsonObject notification(String data) {
    byte[] bytes;
    try {
      bytes =
          data.indexOf('-') >= 0 || data.indexOf('_') >= 0
              ? Base64.getUrlDecoder().decode(data)
              : Base64.getDecoder().decode(data);
    } catch (IllegalArgumentException e) {
      throw new MalformedWebhookException("'message.data' is not base64");
    }
    if (bytes.length > MAX_DATA_BYTES) {
      throw new MalformedWebhookException("'message.data' is larger than a notification");
    }
    try {
      Object value = io.vertx.core.json.Json.decodeValue(new String(bytes, StandardCharsets.UTF_8));
      if (value instanceof JsonObject object) {
        return object;
      }
    } catch (DecodeException e) {
      // reported below
    }
    throw new MalformedWebhookException("'message.data' does not decode to a JSON object");
  }

  /** {@code eventTimeMillis}, which Google documents as a long and sends as a decimal string. */
  private static Instant eventTime(JsonObject notification) {
    Object value = notification.getValue("eventTimeMillis");
    long millis;
    if (value instanceof String text && text.matches("\\d{1,18}")) {
      millis = Long.parseLong(text);
    } else if (value instanceof Integer || value instanceof Long) {
      millis = ((Number) value).longValue();
    } else {
      throw new MalformedWebhookException(
          value == null
              ? "'eventTimeMillis' is missing"
              : "'eventTimeMillis' should be milliseconds since 1970");
    }
    try {
      return Instant.ofEpochMilli(millis);
    } catch (DateTimeException e) {
      throw new MalformedWebhookException("'eventTimeMillis' is out of range");
    }
  }

  private static int intField(JsonObject member, String path) {
    String field = path.substring(path.indexOf('.') + 1);
    Object value = member.getValue(field);
    if (value instanceof Integer i) {
      return i;
    }
    throw new MalformedWebhookException(
        value == null
            ? "'" + path + "' is missing"
            : "'" + path + "' should be a whole number but is " + Json.kindOf(value));
  }
}
