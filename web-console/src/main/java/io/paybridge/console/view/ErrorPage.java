package io.paybridge.console.view;

/** A failed request: its status, a title and a sentence; the way back depends on the session. */
public record ErrorPage(int status, String title, String text, boolean signedIn) {}
