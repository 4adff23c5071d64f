package io.paybridge.console.view;

/**
 * One ledger entry in a payments table.
 *
 * @param gateway the gateway's display name
 * @param reference the entry's own id at the gateway: the payment's for a payment, the refund's or
 *     dispute's for those
 * @param paymentId for a refund, dispute or reversal, the payment it belongs to (linked to that
 *     payment's entries); {@code null} for the payment itself
 */
public record PaymentRow(
    String occurredAt,
    String gateway,
    String kind,
    String customer,
    Long amountMinor,
    String currency,
    String reference,
    String paymentId,
    boolean synced) {

  public boolean negative() {
    return amountMinor != null && amountMinor < 0;
  }

  /**
   * The row's reference and the payment it belongs to, from a ledger entry: an entry that is not
   * the payment itself (a refund: {@code refund:re_1}) is known by its own key's id.
   */
  public static String[] references(String kind, String entryKey, String externalPaymentId) {
    boolean ownMovement =
        kind != null
            && (kind.startsWith("REFUND") || kind.startsWith("DISPUTE"))
            && entryKey != null
            && entryKey.indexOf(':') > 0;
    if (!ownMovement) {
      return new String[] {externalPaymentId, null};
    }
    return new String[] {entryKey.substring(entryKey.indexOf(':') + 1), externalPaymentId};
  }
}
