package io.paybridge.console.view;

/** An option of a select. */
public record Option(String value, String label, boolean selected) {}
