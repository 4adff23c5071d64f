package io.paybridge.console;

import static io.paybridge.console.Render.HOSTILE;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.console.view.ApiClientsPage;
import io.paybridge.console.view.DashboardPage;
import io.paybridge.console.view.GatewayFormPage;
import io.paybridge.console.view.GatewaysPage;
import io.paybridge.console.view.Option;
import io.paybridge.console.view.PaymentRow;
import io.paybridge.console.view.PaymentsPage;
import io.paybridge.console.view.SetupView;
import io.paybridge.console.view.SubscriptionsPage;
import io.paybridge.console.view.SyncPage;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The signed-in pages, each rendered with sample data that tries to break out of its context. */
class TenantTemplatesTest {

  private static final OffsetDateTime T =
      OffsetDateTime.of(2026, 1, 31, 12, 0, 0, 0, ZoneOffset.UTC);

  private static final PaymentRow PAYMENT =
      new PaymentRow(
          "2026-01-31T12:00:00Z",
          "Stripe",
          "REFUND",
          HOSTILE,
          -4200L,
          "usd",
          "re_<1>",
          "pi_<1>",
          false);

  @Test
  void frameEscapesTheTenantAndMarksTheActivePage() {
    String html = Render.page("subscriptions.jte", new SubscriptionsPage(List.of(), false));
    assertThat(html)
        .contains(
            "<a href=\"/console/account\" class=\"tenant\" title=\"Account of o&#34;wner@example.com\">Acme &lt;Cowork&gt;</a>")
        .doesNotContain("Acme <Cowork>")
        .contains(
            "<a href=\"/console/subscriptions\" class=\"active\" aria-current=\"page\">Subscriptions</a>")
        .contains("<a href=\"/console/payments\">Payments</a>")
        .contains("action=\"/console/logout\"")
        .contains("name=\"X-XSRF-TOKEN\" value=\"tok&#34;en&lt;\"")
        .contains("<h1>Subscriptions</h1>");
  }

  @Test
  void dashboardShowsTheFirstStepUntilAGatewayIsConnected() {
    String first = Render.page("dashboard.jte", new DashboardPage(true, 0, 0, 5, List.of(), false));
    assertThat(first)
        .contains("Welcome to Paybridge. Your account is ready.")
        .contains("Next step: connect a payment gateway");

    String later =
        Render.page("dashboard.jte", new DashboardPage(false, 2, 3, 5, List.of(PAYMENT), false));
    assertThat(later)
        .doesNotContain("Next step")
        .contains(
            "<span class=\"stat-value\">2</span><span class=\"stat-label\">Connected gateways</span>")
        .contains("-42.00 USD")
        .contains("class=\"num negative\"")
        .contains("badge badge-danger\">Refund<")
        .contains("re_&lt;1&gt;")
        .contains(
            "of payment <a class=\"mono break\" href=\"/console/payments?payment=pi_%3C1%3E\">")
        .contains("/console/payments?customer=%3Cscript%3E")
        .doesNotContain("Not synced")
        .doesNotContain("<th>Sync</th>")
        .doesNotContain("<script>");
    assertThat(
            Render.page("dashboard.jte", new DashboardPage(false, 2, 3, 5, List.of(PAYMENT), true)))
        .contains("<th>Sync</th>")
        .contains("Not synced");
  }

  @Test
  void gatewaysListShowsStatusHeldDeliveriesAndWebhookUrls() {
    String html =
        Render.page(
            "gateways.jte",
            new GatewaysPage(
                "Stripe",
                List.of(
                    new GatewaysPage.Row(
                        "stripe", "Stripe", "https://h/hooks/k/stripe?a=1&b=\"", 1),
                    new GatewaysPage.Row("x y", HOSTILE, null, 0))));
    assertThat(html)
        .contains("Stripe was disconnected")
        .contains("1 delivery held")
        .contains("/console/webhooks?verdict=held&amp;gateway=stripe")
        .contains("https://h/hooks/k/stripe?a=1&amp;b=\"")
        .contains("href=\"/console/gateways/x+y\">Connect</a>")
        .contains("href=\"/console/gateways/stripe\">Manage</a>")
        .doesNotContain("<script>");
  }

