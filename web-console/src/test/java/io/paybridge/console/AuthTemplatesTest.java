package io.paybridge.console;

import static io.paybridge.console.Render.HOSTILE;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.console.view.Alert;
import io.paybridge.console.view.ErrorPage;
import io.paybridge.console.view.LoginPage;
import io.paybridge.console.view.SignupPage;
import org.junit.jupiter.api.Test;

/** The signed-out pages: log in, sign up and the error page. */
class AuthTemplatesTest {

  @Test
  void loginShowsTheFormTheTokenAndTheMessageEscaped() {
    // GIVEN a typed email and a message that try to break out of their attribute and element
    String html =
        Render.plain(
            "login.jte", new LoginPage("csrf\"<tok", HOSTILE, new Alert("warning", HOSTILE)));

    // THEN both are escaped where they land, and the form carries the CSRF token
    assertThat(html)
        .startsWith("<!doctype html>")
        .contains("<title>Log in · Paybridge</title>")
        .contains("<form method=\"post\" action=\"/console/login\" class=\"form\">")
        .contains("name=\"X-XSRF-TOKEN\" value=\"csrf&#34;&lt;tok\"")
        .contains("class=\"alert alert-warning\" role=\"alert\">&lt;script&gt;")
        .doesNotContain("<script>alert");
    // in an attribute: quotes and '<' escaped, so the value cannot end early
    assertThat(html)
        .contains("value=\"&lt;script>alert(&#34;x&#34;)&lt;/script>&#39; onmouseover=&#34;y\"");
  }

  @Test
  void loginWithoutMessageShowsNone() {
    String html = Render.plain("login.jte", new LoginPage("t", "", null));
    assertThat(html).doesNotContain("role=\"alert\"").contains("Create an account");
  }

  @Test
  void signupMarksTheFieldAtFaultAndKeepsWhatWasTyped() {
    String html =
        Render.plain(
            "signup.jte",
            new SignupPage("t", "Acme <Cowork>", "a\"@b.example", "Too short", "password", 12));
    assertThat(html)
        .contains("value=\"Acme &lt;Cowork>\"")
        .contains("value=\"a&#34;@b.example\"")
        .contains("minlength=\"12\"")
        .contains("At least 12 characters.")
        .contains("class=\"alert alert-error\" role=\"alert\">Too short</div>")
        .contains("autocomplete=\"new-password\" aria-invalid=\"true\"");
    // only the field at fault
    assertThat(html.split("aria-invalid", -1)).hasSize(2);
  }

  @Test
  void errorPageOffersTheWayBackThatFitsTheSession() {
    String out = Render.plain("error.jte", new ErrorPage(403, "Request refused", HOSTILE, false));
    assertThat(out)
        .contains("Error 403")
        .contains("<h1>Request refused</h1>")
        .contains("href=\"/console/login\">Log in</a>")
        .doesNotContain("<script>");
    assertThat(Render.plain("error.jte", new ErrorPage(404, "Not found", "x", true)))
        .contains("href=\"/console/dashboard\">Back to the dashboard</a>");
  }
}
