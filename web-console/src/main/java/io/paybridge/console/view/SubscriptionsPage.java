package io.paybridge.console.view;

import java.util.List;

/** {@code GET /console/subscriptions}: the first hundred subscriptions. */
public record SubscriptionsPage(List<Row> subscriptions, boolean more) {

  public record Row(
      String gateway,
      String subscriptionId,
      String customer,
      String status,
      String periodEnds,
      String lastEventAt) {

    public boolean active() {
      return "active".equals(status);
    }
  }
}
