package io.paybridge.spi;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
   * unknown fields refused).
   *
   * @throws InvalidCredentialsException naming the first offending field
   */
  public Credentials validate(JsonObject submitted) {
    if (submitted == null) {
      throw new InvalidCredentialsException(null, "a JSON object of credential fields is required");
    }
    for (String name : submitted.fieldNames()) {
      if (field(name).isEmpty()) {
        throw new InvalidCredentialsException(name, "unknown field '" + name + "'");
      }
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (CredentialField f : fields) {
      Object raw = submitted.getValue(f.name());
      if (raw == null) {
        if (f.required()) {
          throw new InvalidCredentialsException(f.name(), "field '" + f.name() + "' is required");
        }
        if (f.defaultValue() != null) {
          values.put(f.name(), f.defaultValue());
        }
        continue;
      }
      if (!(raw instanceof String value)) {
        throw new InvalidCredentialsException(
            f.name(), "field '" + f.name() + "' must be a string");
      }
      String trimmed = value.strip();
      if (trimmed.isEmpty()) {
        if (f.required()) {
          throw new InvalidCredentialsException(
              f.name(), "field '" + f.name() + "' must not be empty");
        }
        continue;
      }
      if (trimmed.length() > f.maxLength()) {
        throw new InvalidCredentialsException(
            f.name(), "field '" + f.name() + "' is longer than " + f.maxLength() + " characters");
      }
      if (!f.allowedValues().isEmpty() && !f.allowedValues().contains(trimmed)) {
        throw new InvalidCredentialsException(
            f.name(), "field '" + f.name() + "' must be one of " + f.allowedValues());
      }
      values.put(f.name(), trimmed);
    }
    return new Credentials(values);
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
      out.add(o);
    }
    return out;
  }
}
