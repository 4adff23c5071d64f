package io.paybridge.console.view;

/** A message above a page's content; {@code tone} is info, success, warning, error or danger. */
public record Alert(String tone, String text) {}
