package io.paybridge.spi;

import java.util.List;
import java.util.Objects;

/**
 * An authentic delivery in normalized form.
 *
 * @param eventId the gateway's own id of the delivery's event: the dedupe key of the receipt
 * @param eventType the gateway's event type as sent, e.g. {@code payment_intent.succeeded}
 * @param events what the delivery means for the ledger; empty for event types Paybridge ignores
 */
public record ParsedWebhook(String eventId, String eventType, List<PaymentEvent> events) {

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
  }

  /** An authentic event type the platform does not act on: acknowledged, nothing recorded. */
  public static ParsedWebhook ignored(String eventId, String eventType) {
    return new ParsedWebhook(eventId, eventType, List.of());
  }

  public boolean isIgnored() {
    return events.isEmpty();
  }
}
