package io.paybridge.core.sync;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What a delivery records of a target's error answer besides its status, for the tenant to read: at
 * most {@value #MAX_CHARS} printable characters of the body, and only of a plain-text or JSON body
 * — the kinds a receiver writes its reason in. An HTML page, or a body of any other type, is
 * dropped: it is an error page of some server in between, not the receiver's reason, and the tenant
 * must not be able to read pages Paybridge fetches. Headers are never recorded. Only the first
 * {@value #MAX_BYTES} bytes of a body are read into memory at all.
 */
final class ErrorExcerpt {

  static final int MAX_CHARS = 100;
  static final int MAX_BYTES = 1024;

  private ErrorExcerpt() {}

  /**
   * The excerpt of an answer's body, empty when its type is not plain text or JSON.
   *
   * @param firstBytes the body's first bytes ({@link FirstBytes})
   */
  static String of(String contentType, Buffer firstBytes) {
    if (contentType == null || firstBytes == null || firstBytes.length() == 0) {
      return "";
    }
    String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (!type.equals("text/plain") && !type.equals("application/json") && !type.endsWith("+json")) {
      return "";
    }
    return printable(firstBytes.toString(StandardCharsets.UTF_8), MAX_CHARS);
  }

  /**
   * The text with every control, format, separator, private-use, unassigned or undecodable
   * character as a space, runs of spaces folded, at most {@code max} characters (a cut marked with
   * an ellipsis).
   */
  static String printable(String text, int max) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    int count = 0;
    boolean space = true;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (!visible(cp)) {
        if (!space) {
          out.append(' ');
          count++;
          space = true;
        }
      } else {
        out.appendCodePoint(cp);
        count++;
        space = false;
      }
      if (count >= max && i < text.length()) {
        return out.toString().strip() + "…";
      }
    }
    return out.toString().strip();
  }

  private static boolean visible(int cp) {
    if (cp == 0xFFFD || Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
      return false;
    }
    return switch (Character.getType(cp)) {
      case Character.CONTROL,
              Character.FORMAT,
              Character.LINE_SEPARATOR,
              Character.PARAGRAPH_SEPARATOR,
              Character.PRIVATE_USE,
              Character.SURROGATE,
              Character.UNASSIGNED ->
          false;
      default -> true;
    };
  }

  /**
   * A sink for a response body that keeps its first {@value #MAX_BYTES} bytes and drops the rest.
   */
  static final class FirstBytes implements WriteStream<Buffer> {

    private final Buffer kept = Buffer.buffer();

    Buffer kept() {
      return kept;
    }

    @Override
    public Future<Void> write(Buffer data) {
      int room = MAX_BYTES - kept.length();
      if (room > 0) {
        kept.appendBuffer(data, 0, Math.min(room, data.length()));
      }
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> end() {
      return Future.succeededFuture();
    }

    @Override
    public FirstBytes exceptionHandler(Handler<Throwable> handler) {
      return this;
    }

    @Override
    public FirstBytes setWriteQueueMaxSize(int maxSize) {
      return this;
    }

    @Override
    public boolean writeQueueFull() {
      return false;
    }

    @Override
    public FirstBytes drainHandler(Handler<Void> handler) {
      return this;
    }
  }
}
