package io.paybridge.spi;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The credential fields of a gateway, in form order. Validates what a tenant submits. */
public record CredentialSchema(List<CredentialField> fields) {

  public CredentialSchema {
    fields = List.copyOf(fields);
  }

  public static CredentialSchema of(CredentialField... fields) {
    return new CredentialSchema(List.of(fields));
  }

  public Optional<CredentialField> field(String name) {
    return fields.stream().filter(f -> f.name().equals(name)).findFirst();
  }

  /**
   * Checks a submitted credential object and returns the normalized credentials (defaults applied,
   * unknown fields refused, values trimmed and checked for their shape). A field that {@linkplain
   * CredentialField#verifiesWebhooks verifies webhooks} may be left out: the gateway may issue it
   * only after the webhook URL is registered.
   *
   * @throws InvalidCredentialsException naming every offending field at once
   */
  public Credentials validate(JsonObject submitted) {
    if (submitted == null) {
      throw new InvalidCredentialsException(null, "Send the credentials as a JSON object.");
    }
    List<InvalidCredentialsException.Problem> problems = new ArrayList<>();
    for (String name : submitted.fieldNames()) {
      if (field(name).isEmpty()) {
        problems.add(
            new InvalidCredentialsException.Problem(
                name, "'" + name + "' is not one of this gateway's credential fields."));
      }
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (CredentialField f : fields) {
      String problem = check(f, submitted.getValue(f.name()), values);
      if (problem != null) {
        problems.add(new InvalidCredentialsException.Problem(f.name(), problem));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidCredentialsException(problems);
    }
    return new Credentials(values);
  }

  /** Puts the field's value (or default) into {@code values}, or says what is wrong with it. */
  private static String check(CredentialField f, Object raw, Map<String, String> values) {
    String value = raw instanceof String s ? s.strip() : null;
    if (raw == null || (value != null && value.isEmpty())) {
      if (f.required() && !f.verifiesWebhooks()) {
        return f.label() + " is required.";
      }
      if (raw == null && f.defaultValue() != null) {
        values.put(f.name(), f.defaultValue());
      }
      return null;
    }
    if (value == null) {
      return f.label() + " must be text.";
    }
    if (value.length() > f.maxLength()) {
      return f.label() + " must be at most " + f.maxLength() + " characters.";
    }
    if (!f.allowedValues().isEmpty() && !f.allowedValues().contains(value)) {
      return f.label() + " must be one of: " + String.join(", ", f.allowedValues()) + ".";
    }
    String shape = f.shapeProblem(value);
    if (shape != null) {
      return shape;
    }
    values.put(f.name(), value);
    return null;
  }

  /**
   * The fields deliveries are verified with that the account has no value for: until they are
   * saved, its deliveries cannot be verified and are held.
   */
  public List<CredentialField> unsetWebhookFields(Credentials credentials) {
    List<CredentialField> unset = new ArrayList<>();
    for (CredentialField f : fields) {
      if (f.verifiesWebhooks() && credentials.firstMissing(f.name()) != null) {
        unset.add(f);
      }
    }
    return unset;
  }

  /** The schema as JSON, for the API and the console's generated forms. */
  public JsonArray toJson() {
    JsonArray out = new JsonArray();
    for (CredentialField f : fields) {
      JsonObject o =
          new JsonObject()
              .put("name", f.name())
              .put("label", f.label())
              .put("description", f.description())
              .put("secret", f.secret())
              .put("required", f.required());
      if (!f.allowedValues().isEmpty()) {
        o.put("allowedValues", new JsonArray(f.allowedValues()));
      }
      if (f.defaultValue() != null) {
        o.put("default", f.defaultValue());
      }
      if (f.verifiesWebhooks()) {
        o.put("verifiesWebhooks", true);
      }
      out.add(o);
    }
    return out;
  }
}
