package io.paybridge.console.view;

/** {@code GET /console/login}: the form, the email typed so far and a message, if any. */
public record LoginPage(String csrf, String email, Alert notice) {}
