package io.paybridge.core.checkout;

import io.paybridge.core.ingest.ReceiptStore;
import io.paybridge.core.ledger.Payment;
import java.util.List;

/**
 * A checkout with what happened to it: the webhook receipts that concern it (oldest first) and the
 * ledger entries it produced (oldest first), whether booked from a webhook or from a capture's
 * answer.
 */
public record CheckoutDetail(
    Checkout checkout, List<ReceiptStore.Receipt> receipts, List<Payment> entries) {

  public CheckoutDetail {
    receipts = List.copyOf(receipts);
    entries = List.copyOf(entries);
  }
}
