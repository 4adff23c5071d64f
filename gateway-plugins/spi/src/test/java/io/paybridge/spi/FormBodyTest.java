package io.paybridge.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Form bodies decoded as PHP fills {@code $_POST}, strictly. */
class FormBodyTest {

  private static FormBody parse(String body) {
    return FormBody.parse(body.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void valuesAreTheDecodedBytes() {
    FormBody form = parse("a=x+y%20z&b=%2f%2F&c=&d=%D0%B9&e=a=b&&f=%00");
    assertThat(form.names()).containsExactly("a", "b", "c", "d", "e", "f");
    assertThat(form.text("a")).isEqualTo("x y z");
    assertThat(form.text("b")).isEqualTo("//");
    assertThat(form.text("c")).isEmpty();
    assertThat(form.has("c")).isTrue();
    assertThat(form.text("d")).isEqualTo("й");
    assertThat(form.text("e")).isEqualTo("a=b");
    assertThat(form.raw("f")).containsExactly(0);
    assertThat(form.text("missing")).isNull();
    assertThat(parse("").isEmpty()).isTrue();
    assertThat(parse("a=1&").names()).containsExactly("a");
  }

  @Test
  void rawBytesThatAreNotUtf8AreKeptButAreNotText() {
    FormBody form = FormBody.parse(new byte[] {'a', '=', (byte) 0xFF});
    assertThat(form.raw("a")).containsExactly((byte) 0xFF);
    assertThatThrownBy(() -> form.text("a"))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessageContaining("'a'");
  }

  @Test
  void formsThatCouldBeReadTwoWaysAreRefused() {
    for (String bad : List.of("a=1&a=2", "a", "a=1&b", "=1", "a=%", "a=%4", "a=%G1", "%ZZ=1")) {
      assertThatThrownBy(() -> parse(bad)).as(bad).isInstanceOf(MalformedWebhookException.class);
    }
  }

  @Test
  void requiredTextIsPresentAndNotBlank() {
    FormBody form = parse("a=1&b=+&c=");
    assertThat(form.requireText("a")).isEqualTo("1");
    for (String name : List.of("b", "c", "d")) {
      assertThatThrownBy(() -> form.requireText(name))
          .isInstanceOf(MalformedWebhookException.class)
          .hasMessage("'" + name + "' is missing");
    }
  }

  @Test
  void theFirstMissingNameIsNamed() {
    FormBody form = parse("a=1&c=");
    assertThat(form.firstMissing(List.of("a", "c"))).isNull();
    assertThat(form.firstMissing(List.of("a", "b", "d"))).isEqualTo("b");
  }

  @Test
  void moscowTimesAreReadStrictly() {
    assertThat(FormBody.moscowTime(" 31.01.2025 15:04:05 "))
        .isEqualTo(java.time.Instant.parse("2025-01-31T12:04:05Z"));
    for (String other :
        java.util.Arrays.asList(
            null, "", " ", "2025-01-31 15:04:05", "31.02.2025 15:04:05", "31.01.2025")) {
      assertThat(FormBody.moscowTime(other)).as("%s", other).isNull();
    }
  }
}
