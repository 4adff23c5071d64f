package io.paybridge.spi;

import java.util.List;
import java.util.Objects;

/**
 * One field of a gateway account's credentials.
 *
 * @param name JSON field name, e.g. {@code webhookSecret}
 * @param label what a form shows
 * @param description help text: where in the gateway's dashboard to find it
 * @param secret write-only once saved: never returned by the API or shown by the console
 * @param required whether an account is incomplete without it
 * @param allowedValues for choice fields, the values allowed; empty for free text
 * @param defaultValue used when the field is absent, or {@code null}
 * @param maxLength longest accepted value
 */
public record CredentialField(
    String name,
    String label,
    String description,
    boolean secret,
    boolean required,
    List<String> allowedValues,
    String defaultValue,
    int maxLength) {

  public CredentialField {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(label, "label");
    description = description == null ? "" : description;
    allowedValues = List.copyOf(allowedValues);
  }

  /** A required secret, such as a webhook signing secret. */
  public static CredentialField secret(String name, String label, String description) {
    return new CredentialField(name, label, description, true, true, List.of(), null, 8192);
  }

  /** A required non-secret value, such as an account id. */
  public static CredentialField text(String name, String label, String description) {
    return new CredentialField(name, label, description, false, true, List.of(), null, 1024);
  }

  /** This field, made optional with the given default (may be {@code null}). */
  public CredentialField optional(String defaultVal) {
    return new CredentialField(
        name, label, description, secret, false, allowedValues, defaultVal, maxLength);
  }

  /** This field, restricted to the given values. */
  public CredentialField oneOf(String... values) {
    return new CredentialField(
        name, label, description, secret, required, List.of(values), defaultValue, maxLength);
  }
}
