package io.paybridge.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.console.ConsoleTestServer.Browser;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A form field holding a NUL character, which PostgreSQL cannot store: the console answers 400 with
 * a page saying so, never 500, and keeps nothing (found by {@link ConsoleFormsFuzzTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NulCharactersFormTest {

  private ConsoleTestServer console;

  @BeforeAll
  void start() {
    console = ConsoleTestServer.start("console_nul_characters");
  }

  @AfterAll
  void stop() {
    console.close();
  }

  @Test
  void anApiClientNamedWithANulCharacterIsRefusedAndNotMade() {
    Browser owner = console.signUp("Nul Cowork");
    String before = owner.get("/console/api-clients").bodyAsString();

    HttpResponse<Buffer> r =
        owner.submit(
            "/console/api-clients", "name", "billing\u0000backend", "scope", "payments:read");

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
    assertThat(r.bodyAsString()).contains("NUL");
    assertThat(owner.get("/console/api-clients").bodyAsString().split("<tr").length)
        .isEqualTo(before.split("<tr").length);
  }
}
