package io.paybridge.console.view;

import java.util.List;

/**
 * A gateway account's setup status as its page shows it, and as the page fetches it again while it
 * is open ({@code GET /console/gateways/{gateway}/status}): whether gateways can reach the URL,
 * what the account still needs, and what became of the last delivery.
 *
 * @param stage {@code waiting_for_first_delivery}, {@code needs_webhook_secret}, {@code failing} or
 *     {@code receiving}
 * @param statusUrl where the page fetches this status again
 * @param missing labels of the fields deliveries are verified with that are not saved yet
 * @param waiting deliveries kept until they are saved
 * @param last the last delivery, or {@code null}
 */
public record SetupView(
    String stage,
    String gateway,
    String statusUrl,
    boolean urlReachable,
    String urlProblem,
    String urlFix,
    List<String> missing,
    long waiting,
    Last last) {

  /** The last delivery; {@code likelyCause} and {@code fix} only for a refused one. */
  public record Last(
      long receiptId,
      String receivedAt,
      String verdict,
      String eventType,
      String reason,
      String likelyCause,
      String fix) {}

  public SetupView {
    missing = List.copyOf(missing);
  }

  /** What changes when the status does: the page replaces what it shows only then. */
  public String version() {
    return stage + ":" + (last == null ? 0 : last.receiptId()) + ":" + waiting + ":" + missing;
  }

  /** The fields still missing, as a phrase: {@code Webhook signing secret}. */
  public String missingLabels() {
    return String.join(" and ", missing);
  }

  public boolean waitingForFirst() {
    return stage.equals("waiting_for_first_delivery");
  }

  public boolean needsSecret() {
    return stage.equals("needs_webhook_secret");
  }

  public boolean failing() {
    return stage.equals("failing");
  }
}
