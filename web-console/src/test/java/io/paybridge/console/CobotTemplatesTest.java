package io.paybridge.console;

import static io.paybridge.console.Render.HOSTILE;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.console.view.Alert;
import io.paybridge.console.view.CardView;
import io.paybridge.console.view.CobotMessage;
import io.paybridge.console.view.CobotPage;
import io.paybridge.console.view.MemberView;
import io.paybridge.console.view.Option;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The Cobot page of the console and the members' pages, every value escaped where it lands. */
class CobotTemplatesTest {

  private static final OffsetDateTime T = OffsetDateTime.parse("2026-01-31T12:00:00Z");
  private static final UUID ID = UUID.fromString("00000000-0000-0000-0000-000000000017");

  @Test
  void theConnectFormKeepsWhatWasTypedAndMarksTheFieldsAtFault() {
    String html =
        Render.page(
            "cobot.jte",
            new CobotPage(
                "tok",
                new Alert("error", HOSTILE),
                null,
                new CobotPage.Form(
                    HOSTILE,
                    "client-1",
                    false,
                    List.of(new Option("stripe", "Stripe", true)),
                    Map.of("subdomain", "'subdomain' is wrong <b>"),
                    "http://p.test/cobot/oauth/callback"),
                List.of(),
                null,
                null));

    assertThat(html)
        .contains("<h2>Connect Cobot</h2>")
        .contains("class=\"alert alert-error\" role=\"alert\">&lt;script&gt;")
        .contains(
            "name=\"subdomain\" required maxlength=\"63\" value=\"&lt;script>alert(&#34;x&#34;)")
        .contains("placeholder=\"co-up\" aria-invalid=\"true\">")
        .doesNotContainPattern("name=\"clientId\"[^>]*aria-invalid")
        .contains("is wrong &lt;b&gt;")
        .contains("<option value=\"stripe\" selected>Stripe</option>")
        .containsPattern("name=\"clientSecret\"[^>]*required")
        .doesNotContain("<script>")
        .doesNotContain("Invoices");
  }

  @Test
  void aConnectedSpaceShowsItsInvoicesAndWhatCanBeChargedAgain() {
    String html =
        Render.page(
            "cobot.jte",
            new CobotPage(
                "tok",
                null,
                new CobotPage.Connection(
                    "co-up", "Stripe", true, null, T, "http://p.test/cobot/members/cp_1"),
                null,
                List.of(
                    new CobotPage.Invoice(
                        ID, T, "100", HOSTILE, 6000L, "EUR", "declined", HOSTILE, true),
                    new CobotPage.Invoice(
                        ID, T, null, null, null, null, "rejected", "foreign", false)),
                "/console/cobot",
                "/console/cobot?after=" + ID));

    assertThat(html)
        .contains("<h2>Space co-up</h2>")
        .contains("value=\"http://p.test/cobot/members/cp_1\"")
        .contains("60.00 EUR")
        .contains("badge badge-danger\">Declined<")
        .contains("badge badge-danger\">Rejected<")
        .contains("action=\"/console/cobot/invoices/" + ID + "/rerun\"")
        .contains(">Charge again</button>")
        .contains("href=\"/console/cobot?after=" + ID + "\">Older →</a>")
        .contains("href=\"/console/cobot\">← Newest</a>")
        .contains("action=\"/console/cobot/disconnect\"")
        .doesNotContain("<script>")
        .doesNotContain("Connect Cobot");
  }

  @Test
  void theMembersPagesEscapeWhatTheyShow() {
    String member =
        Render.plain(
            "cobot/member.jte", new MemberView("t\"k", HOSTILE, true, "amex", "0005", true));
    String card =
        Render.plain(
            "cobot/card.jte", new CardView("tok", "https://js.stripe.com/v3/", HOSTILE, "cs_1"));
    String message =
        Render.plain(
            "cobot/message.jte", new CobotMessage("Payment method", HOSTILE, "/retry", "Again"));

    assertThat(member)
        .contains("American Express •••• 0005")
        .contains("Your card was saved.")
        .contains("href=\"/cobot/member/t%22k/card\">Replace card</a>")
        .doesNotContain("<script>");
    assertThat(card)
        .contains(
            "data-publishable-key=\"&lt;script>alert(&#34;x&#34;)&lt;/script>&#39; onmouseover")
        .contains("data-client-secret=\"cs_1\"")
        .contains("data-return-url=\"/cobot/member/tok/card/done\"")
        .contains("<script src=\"https://js.stripe.com/v3/\"></script>")
        .doesNotContain("<script>");
    assertThat(message)
        .contains("<p class=\"message\">&lt;script&gt;")
        .contains("<a class=\"button\" href=\"/retry\">Again</a>")
        .doesNotContain("<script>");
    assertThat(new MemberView("t", null, false, null, null, false).card()).isNull();
    assertThat(new MemberView("t", null, true, null, null, false).card()).isEqualTo("Card");
  }
}
