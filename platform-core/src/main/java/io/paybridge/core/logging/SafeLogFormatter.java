package io.paybridge.core.logging;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One log record, one line: what the record says, with every control character escaped ({@code \r}
 * as {@code \\r}, {@code \n} as {@code \\n}, others as {@code \\uXXXX}). Log messages carry input
 * from outside (client ids, URLs, gateways' reasons), and a CR/LF in them must not forge a second
 * record. A thrown exception follows on its own lines, each message escaped, each frame on a line
 * beginning with a tab, as a reader of the log expects.
 *
 * <p>The layout is {@code java.util.logging.SimpleFormatter.format}'s when that property is set,
 * else {@value #DEFAULT_FORMAT}: the same arguments as {@link java.util.logging.SimpleFormatter}.
 */
public final class SafeLogFormatter extends Formatter {

  /** Time, level, logger, message, exception. */
  public static final String DEFAULT_FORMAT = "%1$tFT%1$tT.%1$tL %4$s %3$s - %5$s%6$s%n";

  private static final int MAX_CAUSES = 8;

  private final String format;

  public SafeLogFormatter() {
    this(System.getProperty("java.util.logging.SimpleFormatter.format", DEFAULT_FORMAT));
  }

  public SafeLogFormatter(String format) {
    this.format = format;
  }

  /** Gives every handler of the root logger this formatter: the node's whole log is safe. */
  public static void install() {
    for (Handler handler : Logger.getLogger("").getHandlers()) {
      handler.setFormatter(new SafeLogFormatter());
    }
  }

  @Override
  public String format(LogRecord r) {
    ZonedDateTime time = ZonedDateTime.ofInstant(r.getInstant(), ZoneId.systemDefault());
    String source =
        r.getSourceClassName() == null
            ? r.getLoggerName()
            : r.getSourceClassName()
                + (r.getSourceMethodName() == null ? "" : " " + r.getSourceMethodName());
    return String.format(
        format,
        time,
        escape(source),
        escape(r.getLoggerName()),
        r.getLevel().getLocalizedName(),
        escape(formatMessage(r)),
        r.getThrown() == null ? "" : System.lineSeparator() + trace(r.getThrown()));
  }

  /** The text with each control character (and Unicode line separator) escaped. */
  public static String escape(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String replacement = replacement(c);
      if (replacement != null && out == null) {
        out = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (out != null) {
        if (replacement != null) {
          out.append(replacement);
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? s : out.toString();
  }

  private static String replacement(char c) {
    if (c == '\n') {
      return "\\n";
    }
    if (c == '\r') {
      return "\\r";
    }
    if (c == '\t') {
      return null;
    }
    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029) {
      return String.format("\\u%04x", (int) c);
    }
    return null;
  }

  private static String trace(Throwable thrown) {
    StringBuilder out = new StringBuilder();
    Throwable t = thrown;
    for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
      if (depth > 0) {
        out.append("Caused by: ");
      }
      out.append(escape(t.toString()));
      for (StackTraceElement frame : t.getStackTrace()) {
        out.append(System.lineSeparator()).append("\tat ").append(escape(frame.toString()));
      }
      out.append(System.lineSeparator());
      if (t.getCause() == t) {
        break;
      }
    }
    return out.toString();
  }
}
