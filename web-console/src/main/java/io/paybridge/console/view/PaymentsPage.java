package io.paybridge.console.view;

import java.util.List;

/**
 * {@code GET /console/payments}: filters, the customer's balance when one is chosen, a page of
 * entries (with their sync state only when the tenant has sync targets) and the links to the newest
 * and older pages ({@code null} when there is none). {@code payment} is a payment whose entries
 * alone are shown (it, its refunds and disputes), or {@code null}.
 */
public record PaymentsPage(
    List<Option> gateways,
    List<Option> kinds,
    String customer,
    String payment,
    List<Amount> balance,
    List<PaymentRow> entries,
    boolean syncColumn,
    boolean filtered,
    String newestHref,
    String olderHref) {

  /** A balance in one currency. */
  public record Amount(Long minor, String currency) {}
}
