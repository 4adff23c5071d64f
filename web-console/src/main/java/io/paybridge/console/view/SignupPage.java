package io.paybridge.console.view;

/**
 * {@code GET /console/signup}: the form, what was typed (never the password), the error and the
 * field at fault, if any.
 */
public record SignupPage(
    String csrf, String name, String email, String error, String errorField, int minPassword) {

  /** {@code "true"} for the field at fault, else {@code null} (the attribute is left out). */
  public String ariaInvalid(String field) {
    return field.equals(errorField) ? "true" : null;
  }
}
