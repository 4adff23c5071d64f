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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code /console/login} and {@code /console/logout}: signing in under a new session id, signing
 * out, refusals that say what to do, and forms that only the console's own pages can post.
 * Throttling has its own test ({@link SignInThrottleTest}).
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoginPageTest {

  private ConsoleTestServer console;

  @BeforeAll
  void start() {
    console = ConsoleTestServer.start("console_login");
  }

  @AfterAll
  void stop() {
    console.close();
  }

  /** A tenant that signed up and then logged out. */
  private Browser signedOut() {
    Browser owner = console.signUp("Acme Cowork");
    owner.get("/console/dashboard");
    HttpResponse<Buffer> bye = owner.submit("/console/logout");
    assertThat(bye.statusCode()).isEqualTo(303);
    assertThat(bye.getHeader("Location")).isEqualTo("/console/login?bye=1");
    return owner;
  }

  private static String setCookie(HttpResponse<Buffer> r, String name) {
    return r.cookies().stream()
        .filter(c -> c.startsWith(name + "="))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " cookie in " + r.cookies()));
  }

  @Test
  void theLoginPageHasATokenedFormAndItsCookiesStayOnTheServer() {
    HttpResponse<Buffer> page = console.browser().get("/console/login");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.getHeader("Content-Type")).isEqualTo("text/html; charset=utf-8");
    assertThat(page.bodyAsString())
        .contains("<h1>Log in</h1>")
        .contains("action=\"/console/login\"")
        .contains("name=\"X-XSRF-TOKEN\"");
    assertSecurityHeaders(page);
    for (String cookie : new String[] {"pb_console", "pb_console_csrf"}) {
      assertThat(setCookie(page, cookie))
          .containsIgnoringCase("HttpOnly")
          .containsIgnoringCase("Path=/console");
    }
    assertThat(setCookie(page, "pb_console")).containsIgnoringCase("SameSite=Strict");
  }

  @Test
  void aTenantLogsOutAndBackInUnderANewSession() {
    // GIVEN a tenant that logged out
    Browser owner = signedOut();
    assertThat(owner.get("/console/login?bye=1").bodyAsString()).contains("You are logged out.");
    assertThat(owner.get("/console/dashboard").getHeader("Location")).isEqualTo("/console/login");
    String anonymous = owner.cookie("pb_console");

    // WHEN it logs in, its email typed in capitals
    HttpResponse<Buffer> in =
        owner.submit("/console/login", "email", owner.email().toUpperCase(), "password", PASSWORD);

    // THEN it is in, under a new session id
    assertThat(in.statusCode()).as(in.bodyAsString()).isEqualTo(303);
    assertThat(in.getHeader("Location")).isEqualTo("/console/dashboard");
    assertThat(owner.cookie("pb_console")).isNotEqualTo(anonymous);
    assertThat(owner.get("/console/dashboard").bodyAsString()).contains("Acme Cowork");
    assertThat(owner.get("/console/login").getHeader("Location")).isEqualTo("/console/dashboard");
  }

  @Test
  void aWrongPasswordAndAnUnknownEmailGetTheSameReadableAnswer() {
    Browser owner = signedOut();
    owner.get("/console/login");

    HttpResponse<Buffer> wrong =
        owner.submit("/console/login", "email", owner.email(), "password", "not the password");
    HttpResponse<Buffer> unknown =
        owner.submit(
            "/console/login",
            "email",
            "nobody-" + UUID.randomUUID() + "@example.com",
            "password",
            "not the password");

    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(wrong.bodyAsString())
        .contains("Email or password is incorrect.")
        .contains("value=\"" + owner.email() + "\"");
    assertThat(unknown.bodyAsString()).contains("Email or password is incorrect.");
    assertThat(owner.get("/console/dashboard").statusCode()).isEqualTo(303);
  }

  @Test
  void anEmptyFormIsABadRequestThatSaysWhatIsMissing() {
    Browser visitor = console.browser();
    visitor.get("/console/login");

    HttpResponse<Buffer> r = visitor.submit("/console/login", "email", "", "password", "");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsString()).contains("Enter your email and password.");
    assertSecurityHeaders(r);
  }

  @Test
  void postsWithoutThePagesTokenAreRefused() {
    // a login form that did not come from the console's page
    Browser owner = signedOut();
    HttpResponse<Buffer> login =
        owner.submitWithoutToken("/console/login", "email", owner.email(), "password", PASSWORD);
    assertThat(login.statusCode()).isEqualTo(403);
    assertThat(login.bodyAsString()).contains("Request refused");
    assertThat(owner.get("/console/dashboard").statusCode()).isEqualTo(303);

    // a log-out form that did not come from the console's page
    Browser other = console.signUp("Other");
    assertThat(other.submitWithoutToken("/console/logout").statusCode()).isEqualTo(403);
    assertThat(other.get("/console/dashboard").statusCode()).isEqualTo(200);
  }
}
