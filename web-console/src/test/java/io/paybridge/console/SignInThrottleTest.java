package io.paybridge.console;

import static io.paybridge.console.ConsoleTestServer.PASSWORD;
import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.console.ConsoleTestServer.Browser;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Throttles that hold (issue 19): wrong passwords in parallel, on one node or two over the same
 * database, are reserved before they are hashed, so at most ten per email and address are checked
 * and the rest are answered 429 with {@code Retry-After}; the owner at that address is back after
 * the pair's window, and at another address is never held up; sign-ups are limited per address.
 * Each browser comes from its own loopback address, as clients on other machines would.
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignInThrottleTest {

  /** The production limit per email and address, a minute long; three sign-ups per address. */
  private static final Map<String, String> LIMITS =
      Map.of(
          "PAYBRIDGE_THROTTLE_LOGIN_PAIR", "10/60",
          "PAYBRIDGE_THROTTLE_SIGNUP_ADDRESS", "3/60");

  private ConsoleTestServer console;
  private ConsoleTestServer beside;

  @BeforeAll
  void start() {
    console = ConsoleTestServer.start("console_throttle", LIMITS);
    beside = console.beside("console_throttle_2", LIMITS);
  }

  @AfterAll
  void stop() {
    beside.close();
    console.close();
  }

  /** The email of a tenant that signed up (from 127.0.0.1) and logged out. */
  private static String owner(ConsoleTestServer server) {
    Browser owner = server.signUp("Owner");
    owner.get("/console/dashboard");
    owner.submit("/console/logout");
    return owner.email();
  }

  /**
   * Posts a wrong password for {@code email} from {@code tries} browsers at {@code address} at
   * once, each with a login page of its own, shown by the servers in turn.
   */
  private static List<HttpResponse<Buffer>> wrongPasswordsAtOnce(
      String email, String address, int tries, ConsoleTestServer... servers) {
    List<Browser> browsers = new ArrayList<>();
    for (int i = 0; i < tries; i++) {
      Browser b = servers[i % servers.length].browserAt(address);
      assertThat(b.get("/console/login").statusCode()).isEqualTo(200);
      browsers.add(b);
    }
    List<Future<HttpResponse<Buffer>>> posts =
        browsers.stream()
            .map(
                b ->
                    b.post(
                        "/console/login", "email", email, "password", "guess " + UUID.randomUUID()))
            .toList();
    await(Future.all(posts));
    return posts.stream().map(Future::result).toList();
  }

  private static long withStatus(List<HttpResponse<Buffer>> answers, int status) {
    return answers.stream().filter(r -> r.statusCode() == status).count();
  }

  /** Each 429 says when to come back, within the pair's minute, in its header and its page. */
  private static void assertThrottledPages(List<HttpResponse<Buffer>> answers) {
    answers.stream()
        .filter(r -> r.statusCode() == 429)
        .forEach(
            r -> {
              assertThat(Integer.parseInt(r.getHeader("Retry-After"))).isBetween(1, 60);
              assertThat(r.bodyAsString())
                  .contains("Too many failed attempts to log in.")
                  .contains("Try again in");
            });
  }

  private static HttpResponse<Buffer> logIn(Browser browser, String email) {
    browser.get("/console/login");
    return browser.submit("/console/login", "email", email, "password", PASSWORD);
  }

  @Test
  void thirtyParallelWrongPasswordsAreHashedAtMostTenTimes() {
    // GIVEN an account
    String email = owner(console);
    long hashedBefore = console.hashes();
    // WHEN thirty wrong passwords for it arrive at once from one address
    List<HttpResponse<Buffer>> answers = wrongPasswordsAtOnce(email, "127.0.0.2", 30, console);
    // THEN ten were checked, the limit, and every other one was answered 429 without a hash
    assertThat(console.hashes() - hashedBefore).isEqualTo(10);
    assertThat(withStatus(answers, 401)).isEqualTo(console.hashes() - hashedBefore);
    assertThat(withStatus(answers, 429)).isEqualTo(20);
    assertThrottledPages(answers);
    // AND the right password from that address is refused too, for now
    HttpResponse<Buffer> owner = logIn(console.browserAt("127.0.0.2"), email);
    assertThat(owner.statusCode()).isEqualTo(429);
  }

  @Test
  void twoNodesOverOneDatabaseCountTogether() {
    // GIVEN an account, and two nodes
    String email = owner(console);
    long hashedBefore = console.hashes() + beside.hashes();
    // WHEN thirty wrong passwords arrive at once from one address, half at each node
    List<HttpResponse<Buffer>> answers =
        wrongPasswordsAtOnce(email, "127.0.0.3", 30, console, beside);
    // THEN the two nodes together checked ten, the limit, and answered the rest 429
    long hashed = console.hashes() + beside.hashes() - hashedBefore;
    assertThat(hashed).isEqualTo(10);
    assertThat(withStatus(answers, 401)).isEqualTo(hashed);
    assertThat(withStatus(answers, 429)).isEqualTo(20);
    assertThrottledPages(answers);
    // AND each node refuses that address for now
    assertThat(logIn(beside.browserAt("127.0.0.3"), email).statusCode()).isEqualTo(429);
    assertThat(logIn(console.browserAt("127.0.0.3"), email).statusCode()).isEqualTo(429);
  }

  @Test
  void theOwnerAtAnotherAddressLogsInWhileOneAddressIsBlocked() {
    // GIVEN an account that one address has guessed at until it was blocked
    String email = owner(console);
    List<HttpResponse<Buffer>> answers = wrongPasswordsAtOnce(email, "127.0.0.4", 12, console);
    assertThat(withStatus(answers, 429)).isGreaterThanOrEqualTo(2);
    // WHEN the owner logs in from another address, at either node
    HttpResponse<Buffer> here = logIn(console.browserAt("127.0.0.5", email), email);
    HttpResponse<Buffer> there = logIn(beside.browserAt("127.0.0.6", email), email);
    // THEN they are in
    assertThat(here.statusCode()).as(here.bodyAsString()).isEqualTo(303);
    assertThat(there.statusCode()).as(there.bodyAsString()).isEqualTo(303);
    assertThat(here.getHeader("Location")).isEqualTo("/console/dashboard");
  }

  @Test
  void theOwnerIsBackAtTheSameAddressOnceThePairsWindowEnds() throws InterruptedException {
    // GIVEN a node whose pair window is two seconds, and an account guessed at until blocked
    try (ConsoleTestServer shortWindow =
        ConsoleTestServer.start(
            "console_throttle_window", Map.of("PAYBRIDGE_THROTTLE_LOGIN_PAIR", "10/2"))) {
      String email = owner(shortWindow);
      List<HttpResponse<Buffer>> answers =
          wrongPasswordsAtOnce(email, "127.0.0.7", 11, shortWindow);
      assertThat(withStatus(answers, 429)).isGreaterThanOrEqualTo(1);
      HttpResponse<Buffer> refused = logIn(shortWindow.browserAt("127.0.0.7"), email);
      assertThat(refused.statusCode()).isEqualTo(429);
      long retryAfter = Long.parseLong(refused.getHeader("Retry-After"));
      assertThat(retryAfter).isBetween(1L, 2L);
      // WHEN the owner at that address waits as long as the answer said
      Thread.sleep(retryAfter * 1000 + 100);
      HttpResponse<Buffer> back = logIn(shortWindow.browserAt("127.0.0.7", email), email);
      // THEN they are in
      assertThat(back.statusCode()).as(back.bodyAsString()).isEqualTo(303);
    }
  }

  @Test
  void signUpsAreLimitedPerAddress() {
    // GIVEN an address that has signed up three times
    for (int i = 0; i < 3; i++) {
      assertThat(signUp(console.browserAt("127.0.0.8")).statusCode()).isEqualTo(303);
    }
    // WHEN it signs up again, at either node
    HttpResponse<Buffer> fourth = signUp(console.browserAt("127.0.0.8"));
    HttpResponse<Buffer> fifth = signUp(beside.browserAt("127.0.0.8"));
    // THEN it is told to come back later, and nothing was made
    for (HttpResponse<Buffer> r : List.of(fourth, fifth)) {
      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(Integer.parseInt(r.getHeader("Retry-After"))).isBetween(1, 60);
      assertThat(r.bodyAsString())
          .contains("Too many sign-ups from your network.")
          .contains("Try again in")
          .contains("<h1>Create your account</h1>");
    }
    // AND another address signs up as before
    assertThat(signUp(console.browserAt("127.0.0.9")).statusCode()).isEqualTo(303);
  }

  private static HttpResponse<Buffer> signUp(Browser browser) {
    browser.get("/console/signup");
    return browser.submit(
        "/console/signup",
        "name",
        "Shop",
        "email",
        "shop-" + UUID.randomUUID() + "@example.com",
        "password",
        PASSWORD);
  }
}