  @Test
  void gatewayFormNeverEchoesSecretsAndMarksTheFieldAtFault() {
    GatewayFormPage page =
        new GatewayFormPage(
            "tok",
            "stripe",
            "Stripe",
            true,
            2,
            new SetupView(
                "failing",
                "Stripe",
                "/console/gateways/stripe/status",
                false,
                "localhost is this machine " + HOSTILE,
                "Start a tunnel " + HOSTILE,
                List.of("Webhook signing secret"),
                0,
                new SetupView.Last(
                    41,
                    "2026-01-31T12:00:05Z",
                    "rejected",
                    "payment_intent.succeeded",
                    "no v1 signature matches " + HOSTILE,
                    "The secret saved here is not the one Stripe shows " + HOSTILE,
                    "Copy it again " + HOSTILE)),
            new GatewayFormPage.Connected(
                "http://h/hooks/k/stripe",
                List.of("payment_intent.succeeded"),
                List.of(new GatewayFormPage.Rule("charge.refunded", "Holds", "warning", HOSTILE)),
                T,
                T),
            List.of(
                new GatewayFormPage.Field(
                    "webhookSecret",
                    "Webhook secret",
                    "",
                    true,
                    true,
                    true,
                    true,
                    null,
                    200,
                    null,
                    null,
                    List.of()),
                new GatewayFormPage.Field(
                    "customerRefKey",
                    "Customer key",
                    "From metadata",
                    false,
                    false,
                    false,
                    false,
                    "Customer key must be a metadata key " + HOSTILE,
                    100,
                    "\"><script>",
                    "customer_ref",
                    List.of()),
                new GatewayFormPage.Field(
                    "mode",
                    "Mode",
                    "",
                    false,
                    false,
                    false,
                    false,
                    null,
                    10,
                    null,
                    "live",
                    List.of("live", "test"))),
            HOSTILE,
            List.of());
    String html = Render.page("gateway.jte", page);
    assertThat(html)
        .contains(
            "Saved. Add the webhook URL below in your Stripe dashboard, then save the Webhook"
                + " signing secret it shows.")
        .contains("2 deliveries are held")
        .contains("id=\"webhook-url\" class=\"mono\" readonly value=\"http://h/hooks/k/stripe\"")
        .contains("<li class=\"mono\">payment_intent.succeeded</li>")
        .contains("placeholder=\"•••• set — leave blank to keep\"")
        .contains("•••• set</span>")
        .contains("value=\"&#34;>&lt;script>\"")
        .contains("placeholder=\"customer_ref\"")
        .contains("<option value=\"live\" selected>live</option>")
        .contains("<option value=\"\">Default (live)</option>")
        .contains(
            "Connected <time datetime=\"2026-01-31T12:00:00Z\" title=\"2026-01-31T12:00:00Z\">"
                + "2026-01-31 12:00:00 UTC</time>")
        .contains("data-status-url=\"/console/gateways/stripe/status\"")
        .contains("Stripe cannot reach this URL yet.")
        .contains(
            "<strong>Likely cause:</strong> The secret saved here is not the one Stripe shows")
        .contains("<strong>Fix:</strong> Copy it again")
        .contains("href=\"/console/webhooks/41\"")
        .contains("Customer key must be a metadata key")
        .contains("action=\"/console/gateways/stripe/delete\"")
        .contains("Disconnect Stripe")
        .doesNotContain("<script>");
    // the secret field is not required once a value is stored; only the field at fault is marked
    assertThat(html).doesNotContainPattern("name=\"webhookSecret\"[^>]*required");
    assertThat(html.split("aria-invalid=\"true\"", -1)).hasSize(2);
  }

  @Test
  void paymentsShowFiltersBalanceAndPager() {
    String html =
        Render.page(
            "payments.jte",
            new PaymentsPage(
                List.of(new Option("stripe", "Stripe", true)),
                List.of(new Option("PAYMENT", "Payment", false)),
                HOSTILE,
                "pi_<1>",
                List.of(new PaymentsPage.Amount(6199L, "USD")),
                List.of(PAYMENT),
                true,
                true,
                "/console/payments?customer=a&kind=PAYMENT",
                "/console/payments?before=7&customer=a"));
    assertThat(html)
        .contains("<option value=\"stripe\" selected>Stripe</option>")
        .contains("<option value=\"PAYMENT\">Payment</option>")
        .contains("Balance of &lt;script&gt;")
        .contains("61.99 USD")
        .contains("Entries of payment <span class=\"mono break\">pi_&lt;1&gt;")
        .contains("<input type=\"hidden\" name=\"payment\" value=\"pi_&lt;1>\">")
        .contains("href=\"/console/payments?customer=a&amp;kind=PAYMENT\">← Newest</a>")
        .contains("href=\"/console/payments?before=7&amp;customer=a\">Older →</a>")
        .doesNotContain("<script>");

    assertThat(
            Render.page(
                "payments.jte",
                new PaymentsPage(
                    List.of(), List.of(), null, null, null, List.of(), false, false, null, null)))
        .contains("No payments yet")
        .doesNotContain("Balance of")
        .doesNotContain("Older");
  }

