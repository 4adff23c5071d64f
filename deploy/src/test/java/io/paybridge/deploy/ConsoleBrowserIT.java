package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console in a real browser: headless Chromium driven by chromedriver over the W3C WebDriver
 * protocol (plain HTTP, spoken with the Vert.x web client). Screenshots of the main pages go to
 * {@code target/screenshots/}.
 */
class ConsoleBrowserIT {

  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  private static final String ELEMENT = "element-6066-11e4-a52e-4f2d7e7f8b8e";
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private static TestNode node;
  private static Process driver;
  private static Path profile;
  private static WebClient wd;
  private static String session;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(
        browserInstalled(),
        "skipping the browser test: chromium and chromium-driver are missing and could not be"
            + " installed with apt-get");
    node = TestNode.start("console_browser");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    driver =
        new ProcessBuilder(CHROMEDRIVER, "--port=" + port)
            .redirectErrorStream(true)
            .redirectOutput(new File("target/chromedriver.log"))
            .start();
    wd =
        WebClient.create(
            node.client, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try {
        if (await(wd.get("/status").timeout(2000).send()).statusCode() == 200) {
          break;
        }
      } catch (AssertionError e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      Thread.sleep(200);
    }
    profile = Files.createTempDirectory("paybridge-chromium");
    JsonArray args =
        new JsonArray()
            .add("--headless")
            .add("--no-sandbox")
            .add("--disable-gpu")
            .add("--disable-dev-shm-usage")
            .add("--disable-background-networking")
            .add("--disable-component-update")
            .add("--disable-sync")
            .add("--no-first-run")
            .add("--hide-scrollbars")
            .add("--window-size=1280,900")
            .add("--user-data-dir=" + profile);
    JsonObject caps =
        new JsonObject()
            .put(
                "capabilities",
                new JsonObject()
                    .put(
                        "alwaysMatch",
                        new JsonObject()
                            .put("browserName", "chrome")
                            .put(
                                "goog:chromeOptions",
                                new JsonObject().put("binary", CHROMIUM).put("args", args))));
    session = call("POST", "/session", caps).getString("sessionId");
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (session != null) {
      await(wd.delete("/session/" + session).send());
    }
    if (driver != null) {
      driver.destroy();
      driver.waitFor(10, TimeUnit.SECONDS);
    }
    if (node != null) {
      node.close();
    }
  }

  @Test
  void tenantSignsUpConnectsStripeSeesPaymentsAndCreatesAClient() throws Exception {
    // Sign up
    open("/console/signup");
    type("#name", "Northwind Cowork");
    type("#email", "owner-" + UUID.randomUUID() + "@northwind.example");
    type("#password", "a long browser passphrase");
    click("form[action='/console/signup'] button[type=submit]");
    assertThat(text("h1")).isEqualTo("Dashboard");
    assertThat(text(".onboarding h2")).contains("connect a payment gateway");
    screenshot("01-dashboard-first-run");

    // Connect Stripe
    click(".onboarding a.btn-primary");
    assertThat(text("h1")).isEqualTo("Gateways");
    screenshot("02-gateways");
    open("/console/gateways/stripe");
    String secret = StripeSimulator.newWebhookSecret();
    type("#f-webhookSecret", secret);
    click("form.form button[type=submit]");
    String webhookUrl = property("#webhook-url", "value");
    assertThat(webhookUrl).matches("http://[^/]+/hooks/[^/]+/stripe");
    assertThat(source()).doesNotContain(secret);
    clickInPlace("button[data-copy='webhook-url']");
    screenshot("03-gateway-stripe");

    // Stripe delivers signed webhooks to the URL read from the page
    StripeSimulator stripe = new StripeSimulator(secret);
    String[][] payments = {
      {"user-42", "4200", "usd"}, {"user-42", "1999", "usd"}, {"user-7", "125000", "eur"}
    };
    String lastIntent = null;
    for (String[] p : payments) {
      String id = UUID.randomUUID().toString().replace("-", "").substring(0, 20);
      lastIntent = "pi_" + id;
      HttpResponse<Buffer> r =
          await(
              stripe.post(
                  node.http,
                  webhookUrl,
                  stripe.paymentIntentSucceeded(
                      "evt_" + id, lastIntent, Long.parseLong(p[1]), p[2], p[0])));
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    }

    // The payments appear
    open("/console/payments");
    assertThat(text("table.payments")).contains(lastIntent).contains("1250.00 EUR");
    screenshot("04-payments");
    open("/console/payments?customer=user-42");
    assertThat(text(".balance")).contains("61.99 USD");
    screenshot("05-payments-customer-balance");
    open("/console/dashboard");
    screenshot("06-dashboard");
    open("/console/webhooks");
    screenshot("07-webhooks");

    // Create an API client: the secret is shown once
    open("/console/api-clients");
    type("#client-name", "billing backend");
    click("form[action='/console/api-clients'] button[type=submit]");
    String clientSecret = property("#new-client-secret", "value");
    assertThat(clientSecret).startsWith("pbs_");
    screenshot("08-api-clients");

    // Phone width
    call(
        "POST",
        "/session/" + session + "/window/rect",
        new JsonObject().put("width", 390).put("height", 844));
    open("/console/payments");
    screenshot("09-phone-payments");
    open("/console/dashboard");
    screenshot("10-phone-dashboard");
    open("/console/gateways/stripe");
    screenshot("11-phone-gateway");
  }

