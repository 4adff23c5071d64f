package io.paybridge.core.refund;

/**
 * A ledger entry as a refund sees it: what was received, at which gateway, under which gateway
 * payment id and entry key, for which customer.
 */
public record RefundedPayment(
    long id,
    String gateway,
    String kind,
    Long amountMinor,
    String currency,
    String externalPaymentId,
    String entryKey,
    String customerRef) {

  /** Whether a refund may be asked for it: money received, with an amount and a payment id. */
  public boolean refundable() {
    return RefundStore.REFUNDABLE_KINDS.contains(kind)
        && amountMinor != null
        && amountMinor > 0
        && externalPaymentId != null;
  }
}