  @Test
  void subscriptionsListStatusAndPeriod() {
    String html =
        Render.page(
            "subscriptions.jte",
            new SubscriptionsPage(
                List.of(
                    new SubscriptionsPage.Row(
                        "stripe", "sub_1", HOSTILE, "active", "2026-02-01T00:00:00Z", null)),
                true));
    assertThat(html)
        .contains("sub_1")
        .contains("badge badge-success\">active<")
        .contains("2026-02-01 00:00:00 UTC")
        .contains("Showing the first 100 subscriptions.")
        .doesNotContain("<script>");
    assertThat(Render.page("subscriptions.jte", new SubscriptionsPage(List.of(), false)))
        .contains("No subscriptions yet");
  }

  @Test
  void syncListsTargetsAndReplayableDeliveries() {
    UUID id = UUID.fromString("00000000-0000-0000-0000-000000000002");
    String html =
        Render.page(
            "sync.jte",
            new SyncPage(
                "tok",
                "Delivery 42 will be sent again.",
                new SyncPage.Added("http://x/<a>", "whsec_\"secret"),
                HOSTILE,
                new SyncPage.Form(
                    "customer-transaction", "http://x/<b>", HOSTILE, null, HOSTILE, null),
                List.of(new SyncPage.Target(id, "webhook", "http://x/<a>", false, HOSTILE, T)),
                List.of(new SyncPage.Delivery("42", "7", "failed", 3, HOSTILE, null))));
    assertThat(html)
        .contains("Delivery 42 will be sent again.")
        .contains("http://x/&lt;a&gt;")
        .contains("badge badge-danger\">Disabled<")
        .contains("action=\"/console/sync/deliveries/42/replay\"")
        .contains("action=\"/console/sync/targets/" + id + "/enable\"")
        .contains("action=\"/console/sync/targets/" + id + "/remove\"")
        .contains("value=\"whsec_&#34;secret\"")
        .contains("<option value=\"customer-transaction\" selected>")
        .contains("<td data-label=\"Attempts\">3</td>")
        .doesNotContain("<script>");
    assertThat(html.split("aria-invalid=\"true\"", -1)).as("the URL only").hasSize(2);
    assertThat(
            Render.page(
                "sync.jte",
                new SyncPage("t", null, null, null, SyncPage.Form.EMPTY, List.of(), List.of())))
        .contains("No sync targets")
        .contains("No failed deliveries")
        .contains("Add a target")
        .doesNotContain("aria-invalid");
  }

  @Test
  void apiClientsShowTheNewSecretOnceAndRevokeForms() {
    UUID id = UUID.fromString("00000000-0000-0000-0000-000000000001");
    String html =
        Render.page(
            "api-clients.jte",
            new ApiClientsPage(
                "tok",
                true,
                new ApiClientsPage.Created("pbc_1", "pbs_\"secret"),
                List.of(
                    new ApiClientsPage.Client(
                        id, HOSTILE, "pbc_1", List.of("payments:read"), T, false, T, T),
                    new ApiClientsPage.Client(
                        UUID.randomUUID(), "old", "pbc_0", List.of(), T, true, null, null)),
                "Name is required",
                List.of("payments:read", "sync:write"),
                new ApiClientsPage.Rotated("pbc_1", "pbs_\"rotated", null),
                List.of(new io.paybridge.console.view.Option("0", "Old secret stops now", true))));
    assertThat(html)
        .contains("The client was revoked")
        .contains("id=\"new-client-id\" class=\"mono\" readonly value=\"pbc_1\"")
        .contains("id=\"new-client-secret\" class=\"mono\" readonly value=\"pbs_&#34;secret\"")
        .contains("action=\"/console/api-clients/" + id + "/revoke\"")
        .contains("data-confirm=\"Revoke &lt;script>alert(&#34;x&#34;)&lt;/script>&#39;")
        .contains("badge badge-muted\">Revoked<")
        .contains("Name is required")
        .contains("name=\"scope\" value=\"sync:write\" checked")
        .doesNotContain("<script>");
    // one revoke form and one rotation: the revoked client has neither
    assertThat(html.split("/revoke\"", -1)).hasSize(2);
    assertThat(html.split("/rotate\"", -1)).hasSize(2);
    assertThat(html)
        .contains("id=\"rotated-client-secret\" class=\"mono\" readonly value=\"pbs_&#34;rotated\"")
        .contains("stopped working")
        .contains("Old secret works until")
        .contains("data-label=\"Last used\">—<")
        .contains("<option value=\"0\" selected>Old secret stops now</option>");
  }
}
