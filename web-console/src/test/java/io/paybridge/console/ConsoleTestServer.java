package io.paybridge.console;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.cookie.Cookie;
import io.paybridge.console.view.Frame;
import io.paybridge.core.TestPlatform;
import io.paybridge.core.UseCases;
import io.paybridge.devdb.PgFixture;
import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.WebClientSession;
import io.vertx.pgclient.PgConnectOptions;
import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The console as a browser meets it, for the console's tests: a test node ({@link TestPlatform}) on
 * a throwaway database of its own serving the console beside the webhook route; browsers with a
 * cookie jar that sign up and post forms with the CSRF token of the page they last showed; and
 * Stripe, connected through the gateway form and fed webhooks signed as Stripe signs. The only
 * class of these tests that knows how the console is mounted and reaches the platform.
 */
final class ConsoleTestServer implements AutoCloseable {

  /** The password every tenant signs up with. */
  static final String PASSWORD = "a long console passphrase";

  /** The client address of what tests do through the use cases rather than the pages. */
  private static final String SET_UP = "test-set-up";

  /** The hidden input the console puts its CSRF token in. */
  private static final Pattern CSRF =
      Pattern.compile("name=\"" + Frame.CSRF_FIELD + "\" value=\"([^\"]+)\"");

  /** The read-only input holding a gateway account's webhook URL. */
  private static final Pattern WEBHOOK_URL =
      Pattern.compile("id=\"webhook-url\"[^>]*value=\"([^\"]+)\"");

  /** A tenant's Stripe account: Stripe's part played by the simulator, and its webhook URL. */
  record StripeAccount(StripeSimulator stripe, String webhookUrl) {}

  private final TestPlatform node;
  private final WebClient http;

  private ConsoleTestServer(TestPlatform node) {
    this.node = node;
    this.http =
        WebClient.create(
            node.vertx(),
            new WebClientOptions()
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(node.port())
                .setFollowRedirects(false));
  }

  /** A server on a new database named after {@code name}. */
  static ConsoleTestServer start(String name) {
    return start(name, Map.of());
  }

  /**
   * A server on a new database named after {@code name}, with settings (environment variables); its
   * public URL is plain http unless they say otherwise.
   */
  static ConsoleTestServer start(String name, Map<String, String> settings) {
    return start(name, PgFixture.newDatabase(name), settings);
  }

  /**
   * A second server over this one's database, with settings: another node of the same cluster as
   * far as what the console keeps in PostgreSQL goes (sessions stay with each node).
   */
  ConsoleTestServer beside(String name, Map<String, String> settings) {
    return start(name, node.database(), settings);
  }

  private static ConsoleTestServer start(
      String name, PgConnectOptions database, Map<String, String> settings) {
    Map<String, String> env =
        new HashMap<>(Map.of("PAYBRIDGE_PUBLIC_URL", "http://console.paybridge.test"));
    env.putAll(settings);
    return new ConsoleTestServer(
        TestPlatform.start(
            name,
            database,
            Clock.systemUTC(),
            env,
            (vertx, router, useCases, config, keys) -> {
              ConsoleRoutes.mount(
                  vertx, router, useCases, config, keys.consoleCsrf(), Clock.systemUTC());
              CobotPages.mount(vertx, router, useCases.cobot());
              return Future.succeededFuture();
            }));
  }

  /** The database this server's node runs on, for tests that look at what it keeps. */
  PgConnectOptions database() {
    return node.database();
  }

  /** The use cases the node's pages call, for what a test sets up or checks beside the pages. */
  UseCases useCases() {
    return node.useCases();
  }

  /** The id of the tenant signed in in {@code tenant}. */
  UUID tenantId(Browser tenant) {
    return await(node.useCases().tenants().signIn(tenant.email(), PASSWORD, SET_UP)).id();
  }

  /** Passwords and secrets this server has hashed or checked since it started. */
  long hashes() {
    return node.hashes().computed();
  }

  /** A client without cookies or redirects, as Cobot and other servers call the node. */
  WebClient http() {
    return http;
  }

  /** The path and query of a URL, which this server answers whatever its host. */
  static String local(String publicUrl) {
    URI u = URI.create(publicUrl);
    return u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
  }

  /** A browser that has not signed in. */
  Browser browser() {
    return new Browser(WebClientSession.create(http), null);
  }

