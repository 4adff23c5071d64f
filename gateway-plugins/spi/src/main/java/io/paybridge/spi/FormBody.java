package io.paybridge.spi;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An {@code application/x-www-form-urlencoded} body decoded as PHP decodes it into {@code $_POST},
 * which is what form-signing gateways sign: {@code +} is a space, {@code %XX} is one byte, and the
 * values are the resulting bytes, with no character set applied. Signatures are computed over those
 * bytes, so two spellings of the same value ({@code %2F} and {@code %2f}, {@code +} and {@code
 * %20}) are the same value, and any change to a value is a change to what was signed.
 *
 * <p>Stricter than PHP where leniency would make one body mean two things: a parameter named twice
 * (PHP keeps the last) is refused, and so are a {@code %} not followed by two hex digits, a pair
 * without {@code =}, and an empty name. Empty pairs ({@code a=1&&b=2}) are skipped, as PHP does.
 */
public final class FormBody {

  private static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");
  private static final DateTimeFormatter MOSCOW_FORM_TIME =
      DateTimeFormatter.ofPattern("dd.MM.uuuu HH:mm:ss").withResolverStyle(ResolverStyle.STRICT);

  private final Map<String, byte[]> values;

  private FormBody(Map<String, byte[]> values) {
    this.values = Collections.unmodifiableMap(values);
  }

  /**
   * Decodes a body.
   *
   * @throws MalformedWebhookException saying why the body is not a form
   */
  public static FormBody parse(byte[] body) {
    Map<String, byte[]> values = new LinkedHashMap<>();
    int start = 0;
    while (start <= body.length) {
      int end = indexOf(body, (byte) '&', start);
      if (end > start) {
        int eq = indexOf(body, (byte) '=', start);
        if (eq < 0 || eq >= end) {
          throw new MalformedWebhookException("form parameter at offset " + start + " has no '='");
        }
        String name = utf8(decode(body, start, eq), "a parameter name");
        if (name.isEmpty()) {
          throw new MalformedWebhookException("form parameter at offset " + start + " has no name");
        }
        if (values.putIfAbsent(name, decode(body, eq + 1, end)) != null) {
          throw new MalformedWebhookException("form parameter '" + name + "' appears twice");
        }
      }
      start = end + 1;
    }
    return new FormBody(values);
  }

  /** Parameters already decoded by the HTTP layer (a query string), as UTF-8 bytes. */
  public static FormBody of(Map<String, String> decoded) {
    Map<String, byte[]> values = new LinkedHashMap<>();
    decoded.forEach((name, value) -> values.put(name, value.getBytes(StandardCharsets.UTF_8)));
    return new FormBody(values);
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  public Set<String> names() {
    return values.keySet();
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** The value's bytes as decoded, or {@code null} when the parameter is absent. */
  public byte[] raw(String name) {
    byte[] value = values.get(name);
    return value == null ? null : value.clone();
  }

  /**
   * The value as text.
   *
   * @throws MalformedWebhookException when it is absent or blank ({@code 'name' is missing}), or
   *     not UTF-8
   */
  public String requireText(String name) {
    String value = text(name);
    if (value == null || value.isBlank()) {
      throw new MalformedWebhookException("'" + name + "' is missing");
    }
    return value;
  }

  /**
   * A time as the Russian PHP gateways (Payeer, Anypay) write it in their forms, {@code dd.MM.yyyy
   * HH:mm:ss} in Moscow time; {@code null} when the text is absent, blank or in another form.
   */
  public static Instant moscowTime(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return LocalDateTime.parse(text.strip(), MOSCOW_FORM_TIME).atZone(MOSCOW).toInstant();
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** The first of {@code names} the form does not carry, or {@code null} when it carries all. */
  public String firstMissing(List<String> names) {
    for (String name : names) {
      if (!has(name)) {
        return name;
      }
    }
    return null;
  }

  /**
   * The value as text, or {@code null} when absent.
   *
   * @throws MalformedWebhookException when the value is not UTF-8
   */
  public String text(String name) {
    byte[] value = values.get(name);
    return value == null ? null : utf8(value, "'" + name + "'");
  }

  private static int indexOf(byte[] body, byte b, int from) {
    for (int i = from; i < body.length; i++) {
      if (body[i] == b) {
        return i;
      }
    }
    return body.length;
  }

  private static byte[] decode(byte[] body, int from, int to) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
    for (int i = from; i < to; i++) {
      byte b = body[i];
      if (b == '+') {
        out.write(' ');
      } else if (b == '%') {
        int hi = i + 2 < to ? hex(body[i + 1]) : -1;
        int lo = i + 2 < to ? hex(body[i + 2]) : -1;
        if (hi < 0 || lo < 0) {
          throw new MalformedWebhookException(
              "form body has a '%' not followed by two hex digits at offset " + i);
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        out.write(b);
      }
    }
    return out.toByteArray();
  }

  private static int hex(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    return -1;
  }

  private static String utf8(byte[] bytes, String what) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new MalformedWebhookException(what + " is not UTF-8 text");
    }
  }
}
