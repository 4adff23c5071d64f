package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
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
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium driven by chromedriver over the W3C WebDriver protocol (plain HTTP, spoken with
 * the Vert.x web client), for the browser tests. Debian's chromium and chromium-driver are
 * installed when missing (the tests run as root); screenshots go to {@code target/screenshots/}.
 */
final class Browser implements AutoCloseable {

  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  private static final String ELEMENT = "element-6066-11e4-a52e-4f2d7e7f8b8e";
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private final Vertx vertx;
  private final Process driver;
  private final Path profile;
  private final WebClient wd;
  private final String session;

  private Browser(Vertx vertx, Process driver, Path profile, WebClient wd, String session) {
    this.vertx = vertx;
    this.driver = driver;
    this.profile = profile;
    this.wd = wd;
    this.session = session;
  }

  /** Whether Chromium and its driver are there, or could be installed with apt-get. */
  static boolean installed() {
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

  /** Starts chromedriver and a headless Chromium session of the given window size. */
  static Browser start(Vertx vertx, int width, int height)
      throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process driver =
        new ProcessBuilder(CHROMEDRIVER, "--port=" + port)
            .redirectErrorStream(true)
            .redirectOutput(new File("target/chromedriver-" + port + ".log"))
            .start();
    WebClient wd =
        WebClient.create(
            vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
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
    Path profile = Files.createTempDirectory("paybridge-chromium");
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
            .add("--window-size=" + width + "," + height)
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
    HttpResponse<Buffer> created = await(wd.post("/session").timeout(60_000).sendJsonObject(caps));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
    String session = created.bodyAsJsonObject().getJsonObject("value").getString("sessionId");
    Files.createDirectories(SCREENSHOTS);
    return new Browser(vertx, driver, profile, wd, session);
  }

  @Override
  public void close() throws InterruptedException {
    await(wd.delete("/session/" + session).send());
    driver.destroy();
    driver.waitFor(10, TimeUnit.SECONDS);
  }

  /** Opens a URL and waits for it to load. */
  void open(String url) {
    call("POST", "/session/" + session + "/url", new JsonObject().put("url", url));
  }

  /** Forgets every cookie of the current site: the next page is a visitor's, signed out. */
  void clearCookies() {
    value("DELETE", "/session/" + session + "/cookie", null);
  }

  /** The current top-level URL. */
  String url() {
    return String.valueOf(value("GET", "/session/" + session + "/url", null));
  }

  /** Resizes the window (a phone: 390 × 844). */
  void resize(int width, int height) {
    call(
        "POST",
        "/session/" + session + "/window/rect",
        new JsonObject().put("width", width).put("height", height));
  }

  /**
   * Makes the page's iframe number {@code index} (in document order) the context of what follows,
   * once an iframe matching {@code css} is there.
   */
  void enterFrame(String css, int index) {
    find(css);
    value("POST", "/session/" + session + "/frame", new JsonObject().put("id", index));
  }

  /** Returns to the top-level page. */
  void leaveFrames() {
    value("POST", "/session/" + session + "/frame", new JsonObject().putNull("id"));
  }

  /** The element matching a CSS selector, waiting up to 15 s for it to appear. */
  String find(String css) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
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
      pause(100);
    }
  }

  void type(String css, String text) {
    value(
        "POST",
        "/session/" + session + "/element/" + find(css) + "/value",
        new JsonObject().put("text", text));
  }

  /** Clicks something that loads a new page, and waits until the new page has loaded. */
  void click(String css) {
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
      pause(50);
    }
  }

  /** Clicks something that stays on the page (a copy button). */
  void clickInPlace(String css) {
    value("POST", "/session/" + session + "/element/" + find(css) + "/click", new JsonObject());
  }

  /** Waits up to 15 s until an element matching a CSS selector contains {@code text}. */
  String waitForText(String css, String text) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      Object shown =
          scriptOrNull(
              "var e = document.querySelector(arguments[0]); return e ? e.innerText : null;", css);
      if (shown != null && String.valueOf(shown).contains(text)) {
        return String.valueOf(shown);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(css + " never showed '" + text + "': " + shown);
      }
      pause(100);
    }
  }

  /** Runs a script; {@code null} while the page cannot run one (it is being replaced). */
  Object scriptOrNull(String js, Object... args) {
    HttpResponse<Buffer> r =
        await(
            wd.post("/session/" + session + "/execute/sync")
                .timeout(30_000)
                .sendJsonObject(
                    new JsonObject()
                        .put("script", js)
                        .put("args", new JsonArray(java.util.List.of(args)))));
    return r.statusCode() == 200 ? r.bodyAsJsonObject().getValue("value") : null;
  }

  Object script(String js) {
    return value(
        "POST",
        "/session/" + session + "/execute/sync",
        new JsonObject().put("script", js).put("args", new JsonArray()));
  }

  String text(String css) {
    return String.valueOf(
        value("GET", "/session/" + session + "/element/" + find(css) + "/text", null));
  }

  String property(String css, String name) {
    return String.valueOf(
        value("GET", "/session/" + session + "/element/" + find(css) + "/property/" + name, null));
  }

  String source() {
    return String.valueOf(value("GET", "/session/" + session + "/source", null));
  }

  void screenshot(String name) throws IOException {
    String png = String.valueOf(value("GET", "/session/" + session + "/screenshot", null));
    Files.write(SCREENSHOTS.resolve(name + ".png"), Base64.getDecoder().decode(png));
  }

  private JsonObject call(String method, String path, JsonObject body) {
    Object value = value(method, path, body);
    return value instanceof JsonObject o ? o : new JsonObject();
  }

  private Object value(String method, String path, JsonObject body) {
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
    return r.bodyAsJsonObject().getValue("value");
  }

  private void pause(long ms) {
    await(vertx.timer(ms));
  }
}
