package io.paybridge.console.view;

/**
 * A page of Cobot's public routes that only says something: why a sign-in, an authorization or a
 * card was refused, or that Cobot could not be reached; {@code linkHref} and {@code linkLabel} are
 * a way on, or {@code null}.
 */
public record CobotMessage(String title, String text, String linkHref, String linkLabel) {}
