package io.paybridge.console;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.console.ConsoleTestServer.Browser;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A console session ends its lifetime after sign-in however busy it is (here two seconds; twelve
 * hours by default), on top of the idle timeout; the tenant signs in again.
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionLifetimeTest {

  private static final long LIFETIME_MS = 2_000;

  private ConsoleTestServer console;
  private Vertx timers;

  @BeforeAll
  void start() {
    console =
        ConsoleTestServer.start(
            "console_lifetime",
            Map.of(
                "PAYBRIDGE_CONSOLE_SESSION_LIFETIME_SECONDS", String.valueOf(LIFETIME_MS / 1000)));
    timers = Vertx.vertx();
  }

  @AfterAll
  void stop() {
    console.close();
    await(timers.close());
  }

  @Test
  void aBusySessionEndsItsLifetimeAfterSignIn() {
    // GIVEN a tenant that just signed in (no later than now)
    Browser owner = console.signUp("Acme Cowork");
    long signedIn = System.currentTimeMillis();

    // WHEN it keeps using the console, well within the idle timeout
    while (System.currentTimeMillis() - signedIn < LIFETIME_MS - 700) {
      // THEN its session holds as long as the lifetime lasts
      assertThat(owner.get("/console/dashboard").statusCode()).isEqualTo(200);
      await(timers.timer(300));
    }

    // WHEN the lifetime is over
    await(timers.timer(Math.max(1, LIFETIME_MS - (System.currentTimeMillis() - signedIn) + 200)));
    HttpResponse<Buffer> after = owner.get("/console/dashboard");

    // THEN the session is over: the tenant is sent to log in again
    assertThat(after.statusCode()).isEqualTo(303);
    assertThat(after.getHeader("Location")).isEqualTo("/console/login");
    // AND logging in starts a new session that works
    assertThat(owner.get("/console/login").statusCode()).isEqualTo(200);
    HttpResponse<Buffer> again =
        owner.submit(
            "/console/login", "email", owner.email(), "password", ConsoleTestServer.PASSWORD);
    assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(303);
    assertThat(owner.get("/console/dashboard").statusCode()).isEqualTo(200);
  }
}
