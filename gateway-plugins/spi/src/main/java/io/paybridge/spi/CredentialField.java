package io.paybridge.spi;

import java.util.List;
import java.util.Objects;

/**
 * One field of a gateway account's credentials.
 *
 * @param name JSON field name, e.g. {@code webhookSecret}
 * @param label what a form shows, and what messages about the field call it
 * @param description help text: where in the gateway's dashboard to find it
 * @param secret write-only once saved: never returned by the API or shown by the console
 * @param required whether an account is incomplete without it
 * @param allowedValues for choice fields, the values allowed; empty for free text
 * @param defaultValue used when the field is absent, or {@code null}
 * @param maxLength longest accepted value
 * @param verifiesWebhooks whether deliveries are verified with it (a signing secret, the id a
 *     gateway signs deliveries for). Gateways often issue it only once the webhook URL is
 *     registered with them, so an account may be saved without it: deliveries that arrive before it
 *     is saved are kept, held, and verified once it is.
 * @param shape what a value looks like, checked when saved; {@code null} for any text
 */
public record CredentialField(
    String name,
    String label,
    String description,
    boolean secret,
    boolean required,
    List<String> allowedValues,
    String defaultValue,
    int maxLength,
    boolean verifiesWebhooks,
    CredentialShape shape) {

  public CredentialField {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(label, "label");
    description = description == null ? "" : description;
    allowedValues = List.copyOf(allowedValues);
  }

  /** A required secret, such as an API key. */
  public static CredentialField secret(String name, String label, String description) {
    return new CredentialField(
        name, label, description, true, true, List.of(), null, 8192, false, null);
  }

  /** A required non-secret value, such as an account id. */
  public static CredentialField text(String name, String label, String description) {
    return new CredentialField(
        name, label, description, false, true, List.of(), null, 1024, false, null);
  }

  /** This field, made optional with the given default (may be {@code null}). */
  public CredentialField optional(String defaultVal) {
    return new CredentialField(
        name,
        label,
        description,
        secret,
        false,
        allowedValues,
        defaultVal,
        maxLength,
        verifiesWebhooks,
        shape);
  }

  /** This field, restricted to the given values. */
  public CredentialField oneOf(String... values) {
    return new CredentialField(
        name,
        label,
        description,
        secret,
        required,
        List.of(values),
        defaultValue,
        maxLength,
        verifiesWebhooks,
        shape);
  }

  /**
   * This field, as one that deliveries are verified with and that may be saved after the webhook
   * URL is registered at the gateway.
   */
  public CredentialField verifyingWebhooks() {
    return new CredentialField(
        name,
        label,
        description,
        secret,
        required,
        allowedValues,
        defaultValue,
        maxLength,
        true,
        shape);
  }

  /** This field, whose values must have the given shape. */
  public CredentialField shaped(CredentialShape newShape) {
    return new CredentialField(
        name,
        label,
        description,
        secret,
        required,
        allowedValues,
        defaultValue,
        maxLength,
        verifiesWebhooks,
        newShape);
  }

  /**
   * Why {@code value} cannot be saved in this field, judged by its shape (and, for a secret without
   * one, whether it is a placeholder); {@code null} when it can.
   */
  public String shapeProblem(String value) {
    if (shape != null) {
      return shape.problem(label, value);
    }
    if (secret && CredentialShape.looksLikePlaceholder(value)) {
      return CredentialShape.placeholder(label, null);
    }
    return null;
  }
}
