package io.paybridge.console.view;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * {@code GET /console/webhooks}: the receipt log with its filters, a page of receipts and the links
 * to the newest and older pages ({@code null} when there is none).
 */
public record ReceiptsPage(
    List<Option> verdicts,
    List<Option> gateways,
    String eventType,
    LocalDate from,
    LocalDate to,
    List<Row> receipts,
    boolean filtered,
    String newestHref,
    String olderHref) {

  public record Row(
      long id,
      Instant receivedAt,
      String gateway,
      String eventType,
      String eventId,
      String verdict,
      String reason) {}
}