  // ---- WebDriver, by hand ----------------------------------------------------------------------

  private static JsonObject call(String method, String path, JsonObject body) {
    var request =
        switch (method) {
          case "POST" -> wd.post(path);
          case "DELETE" -> wd.delete(path);
          default -> wd.get(path);
        };
    HttpResponse<Buffer> r =
        await(
            body == null
                ? request.timeout(30_000).send()
                : request.timeout(30_000).sendJsonObject(body));
    assertThat(r.statusCode()).as(method + " " + path + ": " + r.bodyAsString()).isEqualTo(200);
    JsonObject out = r.bodyAsJsonObject();
    Object value = out.getValue("value");
    return value instanceof JsonObject o ? o : out;
  }

  private static Object value(String method, String path, JsonObject body) {
    var request = method.equals("POST") ? wd.post(path) : wd.get(path);
    HttpResponse<Buffer> r =
        await(
            body == null
                ? request.timeout(30_000).send()
                : request.timeout(30_000).sendJsonObject(body));
    assertThat(r.statusCode()).as(method + " " + path + ": " + r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getValue("value");
  }

  private static void open(String consolePath) {
    call(
        "POST",
        "/session/" + session + "/url",
        new JsonObject().put("url", node.baseUrl() + consolePath));
  }

  /** The element matching a CSS selector, waiting up to 10 s for it to appear. */
  private static String find(String css) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      HttpResponse<Buffer> r =
          await(
              wd.post("/session/" + session + "/element")
                  .timeout(30_000)
                  .sendJsonObject(new JsonObject().put("using", "css selector").put("value", css)));
      if (r.statusCode() == 200) {
        JsonObject ref = r.bodyAsJsonObject().getJsonObject("value");
        return ref.containsKey(ELEMENT)
            ? ref.getString(ELEMENT)
            : String.valueOf(ref.iterator().next().getValue());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no element " + css + " on " + source());
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static void type(String css, String text) {
    value(
        "POST",
        "/session/" + session + "/element/" + find(css) + "/value",
        new JsonObject().put("text", text));
  }

  /** Clicks something that loads a new page, and waits until the new page has loaded. */
  private static void click(String css) {
    script("window.__paybridgeOldPage = true; return true;");
    clickInPlace(css);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!Boolean.TRUE.equals(
        scriptOrNull(
            "return window.__paybridgeOldPage === undefined"
                + " && document.readyState === 'complete';"))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no new page after clicking " + css);
      }
      await(node.client.timer(50));
    }
  }

  /** Clicks something that stays on the page (a copy button). */
  private static void clickInPlace(String css) {
    value("POST", "/session/" + session + "/element/" + find(css) + "/click", new JsonObject());
  }

  /** Runs a script; {@code null} while the page cannot run one (it is being replaced). */
  private static Object scriptOrNull(String js) {
    HttpResponse<Buffer> r =
        await(
            wd.post("/session/" + session + "/execute/sync")
                .timeout(30_000)
                .sendJsonObject(
                    new JsonObject()
                        .put("script", js)
                        .put("args", new io.vertx.core.json.JsonArray())));
    return r.statusCode() == 200 ? r.bodyAsJsonObject().getValue("value") : null;
  }

  private static Object script(String js) {
    return value(
        "POST",
        "/session/" + session + "/execute/sync",
        new JsonObject().put("script", js).put("args", new io.vertx.core.json.JsonArray()));
  }

  private static String text(String css) {
    return String.valueOf(
        value("GET", "/session/" + session + "/element/" + find(css) + "/text", null));
  }

  private static String property(String css, String name) {
    return String.valueOf(
        value("GET", "/session/" + session + "/element/" + find(css) + "/property/" + name, null));
  }

  private static String source() {
    return String.valueOf(value("GET", "/session/" + session + "/source", null));
  }

  private static void screenshot(String name) throws IOException {
    String png = String.valueOf(value("GET", "/session/" + session + "/screenshot", null));
    Files.write(SCREENSHOTS.resolve(name + ".png"), Base64.getDecoder().decode(png));
  }

  /** Installs Debian's chromium and chromedriver when they are missing (the tests run as root). */
  private static boolean browserInstalled() {
    if (new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute()) {
      return true;
    }
    try {
      Process p =
          new ProcessBuilder(
                  "sh",
                  "-c",
                  "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium"
                      + " chromium-driver")
              .redirectErrorStream(true)
              .redirectOutput(new File("target/apt-get-chromium.log"))
              .start();
      if (!p.waitFor(15, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return false;
      }
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute();
  }
}
