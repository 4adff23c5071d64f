package io.paybridge.spi;

import java.util.List;
import java.util.Objects;

/**
 * An authentic delivery in normalized form, and what the platform is to do with it: book its
 * events, hold it until the tenant fixes something, or acknowledge it and book nothing, with the
 * reason the tenant reads in the receipt log.
 *
 * @param eventId the gateway's own id of the delivery's event: the dedupe key of the receipt
 * @param eventType the gateway's event type as sent, e.g. {@code payment_intent.succeeded}
 * @param events what the delivery means for the ledger; empty when it books nothing
 * @param reason why nothing is booked (ignored or held), in the tenant's words; {@code null} when
 *     there are events
 * @param hold the code of what the tenant must fix before the delivery can be booked ({@link
 *     #NEEDS_API_CREDENTIALS}, {@link #API_CREDENTIALS_REJECTED}); {@code null} unless held
 */
public record ParsedWebhook(
    String eventId, String eventType, List<PaymentEvent> events, String reason, String hold) {

  /** The event can only be booked with a call to the gateway's API, and the account has no key. */
  public static final String NEEDS_API_CREDENTIALS = "needs_api_credentials";

  /**
   * The event can be booked safely only with an account setting the tenant has not made yet (for
   * example the gateway's sender addresses, where the scheme does not sign what the key needs).
   */
  public static final String NEEDS_ACCOUNT_SETTING = "needs_account_setting";

  /**
   * The delivery arrived before the account had what verifies it (a signing secret the gateway
   * shows only once the webhook URL is registered): kept unverified, checked and booked once the
   * tenant saves it, or refused then if it does not verify.
   */
  public static final String NEEDS_WEBHOOK_SECRET = "needs_webhook_secret";

  /** The gateway's API refused the account's key (revoked, or lacking a permission). */
  public static final String API_CREDENTIALS_REJECTED = "api_credentials_rejected";

  public ParsedWebhook {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(eventType, "eventType");
    if (eventId.isBlank()) {
      throw new MalformedWebhookException("event id is empty");
    }
    if (eventId.length() > 255) {
      throw new MalformedWebhookException("event id is longer than 255 characters");
    }
    if (eventId.indexOf('\u0000') >= 0
        || eventType.indexOf('\u0000') >= 0
        || eventType.length() > 255) {
      throw new MalformedWebhookException("event id or type holds a NUL character or is too long");
    }
    events = List.copyOf(events);
    if (hold != null && !events.isEmpty()) {
      throw new IllegalArgumentException("a held delivery books nothing yet");
    }
    if (events.isEmpty() && (reason == null || reason.isBlank())) {
      reason = "event type " + eventType + " is not one Paybridge books";
    }
  }

  /** A delivery that books the given events (none: ignored with a generic reason). */
  public ParsedWebhook(String eventId, String eventType, List<PaymentEvent> events) {
    this(eventId, eventType, events, null, null);
  }

  /**
   * An authentic delivery that books nothing; {@code reason} says why in words a tenant can act on
   * ("charge.refunded with nothing left to book", not "ignored").
   */
  public static ParsedWebhook ignored(String eventId, String eventType, String reason) {
    return new ParsedWebhook(eventId, eventType, List.of(), reason, null);
  }

  /** An event type the plugin does not act on at all. */
  public static ParsedWebhook ignored(String eventId, String eventType) {
    return ignored(eventId, eventType, null);
  }

  /**
   * A delivery that cannot be booked until the tenant fixes something: acknowledged, kept, and
   * processed again when the account's credentials change.
   *
   * @param hold the code of what is missing, e.g. {@link #NEEDS_API_CREDENTIALS}
   * @param reason the same in the tenant's words
   */
  public static ParsedWebhook held(String eventId, String eventType, String hold, String reason) {
    Objects.requireNonNull(hold, "hold");
    return new ParsedWebhook(eventId, eventType, List.of(), reason, hold);
  }

  /** This delivery with other events (and no reason when there are some). */
  public ParsedWebhook withEvents(List<PaymentEvent> newEvents, String ignoredReason) {
    return new ParsedWebhook(
        eventId, eventType, newEvents, newEvents.isEmpty() ? ignoredReason : null, null);
  }

  /** Books nothing and is not held. */
  public boolean isIgnored() {
    return events.isEmpty() && hold == null;
  }

  public boolean isHeld() {
    return hold != null;
  }
}
