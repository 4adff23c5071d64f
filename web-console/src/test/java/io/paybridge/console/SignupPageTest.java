package io.paybridge.console;

import static io.paybridge.console.ConsoleTestServer.PASSWORD;
import static io.paybridge.console.ConsoleTestServer.assertSecurityHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.console.ConsoleTestServer.Browser;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code /console/signup}: a new tenant in one form, signed in at once under a new session id;
 * input the sign-up refuses is shown back with the field marked and what to do.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignupPageTest {

  private ConsoleTestServer console;

  @BeforeAll
  void start() {
    console = ConsoleTestServer.start("console_signup");
  }

  @AfterAll
  void stop() {
    console.close();
  }

  private static String email() {
    return "signup-" + UUID.randomUUID() + "@example.com";
  }

  @Test
  void theSignupPageHasATokenedForm() {
    HttpResponse<Buffer> page = console.browser().get("/console/signup");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.bodyAsString())
        .contains("<h1>Create your account</h1>")
        .contains("action=\"/console/signup\"")
        .contains("name=\"X-XSRF-TOKEN\"")
        .contains("minlength=\"12\"");
    assertSecurityHeaders(page);
  }

  @Test
  void aVisitorSignsUpAndIsWelcomedUnderANewSession() {
    // GIVEN a visitor on the sign-up page
    Browser visitor = console.browser();
    visitor.get("/console/signup");
    String anonymous = visitor.cookie("pb_console");
    String email = email();

    // WHEN it signs up, with markup in its name
    HttpResponse<Buffer> r =
        visitor.submit(
            "/console/signup", "name", "Acme <Cowork>", "email", email, "password", PASSWORD);

    // THEN it is signed in under a new session id and welcomed, its name shown as text
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(303);
    assertThat(r.getHeader("Location")).isEqualTo("/console/dashboard?welcome=1");
    assertThat(visitor.cookie("pb_console")).isNotNull().isNotEqualTo(anonymous);
    String dashboard = visitor.get("/console/dashboard?welcome=1").bodyAsString();
    assertThat(dashboard)
        .contains("Welcome to Paybridge. Your account is ready.")
        .contains("Acme &lt;Cowork&gt;")
        .doesNotContain("Acme <Cowork>")
        .contains("title=\"Account of " + email + "\"");
    assertThat(visitor.get("/console/signup").getHeader("Location"))
        .isEqualTo("/console/dashboard");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          Acme | owner@example.com | short    | password | at least 12 characters
          Acme | not an email      | PASSWORD | email    | Enter a valid email address.
          ' '  | owner@example.com | PASSWORD | name     | Enter your organisation's name
          """)
  void inputTheSignupRefusesIsShownBackWithTheFieldMarked(
      String name, String email, String password, String field, String message) {
    Browser visitor = console.browser();
    visitor.get("/console/signup");

    HttpResponse<Buffer> r =
        visitor.submit(
            "/console/signup",
            "name",
            name,
            "email",
            email,
            "password",
            password.equals("PASSWORD") ? PASSWORD : password);

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsString())
        .contains(message)
        .containsPattern("name=\"" + field + "\"[^>]*aria-invalid=\"true\"")
        .doesNotContain(PASSWORD);
    assertThat(visitor.get("/console/dashboard").statusCode()).isEqualTo(303);
  }

  @Test
  void everyFieldAtFaultIsMarkedAtOnce() {
    Browser visitor = console.browser();
    visitor.get("/console/signup");

    HttpResponse<Buffer> r =
        visitor.submit("/console/signup", "name", " ", "email", "nope", "password", "short");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsString())
        .contains("Enter your organisation's name (at most 200 characters).")
        .contains("Enter a valid email address.")
        .contains("Choose a password of at least 12 characters (at most 256).")
        .containsPattern("name=\"name\"[^>]*aria-invalid=\"true\"")
        .containsPattern("name=\"email\"[^>]*aria-invalid=\"true\"")
        .containsPattern("name=\"password\"[^>]*aria-invalid=\"true\"");
  }

  @Test
  void anEmailThatHasAnAccountIsToldToLogIn() {
    Browser first = console.signUp("First");
    Browser second = console.browser();
    second.get("/console/signup");

    HttpResponse<Buffer> r =
        second.submit(
            "/console/signup", "name", "Second", "email", first.email(), "password", PASSWORD);

    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(r.bodyAsString()).contains("An account with this email already exists. Log in");
  }

  @Test
  void aSignupWithoutThePagesTokenIsRefusedAndMakesNoAccount() {
    Browser visitor = console.browser();
    String email = email();
    visitor.get("/console/signup");

    HttpResponse<Buffer> forged =
        visitor.submitWithoutToken(
            "/console/signup", "name", "Forged", "email", email, "password", PASSWORD);

    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(forged.bodyAsString()).contains("Request refused");
    HttpResponse<Buffer> real =
        visitor.submit("/console/signup", "name", "Real", "email", email, "password", PASSWORD);
    assertThat(real.statusCode()).as("the email is still free").isEqualTo(303);
  }
}
