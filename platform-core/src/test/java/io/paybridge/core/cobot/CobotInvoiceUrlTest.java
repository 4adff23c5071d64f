package io.paybridge.core.cobot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which URLs a {@code created_invoice} webhook may name: an invoice under the space's own API, and
 * nothing that only looks like one. The space's token goes wherever the platform fetches, so every
 * other URL is rejected unfetched.
 */
class CobotInvoiceUrlTest {

  private final CobotInvoices production =
      new CobotInvoices(null, CobotSettings.DEFAULTS, () -> {});
  private final CobotInvoices withPath =
      new CobotInvoices(
          null,
          new CobotSettings(
              "http://127.0.0.1:8111", "http://127.0.0.1:8111/spaces/{subdomain}", "x:/"),
          () -> {});

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://co-up.cobot.me/api/invoices/0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        "https://CO-UP.cobot.me/api/invoices/100",
        "https://co-up.cobot.me:443/api/invoices/abc_DEF-1"
      })
  void anInvoiceOfTheSpacesApiIsAccepted(String url) {
    assertThat(production.invoiceIdIn(url, "co-up")).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://co-up.cobot.me/api/invoices/1",
        "https://co-up.cobot.me:8443/api/invoices/1",
        "https://other.cobot.me/api/invoices/1",
        "https://co-up.cobot.me.evil.example/api/invoices/1",
        "https://evil.example/co-up.cobot.me/api/invoices/1",
        "https://co-up.cobot.me@evil.example/api/invoices/1",
        "https://user@co-up.cobot.me/api/invoices/1",
        "https://co-up.cobot.me/api/invoices/1?redirect=https://evil.example",
        "https://co-up.cobot.me/api/invoices/1#x",
        "https://co-up.cobot.me/api/invoices/../memberships/1",
        "https://co-up.cobot.me/api/invoices/1/payment_records",
        "https://co-up.cobot.me/api/invoices/%2e%2e",
        "https://co-up.cobot.me/api/invoices/a%2Fb",
        "https://co-up.cobot.me/api/invoices/",
        "https://co-up.cobot.me/api/memberships/1",
        "https://co-up.cobot.me/invoices/1",
        "//co-up.cobot.me/api/invoices/1",
        "/api/invoices/1",
        "not a url at all",
        "javascript:alert(1)",
        "file:///etc/passwd"
      })
  void anythingElseIsRejected(String url) {
    assertThat(production.invoiceIdIn(url, "co-up")).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1:8111/spaces/co-up-evil/api/invoices/1",
        "http://127.0.0.1:8111/spaces/other/api/invoices/1",
        "http://127.0.0.1:8112/spaces/co-up/api/invoices/1",
        "http://localhost:8111/spaces/co-up/api/invoices/1"
      })
  void aSpaceUrlWithAPathIsMatchedWholeSegmentBySegment(String url) {
    assertThat(withPath.invoiceIdIn("http://127.0.0.1:8111/spaces/co-up/api/invoices/1", "co-up"))
        .isEqualTo("1");
    assertThat(withPath.invoiceIdIn(url, "co-up")).isNull();
  }
}
