package io.paybridge.gateway.appstore;

import static io.paybridge.gateway.appstore.AppStoreNotification.SIGNED_RENEWAL;
import static io.paybridge.gateway.appstore.AppStoreNotification.SIGNED_TRANSACTION;

import io.paybridge.gateway.appstore.AppStorePlugin.Account;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.InvalidCredentialsException;
import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Renewals.SubscriptionState;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The part of the App Store Server API the plugin calls: a transaction ({@code GET
 * /inApps/v1/transactions/{transactionId}}) and a subscription's status ({@code GET
 * /inApps/v1/subscriptions/{originalTransactionId}}).
 *
 * <p>Every call carries a bearer token the account's In-App Purchase key signs for the account's
 * app ({@link AppStoreApiKey}), goes to the API of the account's environment (or to the base the
 * operator configured), and has a total timeout; every non-2xx answer becomes a {@link
 * GatewayApiException} with Apple's status. Apple signs what the API answers like a notification:
 * the signed transaction and renewal infos are verified with {@link AppleSignedData} and must name
 * the account's app, environment and the asked-for transaction, else the call fails with a {@link
 * GatewayApiException} saying why.
 */
final class AppStoreApi {

  static final String SUBSCRIPTION_STATUS = "get subscription status";

  static final String TRANSACTION_INFO = "get transaction info";

  /** What an App Store transaction id looks like; anything else never goes into a URL path. */
  static final Pattern TRANSACTION_ID = Pattern.compile("[0-9A-Za-z-]{1,64}");

  /** App Store Server API status of an active subscription. */
  private static final int STATUS_ACTIVE = 1;

  private final GatewayHttp http;
  private final AppleSignedData signedData;
  private final Clock clock;
  private final String baseOverride;
  private final long timeoutMs;

  /**
   * @param baseOverride the API base for both environments, or {@code null} for Apple's
   * @param timeoutMs total time one call may take
   */
  AppStoreApi(
      GatewayHttp http,
      AppleSignedData signedData,
      Clock clock,
      String baseOverride,
      long timeoutMs) {
    this.http = http;
    this.signedData = signedData;
    this.clock = clock;
    this.baseOverride = baseOverride;
    this.timeoutMs = timeoutMs;
  }

  /** The API base for an account: the override, else by environment. */
  String base(Account account) {
    if (baseOverride != null) {
      return baseOverride;
    }
    return account.production()
        ? AppStorePlugin.PRODUCTION_API_BASE
        : AppStorePlugin.SANDBOX_API_BASE;
  }

  /**
   * A transaction as the API reports it, its signed transaction info verified like a notification's
   * and checked to be the account's app and that transaction. Fails, before any call, with an
   * {@link InvalidCredentialsException} when the account's In-App Purchase key is missing or does
   * not parse, and with a {@link MalformedWebhookException} when the id is not a transaction id.
   */
  Future<JsonObject> transaction(Credentials credentials, String transactionId) {
    return access(credentials)
        .compose(
            access -> {
              if (!TRANSACTION_ID.matcher(transactionId).matches()) {
                return Future.failedFuture(
                    new MalformedWebhookException(
                        "'" + transactionId + "' is not a transaction id"));
              }
              return get(TRANSACTION_INFO, "/inApps/v1/transactions/" + transactionId, access)
                  .compose(
                      response ->
                          verified(
                              TRANSACTION_INFO,
                              response,
                              body -> transactionOf(body, transactionId, access.account())));
            });
  }

  /**
   * A subscription's status, its signed transaction and renewal info verified like a
   * notification's. Active means status 1; a subscription in its billing grace period (status 4) is
   * reported inactive, with the period end that has passed. Fails, before any call, with an {@link
   * IllegalArgumentException} when the id is not an original transaction id, and with an {@link
   * InvalidCredentialsException} naming the first missing field when the account has no In-App
   * Purchase key.
   */
  Future<SubscriptionState> subscription(String originalTransactionId, Credentials credentials) {
    if (originalTransactionId == null || !TRANSACTION_ID.matcher(originalTransactionId).matches()) {
      return Future.failedFuture(
          new IllegalArgumentException("not an App Store original transaction id"));
    }
    return access(credentials)
        .compose(
            access ->
                get(
                        SUBSCRIPTION_STATUS,
                        "/inApps/v1/subscriptions/" + originalTransactionId,
                        access)
                    .compose(
                        response ->
                            verified(
                                SUBSCRIPTION_STATUS,
                                response,
                                body ->
                                    subscriptionState(
                                        body, originalTransactionId, access.account()))));
  }

