package io.paybridge.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HtmlTest {

  @Test
  void escapesEverythingThatCouldOpenMarkup() {
    assertThat(Html.esc("<a href=\"x\" onclick='y'>&</a>"))
        .isEqualTo("&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
    assertThat(Html.esc(null)).isEmpty();
  }

  @Test
  void formatsMoneyInItsCurrency() {
    assertThat(Html.money(4200L, "usd")).isEqualTo("42.00 USD");
    assertThat(Html.money(-1999L, "EUR")).isEqualTo("-19.99 EUR");
    assertThat(Html.money(500L, "JPY")).isEqualTo("500 JPY");
    assertThat(Html.money(123L, "KIN<")).isEqualTo("123 KIN&lt;");
    assertThat(Html.money(null, "USD")).isEqualTo("—");
  }

  @Test
  void throttleCountsFailuresPerKeyWithinAMinute() {
    AtomicLong now = new AtomicLong(1_000_000);
    Clock clock =
        new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return Instant.ofEpochMilli(now.get());
          }
        };
    LoginThrottle t = new LoginThrottle(clock, 3, 60_000);
    for (int i = 0; i < 3; i++) {
      assertThat(t.blocked("a")).isFalse();
      t.failure("a");
    }
    assertThat(t.blocked("a")).isTrue();
    assertThat(t.blocked("b")).isFalse();
    now.addAndGet(60_000);
    assertThat(t.blocked("a")).isFalse();
    t.failure("b");
    t.success("b");
    assertThat(t.blocked("b")).isFalse();
  }
}
