package io.paybridge.console.view;

import java.util.List;

/**
 * Who is signed in, as the frame of every signed-in page shows it, and the CSRF token its forms
 * carry (the log-out form is in the frame).
 */
public record Frame(String tenantName, String email, String csrf) {

  /**
   * The form field that carries the CSRF token: vertx-web's {@code CSRFHandler} reads it under its
   * header name when the request has no such header.
   */
  public static final String CSRF_FIELD = "X-XSRF-TOKEN";

  /** The main navigation: a page's {@code active} name and its label. */
  public static final List<Option> NAV =
      List.of(
          new Option("dashboard", "Dashboard", false),
          new Option("gateways", "Gateways", false),
          new Option("payments", "Payments", false),
          new Option("checkouts", "Checkouts", false),
          new Option("subscriptions", "Subscriptions", false),
          new Option("webhooks", "Webhooks", false),
          new Option("sync", "Sync", false),
          new Option("cobot", "Cobot", false),
          new Option("api-clients", "API clients", false));
}
