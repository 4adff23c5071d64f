package io.paybridge.console.view;

/**
 * {@code GET /console/account}: who is signed in, and the form to change the password.
 *
 * @param notice what the last change did, or null
 * @param currentPasswordError why the current password was not taken, or null
 * @param newPasswordError why the new password was not taken, or null
 */
public record AccountPage(
    String csrf,
    String email,
    Alert notice,
    String currentPasswordError,
    String newPasswordError) {}
