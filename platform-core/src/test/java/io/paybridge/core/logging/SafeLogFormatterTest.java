package io.paybridge.core.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A log record is one line whatever its message and parameters carry. */
@Tag("security")
class SafeLogFormatterTest {

  private final SafeLogFormatter formatter = new SafeLogFormatter(SafeLogFormatter.DEFAULT_FORMAT);

  @Test
  void crAndLfInAMessageCannotForgeASecondRecord() {
    LogRecord r = new LogRecord(Level.WARNING, "rejected client {0}: {1}");
    r.setLoggerName("io.paybridge.api");
    r.setParameters(
        new Object[] {
          "evil\r\n2026-12-07T00:00:00.000 SEVERE io.paybridge.core - master key leaked",
          "reason\u2028with\u0085separators\u0007bell"
        });

    String line = formatter.format(r);

    assertThat(line.lines()).hasSize(1);
    assertThat(line)
        .contains("evil\\r\\n2026-12-07T00:00:00.000 SEVERE")
        .contains("reason\\u2028with\\u0085separators\\u0007bell")
        .startsWith(line.substring(0, 23))
        .contains(" WARNING io.paybridge.api - rejected client ");
  }

  @Test
  void anExceptionKeepsItsFramesOnTheirOwnLinesAndItsMessageEscaped() {
    LogRecord r = new LogRecord(Level.SEVERE, "delivery failed");
    r.setLoggerName("io.paybridge.core.sync");
    r.setThrown(
        new IllegalStateException("bad\nFAKE RECORD", new RuntimeException("cause\r\nFAKE CAUSE")));

    String text = formatter.format(r);

    assertThat(text.lines().filter(l -> l.contains("FAKE")))
        .allSatisfy(l -> assertThat(l).doesNotStartWith("FAKE"));
    assertThat(text).contains("IllegalStateException: bad\\nFAKE RECORD");
    assertThat(text).contains("Caused by: java.lang.RuntimeException: cause\\r\\nFAKE CAUSE");
    assertThat(text.lines().filter(l -> l.startsWith("\tat "))).isNotEmpty();
  }

  @Test
  void plainTextIsUnchanged() {
    assertThat(SafeLogFormatter.escape("tab\tand ünïcödé stay")).isEqualTo("tab\tand ünïcödé stay");
    assertThat(SafeLogFormatter.escape(null)).isEqualTo("null");
  }
}