  /**
   * A browser that has not signed in, on a machine with another address: its connections come from
   * {@code address}, a loopback address such as {@code 127.0.0.2}.
   */
  Browser browserAt(String address) {
    return browserAt(address, null);
  }

  /**
   * A browser at {@code address} (as {@link #browserAt(String)}) that signs in as {@code email}.
   */
  Browser browserAt(String address, String email) {
    WebClient client =
        WebClient.create(
            node.vertx(),
            new WebClientOptions()
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(node.port())
                .setFollowRedirects(false)
                .setLocalAddress(address));
    return new Browser(WebClientSession.create(client), email);
  }

  /** A browser signed in as a new tenant, through the sign-up form. */
  Browser signUp(String organisation) {
    String email = "owner-" + UUID.randomUUID() + "@example.com";
    Browser browser = new Browser(WebClientSession.create(http), email);
    assertThat(browser.get("/console/signup").statusCode()).isEqualTo(200);
    HttpResponse<Buffer> r =
        browser.submit(
            "/console/signup", "name", organisation, "email", email, "password", PASSWORD);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(303);
    return browser;
  }

  /**
   * Connects Stripe through the gateway form, with a fresh signing secret and the other fields
   * given ({@code apiKey}, {@code publishableKey}, …).
   */
  StripeAccount connectStripe(Browser tenant, String... fields) {
    String secret = StripeSimulator.newWebhookSecret();
    tenant.get("/console/gateways/stripe");
    String[] form = new String[fields.length + 2];
    form[0] = "webhookSecret";
    form[1] = secret;
    System.arraycopy(fields, 0, form, 2, fields.length);
    HttpResponse<Buffer> saved = tenant.submit("/console/gateways/stripe", form);
    assertThat(saved.statusCode()).as(saved.bodyAsString()).isEqualTo(303);
    return new StripeAccount(new StripeSimulator(secret), stripeWebhookUrl(tenant));
  }

  /** The webhook URL the tenant's Stripe page shows, on this server. */
  String stripeWebhookUrl(Browser tenant) {
    String page = tenant.get("/console/gateways/stripe").bodyAsString();
    Matcher url = WEBHOOK_URL.matcher(page);
    assertThat(url.find()).as("a webhook URL on the gateway page").isTrue();
    return "http://127.0.0.1:" + node.port() + URI.create(url.group(1)).getPath();
  }

  /** Delivers an event body to the account's webhook URL, signed now as Stripe signs. */
  HttpResponse<Buffer> deliver(StripeAccount account, String body) {
    return await(account.stripe().post(http, account.webhookUrl(), body));
  }

  /**
   * Records a one-time US-dollar payment through the account's webhook URL, as Stripe reports it;
   * returns the payment intent's id.
   */
  String pay(StripeAccount account, long cents, String customerRef) {
    String paymentIntent = "pi_" + UUID.randomUUID().toString().replace("-", "");
    String event = paymentIntent.replace("pi_", "evt_");
    int status =
        deliver(
                account,
                account
                    .stripe()
                    .paymentIntentSucceeded(event, paymentIntent, cents, "usd", customerRef))
            .statusCode();
    assertThat(status).as("Stripe's delivery of " + event).isEqualTo(200);
    return paymentIntent;
  }

  /**
   * Adds a webhook sync target for the tenant: the console shows targets but makes them only
   * through the partner API, so this goes to the use case the API calls.
   */
  void addWebhookTarget(Browser tenant, String url) {
    UseCases useCases = node.useCases();
    await(
        useCases
            .tenants()
            .signIn(tenant.email(), PASSWORD, SET_UP)
            .compose(t -> useCases.syncTargets().add(t.id(), "webhook", url, null)));
  }

  /** The page at {@code path}, once it contains {@code text}; waits up to 30 seconds. */
  String pageOnceItShows(Browser tenant, String path, String text) {
    long deadline = System.currentTimeMillis() + 30_000;
    String page = tenant.get(path).bodyAsString();
    while (!page.contains(text)) {
      assertThat(System.currentTimeMillis()).as(path + " showing " + text).isLessThan(deadline);
      await(node.vertx().timer(100));
      page = tenant.get(path).bodyAsString();
    }
    return page;
  }

  /** A browser without a session asking for {@code path} is sent to the login page. */
  void assertSentToLogin(String path) {
    HttpResponse<Buffer> r = browser().get(path);
    assertThat(r.statusCode()).as(path).isEqualTo(303);
    assertThat(r.getHeader("Location")).as(path).isEqualTo("/console/login");
  }

