package io.paybridge.console.view;

import java.util.List;
import java.util.Locale;

/**
 * {@code GET /console/checkouts/{id}}: one checkout, the webhook deliveries that concern it (with
 * their repeats) and the ledger entries it produced, oldest first. The client fields the gateway
 * returned (Stripe's client secret) are for the app, never shown here. The entries show their sync
 * state ({@code syncColumn}) once the tenant has sync targets.
 */
public record CheckoutPage(
    String id,
    String gateway,
    String customer,
    long amountMinor,
    String currency,
    String description,
    String status,
    String reference,
    long paidMinor,
    long refundedMinor,
    String failure,
    String lastError,
    String createdAt,
    String updatedAt,
    List<Event> events,
    List<PaymentRow> entries,
    boolean syncColumn) {

  /** A delivery that concerns the checkout. */
  public record Event(
      long receiptId, String receivedAt, String eventType, String verdict, String reason) {}

  public String statusLabel() {
    return label(status);
  }

  public String statusTone() {
    return tone(status);
  }

  /** A checkout status as a label: {@code partially_refunded} → {@code Partially refunded}. */
  static String label(String status) {
    if (status == null || status.isEmpty()) {
      return "";
    }
    String s = status.toLowerCase(Locale.ROOT).replace('_', ' ');
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  static String tone(String status) {
    return switch (status == null ? "" : status) {
      case "paid" -> "success";
      case "open", "starting" -> "info";
      case "failed_to_start", "partially_refunded" -> "warning";
      case "failed", "refunded" -> "danger";
      default -> "muted";
    };
  }
}
