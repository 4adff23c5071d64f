package io.paybridge.gateway.payeer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.paybridge.spi.CredentialField;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.FormBody;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.GatewayPlugin.Outcome;
import io.paybridge.spi.InvalidCredentialsException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookAnswer;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.GatewayPluginTestKit;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * The plugin contract (through the kit) and the details of Payeer's form signature. The signature
 * travels in the form, so there are no signature headers: the kit's byte flips cover {@code
 * m_sign}. The kit's delivery carries exactly the fields Payeer signs; parameters Payeer may add
 * outside the signature are covered by {@link #unsignedExtrasVerifyButChangeNothingBooked}.
 */
class PayeerPluginTest extends GatewayPluginTestKit {

  static final String SHOP = "1245370185";
  static final String SECRET = "kit-secret-Nq7Lw2Zr";

  /** The secret the PHP-made vector below was signed with. */
  static final String PHP_VECTOR_SECRET = "PayeerTestSecret-42/Ключ";

  /**
   * Made with PHP 8.2: the signature computed exactly as Payeer's handler example computes it
   * ({@code strtoupper(hash('sha256', implode(':', $arHash)))} over the {@code $_POST} values,
   * {@code m_params} included because it is set), the form printed by {@code http_build_query}.
   */
  static final String PHP_VECTOR_BODY =
      "m_operation_id=1893551843&m_operation_ps=2609&m_operation_date=21.03.2024+14%3A05%3A33"
          + "&m_operation_pay_date=21.03.2024+14%3A06%3A10&m_shop=1245370185"
          + "&m_orderid=INV-2024%2F0007&m_amount=149.90&m_curr=RUB"
          + "&m_desc=0J7Qv9C70LDRgtCwINC30LDQutCw0LfQsCAjNyDigJQgY2Fmw6kgJiBtb3Jl"
          + "&m_status=success&m_params=q3R0%2BZx%2F9w%3D%3D"
          + "&m_sign=5623714ABDC02B8E5DA13E0DAB6012168C6EBB94ACD5CED1A2B49556FDE56FAC";

  private final PayeerPlugin plugin = new PayeerPlugin();
  private final PayeerSimulator payeer = new PayeerSimulator(SHOP, SECRET);
  private final Map<String, String> validFields =
      payeer.success("1893551843", "order-77", "149.90", "RUB");
  private final WebhookRequest valid = payeer.request(PayeerSimulator.form(validFields));

  @Override
  protected GatewayPlugin plugin() {
    return plugin;
  }

  @Override
  protected Credentials credentials() {
    return credentials(SHOP, SECRET, null);
  }

  @Override
  protected Credentials otherTenantCredentials() {
    return credentials("1245370186", "another-tenants-secret", null);
  }

  @Override
  protected WebhookRequest validDelivery() {
    return valid;
  }

  @Override
  protected WebhookRequest unknownEventDelivery() {
    return payeer.request(
        PayeerSimulator.form(
            payeer.signed(payeer.fields("1893551844", "order-78", "10.00", "RUB", "fail"))));
  }

  @Override
  protected WebhookRequest malformedDelivery() {
    return payeer.request(
        PayeerSimulator.form(
            payeer.signed(payeer.fields("1893551845", "order-79", "ten", "RUB", "success"))));
  }

  @Override
  protected List<String> signatureHeaders() {
    return List.of();
  }

  private Credentials credentials(String shopId, String secret, String allowedIps) {
    JsonObject submitted = new JsonObject().put("shopId", shopId).put("secretKey", secret);
    if (allowedIps != null) {
      submitted.put("allowedIps", allowedIps);
    }
    return plugin.validateCredentials(submitted);
  }

  private Verdict verifyFields(Map<String, String> fields) {
    return verify(payeer.request(PayeerSimulator.form(fields)), credentials());
  }

  @Test
  void pluginIsFoundByServiceLoaderUnderItsId() {
    assertThat(ServiceLoader.load(GatewayPlugin.class))
        .anySatisfy(
            p -> {
              assertThat(p).isInstanceOf(PayeerPlugin.class);
              assertThat(p.id()).isEqualTo("payeer");
              assertThat(p.displayName()).isEqualTo("Payeer");
            });
  }

  @Test
  void credentialSchemaHasShopSecretAndOptionalAllowList() {
    assertThat(plugin.credentialSchema().fields())
        .extracting(CredentialField::name, CredentialField::secret, CredentialField::required)
        .containsExactly(
            tuple("shopId", false, true),
            tuple("secretKey", true, true),
            tuple("allowedIps", false, false));
    assertThat(plugin.credentialSchema().field("allowedIps").orElseThrow().description())
        .contains("185.71.65.92", "185.71.65.189", "149.202.17.210");
    assertThatThrownBy(() -> credentials("shop-1", SECRET, null))
        .isInstanceOf(InvalidCredentialsException.class)
        .hasMessageContaining("numeric");
    assertThatThrownBy(() -> credentials(SHOP, SECRET, "185.71.65.0/33"))
        .isInstanceOf(InvalidCredentialsException.class)
        .extracting(e -> ((InvalidCredentialsException) e).field())
        .isEqualTo("allowedIps");
    assertThat(plugin.subscribedEvents()).containsExactly("success");
  }

  @Test
  void aFormSignedByPayeersPhpHandlerVerifies() {
    Credentials phpSecret = credentials(SHOP, PHP_VECTOR_SECRET, null);
    WebhookRequest request = payeer.request(PHP_VECTOR_BODY);
    assertThat(verify(request, phpSecret).authentic()).isTrue();
    ParsedWebhook parsed = plugin.parse(request, phpSecret);
    assertThat(parsed.eventId()).isEqualTo("1893551843");
    assertThat(parsed.events().get(0).customerRef()).isEqualTo("INV-2024/0007");
    assertThat(parsed.events().get(0).amountMinor()).isEqualTo(14_990L);

    String withoutParams = PHP_VECTOR_BODY.replace("&m_params=q3R0%2BZx%2F9w%3D%3D", "");
    assertThat(verify(payeer.request(withoutParams), phpSecret).authentic())
        .as("m_params is signed when present")
        .isFalse();
  }

  @Test
  void theSignatureIsUpperCaseHexOfTheSignedValues() {
    String sign = validFields.get("m_sign");
    assertThat(sign).matches("[0-9A-F]{64}");
    Map<String, String> fields = new LinkedHashMap<>(validFields);
    for (String bad :
        List.of(sign.toLowerCase(Locale.ROOT), sign.substring(1), sign + "0", sign + " ", "")) {
      fields.put("m_sign", bad);
      Verdict verdict = verifyFields(fields);
      assertThat(verdict.authentic()).as("m_sign %s", bad).isFalse();
      assertThat(verdict.reason()).doesNotContain(SECRET);
    }
    fields.remove("m_sign");
    assertThat(verifyFields(fields).reason()).contains("m_sign");
  }

  @Test
  void everySignedFieldIsCovered() {
    for (String field : PayeerSimulator.signedFields()) {
      Map<String, String> changed = new LinkedHashMap<>(validFields);
      changed.put(field, changed.get(field) + "0");
      assertThat(verifyFields(changed).authentic()).as("%s changed", field).isFalse();
      Map<String, String> missing = new LinkedHashMap<>(validFields);
      missing.remove(field);
      assertThat(verifyFields(missing).reason()).as("%s missing", field).contains(field);
    }
  }

  @Test
  void mParamsIsSignedWhenPresentEvenEmpty() {
    for (String params : List.of("", "c29tZS1lbmNyeXB0ZWQtcGFyYW1z")) {
      Map<String, String> fields = payeer.fields("1000000001", "o-1", "5.00", "USD", "success");
      fields.put("m_params", params);
      Map<String, String> signed = payeer.signed(fields);
      assertThat(verifyFields(signed).authentic()).as("m_params '%s'", params).isTrue();

      Map<String, String> dropped = new LinkedHashMap<>(signed);
      dropped.remove("m_params");
      assertThat(verifyFields(dropped).authentic()).as("m_params '%s' dropped", params).isFalse();
    }
  }

  @Test
  void theShopMustBeTheAccounts() {
    PayeerSimulator otherShop = new PayeerSimulator("99999", SECRET);
    Verdict verdict = verifyFields(otherShop.success("1000000002", "o-2", "5.00", "USD"));
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).contains("m_shop");
  }

  @Test
  void aParameterNamedTwiceIsRefused() {
    String body = PayeerSimulator.form(validFields) + "&m_status=fail";
    assertThat(verify(valid.withBody(Buffer.buffer(body)), credentials()).reason())
        .contains("twice");
  }

  /**
   * The kit flips one bit per byte; this flips every bit. Payeer signs decoded values, so a change
   * must be refused unless it spells the same values differently ({@code %2F} for {@code %2f}).
   */
  @Test
  void everyBitFlipIsRefusedOrChangesNothing() {
    Map<String, String> fields = payeer.fields("1000000003", "ord/ü 1", "12.50", "EUR", "success");
    fields.put("m_params", "a+b/c==");
    WebhookRequest request = payeer.request(PayeerSimulator.form(payeer.signed(fields)));
    byte[] body = request.body().getBytes();
    Map<String, String> original = decoded(body);
    int accepted = 0;
    for (int i = 0; i < body.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] tampered = body.clone();
        tampered[i] ^= (byte) (1 << bit);
        if (verify(request.withBody(Buffer.buffer(tampered)), credentials()).authentic()) {
          accepted++;
          assertThat(decoded(tampered)).as("byte %d bit %d", i, bit).isEqualTo(original);
        }
      }
    }
    assertThat(accepted).as("hex-digit case changes in %%XX escapes").isPositive();
  }

  @Test
  void unsignedExtrasVerifyButChangeNothingBooked() {
    Map<String, String> extras = PayeerSimulator.withUnsignedExtras(validFields);
    WebhookRequest request = payeer.request(PayeerSimulator.form(extras));
    assertThat(verify(request, credentials()).authentic()).isTrue();
    ParsedWebhook parsed = plugin.parse(request, credentials());

    Map<String, String> forged = new LinkedHashMap<>(extras);
    forged.put("summa_out", "999999.00");
    forged.put("client_email", "attacker@example.com");
    WebhookRequest forgedRequest = request.withBody(Buffer.buffer(PayeerSimulator.form(forged)));
    assertThat(verify(forgedRequest, credentials()).authentic()).isTrue();
    assertThat(plugin.parse(forgedRequest, credentials())).isEqualTo(parsed);
    assertThat(plugin.parse(valid.withBody(request.body()), credentials()).events())
        .isEqualTo(plugin.parse(valid, credentials()).events());
  }

  @Test
  void anAccountWithoutASecretVerifiesNothing() {
    Verdict verdict = verify(valid, Credentials.of("shopId", SHOP));
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).contains("secretKey");
  }

  // ---- sender addresses

  @Test
  void allowedIpsAcceptsListedAddressesAndRangesOnly() {
    record Case(String allowed, String remote, boolean accepted) {}
    for (Case c :
        List.of(
            new Case("185.71.65.92, 185.71.65.189, 149.202.17.210", "185.71.65.189", true),
            new Case("185.71.65.92, 185.71.65.189, 149.202.17.210", "185.71.65.93", false),
            new Case("185.71.65.0/24", "185.71.65.250", true),
            new Case("185.71.65.0/24", "185.71.64.250", false),
            new Case("185.71.65.92", "::ffff:185.71.65.92", true),
            new Case("2a00:1450:4001::5", "2a00:1450:4001:0::5", true),
            new Case("2a00:1450:4001::5", "2a00:1450:4001::6", false),
            new Case("2a00:1450::/32", "2a00:1450:ffff::1", true),
            new Case("2a00:1450::/32", "2a00:1451::1", false),
            new Case("185.71.65.92", null, false))) {
      WebhookRequest from =
          new WebhookRequest(
              valid.method(),
              valid.path(),
              valid.headers(),
              valid.query(),
              valid.body(),
              c.remote(),
              valid.receivedAt());
      Verdict verdict = verify(from, credentials(SHOP, SECRET, c.allowed()));
      assertThat(verdict.authentic())
          .as("%s from %s", c.allowed(), c.remote())
          .isEqualTo(c.accepted());
      if (!c.accepted()) {
        assertThat(verdict.reason()).contains("allowedIps");
      }
    }
  }

  // ---- answers

  @Test
  void authenticNotificationsAreAnsweredOrderIdSuccessWhateverTheOutcome() {
    ParsedWebhook parsed = plugin.parse(valid, credentials());
    for (Outcome outcome : Outcome.values()) {
      WebhookAnswer answer = plugin.acknowledge(valid, parsed, outcome);
      assertThat(answer.status()).as(outcome.name()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo("order-77|success");
      assertThat(answer.contentType()).startsWith("text/plain");
    }
    WebhookRequest ignored = unknownEventDelivery();
    assertThat(
            plugin
                .acknowledge(ignored, plugin.parse(ignored, credentials()), Outcome.IGNORED)
                .body())
        .isEqualTo("order-78|success");
  }

  @Test
  void rejectedNotificationsAreAnsweredOrderIdErrorNeverSuccess() {
    WebhookRequest forged =
        new PayeerSimulator(SHOP, "wrong-secret")
            .request(
                PayeerSimulator.form(
                    new PayeerSimulator(SHOP, "wrong-secret")
                        .success("1000000004", "order-80", "5.00", "USD")));
    assertThat(verify(forged, credentials()).authentic()).isFalse();
    WebhookAnswer answer = plugin.reject(forged);
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.contentType()).startsWith("text/plain");
    assertThat(answer.body()).isEqualTo("order-80|error").doesNotContain("success");

    assertThat(plugin.reject(forged.withBody(Buffer.buffer("m_orderid=%3Cscript%3E"))).body())
        .as("an unverified order id is echoed only when plain")
        .isEqualTo("|error");
    assertThat(plugin.reject(forged.withBody(Buffer.buffer("%zz"))).body()).isEqualTo("|error");
  }

  private static Map<String, String> decoded(byte[] body) {
    FormBody form = FormBody.parse(body);
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : form.names()) {
      out.put(name, new String(form.raw(name), java.nio.charset.StandardCharsets.ISO_8859_1));
    }
    return out;
  }
}
