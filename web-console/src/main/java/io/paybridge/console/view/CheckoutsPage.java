package io.paybridge.console.view;

import java.util.List;

/**
 * {@code GET /console/checkouts}: the payments the tenant's app backend started, newest first,
 * filtered by gateway, status and customer, and the links to the newest and older pages ({@code
 * null} when there is none).
 */
public record CheckoutsPage(
    List<Option> gateways,
    List<Option> statuses,
    String customer,
    List<Row> rows,
    boolean filtered,
    String newestHref,
    String olderHref) {

  /** One checkout in the list. */
  public record Row(
      String id,
      String createdAt,
      String gateway,
      String customer,
      long amountMinor,
      String currency,
      String status) {

    public String statusLabel() {
      return CheckoutPage.label(status);
    }

    public String statusTone() {
      return CheckoutPage.tone(status);
    }
  }
}
