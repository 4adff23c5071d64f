package io.paybridge.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The console behind an https public URL (TLS ends at the load balancer): browsers are told to use
 * https only, and the console's cookies are never sent over plain http.
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleOverHttpsTest {

  private ConsoleTestServer console;

  @BeforeAll
  void start() {
    console =
        ConsoleTestServer.start(
            "console_https", Map.of("PAYBRIDGE_PUBLIC_URL", "https://console.paybridge.test"));
  }

  @AfterAll
  void stop() {
    console.close();
  }

  @Test
  void theConsolesCookiesAreSecure() {
    HttpResponse<Buffer> page = console.browser().get("/console/login");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.cookies())
        .filteredOn(c -> c.startsWith("pb_console"))
        .hasSize(2)
        .allSatisfy(c -> assertThat(c).containsIgnoringCase("; Secure"));
  }

  @Test
  void pagesAskBrowsersForHttpsOnly() {
    HttpResponse<Buffer> page = console.browser().get("/console/login");

    assertThat(page.getHeader("Strict-Transport-Security")).startsWith("max-age=");
  }
}
