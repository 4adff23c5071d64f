package io.paybridge.console.view;

/** One ledger entry in a payments table. */
public record PaymentRow(
    String occurredAt,
    String gateway,
    String kind,
    String customer,
    Long amountMinor,
    String currency,
    String paymentId,
    boolean synced) {

  public boolean negative() {
    return amountMinor != null && amountMinor < 0;
  }
}
