package io.paybridge.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/**
 * The headers a receipt keeps are the same text whether written directly (plain headers, every
 * delivery's) or through the JSON encoder (headers that need escaping), and read back as they came;
 * and the hook key's shape is checked exactly as its pattern says.
 */
class ReceiptHeadersTest {

  private static final Pattern HOOK_KEY = Pattern.compile("[A-Za-z0-9_-]{16,64}");

  @Test
  void aDeliverysHeadersAreKeptInOrderWithoutTransportHeaders() {
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add("Host", "pay.example")
            .add("Stripe-Signature", "t=1,v1=ab")
            .add("Content-Type", "application/json; charset=utf-8")
            .add("Cookie", "session=secret")
            .add("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)");

    String kept = ReceiptHeaders.encode(headers);

    assertThat(kept)
        .isEqualTo(
            "[[\"stripe-signature\",\"t=1,v1=ab\"],[\"content-type\",\"application/json;"
                + " charset=utf-8\"],[\"user-agent\",\"Stripe/1.0"
                + " (+https://stripe.com/docs/webhooks)\"]]")
        .isEqualTo(ReceiptHeaders.encoded(headers));
    assertThat(ReceiptHeaders.decode(kept).get("Stripe-Signature")).isEqualTo("t=1,v1=ab");
    assertThat(ReceiptHeaders.encode(MultiMap.caseInsensitiveMultiMap().add("Host", "x"))).isNull();
  }

  @Test
  void headersThatNeedEscapingAreEscapedAsTheEncoderDoes() {
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add("X-Quote", "say \"hi\"")
            .add("X-Slash", "a\\b")
            .add("X-Tab", "a\tb")
            .add("X-Accents", "Zürich €");
    String kept = ReceiptHeaders.encode(headers);
    assertThat(kept).isEqualTo(ReceiptHeaders.encoded(headers)).contains("\\\"hi\\\"");
    assertThat(ReceiptHeaders.decode(kept).get("x-quote")).isEqualTo("say \"hi\"");
    assertThat(ReceiptHeaders.decode(kept).get("x-tab")).isEqualTo("a\tb");
  }

  @Property
  void anyHeadersEncodeToTheEncodersText(
      @ForAll @Size(max = 12) List<@StringLength(max = 40) String> names,
      @ForAll @Size(max = 12) List<@StringLength(max = 3000) String> values) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < Math.min(names.size(), values.size()); i++) {
      headers.add("x-" + i + names.get(i).replaceAll("[^A-Za-z0-9-]", ""), values.get(i));
    }
    String kept = ReceiptHeaders.encode(headers);
    assertThat(kept).isEqualTo(ReceiptHeaders.encoded(headers));
    if (kept != null) {
      assertThat(ReceiptHeaders.decode(kept).size()).isLessThanOrEqualTo(headers.size());
    }
  }

  @Property
  void theHookKeyCheckIsItsPattern(@ForAll @StringLength(max = 80) String key) {
    assertThat(IngestHandler.isHookKey(key)).isEqualTo(HOOK_KEY.matcher(key).matches());
  }

  @Test
  void hookKeysAtTheBoundsOfTheirShape() {
    assertThat(IngestHandler.isHookKey("a".repeat(16))).isTrue();
    assertThat(IngestHandler.isHookKey("Az09_-".repeat(10) + "abcd")).isTrue();
    assertThat(IngestHandler.isHookKey("a".repeat(15))).isFalse();
    assertThat(IngestHandler.isHookKey("a".repeat(65))).isFalse();
    assertThat(IngestHandler.isHookKey("a".repeat(15) + "/")).isFalse();
    assertThat(IngestHandler.isHookKey("a".repeat(15) + "é")).isFalse();
    assertThat(IngestHandler.isHookKey(null)).isFalse();
  }
}
