package io.paybridge.console;

import static io.paybridge.console.Render.HOSTILE;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.console.view.Option;
import io.paybridge.console.view.ReceiptPage;
import io.paybridge.console.view.ReceiptsPage;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The receipt log and one delivery. */
class ReceiptTemplatesTest {

  private static final Instant T = Instant.parse("2026-01-31T12:00:00Z");

  @Test
  void logShowsFiltersReceiptsAndPager() {
    String html =
        Render.page(
            "webhooks.jte",
            new ReceiptsPage(
                List.of(new Option("held", "Held", true)),
                List.of(new Option("stripe", "Stripe", false)),
                HOSTILE,
                LocalDate.of(2026, 1, 1),
                null,
                List.of(
                    new ReceiptsPage.Row(
                        17, T, "Stripe", "charge.refunded", null, "held", HOSTILE)),
                true,
                null,
                "/console/webhooks?after=17&verdict=held"));
    assertThat(html)
        .contains("<option value=\"held\" selected>Held</option>")
        .contains("name=\"from\" value=\"2026-01-01\"")
        .doesNotContain("name=\"to\" value")
        .contains(
            "<a href=\"/console/webhooks/17\"><time datetime=\"2026-01-31T12:00:00Z\" title=\"2026-01-31T12:00:00Z\">2026-01-31 12:00:00 UTC</time></a>")
        .contains("badge badge-warning\">Held<")
        .contains("<td data-label=\"Event id\" class=\"mono truncate\">—</td>")
        .contains("href=\"/console/webhooks?after=17&amp;verdict=held\">Older →</a>")
        .doesNotContain("← Newest")
        .doesNotContain("<script>");
    assertThat(
            Render.page(
                "webhooks.jte",
                new ReceiptsPage(
                    List.of(), List.of(), null, null, null, List.of(), false, null, null)))
        .contains("No webhooks received yet");
  }

  @Test
  void deliveryShowsBodyHeadersAndWhatItBookedEscaped() {
    String html =
        Render.page(
            "webhook.jte",
            new ReceiptPage(
                "tok",
                17,
                "Held, nothing new booked",
                HOSTILE,
                T,
                "Stripe",
                "recorded",
                null,
                "payment_intent.succeeded",
                "evt_1",
                "203.0.113.7",
                12L,
                true,
                List.of(new ReceiptPage.Booked("PAYMENT", 4200L, "usd", "pi_1", null)),
                List.of(Map.entry("Stripe-Signature", "t=1,v1=\"<x>")),
                "{\"a\":\"</pre><script>alert(1)</script>\"}"));
    assertThat(html)
        .contains("<title>Delivery 17 · Paybridge</title>")
        .contains("Processed again: Held, nothing new booked.")
        .contains("class=\"alert alert-danger\" role=\"alert\">&lt;script&gt;")
        .contains("badge badge-success\">Recorded<")
        .contains("<a href=\"/console/webhooks/12\">receipt 12</a>")
        .contains("action=\"/console/webhooks/17/reprocess\"")
        .contains("Process again")
        .contains("42.00 USD")
        .contains("<dt>Stripe-Signature</dt><dd>t=1,v1=\"&lt;x&gt;</dd>")
        .contains(
            "<pre class=\"body\">{\"a\":\"&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;\"}</pre>")
        .doesNotContain("<script>");
  }

  @Test
  void deliveryWithoutBodyOrHeadersSaysSoAndCannotBeProcessedAgain() {
    String html =
        Render.page(
            "webhook.jte",
            new ReceiptPage(
                "tok",
                3,
                null,
                null,
                T,
                "Stripe",
                "rejected",
                "bad signature",
                null,
                null,
                null,
                null,
                false,
                List.of(),
                null,
                null));
    assertThat(html)
        .contains("bad signature")
        .contains("Nothing was booked from this delivery.")
        .contains("<p class=\"muted\">Not kept.</p>")
        .contains("Not kept: the delivery was refused")
        .doesNotContain("Process again")
        .doesNotContain("role=\"alert\"");
  }
}
