package io.paybridge.gateway.googleplay;

import static io.paybridge.gateway.googleplay.GooglePlayPlugin.AUTHORIZATION_HEADER;
import static io.paybridge.gateway.googleplay.GooglePlayPlugin.PACKAGE_NAME;
import static io.paybridge.gateway.googleplay.GooglePlayPlugin.PUSH_AUDIENCE;
import static io.paybridge.gateway.googleplay.GooglePlayPlugin.PUSH_SERVICE_ACCOUNT_EMAIL;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.RejectionCause;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;

/**
 * Whether a Pub/Sub push is the account's: a notification for its package and, when the account has
 * push authentication, a {@code Bearer} ID token Google signed for its audience and push service
 * account ({@link PushTokenVerifier}). Without push authentication nothing proves the sender, and
 * {@link GooglePlayPlugin#resolve} re-reads everything from the Play Developer API.
 */
final class PlayPushCheck {

  private static final String BEARER = "bearer ";

  private PlayPushCheck() {}

  /**
   * The verdict on a push.
   *
   * @param tokens the verifier of Google's ID tokens; {@code null} before the plugin's init, when a
   *     push that carries a token is refused
   * @param requirePushAuth whether an account without push authentication is refused (the platform
   *     in production)
   */
  static Future<Verdict> check(
      WebhookRequest request,
      Credentials credentials,
      PushTokenVerifier tokens,
      boolean requirePushAuth) {
    String packageName = credentials.get(PACKAGE_NAME);
    if (packageName == null) {
      return rejected("the account has no packageName");
    }
    String audience = credentials.get(PUSH_AUDIENCE);
    String email = credentials.get(PUSH_SERVICE_ACCOUNT_EMAIL);
    String token = null;
    if (requirePushAuth && audience == null && email == null) {
      return rejected(
          "the account has no push authentication (pushAudience and pushServiceAccountEmail),"
              + " which this platform requires: without it anyone who knows the webhook URL can"
              + " send notifications in the app's name");
    }
    if (audience != null || email != null) {
      if (audience == null || email == null) {
        return rejected(
            "push authentication is half configured (pushAudience and pushServiceAccountEmail"
                + " go together); refusing every push until both are set");
      }
      String header = request.header(AUTHORIZATION_HEADER);
      if (header == null || header.isBlank()) {
        return Future.succeededFuture(
            Verdict.rejected(
                RejectionCause.UNSIGNED,
                "no Authorization header, but the account requires push authentication"));
      }
      if (header.length() <= BEARER.length()
          || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
        return rejected("the Authorization header is not 'Bearer <token>'");
      }
      token = header.substring(BEARER.length());
    }
    PlayNotification notification;
    try {
      notification = PlayNotification.decode(request.body());
    } catch (MalformedWebhookException e) {
      return rejected("the body is not a Pub/Sub push of a Play notification: " + e.getMessage());
    }
    if (!notification.packageName().equals(packageName)) {
      return Future.succeededFuture(
          Verdict.rejected(
              RejectionCause.WRONG_ACCOUNT,
              "the notification is for package '"
                  + notification.packageName()
                  + "', the account is for '"
                  + packageName
                  + "'"));
    }
    if (token == null) {
      // Push authentication is not configured: nothing to check; resolve re-reads everything.
      return Future.succeededFuture(Verdict.ok());
    }
    if (tokens == null) {
      return rejected("the plugin was not initialized, so Google's keys are unavailable");
    }
    return tokens.verify(token, audience, email, request.receivedAt());
  }

  private static Future<Verdict> rejected(String reason) {
    return Future.succeededFuture(Verdict.rejected(reason));
  }
}
