package io.paybridge.console.view;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /console/sync}: the tenant's sync targets (add one, enable or disable it, remove it),
 * and the deliveries that failed.
 *
 * @param notice what was just done, or {@code null}
 * @param added a target just added, with its signing secret shown only now; or {@code null}
 * @param error why the target could not be added, or {@code null}
 * @param form what the tenant typed into the form, shown again after an error
 */
public record SyncPage(
    String csrf,
    String notice,
    Added added,
    String error,
    Form form,
    List<Target> targets,
    List<Delivery> failed) {

  public record Target(
      UUID id,
      String type,
      String url,
      boolean enabled,
      String disabledReason,
      OffsetDateTime createdAt) {}

  /** A webhook target's signing secret ({@code null} for other types), shown once. */
  public record Added(String url, String secret) {}

  /** The add form's values and its field errors. */
  public record Form(
      String type,
      String url,
      String headers,
      String typeError,
      String urlError,
      String headersError) {
    public static final Form EMPTY = new Form("webhook", "", "", null, null, null);
  }

  public record Delivery(
      String id,
      String paymentId,
      String status,
      Integer attempts,
      String lastError,
      String updatedAt) {}
}
