package io.paybridge.spi;

import io.vertx.core.Future;
import java.util.List;

/**
 * A payment gateway as Paybridge sees it: how its webhooks prove themselves, what they mean, and
 * how the gateway wants to be answered.
 *
 * <p>Plugins are found with {@link java.util.ServiceLoader}, so a gateway is added by putting a jar
 * on the class path. A plugin is stateless with respect to tenants: the tenant's credentials are
 * passed into every call. It must never block the calling event loop; pure CPU work (HMAC,
 * signature checks, JSON parsing) is fine.
 */
public interface GatewayPlugin {

  /** Stable lower-case id used in URLs, API responses and the database, e.g. {@code stripe}. */
  String id();

  /** Name shown to people, e.g. {@code Stripe}. */
  String displayName();

  /** The credential fields a gateway account of this gateway takes. */
  CredentialSchema credentialSchema();

  /**
   * Checks credentials a tenant submits and returns them normalized. The default applies the
   * schema; a plugin overrides it to check more (a key that must decode to 32 bytes, a secret that
   * must carry the gateway's prefix) and throws {@link InvalidCredentialsException} naming the
   * field.
   */
  default Credentials validateCredentials(io.vertx.core.json.JsonObject submitted) {
    return credentialSchema().validate(submitted);
  }

  /**
   * The plugin's events table: every event type its setup tells a merchant to subscribe to, and
   * what Paybridge does with it. Each row is documented in the plugin's page under {@code
   * docs/gateways/} and proven by a test.
   */
  List<EventRule> eventTable();

  /**
   * The gateway event types a tenant should subscribe the webhook URL to: exactly those the events
   * table says book or follow up on.
   */
  default List<String> subscribedEvents() {
    return eventTable().stream()
        .filter(
            rule ->
                rule.action() == EventRule.Action.BOOKS
                    || rule.action() == EventRule.Action.FOLLOWS_UP)
        .map(EventRule::eventType)
        .toList();
  }

  /**
   * Called once when the platform starts, before any other call. Plugins that call the gateway's
   * API keep the context's client; others ignore it.
   */
  default Future<Void> init(PluginContext context) {
    return Future.succeededFuture();
  }

  /**
   * Decides whether a delivery really comes from the gateway for the account whose credentials are
   * given: signature, certificate chain or token, and freshness where the scheme has a timestamp
   * (judged against {@link WebhookRequest#receivedAt()}). A rejection carries the reason for the
   * log; it is never shown to the caller.
   */
  Future<Verdict> verify(WebhookRequest request, Credentials credentials);

  /**
   * Turns an authentic delivery into normalized events. Returns a webhook with no events for event
   * types the platform does not act on. Throws {@link MalformedWebhookException} when the body is
   * not what the gateway sends.
   */
  ParsedWebhook parse(WebhookRequest request, Credentials credentials);

  /**
   * Completes a parsed delivery with what only the gateway's API can tell: Google Play
   * notifications carry no amount, Apple refunds name a transaction, Stripe lists a charge's
   * refunds. Called after {@link #parse} and before recording. When the account lacks API
   * credentials, or the gateway refuses them, the plugin returns the delivery {@linkplain
   * ParsedWebhook#held held} with the reason, so it is kept and booked once the tenant adds a
   * working key. A transient failure (a retryable {@link GatewayApiException}) makes the platform
   * answer 503 so the gateway delivers again later. The default returns the delivery as parsed.
   */
  default Future<ParsedWebhook> resolve(
      WebhookRequest request, ParsedWebhook parsed, Credentials credentials) {
    return Future.succeededFuture(parsed);
  }

  /**
   * The HTTP answer for a delivery that did not verify. The default is 401 with a JSON error;
   * gateways with an answer format of their own (Payeer's {@code <order>|error}) override it.
   */
  default WebhookAnswer reject(WebhookRequest request) {
    return WebhookAnswer.json(
        401, "{\"error\":\"invalid_signature\",\"message\":\"the webhook could not be verified\"}");
  }

  /**
   * The HTTP answer for a delivery that did not verify, knowing why. The default answers as {@link
   * #reject(WebhookRequest)}; a gateway that retries until it gets a success (Code's wallet)
   * answers a refusal it must not retry with one.
   */
  default WebhookAnswer reject(WebhookRequest request, Verdict verdict) {
    return reject(request);
  }

  /**
   * The exact HTTP answer the gateway expects once the delivery is durable ({@code RECORDED}), was
   * already recorded ({@code DUPLICATE}), needed no recording ({@code IGNORED}) or is kept until
   * the tenant fixes its account ({@code HELD}). {@code parsed} is {@code null} for a delivery kept
   * before the account had the secret it is verified with ({@link
   * ParsedWebhook#NEEDS_WEBHOOK_SECRET}): held, but not yet read.
   */
  default WebhookAnswer acknowledge(WebhookRequest request, ParsedWebhook parsed, Outcome outcome) {
    return WebhookAnswer.json(200, "{\"received\":true}");
  }

  /** What happened to an authentic delivery. */
  enum Outcome {
    RECORDED,
    DUPLICATE,
    IGNORED,
    HELD
  }
}
