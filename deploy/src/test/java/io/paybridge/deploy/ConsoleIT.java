package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClientSession;
import java.net.URI;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The web console over HTTP, through a real node: sessions, CSRF, throttling, tenancy, secrets. */
@Tag("security")
class ConsoleIT {

  private static final String PASSWORD = "a long console passphrase";

  /** vertx-web's CSRFHandler reads the token from the form field named like its header. */
  private static final String CSRF_FIELD = "X-XSRF-TOKEN";

  private static final String CSRF_COOKIE = "pb_console_csrf";
  private static final Pattern CSRF =
      Pattern.compile("name=\"" + CSRF_FIELD + "\" value=\"([^\"]+)\"");
  private static TestNode node;

  @BeforeAll
  static void start() {
    node =
        TestNode.start(
            "console",
            java.util.Map.of(
                "PAYBRIDGE_ALLOW_PRIVATE_TARGETS", "true",
                "PAYBRIDGE_SYNC_TIMEOUT_MS", "700",
                "PAYBRIDGE_RETRY_BASE_MS", "600000"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /** A browser as far as cookies go. */
  private static final class Browser {
    final WebClientSession http = WebClientSession.create(node.http);
    String csrf;

    HttpResponse<Buffer> get(String path) {
      return track(await(http.get(path).followRedirects(false).send()));
    }

    /**
     * Keeps the token the console issued last, as a browser's next form would carry it: the one in
     * the page's forms, else the renewed one in the CSRF cookie (the console renews the token after
     * every accepted POST, and a redirect or error page has no form).
     */
    private HttpResponse<Buffer> track(HttpResponse<Buffer> r) {
      Matcher m = CSRF.matcher(r.bodyAsString() == null ? "" : r.bodyAsString());
      if (m.find()) {
        csrf = m.group(1);
        assertThat(csrf).isEqualTo(cookie(CSRF_COOKIE));
      } else if (r.cookies().stream().anyMatch(c -> c.startsWith(CSRF_COOKIE + "="))) {
        csrf = cookie(CSRF_COOKIE);
      }
      return r;
    }

    HttpResponse<Buffer> post(String path, String... fields) {
      MultiMap form = MultiMap.caseInsensitiveMultiMap();
      for (int i = 0; i < fields.length; i += 2) {
        form.add(fields[i], fields[i + 1]);
      }
      return track(await(http.post(path).followRedirects(false).sendForm(form)));
    }

    /** Posts with the CSRF token of the last page. */
    HttpResponse<Buffer> submit(String path, String... fields) {
      String[] all = java.util.Arrays.copyOf(fields, fields.length + 2);
      all[fields.length] = CSRF_FIELD;
      all[fields.length + 1] = csrf;
      return post(path, all);
    }

    /** The session cookie's value. */
    String cookie() {
      return cookie("pb_console");
    }

    String cookie(String name) {
      for (var c : http.cookieStore().get(false, "127.0.0.1", "/console")) {
        if (c.name().equals(name)) {
          return c.value();
        }
      }
      return null;
    }
  }

  private static Browser signUp(String email) {
    Browser b = new Browser();
    assertThat(b.get("/console/signup").statusCode()).isEqualTo(200);
    HttpResponse<Buffer> r =
        b.submit("/console/signup", "name", "Acme <Cowork>", "email", email, "password", PASSWORD);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(303);
    assertThat(r.getHeader("Location")).isEqualTo("/console/dashboard?welcome=1");
    return b;
  }

  private static String email() {
    return "console-" + UUID.randomUUID() + "@example.com";
  }

  @Test
  void signUpLogOutAndLogInAgain() {
    // GIVEN a visitor on the sign-up page
    Browser b = new Browser();
    HttpResponse<Buffer> page = b.get("/console/signup");
    String setCookie = String.join("\n", page.cookies()).toLowerCase(java.util.Locale.ROOT);
    assertThat(setCookie).contains("pb_console=").contains("httponly").contains("samesite=strict");
    String anonymous = b.cookie();
    String email = email();

    // WHEN they sign up THEN the session id changes and the dashboard shows the first step
    HttpResponse<Buffer> r =
        b.submit("/console/signup", "name", "Acme <Cowork>", "email", email, "password", PASSWORD);
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(b.cookie()).isNotEqualTo(anonymous);
    HttpResponse<Buffer> dash = b.get("/console/dashboard");
    assertThat(dash.statusCode()).isEqualTo(200);
    assertThat(dash.bodyAsString())
        .contains("Next step: connect a payment gateway")
        .contains("Acme &lt;Cowork&gt;")
        .doesNotContain("Acme <Cowork>");

    // WHEN they log out THEN pages send them to the login page
    assertThat(b.submit("/console/logout").statusCode()).isEqualTo(303);
    HttpResponse<Buffer> after = b.get("/console/dashboard");
    assertThat(after.statusCode()).isEqualTo(303);
    assertThat(after.getHeader("Location")).isEqualTo("/console/login");

    // WHEN they log in again (email in another case) THEN they are in, under a new session id
    b.get("/console/login");
    String before = b.cookie();
    HttpResponse<Buffer> login =
        b.submit("/console/login", "email", email.toUpperCase(), "password", PASSWORD);
    assertThat(login.statusCode()).isEqualTo(303);
    assertThat(login.getHeader("Location")).isEqualTo("/console/dashboard");
    assertThat(b.cookie()).isNotEqualTo(before);
    assertThat(b.get("/console/payments").bodyAsString()).contains("No payments yet");
  }

  @Test
  void signUpRejectsShortPasswordsAndTakenEmails() {
    String email = email();
    signUp(email);
    Browser b = new Browser();
    b.get("/console/signup");
    HttpResponse<Buffer> shortPw =
        b.submit("/console/signup", "name", "X", "email", email(), "password", "short");
    assertThat(shortPw.statusCode()).isEqualTo(400);
    assertThat(shortPw.bodyAsString()).contains("at least 12 characters");
    HttpResponse<Buffer> taken =
        b.submit("/console/signup", "name", "X", "email", email, "password", PASSWORD);
    assertThat(taken.statusCode()).isEqualTo(409);
  }

  @Test
  void wrongPasswordAndUnknownEmailGetTheSameAnswer() {
    String email = email();
    signUp(email);
    Browser b = new Browser();
    b.get("/console/login");
    HttpResponse<Buffer> wrong =
        b.submit("/console/login", "email", email, "password", "not the password!");
    HttpResponse<Buffer> unknown =
        b.submit("/console/login", "email", email(), "password", "not the password!");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(wrong.bodyAsString()).contains("Email or password is incorrect.");
    assertThat(unknown.bodyAsString()).contains("Email or password is incorrect.");
    assertThat(b.get("/console/dashboard").statusCode()).isEqualTo(303);
  }

  @Test
  void repeatedFailuresAreThrottledPerEmailAndAddress() {
    // GIVEN ten failed attempts on one account from one address, the production limit
    String email = email();
    signUp(email);
    Browser b = new Browser();
    b.get("/console/login");
    for (int i = 0; i < 10; i++) {
      assertThat(b.submit("/console/login", "email", email, "password", "guess number " + i))
          .extracting(HttpResponse::statusCode)
          .isEqualTo(401);
    }
    // WHEN even the right password comes next THEN it waits
    HttpResponse<Buffer> r = b.submit("/console/login", "email", email, "password", PASSWORD);
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(Integer.parseInt(r.getHeader("Retry-After"))).isBetween(1, 60);
    assertThat(r.bodyAsString()).contains("Too many failed attempts");
    // AND another account from the same address still logs in
    String other = email();
    signUp(other);
    assertThat(b.submit("/console/login", "email", other, "password", PASSWORD).statusCode())
        .isEqualTo(303);
  }

  @Test
  void postsWithoutTheSessionsCsrfTokenAreRefused() {
    Browser b = signUp(email());
    b.get("/console/api-clients");
    // missing
    assertThat(b.post("/console/api-clients", "name", "x", "scope", "payments:read").statusCode())
        .isEqualTo(403);
    // forged
    assertThat(
            b.post("/console/api-clients", "name", "x", "scope", "payments:read", CSRF_FIELD, "abc")
                .statusCode())
        .isEqualTo(403);
    // another session's token
    Browser other = signUp(email());
    other.get("/console/dashboard");
    assertThat(b.post("/console/logout", CSRF_FIELD, other.csrf).statusCode()).isEqualTo(403);
    // a login form posted without a session at all
    Browser fresh = new Browser();
    HttpResponse<Buffer> r =
        fresh.post("/console/login", "email", "a@b.example", "password", PASSWORD, CSRF_FIELD, "x");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.bodyAsString()).contains("Request refused");
    // the client list is unchanged
    assertThat(b.get("/console/api-clients").bodyAsString()).doesNotContain("<strong>x</strong>");
  }

  @Test
  void gatewaySecretsAreWriteOnlyAndPaymentsShowUp() {
    // GIVEN a tenant connecting Stripe through the form
    Browser b = signUp(email());
    String secret = StripeSimulator.newWebhookSecret();
    b.get("/console/gateways/stripe");
    HttpResponse<Buffer> saved =
        b.submit(
            "/console/gateways/stripe",
            "webhookSecret",
            secret,
            "apiKey",
            "",
            "customerRefKey",
            "");
    assertThat(saved.statusCode()).as(saved.bodyAsString()).isEqualTo(303);
    assertThat(saved.getHeader("Location")).isEqualTo("/console/gateways/stripe?saved=1");

    // THEN the page shows the webhook URL and that the secret is set, never the secret
    String page = b.get("/console/gateways/stripe?saved=1").bodyAsString();
    assertThat(page)
        .doesNotContain(secret)
        .contains("•••• set")
        .contains("payment_intent.succeeded");
    String url = webhookUrl(page);
    assertThat(url).matches("http://[^/]+/hooks/[^/]+/stripe");

    // WHEN another field is edited with the secret left blank THEN the secret is kept
    assertThat(
            b.submit(
                    "/console/gateways/stripe",
                    "webhookSecret",
                    "",
                    "customerRefKey",
                    "customer_ref")
                .statusCode())
        .isEqualTo(303);
    StripeSimulator stripe = new StripeSimulator(secret);
    String id = UUID.randomUUID().toString();
    HttpResponse<Buffer> hook =
        await(
            stripe.post(
                node.http,
                url,
                stripe.paymentIntentSucceeded("evt_" + id, "pi_" + id, 4200, "usd", "user-7")));
    assertThat(hook.statusCode()).as(hook.bodyAsString()).isEqualTo(200);

    // AND the payment, the balance and the receipt appear; no page renders the secret
    String payments = b.get("/console/payments").bodyAsString();
    assertThat(payments).contains("42.00 USD").contains("user-7").contains("pi_" + id);
    assertThat(b.get("/console/payments?customer=user-7").bodyAsString())
        .contains("Balance of user-7");
    assertThat(b.get("/console/webhooks").bodyAsString())
        .contains("evt_" + id)
        .contains("Recorded");
    // a forged delivery is listed as rejected, with the reason, once the log is written
    HttpResponse<Buffer> forged =
        await(
            new StripeSimulator(StripeSimulator.newWebhookSecret())
                .post(
                    node.http,
                    url,
                    stripe.paymentIntentSucceeded("evt_forged", "pi_f", 1, "usd", "x")));
    assertThat(forged.statusCode()).isEqualTo(401);
    // the refusal's receipt is written before the answer
    String log = b.get("/console/webhooks").bodyAsString();
    assertThat(log).contains("Rejected").contains("signature");
    assertThat(b.get("/console/webhooks?verdict=rejected").bodyAsString())
        .contains("signature")
        .doesNotContain("evt_" + id);
    for (String path :
        new String[] {
          "/console/dashboard", "/console/gateways", "/console/sync", "/console/api-clients"
        }) {
      HttpResponse<Buffer> r = b.get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.bodyAsString()).as(path).doesNotContain(secret);
    }

    // AND invalid input names its field, without echoing any secret
    HttpResponse<Buffer> bad =
        b.submit(
            "/console/gateways/stripe", "webhookSecret", "", "customerRefKey", "x".repeat(5000));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsString()).doesNotContain(secret).contains("aria-invalid");
  }

