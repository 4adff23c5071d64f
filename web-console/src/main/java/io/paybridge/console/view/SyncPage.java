package io.paybridge.console.view;

import java.time.OffsetDateTime;
import java.util.List;

/** {@code GET /console/sync}: the tenant's sync targets and the deliveries that failed. */
public record SyncPage(String csrf, String replayed, List<Target> targets, List<Delivery> failed) {

  public record Target(
      String type, String url, boolean enabled, String disabledReason, OffsetDateTime createdAt) {}

  public record Delivery(
      String id,
      String paymentId,
      String status,
      Integer attempts,
      String lastError,
      String updatedAt) {}
}
