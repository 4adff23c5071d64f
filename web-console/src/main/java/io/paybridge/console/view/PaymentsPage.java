package io.paybridge.console.view;

import java.util.List;

/**
 * {@code GET /console/payments}: filters, the customer's balance when one is chosen, a page of
 * entries and the links to the newest and older pages ({@code null} when there is none).
 */
public record PaymentsPage(
    List<Option> gateways,
    List<Option> kinds,
    String customer,
    List<Amount> balance,
    List<PaymentRow> entries,
    boolean filtered,
    String newestHref,
    String olderHref) {

  /** A balance in one currency. */
  public record Amount(Long minor, String currency) {}
}
