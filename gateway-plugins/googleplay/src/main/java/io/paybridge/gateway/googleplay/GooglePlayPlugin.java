package io.paybridge.gateway.googleplay;

import io.paybridge.spi.AbstractGatewayPlugin;
import io.paybridge.spi.AfterInit;
import io.paybridge.spi.ApiSubscriptions;
import io.paybridge.spi.CancelAndRefund;
import io.paybridge.spi.CredentialField;
import io.paybridge.spi.CredentialSchema;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventRule;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.GatewayIdentity;
import io.paybridge.spi.InvalidCredentialsException;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.PurchaseVerification;
import io.paybridge.spi.Renewals;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Google Play real-time developer notifications (RTDN), delivered by a Cloud Pub/Sub push
 * subscription, completed from the Google Play Developer API (Android Publisher v3). Implemented on
 * the JDK and Vert.x, without Google's client libraries.
 *
 * <h2>Authenticity</h2>
 *
 * Pub/Sub posts {@code {"message":{"data":<base64 notification>,"messageId",…},"subscription"}}.
 * Whether anything proves the sender depends on the push subscription:
 *
 * <ul>
 *   <li><b>Push authentication enabled</b> (recommended; the account then has {@code pushAudience}
 *       and {@code pushServiceAccountEmail}): every push carries {@code Authorization: Bearer <ID
 *       token>}, an RS256 JWT Google signs. {@link #verify} requires it and checks it as {@code
 *       PushTokenVerifier} describes: Google's rotating keys (fetched from {@value
 *       GoogleSigningKeys#DEFAULT_URL} or the {@value #SETTING_JWKS_URL} setting), issuer,
 *       audience, service account, and freshness against the receiving time.
 *   <li><b>Push authentication disabled</b>: a push carries no signature at all, and {@link
 *       #verify} accepts any well-formed notification for the account's package. The only
 *       protection is then the secrecy of the webhook URL and {@link #resolve}, which re-reads
 *       every purchase, order and refund from the Play Developer API with the account's service
 *       account before anything is booked: a forged notification can at most make the platform look
 *       up, and book, what Google itself confirms. Accounts should enable push authentication all
 *       the same.
 * </ul>
 *
 * The push subscription must deliver the envelope (Pub/Sub's "payload unwrapping" must stay off).
 * Either way, a notification for another package than the account's is refused. Even with push
 * authentication the body itself is not signed (the token proves who called, not what was sent),
 * which is why nothing is ever taken from the body but identifiers to look up.
 *
 * <h2>Meaning</h2>
 *
 * The receipt's dedupe key is Pub/Sub's {@code message.messageId}. Notifications carry no amount,
 * so {@link #parse} states the notification's identity (its type name as event type) and, for
 * cancellations, the cancellation; {@link #resolve} completes everything from the API. Amounts are
 * the order's {@code total} from {@code orders.get} (what the buyer paid, taxes and discounts
 * included; a subscription's {@code recurringPrice} is only a list price), converted exactly from
 * {@code units} and {@code nanos} to minor units.
 *
 * <ul>
 *   <li>{@code SUBSCRIPTION_PURCHASED} (4): a payment keyed {@code order:<signup order id>}.
 *   <li>{@code SUBSCRIPTION_RENEWED} (2), {@code SUBSCRIPTION_RECOVERED} (1): a recurring charge
 *       keyed {@code order:<latest successful order id>}.
 *   <li>{@code SUBSCRIPTION_ITEMS_CHANGED} (17): each line item's latest successful order, keyed
 *       {@code order:<order id>}, so a charge for the change books and an order already booked does
 *       not book again.
 *   <li>{@code SUBSCRIPTION_CANCELED} (3), {@code _REVOKED} (12), {@code _EXPIRED} (13): the
 *       subscription cancelled, once the API shows it cancelled or expired (a subscription
 *       restarted since is left alone).
 *   <li>{@code ONE_TIME_PRODUCT_PURCHASED} (1): a payment keyed {@code order:<order id>}, once
 *       {@code purchases.products.get} says purchased (pending purchases are notified again).
 *   <li>{@code voidedPurchaseNotification}: a negative refund keyed {@code refund:<order id>}, or
 *       {@code refund:<order id>:<created>} per partial refund, for the amounts the order's refund
 *       history gives. The notification itself names no amount.
 *   <li>Every other documented type (on hold, grace period, restarted, paused, deferred, price
 *       changes, pending purchase cancelled, {@code ONE_TIME_PRODUCT_CANCELED}, the test
 *       notification): acknowledged and kept with the reason nothing moved, without an API call.
 *       Types Google adds later are kept with a reason naming them. Orders that are pending or
 *       cancelled, and free ($0) orders, book nothing either, with the reason.
 * </ul>
 *
 * {@link #eventTable()} lists every type, and {@code docs/gateways/googleplay.md} explains it.
 *
 * <h2>Held deliveries</h2>
 *
 * Every booking type needs the Play Developer API. An account saved without a service account key
 * gets those deliveries held ({@link ParsedWebhook#NEEDS_API_CREDENTIALS}), and an account whose
 * key Google refuses (the token exchange is refused, or the API answers 401 twice or 403) gets them
 * held too ({@link ParsedWebhook#API_CREDENTIALS_REJECTED}); the platform books them once the
 * tenant saves a working key. Timeouts, 5xx and 429 fail the delivery with a retryable {@code
 * GatewayApiException}, so Pub/Sub delivers it again.
 *
 * <p>Subscription events carry the purchase token as external subscription id: it is what every
 * subscription API call and notification names, so {@link Renewals} looks the subscription up by
 * it. (A subscription upgraded or downgraded gets a new token, announced by its own purchase
 * notification.) The customer reference is the {@code obfuscatedExternalAccountId} the app set at
 * purchase time.
 *
 * <h2>Settings</h2>
 *
 * {@value #SETTING_API_BASE} (default {@value PlayDeveloperApi#DEFAULT_BASE}), {@value
 * #SETTING_TOKEN_URI} (default: the key file's {@code token_uri}, which must be Google's), {@value
 * #SETTING_JWKS_URL} (default {@value GoogleSigningKeys#DEFAULT_URL}) and {@value
 * #SETTING_TIMEOUT_MS} (default {@value GatewayHttp#DEFAULT_TIMEOUT_MS}). Tests point the first
 * three at {@code GooglePlaySimulator}. One-time purchases an app's backend hands over are
 * confirmed, booked and acknowledged as {@code PlayPurchaseHandOver} says.
 */
public final class GooglePlayPlugin extends AbstractGatewayPlugin
    implements ApiSubscriptions<PlaySubscriptions>, PurchaseVerification {

  public static final String ID = "googleplay";
  public static final String AUTHORIZATION_HEADER = "Authorization";

  public static final String PACKAGE_NAME = "packageName";
  public static final String SERVICE_ACCOUNT_JSON = "serviceAccountJson";
  public static final String PUSH_AUDIENCE = "pushAudience";
  public static final String PUSH_SERVICE_ACCOUNT_EMAIL = "pushServiceAccountEmail";

  public static final String SETTING_API_BASE = "googleplay.api.base";
  public static final String SETTING_TOKEN_URI = "googleplay.token.uri";
  public static final String SETTING_JWKS_URL = "googleplay.jwks.url";
  public static final String SETTING_TIMEOUT_MS = "googleplay.http.timeout.ms";

  /**
   * Whether every account must have push authentication: {@code true} or {@code false}; by default
   * {@code true} when the platform runs in production ({@code platform.mode}), as a push without it
   * proves nothing about its sender.
   */
  public static final String SETTING_REQUIRE_PUSH_AUTH = "googleplay.require.push.auth";

  private static final Pattern PACKAGE_PATTERN =
      Pattern.compile("[A-Za-z][A-Za-z0-9_]*(\\.[A-Za-z][A-Za-z0-9_]*)+");

  private static final CredentialSchema SCHEMA =
      CredentialSchema.of(
          CredentialField.text(
              PACKAGE_NAME,
              "Package name",
              "The app's application id in Play Console, e.g. com.example.app"),
          CredentialField.secret(
                  SERVICE_ACCOUNT_JSON,
                  "Service account key (JSON)",
                  "Google Cloud console > IAM > Service accounts > Keys > Add key > JSON. Invite"
                      + " the service account in Play Console (Users and permissions) with"
                      + " permission to view financial data and manage orders and subscriptions."
                      + " Notifications carry no amount: until this key is saved they are kept"
                      + " and booked once it is")
              .optional(null),
          CredentialField.text(
                  PUSH_AUDIENCE,
                  "Push audience",
                  "The audience set on the Pub/Sub push subscription (Enable authentication >"
                      + " Audience). Set it together with the push service account: without"
                      + " them pushes are not authenticated at all")
              .optional(null),
          CredentialField.text(
                  PUSH_SERVICE_ACCOUNT_EMAIL,
                  "Push service account",
                  "The service account the Pub/Sub push subscription authenticates as, e.g."
                      + " rtdn-push@my-project.iam.gserviceaccount.com")
              .optional(null));

  /**
   * Every notification Google Play publishes to the app's Pub/Sub topic: the subscription and
   * one-time product notification types Google documents, voided purchases and the test
   * notification, in Google's order. Play Console has no per-type subscription: the topic receives
   * them all.
   */
  private static final List<EventRule> EVENT_TABLE = PlayEvents.table();

  /** What {@link #init} builds: the plugin's clients and caches, shared by all accounts. */
  private record Runtime(
      PushTokenVerifier tokens,
      PlayResolver resolver,
      PlaySubscriptions subscriptions,
      PlayPurchaseHandOver purchases,
      boolean requirePushAuth) {

    /**
     * @throws IllegalArgumentException naming a setting that is not usable
     */
    static Runtime of(PluginContext context) {
      long timeoutMs = context.millisSetting(SETTING_TIMEOUT_MS, GatewayHttp.DEFAULT_TIMEOUT_MS);
      GatewayHttp http = new GatewayHttp(context.vertx(), ID);
      Clock clock = context.clock();
      GoogleSigningKeys keys =
          new GoogleSigningKeys(
              http,
              context.setting(SETTING_JWKS_URL, GoogleSigningKeys.DEFAULT_URL),
              clock,
              timeoutMs);
      AccessTokens tokens =
          new AccessTokens(http, clock, context.settings().get(SETTING_TOKEN_URI), timeoutMs);
      PlayDeveloperApi api =
          new PlayDeveloperApi(
              http,
              tokens,
              context.setting(SETTING_API_BASE, PlayDeveloperApi.DEFAULT_BASE),
              timeoutMs);
      String required =
          context.setting(
              SETTING_REQUIRE_PUSH_AUTH,
              String.valueOf("production".equals(context.setting("platform.mode", "dev"))));
      if (!required.equals("true") && !required.equals("false")) {
        throw new IllegalArgumentException(SETTING_REQUIRE_PUSH_AUTH + " must be true or false");
      }
      return new Runtime(
          new PushTokenVerifier(keys),
          new PlayResolver(api),
          new PlaySubscriptions(api, clock),
          new PlayPurchaseHandOver(api, clock),
          Boolean.parseBoolean(required));
    }
  }

  private final AfterInit<Runtime> runtime = new AfterInit<>("Google Play");

  /** The plugin as {@link java.util.ServiceLoader} creates it. */
  public GooglePlayPlugin() {
    super(new GatewayIdentity(ID, "Google Play", SCHEMA, EVENT_TABLE));
  }

  /**
   * A package name that is one, a service-account key that parses when given (JSON with {@code
   * client_email}, a PKCS#8 RSA {@code private_key} and, if named, Google's {@code token_uri}), and
   * push authentication either fully configured or not at all. The key may be added later:
   * notifications that need it are held until it is.
   */
  @Override
  protected Credentials checkCredentials(Credentials credentials) {
    if (!PACKAGE_PATTERN.matcher(credentials.require(PACKAGE_NAME)).matches()) {
      throw new InvalidCredentialsException(
          PACKAGE_NAME, "Package name must be an application id such as com.example.app.");
    }
    String key = credentials.get(SERVICE_ACCOUNT_JSON);
    if (key != null) {
      try {
        ServiceAccount.parse(key);
      } catch (ServiceAccount.InvalidServiceAccountException e) {
        throw new InvalidCredentialsException(
            SERVICE_ACCOUNT_JSON, "Service account key (JSON): " + e.getMessage());
      }
    }
    String audience = credentials.get(PUSH_AUDIENCE);
    String email = credentials.get(PUSH_SERVICE_ACCOUNT_EMAIL);
    if (audience != null && email == null) {
      throw new InvalidCredentialsException(
          PUSH_SERVICE_ACCOUNT_EMAIL,
          "Push service account is required with Push audience: without it any Google service"
              + " account could mint a token for that audience.");
    }
    if (email != null && audience == null) {
      throw new InvalidCredentialsException(
          PUSH_AUDIENCE, "Push audience is required with Push service account.");
    }
    if (email != null
        && (!email.contains("@") || email.chars().anyMatch(Character::isWhitespace))) {
      throw new InvalidCredentialsException(
          PUSH_SERVICE_ACCOUNT_EMAIL, "Push service account must be an email address.");
    }
    return credentials;
  }

  /** Builds the HTTP client, the key and token caches and the API client from the settings. */
  @Override
  public Future<Void> init(PluginContext context) {
    return runtime.build(() -> Runtime.of(context));
  }

  /** Whether the push is the account's; see {@link PlayPushCheck}. */
  @Override
  public Future<Verdict> verify(WebhookRequest request, Credentials credentials) {
    try {
      return PlayPushCheck.check(
          request,
          credentials,
          runtime.initialized() ? runtime.get().tokens() : null,
          !runtime.initialized() || runtime.get().requirePushAuth());
    } catch (RuntimeException e) {
      return Future.succeededFuture(
          Verdict.rejected(
              "Google Play push could not be checked: " + e.getClass().getSimpleName()));
    }
  }

  /**
   * States what the notification alone can say. A type that books nothing is ignored here with its
   * reason; a type that needs the Play Developer API is held when the account has no service
   * account key, else stated as far as it can be (a cancellation) and completed by {@link
   * #resolve}.
   */
  @Override
  public ParsedWebhook parse(WebhookRequest request, Credentials credentials) {
    PlayNotification n = notificationFor(request, credentials);
    if (!PlayResolver.needsApi(n)) {
      return ParsedWebhook.ignored(n.messageId(), n.typeName(), PlayEvents.ignoredReason(n));
    }
    if (credentials.get(SERVICE_ACCOUNT_JSON) == null) {
      return PlayHolds.needsKey(n);
    }
    if (PlayResolver.endsSubscription(n)) {
      return new ParsedWebhook(n.messageId(), n.typeName(), List.of(PlayResolver.cancellation(n)));
    }
    return ParsedWebhook.ignored(
        n.messageId(),
        n.typeName(),
        n.typeName() + ": its amount is read from the Play Developer API when it is resolved");
  }

  /**
   * Confirms and completes the notification from the Play Developer API (see the class comment).
   * Without a service account key the delivery is held ({@link
   * ParsedWebhook#NEEDS_API_CREDENTIALS}); when Google refuses the key (a refused token exchange,
   * or 401 or 403 from the API) it is held ({@link ParsedWebhook#API_CREDENTIALS_REJECTED}); both
   * are booked once the tenant saves a working key. Fails with a {@code GatewayApiException} when
   * the API cannot be reached, answers 5xx or 429, or does not know the purchase, so the platform
   * answers 503 and Pub/Sub delivers again later.
   */
  @Override
  public Future<ParsedWebhook> resolve(
      WebhookRequest request, ParsedWebhook parsed, Credentials credentials) {
    try {
      PlayNotification n = notificationFor(request, credentials);
      if (!PlayResolver.needsApi(n)) {
        return Future.succeededFuture(parsed);
      }
      String key = credentials.get(SERVICE_ACCOUNT_JSON);
      if (key == null) {
        return Future.succeededFuture(PlayHolds.needsKey(n));
      }
      ServiceAccount account;
      try {
        account = ServiceAccount.parse(key);
      } catch (ServiceAccount.InvalidServiceAccountException e) {
        return Future.succeededFuture(PlayHolds.unusableKey(n, e));
      }
      String packageName = credentials.require(PACKAGE_NAME);
      return runtime
          .call(r -> r.resolver().resolve(n, parsed, account, packageName))
          .recover(
              err ->
                  ServiceAccountRefusedException.refuses(err)
                      ? Future.succeededFuture(
                          PlayHolds.refused(n, account, (GatewayApiException) err))
                      : Future.failedFuture(err));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * Hands {@link Renewals} and {@link CancelAndRefund} to {@link PlaySubscriptions}, built by
   * {@link #init}.
   */
  @Override
  public <R> Future<R> withApi(Function<? super PlaySubscriptions, Future<R>> call) {
    return runtime.call(r -> call.apply(r.subscriptions()));
  }

  @Override
  public List<String> purchaseFields() {
    return PlayPurchaseHandOver.FIELDS;
  }

  @Override
  public Future<PurchaseOutcome> verifyPurchase(JsonObject purchase, Credentials credentials) {
    return runtime.call(r -> r.purchases().verify(purchase, credentials));
  }

  @Override
  public Future<Void> acknowledgePurchase(JsonObject acknowledgement, Credentials credentials) {
    return runtime.call(r -> r.purchases().acknowledge(acknowledgement, credentials));
  }

  private static PlayNotification notificationFor(WebhookRequest request, Credentials credentials) {
    PlayNotification n = PlayNotification.decode(request.body());
    String packageName = credentials.get(PACKAGE_NAME);
    if (!n.packageName().equals(packageName)) {
      throw new MalformedWebhookException(
          "the notification is for package '"
              + n.packageName()
              + "', not the account's '"
              + packageName
              + "'");
    }
    return n;
  }
}
