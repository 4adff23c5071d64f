package io.paybridge.gateway.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Base58Test {

  private static final HexFormat HEX = HexFormat.of();

  /** Bitcoin Core's published Base58 vectors (base58_encode_decode.json). */
  @ParameterizedTest
  @CsvSource({
    "'', ''",
    "61, 2g",
    "626262, a3gV",
    "636363, aPEr",
    "73696d706c792061206c6f6e6720737472696e67, 2cFupjhnEsSn59qHXstmK2ffpLv2",
    "00eb15231dfceb60925886b67d065299925915aeb172c06647, 1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L",
    "516b6fcd0f, ABnLTmg",
    "bf4f89001e670274dd, 3SEo3LWLoPntC",
    "572e4794, 3EFU7m",
    "ecac89cad93923c02321, EJDM8drfXA6uyA",
    "10c8511e, Rt5zm",
    "00000000000000000000, 1111111111",
  })
  void knownVectorsEncodeAndDecode(String hex, String base58) {
    // GIVEN the bytes and their published Base58 text
    byte[] bytes = HEX.parseHex(hex);

    // THEN each direction gives the other
    assertThat(Base58.encode(bytes)).isEqualTo(base58);
    assertThat(Base58.decode(base58)).isEqualTo(bytes);
  }

  @Test
  void leadingZeroBytesAreLeadingOnes() {
    assertThat(Base58.encode(new byte[] {0})).isEqualTo("1");
    assertThat(Base58.encode(new byte[] {0, 0, 0, 1})).isEqualTo("1112");
    assertThat(Base58.decode("1112")).containsExactly(0, 0, 0, 1);
    assertThat(Base58.decode("111")).containsExactly(0, 0, 0);
  }

  @Test
  void thePublishedCodeKeyIs32Bytes() {
    byte[] key = Base58.decode(CodePlugin.PUBLISHED_PUBLIC_KEY);

    assertThat(key).hasSize(32);
    assertThat(HEX.formatHex(key))
        .isEqualTo("092c0e16b8aa61ef0cb9464177767236ff3c347b5285a42e28cd9a7c273b59ee");
    assertThat(Base58.encode(key)).isEqualTo(CodePlugin.PUBLISHED_PUBLIC_KEY);
  }

  @Test
  void randomBytesRoundTrip() {
    Random random = new Random(58);
    for (int i = 0; i < 500; i++) {
      byte[] bytes = new byte[random.nextInt(70)];
      random.nextBytes(bytes);
      if (bytes.length > 0 && random.nextBoolean()) {
        bytes[0] = 0;
      }
      assertThat(Base58.decode(Base58.encode(bytes))).isEqualTo(bytes);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "O", "I", "l", "+", "/", "=", " ", "abc def", "2g\n", "é", "\u0000"})
  void charactersOutsideTheAlphabetAreRejected(String text) {
    assertThatThrownBy(() -> Base58.decode(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid Base58 character");
  }

  @Test
  void theRejectionNamesCharacterAndPosition() {
    assertThatThrownBy(() -> Base58.decode("abc0def"))
        .hasMessage("invalid Base58 character '0' at position 3");
  }
}
