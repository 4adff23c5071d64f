package io.paybridge.gateway.cryptomus;

import io.paybridge.gateway.cryptomus.PhpJson.ArrayNode;
import io.paybridge.gateway.cryptomus.PhpJson.LiteralNode;
import io.paybridge.gateway.cryptomus.PhpJson.Node;
import io.paybridge.gateway.cryptomus.PhpJson.NumberNode;
import io.paybridge.gateway.cryptomus.PhpJson.ObjectNode;
import io.paybridge.gateway.cryptomus.PhpJson.StringNode;
import io.paybridge.spi.MalformedWebhookException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A recursive-descent reader of the JSON that {@link PhpJson} re-encodes, keeping member order and
 * the exact text of numbers. It is strict where PHP's decoder is lenient or where leniency would
 * let two readings of one body disagree: the body must be valid UTF-8, an object may not name a
 * member twice (PHP keeps the last, other libraries the first), an escaped lone surrogate is
 * refused (as PHP refuses it), and only the four JSON whitespace characters may separate tokens.
 */
final class PhpJsonReader {

  /** Nesting deeper than this is refused; Cryptomus bodies are two levels deep. */
  static final int MAX_DEPTH = 32;

  private final String text;
  private int pos;

  private PhpJsonReader(String text) {
    this.text = text;
  }

  /**
   * Reads a body that must be one JSON object.
   *
   * @throws MalformedWebhookException saying where and why the body is not acceptable JSON
   */
  static ObjectNode parseObject(byte[] utf8) {
    PhpJsonReader reader = new PhpJsonReader(decodeUtf8(utf8));
    reader.skipWhitespace();
    if (reader.peek() != '{') {
      throw new MalformedWebhookException("body is not a JSON object");
    }
    Node root = reader.value(0);
    reader.skipWhitespace();
    if (!reader.atEnd()) {
      throw reader.error("unexpected text after the JSON object");
    }
    return (ObjectNode) root;
  }

  private static String decodeUtf8(byte[] bytes) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes));
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw new MalformedWebhookException("body is not valid UTF-8");
    }
  }

  private boolean atEnd() {
    return pos >= text.length();
  }

  private char peek() {
    return atEnd() ? '\0' : text.charAt(pos);
  }

  private MalformedWebhookException error(String what) {
    return new MalformedWebhookException("body is not valid JSON: " + what + " at offset " + pos);
  }

  private void skipWhitespace() {
    while (!atEnd()) {
      char c = text.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pos++;
      } else {
        return;
      }
    }
  }

  private Node value(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH);
    }
    skipWhitespace();
    if (atEnd()) {
      throw error("unexpected end");
    }
    char c = text.charAt(pos);
    return switch (c) {
      case '{' -> object(depth);
      case '[' -> array(depth);
      case '"' -> new StringNode(string());
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          yield number();
        }
        throw error("unexpected character");
      }
    };
  }

  private ObjectNode object(int depth) {
    pos++;
    Map<String, Node> members = new LinkedHashMap<>();
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      return new ObjectNode(members);
    }
    while (true) {
      skipWhitespace();
      if (peek() != '"') {
        throw error("member name expected");
      }
      String name = string();
      skipWhitespace();
      if (peek() != ':') {
        throw error("':' expected");
      }
      pos++;
      Node value = value(depth + 1);
      if (members.putIfAbsent(name, value) != null) {
        throw error("member '" + name + "' appears twice");
      }
      skipWhitespace();
      char c = peek();
      pos++;
      if (c == '}') {
        return new ObjectNode(members);
      }
      if (c != ',') {
        pos--;
        throw error("',' or '}' expected");
      }
    }
  }

  private ArrayNode array(int depth) {
    pos++;
    List<Node> items = new ArrayList<>();
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      return new ArrayNode(items);
    }
    while (true) {
      items.add(value(depth + 1));
      skipWhitespace();
      char c = peek();
      pos++;
      if (c == ']') {
        return new ArrayNode(items);
      }
      if (c != ',') {
        pos--;
        throw error("',' or ']' expected");
      }
    }
  }

  private LiteralNode literal(String word) {
    if (!text.startsWith(word, pos)) {
      throw error("unexpected character");
    }
    pos += word.length();
    return new LiteralNode(word);
  }

  /** RFC 8259 number grammar; the text is kept as received. */
  private NumberNode number() {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else if (peek() >= '1' && peek() <= '9') {
      digits();
    } else {
      throw error("digit expected");
    }
    if (peek() == '.') {
      pos++;
      if (!isDigit(peek())) {
        throw error("digit expected after '.'");
      }
      digits();
    }
    if (peek() == 'e' || peek() == 'E') {
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      if (!isDigit(peek())) {
        throw error("digit expected in exponent");
      }
      digits();
    }
    return new NumberNode(text.substring(start, pos));
  }

  private void digits() {
    while (isDigit(peek())) {
      pos++;
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private String string() {
    pos++;
    StringBuilder out = new StringBuilder();
    while (true) {
      if (atEnd()) {
        throw error("unterminated string");
      }
      char c = text.charAt(pos++);
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        pos--;
        throw error("raw control character in a string");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (atEnd()) {
        throw error("unterminated escape");
      }
      char e = text.charAt(pos++);
      switch (e) {
        case '"' -> out.append('"');
        case '\\' -> out.append('\\');
        case '/' -> out.append('/');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> unicodeEscape(out);
        default -> {
          pos--;
          throw error("invalid escape");
        }
      }
    }
  }

  private void unicodeEscape(StringBuilder out) {
    char unit = hex4();
    if (Character.isHighSurrogate(unit)) {
      if (text.startsWith("\\u", pos)) {
        pos += 2;
        char low = hex4();
        if (Character.isLowSurrogate(low)) {
          out.append(unit).append(low);
          return;
        }
      }
      throw error("unpaired UTF-16 surrogate in a \\u escape");
    }
    if (Character.isLowSurrogate(unit)) {
      throw error("unpaired UTF-16 surrogate in a \\u escape");
    }
    out.append(unit);
  }

  private char hex4() {
    if (pos + 4 > text.length()) {
      throw error("incomplete \\u escape");
    }
    int value = 0;
    for (int i = 0; i < 4; i++) {
      int digit = hexValue(text.charAt(pos + i));
      if (digit < 0) {
        throw error("invalid \\u escape");
      }
      value = value * 16 + digit;
    }
    pos += 4;
    return (char) value;
  }

  private static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
