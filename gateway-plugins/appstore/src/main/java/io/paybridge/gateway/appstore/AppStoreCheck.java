package io.paybridge.gateway.appstore;

import static io.paybridge.gateway.appstore.AppStoreNotification.SIGNED_RENEWAL;
import static io.paybridge.gateway.appstore.AppStoreNotification.SIGNED_TRANSACTION;
import static io.paybridge.gateway.appstore.AppStorePlugin.MAX_AGE;
import static io.paybridge.gateway.appstore.AppStorePlugin.MAX_BODY;
import static io.paybridge.gateway.appstore.AppStorePlugin.MAX_CLOCK_SKEW;

import io.paybridge.gateway.appstore.AppStorePlugin.Account;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether a delivery is an App Store notification for the account: a {@code signedPayload} Apple
 * signed ({@link AppleSignedData}), fresh by its {@code signedDate}, naming the account's app and
 * environment, with signed transaction and renewal infos that verify the same way and name the same
 * app and environment.
 */
final class AppStoreCheck {

  private AppStoreCheck() {}

  /**
   * Checks a delivery as the class comment says.
   *
   * @throws SignedDataException saying what does not hold
   */
  static void check(AppleSignedData verifier, WebhookRequest request, Account account)
      throws SignedDataException {
    if (request.body().length() > MAX_BODY) {
      throw new SignedDataException(
          "body is " + request.body().length() + " bytes, more than a notification carries");
    }
    String token = AppStoreNotification.signedPayload(request.body());
    AppleSignedData.Verified notification = verifier.verify(token, "signedPayload");
    JsonObject payload = notification.payload();
    Instant signedDate = notification.signedDate();
    Duration age = Duration.between(signedDate, request.receivedAt());
    if (age.compareTo(MAX_AGE) > 0) {
      throw new SignedDataException(
          "signedPayload was signed at " + signedDate + ", more than " + MAX_AGE + " ago");
    }
    if (age.negated().compareTo(MAX_CLOCK_SKEW) > 0) {
      throw new SignedDataException(
          "signedPayload was signed at " + signedDate + ", in the future of its receipt");
    }
    requireText(payload, "notificationType");
    requireText(payload, "notificationUUID");
    JsonObject data = payload.getValue("data") instanceof JsonObject o ? o : null;
    if (data != null) {
      account.checkApp(data, "data", true, true);
    } else if (payload.getValue("summary") instanceof JsonObject summary) {
      account.checkApp(summary, "summary", true, true);
    } else if (payload.getValue("externalPurchaseToken") instanceof JsonObject purchaseToken) {
      account.checkApp(purchaseToken, "externalPurchaseToken", false, true);
    } else if (payload.getValue("appData") instanceof JsonObject appData) {
      account.checkApp(appData, "appData", true, true);
    } else {
      throw new SignedDataException(
          "signedPayload names no app (no data, summary, externalPurchaseToken or appData)");
    }
    if (data == null) {
      return;
    }
    Object transaction = data.getValue(SIGNED_TRANSACTION);
    if (transaction != null) {
      transaction(verifier, transaction, account);
    }
    renewal(verifier, data.getValue(SIGNED_RENEWAL), account);
  }

  /**
   * The payload of a {@code signedTransactionInfo}, verified and checked to name the account's app
   * and environment.
   *
   * @throws SignedDataException saying what does not hold
   */
  static JsonObject transaction(AppleSignedData verifier, Object token, Account account)
      throws SignedDataException {
    JsonObject transaction = verifier.verifyMember(token, SIGNED_TRANSACTION);
    account.checkApp(transaction, SIGNED_TRANSACTION, true, false);
    return transaction;
  }

  /**
   * Checks a {@code signedRenewalInfo}, when there is one: verified, and of the account's
   * environment.
   *
   * @throws SignedDataException saying what does not hold
   */
  static void renewal(AppleSignedData verifier, Object token, Account account)
      throws SignedDataException {
    if (token != null) {
      account.checkEnvironment(verifier.verifyMember(token, SIGNED_RENEWAL), SIGNED_RENEWAL);
    }
  }

  private static void requireText(JsonObject payload, String field) throws SignedDataException {
    AppleSignedData.token(payload.getValue(field), "signedPayload " + field);
  }
}
