package io.paybridge.gateway.cryptomus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.spi.MalformedWebhookException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The re-encoder against what PHP 8.2's {@code json_encode($decoded, JSON_UNESCAPED_UNICODE)}
 * printed for the same input (the expected strings were produced by PHP).
 */
class PhpJsonTest {

  private static String reencode(String json) {
    return PhpJson.encode(PhpJson.parseObject(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void stringsArePrintedAsPhpPrintsThem() {
    assertThat(
            reencode(
                "{\"a\":\"\\u0000\\u0001\\u001f \\u007f\",\"b\":\"\\u00e9\\u4e2d\\ud83d\\ude00\","
                    + "\"c\":\"q\\\"b\\\\s/\",\"d\":\"\\u2028x\\u2029\",\"k\":\"\\u0080\"}"))
        .isEqualTo(
            "{\"a\":\"\\u0000\\u0001\\u001f \u007f\",\"b\":\"é中😀\",\"c\":\"q\\\"b\\\\s\\/\","
                + "\"d\":\"\\u2028x\\u2029\",\"k\":\"\u0080\"}");
    assertThat(reencode("{\"e\":\"\\b\\f\\n\\r\\t\",\"s\":\"<>&'\"}"))
        .isEqualTo("{\"e\":\"\\b\\f\\n\\r\\t\",\"s\":\"<>&'\"}");
  }

  @Test
  void rawAndEscapedSpellingsOfAStringPrintTheSame() {
    assertThat(reencode("{\"x\":\"a/é\"}"))
        .isEqualTo(reencode("{\"x\":\"a\\/\\u00E9\"}"))
        .isEqualTo("{\"x\":\"a\\/é\"}");
  }

  @Test
  void structureNumbersAndLiteralsArePrintedAsReceived() {
    String compact =
        "{\"n\":-0,\"f\":1.50,\"e\":1E+2,\"i\":12345678901234567890,\"t\":true,\"u\":null,"
            + "\"o\":{},\"l\":[],\"k\":{\"0\":\"a\",\"1\":\"b\"},\"a\":[1,{\"z\":false}]}";
    assertThat(reencode(compact)).isEqualTo(compact);
    assertThat(reencode(" {\n\"a\" :\t[ 1 , 2 ]\r\n}\n")).isEqualTo("{\"a\":[1,2]}");
  }

  @Test
  void theSignMemberIsLeftOutOnlyAtTheTop() {
    PhpJson.ObjectNode root =
        PhpJson.parseObject(
            "{\"a\":1,\"sign\":\"x\",\"b\":{\"sign\":\"kept\"}}".getBytes(StandardCharsets.UTF_8));
    assertThat(PhpJson.encodeWithout(root, "sign"))
        .isEqualTo("{\"a\":1,\"b\":{\"sign\":\"kept\"}}");
  }

  @Test
  void bodiesPhpOrOtherReadersWouldReadDifferentlyAreRefused() {
    for (String bad :
        List.of(
            "",
            "[]",
            "\"x\"",
            "{\"a\":1}x",
            "{\"a\":1,\"a\":2}",
            "{\"a\":{\"b\":1,\"b\":1}}",
            "{\"a\":\"\\ud800\"}",
            "{\"a\":\"\\udc00x\"}",
            "{\"a\":\"\\x41\"}",
            "{\"a\":01}",
            "{\"a\":1.}",
            "{\"a\":.5}",
            "{\"a\":+1}",
            "{\"a\":tru}",
            "{\"a\":\"tab\there\"}",
            "{\"a\":1,}",
            "{\"a\"\u000b:1}",
            "{'a':1}")) {
      assertThatThrownBy(() -> reencode(bad)).as(bad).isInstanceOf(MalformedWebhookException.class);
    }
    assertThatThrownBy(() -> reencode("{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}"))
        .hasMessageContaining("nesting");
    byte[] overlong = {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'};
    assertThatThrownBy(() -> PhpJson.parseObject(overlong)).hasMessageContaining("UTF-8");
    byte[] surrogate = {
      '{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'
    };
    assertThatThrownBy(() -> PhpJson.parseObject(surrogate)).hasMessageContaining("UTF-8");
  }
}