  @Test
  void apiClientSecretIsShownOnceAndWorks() {
    Browser b = signUp(email());
    b.get("/console/api-clients");
    HttpResponse<Buffer> created =
        b.submit("/console/api-clients", "name", "billing", "scope", "payments:read");
    assertThat(created.statusCode()).isEqualTo(201);
    String body = created.bodyAsString();
    String clientId = value(body, "new-client-id");
    String secret = value(body, "new-client-secret");
    assertThat(Tenant.token(node.http, clientId, secret)).isNotBlank();
    String list = b.get("/console/api-clients").bodyAsString();
    assertThat(list).contains(clientId).doesNotContain(secret);

    // WHEN it is revoked THEN the token endpoint refuses it
    Matcher m = Pattern.compile("/console/api-clients/([0-9a-f-]{36})/revoke").matcher(list);
    String revokeId = null;
    while (m.find()) {
      if (list.indexOf(clientId) < m.start() && revokeId == null) {
        revokeId = m.group(1);
      }
    }
    assertThat(revokeId).isNotNull();
    assertThat(b.submit("/console/api-clients/" + revokeId + "/revoke").statusCode())
        .isEqualTo(303);
    HttpResponse<Buffer> token =
        await(
            node.http
                .post("/oauth/token")
                .basicAuthentication(clientId, secret)
                .sendForm(
                    MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")));
    assertThat(token.statusCode()).isNotEqualTo(200);
  }

  @Test
  void anotherTenantsIdsLeadToNotFound() {
    // GIVEN tenant A with an API client and a Stripe account
    Browser a = signUp(email());
    a.get("/console/api-clients");
    String aList =
        a.submit("/console/api-clients", "name", "a-client", "scope", "payments:read")
            .bodyAsString();
    Matcher m = Pattern.compile("/console/api-clients/([0-9a-f-]{36})/revoke").matcher(aList);
    assertThat(m.find()).isTrue();
    String aClient = m.group(1);
    a.get("/console/gateways/stripe");
    a.submit("/console/gateways/stripe", "webhookSecret", StripeSimulator.newWebhookSecret());
    String aUrl = webhookUrl(a.get("/console/gateways/stripe").bodyAsString());

    // WHEN tenant B uses A's ids THEN it gets 404 and A's objects are untouched
    Browser b = signUp(email());
    b.get("/console/dashboard");
    HttpResponse<Buffer> revoke = b.submit("/console/api-clients/" + aClient + "/revoke");
    assertThat(revoke.statusCode()).isEqualTo(404);
    assertThat(revoke.bodyAsString()).contains("Not found");
    assertThat(b.submit("/console/api-clients/not-a-uuid/revoke").statusCode()).isEqualTo(404);
    assertThat(b.submit("/console/sync/deliveries/1/replay").statusCode()).isEqualTo(404);
    assertThat(b.submit("/console/gateways/stripe/delete").statusCode()).isEqualTo(404);
    assertThat(b.get("/console/gateways/nope").statusCode()).isEqualTo(404);
    assertThat(b.get("/console/gateways/stripe").bodyAsString()).doesNotContain(aUrl);
    assertThat(b.get("/console/gateways").bodyAsString()).doesNotContain(aUrl);
    assertThat(a.get("/console/api-clients").bodyAsString())
        .contains("/console/api-clients/" + aClient + "/revoke");
    assertThat(a.get("/console/gateways/stripe").bodyAsString()).contains(aUrl);
  }

  @Test
  void failedDeliveriesCanBeReplayedOnlyByTheirTenant() {
    // GIVEN tenant A with a sync target that refuses connections, and a recorded payment
    Browser a = signUp(email());
    a.get("/console/api-clients");
    String created =
        a.submit("/console/api-clients", "name", "sync", "scope", "sync:write").bodyAsString();
    String clientId = value(created, "new-client-id");
    String token = Tenant.token(node.http, clientId, value(created, "new-client-secret"));
    HttpResponse<Buffer> target =
        await(
            node.http
                .post("/api/v1/sync-targets")
                .bearerTokenAuthentication(token)
                .sendJsonObject(
                    new io.vertx.core.json.JsonObject()
                        .put("type", "webhook")
                        .put("url", "http://127.0.0.1:9/refused")));
    assertThat(target.statusCode()).as(target.bodyAsString()).isEqualTo(201);
    String secret = StripeSimulator.newWebhookSecret();
    a.get("/console/gateways/stripe");
    a.submit("/console/gateways/stripe", "webhookSecret", secret);
    String url = webhookUrl(a.get("/console/gateways/stripe").bodyAsString());
    StripeSimulator stripe = new StripeSimulator(secret);
    String id = UUID.randomUUID().toString();
    assertThat(
            await(
                    stripe.post(
                        node.http,
                        url,
                        stripe.paymentIntentSucceeded("evt_" + id, "pi_" + id, 500, "usd", "u1")))
                .statusCode())
        .isEqualTo(200);
    String sql =
        "SELECT d.id FROM deliveries d JOIN api_clients c ON c.tenant_id = d.tenant_id"
            + " WHERE c.client_id = '"
            + clientId
            + "' AND d.status = 'failed'";
    long deadline = System.currentTimeMillis() + 30_000;
    while (await(node.sql.query(sql).execute()).size() == 0) {
      assertThat(System.currentTimeMillis())
          .as("a failed delivery within 30 s")
          .isLessThan(deadline);
      await(node.client.timer(100));
    }
    long delivery = await(node.sql.query(sql).execute()).iterator().next().getLong(0);
    assertThat(a.get("/console/sync").bodyAsString())
        .contains("127.0.0.1:9/refused")
        .contains("/console/sync/deliveries/" + delivery + "/replay");

    // WHEN tenant B replays A's delivery THEN 404, and B's sync page shows nothing of A's
    Browser b = signUp(email());
    String bSync = b.get("/console/sync").bodyAsString();
    assertThat(bSync).doesNotContain("127.0.0.1:9/refused").contains("No failed deliveries");
    assertThat(b.submit("/console/sync/deliveries/" + delivery + "/replay").statusCode())
        .isEqualTo(404);

    // AND A can replay it
    HttpResponse<Buffer> replay = a.submit("/console/sync/deliveries/" + delivery + "/replay");
    assertThat(replay.statusCode()).isEqualTo(303);
    assertThat(a.get(replay.getHeader("Location")).bodyAsString())
        .contains("Delivery " + delivery + " will be sent again.");
  }

  @Test
  void signedOutRequestsNeverReachTenantPages() {
    Browser b = new Browser();
    assertThat(b.get("/console/payments").getHeader("Location")).isEqualTo("/console/login");
    assertThat(b.get("/console/").getHeader("Location")).isEqualTo("/console/login");
    assertThat(b.get("/console/assets/console.css").statusCode()).isEqualTo(200);
    b.get("/console/login");
    assertThat(b.submit("/console/api-clients", "name", "x", "scope", "payments:read").statusCode())
        .isEqualTo(401);
  }

  @Test
  void aHeldDeliveryIsShownOnTheGatewayAndInTheReceiptLogWithItsBody() {
    // GIVEN a tenant on Stripe without an API key
    Browser b = signUp(email());
    String secret = StripeSimulator.newWebhookSecret();
    b.get("/console/gateways/stripe");
    b.submit(
        "/console/gateways/stripe", "webhookSecret", secret, "apiKey", "", "customerRefKey", "");
    String url = webhookUrl(b.get("/console/gateways/stripe").bodyAsString());
    StripeSimulator stripe = new StripeSimulator(secret);

    // WHEN Stripe announces refunds with a charge that lists none (they need the API to book)
    String basil = StripeSimulator.API_VERSION;
    String refunded =
        stripe.event(
            "evt_held_console",
            "charge.refunded",
            stripe.charge(basil, "ch_HC", "pi_HC", 5_000, 1_000, "usd", "held-1", null),
            basil);
    assertThat(await(stripe.post(node.http, url, refunded)).statusCode()).isEqualTo(200);

    // THEN the gateways list and the gateway page say a delivery is held and why
    assertThat(b.get("/console/gateways").bodyAsString()).contains("1 delivery held");
    assertThat(b.get("/console/gateways/stripe").bodyAsString())
        .contains("1 delivery is held")
        .contains("/console/webhooks?verdict=held&amp;gateway=stripe");

    // AND the receipt log, filtered to held deliveries, lists it with its reason
    String log = b.get("/console/webhooks?verdict=held&gateway=stripe").bodyAsString();
    assertThat(log).contains("evt_held_console").contains("Held").contains("apiKey");
    Matcher link = Pattern.compile("/console/webhooks/(\\d+)").matcher(log);
    assertThat(link.find()).isTrue();
    String id = link.group(1);

    // AND its page shows the body as received, escaped, and can process it again
    String detail = b.get("/console/webhooks/" + id).bodyAsString();
    assertThat(detail).contains("evt_held_console").contains("ch_HC").contains("Process again");
    HttpResponse<Buffer> again = b.submit("/console/webhooks/" + id + "/reprocess");
    assertThat(again.statusCode()).isEqualTo(303);
    assertThat(b.get(again.getHeader("Location")).bodyAsString())
        .contains("Processed again: Held, nothing new booked");

    // AND another tenant can neither see nor process it
    Browser other = signUp(email());
    assertThat(other.get("/console/webhooks/" + id).statusCode()).isEqualTo(404);
    other.get("/console/webhooks");
    assertThat(other.submit("/console/webhooks/" + id + "/reprocess").statusCode()).isEqualTo(404);
  }

  private static String webhookUrl(String page) {
    String url = value(page, "webhook-url");
    URI.create(url);
    return url.replace("&amp;", "&");
  }

  private static String value(String page, String inputId) {
    Matcher m = Pattern.compile("id=\"" + inputId + "\"[^>]*value=\"([^\"]+)\"").matcher(page);
    assertThat(m.find()).as(inputId + " in page").isTrue();
    return m.group(1);
  }
}
