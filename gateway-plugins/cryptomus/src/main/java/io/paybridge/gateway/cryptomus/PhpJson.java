package io.paybridge.gateway.cryptomus;

import io.paybridge.spi.MalformedWebhookException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a JSON document exactly as it was sent and prints it again the way PHP's {@code
 * json_encode($value, JSON_UNESCAPED_UNICODE)} prints the value it came from, which is what
 * Cryptomus signs.
 *
 * <p>The reader keeps what a generic JSON library throws away: member order, and the text of every
 * number ({@code 1.50} stays {@code 1.50}; it never becomes a {@code double}). Structure, numbers
 * and the literals {@code true}, {@code false} and {@code null} are printed as received. Strings
 * are decoded and printed in PHP's form: {@code "} {@code \} and {@code /} escaped as {@code \"},
 * {@code \\} and {@code \/}; backspace, form feed, newline, carriage return and tab as {@code \b},
 * {@code \f}, {@code \n}, {@code \r}, {@code \t}; other control characters below U+0020 as {@code
 * \}{@code u00xx} with lower-case hex; U+2028 and U+2029 as {@code \}{@code u2028} and {@code
 * \}{@code u2029}; every other character, DEL and non-ASCII included, as raw UTF-8. So a body sent
 * with {@code \}{@code u00e9} or with a raw {@code é}, with {@code /} or {@code \/}, prints the
 * same.
 *
 * <p>The reader ({@link PhpJsonReader}) is strict where PHP's decoder is lenient or where leniency
 * would let two readings of one body disagree.
 */
final class PhpJson {

  private PhpJson() {}

  /** A JSON value as received. */
  sealed interface Node permits ObjectNode, ArrayNode, StringNode, NumberNode, LiteralNode {}

  /** An object; its members in the order received, no name twice. */
  record ObjectNode(Map<String, Node> members) implements Node {
    ObjectNode {
      members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
    }

    Node get(String name) {
      return members.get(name);
    }

    /**
     * A member as text: a string's value, a number's text, or {@code true} or {@code false}; {@code
     * null} when absent or JSON {@code null}.
     *
     * @throws MalformedWebhookException when the member is an object or an array
     */
    String scalar(String name) {
      Node node = members.get(name);
      if (node == null || (node instanceof LiteralNode l && l.isNull())) {
        return null;
      }
      if (node instanceof StringNode s) {
        return s.value();
      }
      if (node instanceof NumberNode n) {
        return n.text();
      }
      if (node instanceof LiteralNode l) {
        return l.text();
      }
      throw new MalformedWebhookException("'" + name + "' should be a string");
    }

    /** A string or number member as text; absent, JSON null or blank is {@code null}. */
    String text(String name) {
      String value = scalar(name);
      return value == null || value.isBlank() ? null : value;
    }

    /**
     * A member's text.
     *
     * @throws MalformedWebhookException when it is absent, JSON null or blank
     */
    String requireText(String name) {
      String value = text(name);
      if (value == null) {
        throw new MalformedWebhookException("'" + name + "' is missing");
      }
      return value;
    }
  }

  /** An array, in order. */
  record ArrayNode(List<Node> items) implements Node {
    ArrayNode {
      items = List.copyOf(items);
    }
  }

  /** A string, decoded. */
  record StringNode(String value) implements Node {}

  /** A number, as the exact text received. */
  record NumberNode(String text) implements Node {}

  /** {@code true}, {@code false} or {@code null}. */
  record LiteralNode(String text) implements Node {
    boolean isNull() {
      return "null".equals(text);
    }
  }

  /**
   * Reads a body that must be one JSON object.
   *
   * @throws MalformedWebhookException saying where and why the body is not acceptable JSON
   */
  static ObjectNode parseObject(byte[] utf8) {
    return PhpJsonReader.parseObject(utf8);
  }

  /** The object as PHP prints it, without the top-level member {@code omitted}. */
  static String encodeWithout(ObjectNode object, String omitted) {
    StringBuilder out = new StringBuilder(256);
    out.append('{');
    boolean first = true;
    for (Map.Entry<String, Node> member : object.members().entrySet()) {
      if (member.getKey().equals(omitted)) {
        continue;
      }
      if (!first) {
        out.append(',');
      }
      first = false;
      appendString(out, member.getKey());
      out.append(':');
      append(out, member.getValue());
    }
    return out.append('}').toString();
  }

  /** A value as PHP prints it. */
  static String encode(Node node) {
    StringBuilder out = new StringBuilder();
    append(out, node);
    return out.toString();
  }

  private static void append(StringBuilder out, Node node) {
    if (node instanceof StringNode s) {
      appendString(out, s.value());
    } else if (node instanceof NumberNode n) {
      out.append(n.text());
    } else if (node instanceof LiteralNode l) {
      out.append(l.text());
    } else if (node instanceof ArrayNode a) {
      out.append('[');
      for (int i = 0; i < a.items().size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        append(out, a.items().get(i));
      }
      out.append(']');
    } else {
      out.append(encodeWithout((ObjectNode) node, null));
    }
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** A string in PHP's {@code JSON_UNESCAPED_UNICODE} form (slashes escaped). */
  static void appendString(StringBuilder out, String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '/' -> out.append("\\/");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\u2028', '\u2029' -> appendUnicodeEscape(out, c);
        default -> {
          if (c < 0x20) {
            appendUnicodeEscape(out, c);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static void appendUnicodeEscape(StringBuilder out, char c) {
    out.append("\\u")
        .append(HEX[(c >> 12) & 0xf])
        .append(HEX[(c >> 8) & 0xf])
        .append(HEX[(c >> 4) & 0xf])
        .append(HEX[c & 0xf]);
  }
}