  /** The account a call is for, and the In-App Purchase key that signs its tokens. */
  private record Access(Account account, AppStoreApiKey key) {}

  /** The account's access, or a failed future naming what is missing or unusable. */
  private static Future<Access> access(Credentials credentials) {
    try {
      return Future.succeededFuture(
          new Access(Account.of(credentials), AppStoreApiKey.of(credentials)));
    } catch (InvalidCredentialsException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<GatewayHttp.Response> get(String operation, String path, Access access) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(
        "Authorization",
        "Bearer " + access.key().token(access.account().bundleId(), clock.instant()));
    headers.put("Accept", "application/json");
    return http.send(
        operation, HttpMethod.GET, base(access.account()) + path, headers, null, timeoutMs);
  }

  /** What an answer's body says once verified; a failed check names what Apple got wrong. */
  private interface Reading<T> {
    T read(Buffer body) throws SignedDataException;
  }

  private static <T> Future<T> verified(
      String operation, GatewayHttp.Response response, Reading<T> reading) {
    try {
      return Future.succeededFuture(reading.read(response.body()));
    } catch (SignedDataException e) {
      return Future.failedFuture(
          new GatewayApiException(AppStorePlugin.ID, operation, response.status(), e.getMessage()));
    }
  }

  private JsonObject transactionOf(Buffer body, String transactionId, Account account)
      throws SignedDataException {
    JsonObject transaction =
        AppStoreCheck.transaction(signedData, answer(body).getValue(SIGNED_TRANSACTION), account);
    if (!transactionId.equals(transaction.getValue("transactionId"))) {
      throw new SignedDataException(
          "signedTransactionInfo is about another transaction than " + transactionId);
    }
    return transaction;
  }

  private SubscriptionState subscriptionState(
      Buffer body, String originalTransactionId, Account account) throws SignedDataException {
    JsonObject answer = answer(body);
    Object bundle = answer.getValue("bundleId");
    if (bundle != null && !account.bundleId().equals(bundle)) {
      throw new SignedDataException("the answer is about another app: " + bundle);
    }
    JsonObject last = lastTransaction(answer, originalTransactionId);
    Object status = last.getValue("status");
    if (!(status instanceof Integer || status instanceof Long)) {
      throw new SignedDataException("the subscription's status is not a number");
    }
    JsonObject transaction =
        AppStoreCheck.transaction(signedData, last.getValue(SIGNED_TRANSACTION), account);
    if (!originalTransactionId.equals(transaction.getValue("originalTransactionId"))) {
      throw new SignedDataException(
          "signedTransactionInfo is about another subscription than " + originalTransactionId);
    }
    AppStoreCheck.renewal(signedData, last.getValue(SIGNED_RENEWAL), account);
    return new SubscriptionState(
        originalTransactionId,
        ((Number) status).longValue() == STATUS_ACTIVE,
        expiresDate(transaction));
  }

  private static JsonObject answer(Buffer body) throws SignedDataException {
    try {
      return new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw new SignedDataException("the answer is not a JSON object");
    }
  }

  /** The {@code lastTransactions} item of the subscription, from any subscription group. */
  private static JsonObject lastTransaction(JsonObject answer, String originalTransactionId)
      throws SignedDataException {
    if (!(answer.getValue("data") instanceof JsonArray groups)) {
      throw new SignedDataException("the answer has no data array");
    }
    for (Object group : groups) {
      if (group instanceof JsonObject g && g.getValue("lastTransactions") instanceof JsonArray l) {
        for (Object item : l) {
          if (item instanceof JsonObject last
              && originalTransactionId.equals(last.getValue("originalTransactionId"))) {
            return last;
          }
        }
      }
    }
    throw new SignedDataException(
        "the answer has no status for subscription " + originalTransactionId);
  }

  /** The transaction's {@code expiresDate}: the end of the period it paid for. */
  private static Instant expiresDate(JsonObject transaction) throws SignedDataException {
    try {
      Long millis = Json.optLong(transaction, "expiresDate");
      if (millis == null) {
        throw new MalformedWebhookException("'expiresDate' is missing");
      }
      try {
        return Instant.ofEpochMilli(millis);
      } catch (DateTimeException e) {
        throw new MalformedWebhookException("'expiresDate' is not a time in milliseconds");
      }
    } catch (MalformedWebhookException e) {
      throw new SignedDataException("signedTransactionInfo: " + e.getMessage());
    }
  }
}
