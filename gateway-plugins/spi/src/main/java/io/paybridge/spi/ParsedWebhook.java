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
 * @param followUps what the platform is to ask the gateway next because of this delivery (capture
 *     an authorized checkout, cancel one a fraud review rejected): queued as jobs in the same
 *     transaction as the receipt, once per delivery, for checkouts of the tenant only; empty for
 *     most deliveries
 */
public record ParsedWebhook(
    String eventId,
    String eventType,
    List<PaymentEvent> events,
    String reason,
    String hold,
    List<FollowUp> followUps) {

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
    followUps = followUps == null ? List.of() : List.copyOf(followUps);
    if (hold != null && !events.isEmpty()) {
      throw new IllegalArgumentException("a held delivery books nothing yet");
    }
    if (hold != null && !followUps.isEmpty()) {
      throw new IllegalArgumentException("a held delivery asks nothing of the gateway yet");
    }
    if (events.isEmpty() && (reason == null || reason.isBlank())) {
      reason = "event type " + eventType + " is not one Paybridge books";
    }
  }

  /** A delivery that books the given events or is held or ignored, asking nothing further. */
  public ParsedWebhook(
      String eventId, String eventType, List<PaymentEvent> events, String reason, String hold) {
    this(eventId, eventType, events, reason, hold, List.of());
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
        eventId, eventType, newEvents, newEvents.isEmpty() ? ignoredReason : null, null, followUps);
  }

  /** This delivery asking the gateway for these follow-ups as well. */
  public ParsedWebhook withFollowUps(List<FollowUp> next) {
    return new ParsedWebhook(eventId, eventType, events, reason, hold, next);
  }

  /** Books nothing and is not held. */
  public boolean isIgnored() {
    return events.isEmpty() && hold == null;
  }

  public boolean isHeld() {
    return hold != null;
  }

  /**
   * Something the platform asks the gateway because of a delivery, for the checkout whose gateway
   * reference the delivery names. The platform queues it as a job in the transaction that records
   * the delivery (so a redelivered event queues nothing new), only when the reference is one of the
   * tenant's checkouts at this gateway, and carries it out through the plugin's {@link Captures}
   * with the checkout's fixed idempotency key.
   *
   * @param action what to ask
   * @param reference the gateway's id of the checkout's payment ({@link
   *     Checkouts.StartedCheckout#reference()})
   * @param reason why, in the tenant's words, kept with the job
   */
  public record FollowUp(Action action, String reference, String reason) {

    /** What a follow-up asks of the gateway. */
    public enum Action {
      /** Capture the authorized amount ({@link Captures#capture}). */
      CAPTURE,
      /** Release the authorization ({@link Captures#cancel}). */
      CANCEL
    }

    public FollowUp {
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(reference, "reference");
      if (reference.isBlank() || reference.length() > 255 || reference.indexOf('\u0000') >= 0) {
        throw new MalformedWebhookException("a follow-up's reference must be 1 to 255 characters");
      }
      if (reason != null && (reason.length() > 1000 || reason.indexOf('\u0000') >= 0)) {
        throw new MalformedWebhookException("a follow-up's reason is too long or holds a NUL");
      }
    }

    public static FollowUp capture(String reference, String reason) {
      return new FollowUp(Action.CAPTURE, reference, reason);
    }

    public static FollowUp cancel(String reference, String reason) {
      return new FollowUp(Action.CANCEL, reference, reason);
    }
  }
}
