package io.paybridge.console.view;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code GET /console/cobot}: the connect form while Cobot is not connected; the space, where a
 * space admin authorizes Paybridge and the form again while that is required; once connected, the
 * space, the members' page, a page of invoices and the links to the newest and older pages ({@code
 * null} when there is none).
 *
 * @param alert a message above the page (connected, or what was refused), or {@code null}
 * @param connection the tenant's connection, or {@code null} when there is none
 * @param form the connect form, or {@code null} once connected
 */
public record CobotPage(
    String csrf,
    Alert alert,
    Connection connection,
    Form form,
    List<Invoice> invoices,
    String newestHref,
    String olderHref) {

  /** The tenant's Cobot space as connected or waiting for a space admin. */
  public record Connection(
      String subdomain,
      String gateway,
      boolean connected,
      String authorizeUrl,
      OffsetDateTime connectedAt,
      String memberPageUrl) {}

  /**
   * The connect form: what was typed or stored (never the client secret), whether a secret is
   * stored, the tenant's gateways that can keep cards, the message of each field at fault, and the
   * redirect URI the space's app is registered with at Cobot.
   */
  public record Form(
      String subdomain,
      String clientId,
      boolean secretStored,
      List<Option> gateways,
      Map<String, String> problems,
      String callbackUrl) {

    /** The message of a field at fault, or {@code null}. */
    public String problem(String field) {
      return problems.get(field);
    }

    /** {@code "true"} for a field at fault, else {@code null} (the attribute is left out). */
    public String ariaInvalid(String field) {
      return problems.containsKey(field) ? "true" : null;
    }
  }

  /** One {@code created_invoice} webhook of the space and what became of it. */
  public record Invoice(
      UUID id,
      OffsetDateTime receivedAt,
      String invoice,
      String membership,
      Long amountMinor,
      String currency,
      String outcome,
      String reason,
      boolean rerunnable) {

    /** The outcome as a badge's text. */
    public String outcomeLabel() {
      return outcome == null || outcome.isEmpty()
          ? ""
          : Character.toUpperCase(outcome.charAt(0)) + outcome.substring(1);
    }

    /** The outcome's badge tone. */
    public String outcomeTone() {
      return switch (outcome == null ? "" : outcome) {
        case "charged" -> "success";
        case "retrying" -> "warning";
        case "declined", "rejected" -> "danger";
        case "pending" -> "info";
        default -> "muted";
      };
    }
  }
}
