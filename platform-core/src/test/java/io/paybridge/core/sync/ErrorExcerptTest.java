package io.paybridge.core.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What a delivery keeps of an error answer's body: a short, printable excerpt of text or JSON. */
@Tag("security")
class ErrorExcerptTest {

  @Test
  void controlAndFormatCharactersBecomeSpacesAndRunsFold() {
    assertThat(ErrorExcerpt.printable("a\r\nb\t\u0000c\u001b[0m\u202ed\u2028e  \u00a0 f", 100))
        .isEqualTo("a b c [0m d e f");
    assertThat(ErrorExcerpt.printable("  \n ", 100)).isEmpty();
    assertThat(ErrorExcerpt.printable(null, 100)).isEmpty();
    assertThat(ErrorExcerpt.printable("Zahlung fehlgeschlagen: Konto gesperrt ✓", 100))
        .isEqualTo("Zahlung fehlgeschlagen: Konto gesperrt ✓");
  }

  @Test
  void atMostAHundredCharactersAreKept() {
    String excerpt = ErrorExcerpt.of("application/json", Buffer.buffer("y".repeat(5_000)));
    assertThat(excerpt).isEqualTo("y".repeat(ErrorExcerpt.MAX_CHARS) + "…");
    assertThat(ErrorExcerpt.of("text/plain", Buffer.buffer("y".repeat(100)))).hasSize(100);
  }

  @Test
  void onlyPlainTextAndJsonBodiesAreExcerpted() {
    Buffer body = Buffer.buffer("internal detail");
    assertThat(ErrorExcerpt.of("text/plain; charset=utf-8", body)).isEqualTo("internal detail");
    assertThat(ErrorExcerpt.of("application/json", body)).isEqualTo("internal detail");
    assertThat(ErrorExcerpt.of("application/problem+json", body)).isEqualTo("internal detail");
    assertThat(ErrorExcerpt.of("text/html; charset=utf-8", body)).isEmpty();
    assertThat(ErrorExcerpt.of("application/xml", body)).isEmpty();
    assertThat(ErrorExcerpt.of(null, body)).isEmpty();
  }

  @Test
  void onlyTheFirstKibibyteOfABodyIsKept() {
    ErrorExcerpt.FirstBytes sink = new ErrorExcerpt.FirstBytes();
    for (int i = 0; i < 100; i++) {
      sink.write(Buffer.buffer("z".repeat(100)));
    }
    assertThat(sink.kept().length()).isEqualTo(ErrorExcerpt.MAX_BYTES);
  }

  @Test
  void aMultibyteCharacterCutAtTheLimitIsDropped() {
    Buffer body = Buffer.buffer("é".repeat(ErrorExcerpt.MAX_BYTES)).slice(0, 5);
    assertThat(ErrorExcerpt.of("text/plain", body)).isEqualTo("éé");
  }
}
