package io.paybridge.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.console.ConsoleTestServer.Browser;
import io.paybridge.console.view.Frame;
import io.paybridge.testkit.FuzzStats;
import io.paybridge.testkit.Mutations;
import io.paybridge.testkit.Mutations.Body;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * The console's forms under hostile input, posted in a signed-in session with the page's own CSRF
 * token: each form's fields mutated ({@link Mutations}: reordered, sent twice, left out, badly
 * escaped, invalid UTF-8, numbers out of range, deep nesting, the wrong content type, empty or 10
 * MB), or made from scratch. Whatever comes in, the console answers with a page or a redirect,
 * never a 5xx.
 */
class ConsoleFormsFuzzTest {

  /** A form: the page that shows it, where it posts, and fields it accepts. */
  record Form(String page, String action, boolean signedIn, List<String> fields) {}

  /** A form with the body it is posted with. */
  record Attempt(Form form, Body body, boolean mutated) {
    @Override
    public String toString() {
      return "POST " + form.action() + ": " + (mutated ? "" : "from scratch, ") + body;
    }
  }

  private static final List<Form> FORMS =
      List.of(
          new Form(
              "/console/gateways/stripe",
              "/console/gateways/stripe",
              true,
              List.of("webhookSecret", "whsec_0123456789abcdef", "customerRefKey", "customer_ref")),
          new Form(
              "/console/api-clients",
              "/console/api-clients",
              true,
              List.of("name", "billing backend", "scope", "payments:read")),
          new Form(
              "/console/account",
              "/console/account/password",
              true,
              List.of(
                  "currentPassword",
                  ConsoleTestServer.PASSWORD,
                  "newPassword",
                  "another long passphrase")),
          new Form(
              "/console/cobot",
              "/console/cobot",
              true,
              List.of(
                  "subdomain",
                  "acme",
                  "clientId",
                  "cid",
                  "clientSecret",
                  "csecret",
                  "gateway",
                  "stripe")),
          new Form(
              "/console/login",
              "/console/login",
              false,
              List.of("email", "nobody@example.com", "password", "not the password")),
          new Form(
              "/console/signup",
              "/console/signup",
              false,
              List.of(
                  "name",
                  "Fuzz",
                  "email",
                  "fuzz@example.com",
                  "password",
                  ConsoleTestServer.PASSWORD)));

  private ConsoleTestServer console;
  private Browser tenant;
  private FuzzStats stats;

  @BeforeProperty
  void start() {
    console = ConsoleTestServer.start("console_fuzz");
    tenant = console.signUp("Fuzz Cowork");
    stats = new FuzzStats("web-console", "forms");
  }

  @AfterProperty
  void stop() {
    stats.write();
    console.close();
  }

  private static String encode(List<String> fields, String csrf) {
    StringBuilder form = new StringBuilder();
    for (int i = 0; i < fields.size(); i += 2) {
      form.append(URLEncoder.encode(fields.get(i), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(fields.get(i + 1), StandardCharsets.UTF_8))
          .append('&');
    }
    return form.append(Frame.CSRF_FIELD)
        .append('=')
        .append(URLEncoder.encode(csrf, StandardCharsets.UTF_8))
        .toString();
  }

  @Provide
  Arbitrary<Attempt> attempts() {
    // The token is the page's; the mutations are made on a stand-in and the real one put back.
    return Arbitraries.of(FORMS)
        .flatMap(
            form ->
                Arbitraries.frequencyOf(
                    net.jqwik.api.Tuple.of(
                        9,
                        Mutations.of(
                                encode(form.fields(), "CSRFTOKEN").getBytes(StandardCharsets.UTF_8),
                                "application/x-www-form-urlencoded")
                            .map(b -> new Attempt(form, b, true))),
                    net.jqwik.api.Tuple.of(
                        1, Mutations.fromScratch().map(b -> new Attempt(form, b, false)))));
  }

  @Property
  void noFormPostGetsA5xx(@ForAll("attempts") Attempt attempt) {
    // A visitor is a new browser each time (a sign-up that got through signs its browser in);
    // the tenant signs up again when an earlier try ended its session (a password change).
    Browser browser = attempt.form().signedIn() ? tenant : console.browser();
    HttpResponse<Buffer> page = browser.get(attempt.form().page());
    if (attempt.form().signedIn()
        && !String.valueOf(page.bodyAsString()).contains(Frame.CSRF_FIELD)) {
      tenant = console.signUp("Fuzz Cowork");
      browser = tenant;
      page = browser.get(attempt.form().page());
    }
    assertThat(page.statusCode()).as("%s shows its form", attempt.form().page()).isLessThan(500);
    byte[] body = attempt.body().bytes();
    if (attempt.mutated() && browser.csrf() != null) {
      body =
          new String(body, StandardCharsets.ISO_8859_1)
              .replace("CSRFTOKEN", URLEncoder.encode(browser.csrf(), StandardCharsets.UTF_8))
              .getBytes(StandardCharsets.ISO_8859_1);
    }
    HttpResponse<Buffer> r =
        browser.postRaw(attempt.form().action(), body, attempt.body().contentType());

    String shown = r.bodyAsString() == null ? "" : r.bodyAsString();
    assertThat(r.statusCode())
        .as("%s answered %s", attempt, shown.length() > 300 ? shown.substring(0, 300) : shown)
        .isLessThan(500);
    stats.count(String.valueOf(r.statusCode()));
  }
}
