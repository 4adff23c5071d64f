package io.paybridge.console.view;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /console/webhooks/{id}}: one delivery as received and what it booked. {@code headers}
 * and {@code body} are {@code null} when they were not kept.
 */
public record ReceiptPage(
    String csrf,
    long id,
    String reprocessed,
    String problem,
    Instant receivedAt,
    String gateway,
    String verdict,
    String reason,
    String eventType,
    String eventId,
    String remote,
    Long duplicateOf,
    boolean canReprocess,
    List<Booked> booked,
    List<Map.Entry<String, String>> headers,
    String body) {

  public record Booked(
      String kind, Long amountMinor, String currency, String paymentId, String customer) {}
}
