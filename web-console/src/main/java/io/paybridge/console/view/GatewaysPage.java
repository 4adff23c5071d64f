package io.paybridge.console.view;

import java.util.List;

/** {@code GET /console/gateways}: every installed gateway, connected or not. */
public record GatewaysPage(String removed, List<Row> gateways) {

  /**
   * One gateway; {@code webhookUrl} is {@code null} while not connected, {@code held} counts the
   * deliveries waiting for its credentials.
   */
  public record Row(String id, String displayName, String webhookUrl, long held) {

    public boolean connected() {
      return webhookUrl != null;
    }
  }
}
