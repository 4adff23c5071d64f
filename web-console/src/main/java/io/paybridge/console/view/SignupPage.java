package io.paybridge.console.view;

/**
 * {@code GET /console/signup}: the form, what was typed (never the password), what is wrong and the
 * fields at fault, if any ({@code errorField}: their names, space-separated).
 */
public record SignupPage(
    String csrf, String name, String email, String error, String errorField, int minPassword) {

  /** {@code "true"} for a field at fault, else {@code null} (the attribute is left out). */
  public String ariaInvalid(String field) {
    return errorField != null && java.util.List.of(errorField.split(" ")).contains(field)
        ? "true"
        : null;
  }
}
