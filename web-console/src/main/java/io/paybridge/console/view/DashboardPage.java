package io.paybridge.console.view;

import java.util.List;

/**
 * {@code GET /console/dashboard}: the first step while no gateway is connected, else a few counts
 * and the latest payments.
 */
public record DashboardPage(
    boolean welcome,
    int connectedGateways,
    int failedDeliveries,
    int installedGateways,
    List<PaymentRow> recentPayments,
    boolean syncColumn) {

  public boolean onboarding() {
    return connectedGateways == 0;
  }
}