  /**
   * A form posted to {@code path} by a browser without a session, with the token of the login page,
   * is refused as signed out.
   */
  void assertSignedOutPostRefused(String path) {
    Browser visitor = browser();
    visitor.get("/console/login");
    HttpResponse<Buffer> r = visitor.submit(path);
    assertThat(r.statusCode()).as(path).isEqualTo(401);
    assertThat(r.bodyAsString()).contains("Signed out").contains("Log in again to continue.");
  }

  /** The console's not-found page, which does not tell another tenant's object from none. */
  static void assertNotFound(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.bodyAsString())
        .contains("Not found")
        .contains("There is nothing here, or it belongs to another account.");
  }

  /**
   * Checks the headers every console response carries: a content security policy allowing only the
   * console's own origin and no framing, no caching, no sniffing, no referrer outside.
   */
  static void assertSecurityHeaders(HttpResponse<Buffer> r) {
    assertThat(r.getHeader("Content-Security-Policy"))
        .contains("default-src 'self'")
        .contains("frame-ancestors 'none'")
        .contains("form-action 'self'")
        .contains("base-uri 'none'");
    assertThat(r.getHeader("X-Frame-Options")).isEqualTo("DENY");
    assertThat(r.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(r.getHeader("Referrer-Policy")).isEqualTo("same-origin");
    assertThat(r.getHeader("Cache-Control")).isEqualTo("no-store");
  }

  /** Stops the node. */
  @Override
  public void close() {
    node.close();
  }

  /**
   * A browser as far as the console can tell: a cookie jar, redirects not followed, and the CSRF
   * token of the last page that had a form, which its next form post carries.
   */
  static final class Browser {

    private final WebClientSession session;
    private final String email;
    private String csrf;

    private Browser(WebClientSession session, String email) {
      this.session = session;
      this.email = email;
    }

    /** The email the tenant signed up with; {@code null} for a browser that did not sign up. */
    String email() {
      return email;
    }

    /** {@code GET}, remembering the page's CSRF token. */
    HttpResponse<Buffer> get(String path) {
      return shown(await(session.get(path).send()));
    }

    /** A form post carrying the CSRF token of the last page, as the page's form would. */
    HttpResponse<Buffer> submit(String path, String... fields) {
      return await(post(path, fields));
    }

    /** {@link #submit}, answered later: for posts sent at once from many browsers. */
    Future<HttpResponse<Buffer>> post(String path, String... fields) {
      assertThat(csrf).as("a page with a form was shown before posting to " + path).isNotNull();
      return session.post(path).sendForm(form(fields).add(Frame.CSRF_FIELD, csrf)).map(this::shown);
    }

    /** The CSRF token of the last page that had a form; {@code null} before one. */
    String csrf() {
      return csrf;
    }

    /**
     * A post of exactly these bytes with this content type ({@code ""} for none) in this browser's
     * session, as a hostile or broken client might send it.
     */
    HttpResponse<Buffer> postRaw(String path, byte[] body, String contentType) {
      var request = session.post(path);
      if (!contentType.isEmpty()) {
        request.putHeader("Content-Type", contentType);
      }
      return await(request.sendBuffer(Buffer.buffer(body)));
    }

    /** A form post without any CSRF token, as a forged cross-site form would send. */
    HttpResponse<Buffer> submitWithoutToken(String path, String... fields) {
      return send(path, form(fields));
    }

    /** A value of the session's cookie jar for the console, or {@code null}. */
    String cookie(String name) {
      for (Cookie c : session.cookieStore().get(false, "127.0.0.1", "/console/")) {
        if (c.name().equals(name)) {
          return c.value();
        }
      }
      return null;
    }

    private HttpResponse<Buffer> send(String path, MultiMap form) {
      return shown(await(session.post(path).sendForm(form)));
    }

    private HttpResponse<Buffer> shown(HttpResponse<Buffer> page) {
      Matcher token = CSRF.matcher(page.bodyAsString() == null ? "" : page.bodyAsString());
      if (token.find()) {
        csrf = token.group(1);
      }
      return page;
    }

    private static MultiMap form(String... fields) {
      MultiMap form = MultiMap.caseInsensitiveMultiMap();
      for (int i = 0; i < fields.length; i += 2) {
        form.add(fields[i], fields[i + 1]);
      }
      return form;
    }
  }
}
