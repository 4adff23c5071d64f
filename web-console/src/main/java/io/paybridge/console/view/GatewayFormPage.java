package io.paybridge.console.view;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * {@code GET /console/gateways/{gateway}}: once connected, the setup status (can gateways reach the
 * URL, what is still needed, what became of the last delivery) and the webhook URL; and the
 * credentials form. Secrets are never part of it: a secret field only says whether a value is
 * stored.
 */
public record GatewayFormPage(
    String csrf,
    String id,
    String displayName,
    boolean saved,
    long held,
    SetupView setup,
    Connected connected,
    List<Field> fields,
    String error,
    List<String> generalErrors) {

  /** What a connected account shows: where to send webhooks and which events matter. */
  public record Connected(
      String webhookUrl,
      List<String> subscribedEvents,
      List<Rule> events,
      OffsetDateTime createdAt,
      OffsetDateTime updatedAt) {}

  /** What Paybridge does with one event type: {@code action} is Books, Holds or Ignores. */
  public record Rule(String eventType, String action, String tone, String what) {}

  /**
   * One credential field. {@code value} is what to show in a plain field (typed or stored), never
   * set for a secret; {@code stored} says a secret has a stored value; {@code error} what is wrong
   * with what was submitted, or {@code null}; {@code verifiesWebhooks} that it may be saved once
   * the gateway shows it, after the webhook URL is registered.
   */
  public record Field(
      String name,
      String label,
      String description,
      boolean required,
      boolean secret,
      boolean verifiesWebhooks,
      boolean stored,
      String error,
      int maxLength,
      String value,
      String defaultValue,
      List<String> allowedValues) {

    public String inputId() {
      return "f-" + name;
    }

    /** Whether the submitted value was refused. */
    public boolean invalid() {
      return error != null;
    }

    /** Whether the form requires a value now: a field deliveries are verified with can wait. */
    public boolean requiredNow() {
      return required && !stored && !verifiesWebhooks;
    }

    /** The option a select shows as chosen. */
    public String selected() {
      return value == null ? defaultValue : value;
    }
  }
}
