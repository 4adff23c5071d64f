package io.paybridge.spi;

import java.util.Map;
import java.util.Objects;

/**
 * A gateway account's credentials, decrypted, as validated by the plugin's {@link
 * CredentialSchema}. Its {@code toString} never prints values.
 */
public final class Credentials {

  private final Map<String, String> values;

  public Credentials(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  public static Credentials of(String... keyValues) {
    if (keyValues.length % 2 != 0) {
      throw new IllegalArgumentException("key/value pairs expected");
    }
    java.util.LinkedHashMap<String, String> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return new Credentials(m);
  }

  /** A field's value, or {@code null}. */
  public String get(String name) {
    return values.get(name);
  }

  /**
   * The first of {@code names} the account has no value for (absent or empty), or {@code null} when
   * it has them all.
   */
  public String firstMissing(String... names) {
    for (String name : names) {
      String value = values.get(name);
      if (value == null || value.isEmpty()) {
        return name;
      }
    }
    return null;
  }

  public String getOrDefault(String name, String defaultValue) {
    return values.getOrDefault(name, defaultValue);
  }

  /** A field's value; an account saved through the schema always has its required fields. */
  public String require(String name) {
    String v = values.get(name);
    if (v == null) {
      throw new IllegalStateException("gateway account has no '" + name + "'");
    }
    return v;
  }

  public Map<String, String> asMap() {
    return values;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Credentials other && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(values);
  }

  @Override
  public String toString() {
    return "Credentials" + values.keySet();
  }
}
