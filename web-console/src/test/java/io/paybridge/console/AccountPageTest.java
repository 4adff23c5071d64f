package io.paybridge.console;

import static io.paybridge.console.ConsoleTestServer.PASSWORD;
import static io.paybridge.console.ConsoleTestServer.assertSecurityHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.console.ConsoleTestServer.Browser;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code /console/account}: a signed-in tenant changes its password after giving the current one;
 * the old one stops working at once, a wrong current one or a short new one is a readable message,
 * and the form needs a session and a CSRF token like every other.
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountPageTest {

  private static final String NEW_PASSWORD = "an entirely new passphrase";

  private ConsoleTestServer console;

  @BeforeAll
  void start() {
    console = ConsoleTestServer.start("console_account");
  }

  @AfterAll
  void stop() {
    console.close();
  }

  @Test
  void aTenantChangesItsPasswordAndTheOldOneStopsWorking() {
    Browser owner = console.signUp("Shop");
    HttpResponse<Buffer> page = owner.get("/console/account");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.bodyAsString()).contains(owner.email()).contains("Change your password");
    assertSecurityHeaders(page);

    HttpResponse<Buffer> changed =
        owner.submit(
            "/console/account/password", "currentPassword", PASSWORD, "newPassword", NEW_PASSWORD);
    assertThat(changed.statusCode()).as(changed.bodyAsString()).isEqualTo(303);
    assertThat(changed.getHeader("Location")).isEqualTo("/console/account?changed=1");
    assertThat(owner.get("/console/account?changed=1").bodyAsString())
        .contains("Your password was changed.");

    // the old password no longer signs in; the new one does
    Browser other = console.browser();
    other.get("/console/login");
    assertThat(
            other
                .submit("/console/login", "email", owner.email(), "password", PASSWORD)
                .statusCode())
        .isNotEqualTo(303);
    Browser again = console.browser();
    again.get("/console/login");
    assertThat(
            again
                .submit("/console/login", "email", owner.email(), "password", NEW_PASSWORD)
                .statusCode())
        .isEqualTo(303);
  }

  @Test
  void aWrongCurrentPasswordOrAShortNewOneIsAReadableMessage() {
    Browser owner = console.signUp("Shop");
    owner.get("/console/account");
    HttpResponse<Buffer> wrong =
        owner.submit(
            "/console/account/password",
            "currentPassword",
            "not the password at all",
            "newPassword",
            NEW_PASSWORD);
    assertThat(wrong.statusCode()).isEqualTo(400);
    assertThat(wrong.bodyAsString()).contains("The current password is not right.");

    owner.get("/console/account");
    HttpResponse<Buffer> tooShort =
        owner.submit(
            "/console/account/password", "currentPassword", PASSWORD, "newPassword", "short");
    assertThat(tooShort.statusCode()).isEqualTo(400);
    assertThat(tooShort.bodyAsString()).contains("at least 12 characters");
    // nothing changed: the password still signs in
    Browser again = console.browser();
    again.get("/console/login");
    assertThat(
            again
                .submit("/console/login", "email", owner.email(), "password", PASSWORD)
                .statusCode())
        .isEqualTo(303);
  }

  @Test
  void theFormNeedsASessionAndAToken() {
    console.assertSentToLogin("/console/account");
    console.assertSignedOutPostRefused("/console/account/password");
    Browser owner = console.signUp("Shop");
    assertThat(
            owner
                .submitWithoutToken(
                    "/console/account/password",
                    "currentPassword",
                    PASSWORD,
                    "newPassword",
                    NEW_PASSWORD)
                .statusCode())
        .isEqualTo(403);
  }
}
