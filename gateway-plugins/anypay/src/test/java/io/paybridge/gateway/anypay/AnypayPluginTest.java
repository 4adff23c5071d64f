package io.paybridge.gateway.anypay;

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
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookAnswer;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.GatewayPluginTestKit;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * The plugin contract (through the kit) and the details of Anypay's signatures. Anypay signs only
 * some of the parameters it sends, so the kit's delivery carries exactly the signed ones: then
 * every byte is covered and every flip must be refused. Full notifications, with their unsigned
 * parameters, are covered by {@link #unsignedParametersVerifyButChangeNothingThatIsBooked}.
 */
class AnypayPluginTest extends GatewayPluginTestKit {

  static final String PROJECT = "1399";
  static final String SECRET = "kit-secret-NLmx0woAqrgH";

  /** The secret the PHP-made vectors below were signed with. */
  static final String PHP_VECTOR_SECRET = "AnypayTestSecret#2024";

  /**
   * Made with PHP 8.2 as Anypay's handler example computes it: {@code hash('sha256', implode(':',
   * [currency, amount, pay_id, merchant_id, status, secret]))}, printed by {@code
   * http_build_query}.
   */
  static final String PHP_SHA256_BODY =
      "merchant_id=1399&transaction_id=4950030&pay_id=1443429&amount=100.00&currency=RUB"
          + "&profit=95.50&email=buyer%2Btest%40example.com&method=card&status=paid&test=0"
          + "&created_date=26.11.2019+17%3A12%3A02&completed_date=26.11.2019+17%3A12%3A12"
          + "&sign=eabf77e9d237b9169ba6025829b182e811bf88db61c027548c50cceb81c57daf";

  /**
   * The same notification signed by the older scheme: {@code
   * md5(merchant_id:amount:pay_id:secret)}.
   */
  static final String PHP_MD5_BODY =
      "merchant_id=1399&transaction_id=4950030&pay_id=1443429&amount=100.00&currency=RUB"
          + "&profit=95.50&email=buyer%2Btest%40example.com&method=card&status=paid&test=0"
          + "&created_date=26.11.2019+17%3A12%3A02&completed_date=26.11.2019+17%3A12%3A12"
          + "&sign=ee15a8e11352006fcf3f280f910803c3";

  private final AnypayPlugin plugin = new AnypayPlugin();
  private final AnypaySimulator anypay = new AnypaySimulator(PROJECT, SECRET);
  private final WebhookRequest valid =
      anypay.request(AnypaySimulator.form(anypay.signedOnly("1443429", "100.00", "RUB", "paid")));

  @Override
  protected GatewayPlugin plugin() {
    return plugin;
  }

  @Override
  protected Credentials credentials() {
    return credentials(PROJECT, SECRET, null, null);
  }

  @Override
  protected Credentials otherTenantCredentials() {
    return credentials("1400", "another-projects-secret", null, null);
  }

  /** An md5 account as it must be set up: sender addresses and its currency. */
  private Credentials md5Credentials(String secret, String allowedIps) {
    return plugin.validateCredentials(
        new JsonObject()
            .put("projectId", PROJECT)
            .put("secretKey", secret)
            .put("signScheme", "md5")
            .put("allowedIps", allowedIps)
            .put("accountCurrency", "RUB"));
  }

  @Override
  protected WebhookRequest validDelivery() {
    return valid;
  }

  @Override
  protected WebhookRequest unknownEventDelivery() {
    return anypay.request(
        AnypaySimulator.form(anypay.signedOnly("1443430", "100.00", "RUB", "canceled")));
  }

  @Override
  protected WebhookRequest malformedDelivery() {
    return anypay.request(
        AnypaySimulator.form(anypay.signedOnly("1443431", "hundred", "RUB", "paid")));
  }

  @Override
  protected List<String> signatureHeaders() {
    return List.of();
  }

  private Credentials credentials(
      String projectId, String secret, String scheme, String allowedIps) {
    JsonObject submitted = new JsonObject().put("projectId", projectId).put("secretKey", secret);
    if (scheme != null) {
      submitted.put("signScheme", scheme);
    }
    if (allowedIps != null) {
      submitted.put("allowedIps", allowedIps);
    }
    return plugin.validateCredentials(submitted);
  }

  private Verdict verifyFields(Map<String, String> fields) {
    return verify(anypay.request(AnypaySimulator.form(fields)), credentials());
  }

  @Test
  void pluginIsFoundByServiceLoaderUnderItsId() {
    assertThat(ServiceLoader.load(GatewayPlugin.class))
        .anySatisfy(
            p -> {
              assertThat(p).isInstanceOf(AnypayPlugin.class);
              assertThat(p.id()).isEqualTo("anypay");
              assertThat(p.displayName()).isEqualTo("Anypay");
            });
  }

  @Test
  void credentialSchemaHasProjectSecretSchemeAndAllowList() {
    assertThat(plugin.credentialSchema().fields())
        .extracting(CredentialField::name, CredentialField::secret, CredentialField::required)
        .containsExactly(
            tuple("projectId", false, true),
            tuple("secretKey", true, true),
            tuple("signScheme", false, false),
            tuple("allowedIps", false, false),
            tuple("accountCurrency", false, false));
    assertThat(credentials().get("signScheme")).isEqualTo("sha256");
    assertThat(plugin.credentialSchema().field("signScheme").orElseThrow().allowedValues())
        .containsExactly("sha256", "md5");
    assertThatThrownBy(() -> credentials(PROJECT, SECRET, "sha1", null))
        .isInstanceOfSatisfying(
            InvalidCredentialsException.class, e -> assertThat(e.field()).isEqualTo("signScheme"))
        .hasMessage("Signature scheme must be one of: sha256, md5.");
    assertThatThrownBy(() -> credentials("proj-1", SECRET, null, null))
        .isInstanceOf(InvalidCredentialsException.class)
        .hasMessageContaining("numeric");
    assertThat(plugin.subscribedEvents()).containsExactly("paid", "refund");
  }

  @Test
  void theMd5SchemeRequiresAnAllowList() {
    assertThatThrownBy(() -> credentials(PROJECT, SECRET, "md5", null))
        .isInstanceOf(InvalidCredentialsException.class)
        .hasMessageContaining("md5")
        .extracting(e -> ((InvalidCredentialsException) e).field())
        .isEqualTo("allowedIps");
    Verdict unguarded =
        verify(
            anypay.request(PHP_MD5_BODY),
            Credentials.of(
                "projectId", PROJECT, "secretKey", PHP_VECTOR_SECRET, "signScheme", "md5"));
    assertThat(unguarded.authentic()).isFalse();
    assertThat(unguarded.reason())
        .isEqualTo(
            "md5 notifications sign neither status nor currency, so an md5 account verifies"
                + " nothing without allowedIps (Anypay's sender addresses)");
  }

  @Test
  void notificationsSignedByAnypaysPhpHandlerVerify() {
    Credentials sha256 = credentials(PROJECT, PHP_VECTOR_SECRET, null, null);
    WebhookRequest request = anypay.request(PHP_SHA256_BODY);
    assertThat(verify(request, sha256).authentic()).isTrue();
    ParsedWebhook parsed = plugin.parse(request, sha256);
    assertThat(parsed.eventId()).isEqualTo("1443429:paid");
    PaymentEvent e = parsed.events().get(0);
    assertThat(e.amountMinor()).isEqualTo(10_000L);
    assertThat(e.externalPaymentId()).isEqualTo("1443429");
    assertThat(e.email()).isEqualTo("buyer+test@example.com");

    Credentials md5 =
        md5Credentials(PHP_VECTOR_SECRET, String.join(",", AnypayPlugin.PUBLISHED_IPS));
    assertThat(verify(anypay.request(PHP_MD5_BODY), md5).authentic()).isTrue();
    assertThat(plugin.parse(anypay.request(PHP_MD5_BODY), md5).events())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.entryKey()).isEqualTo("payment:1443429");
              assertThat(p.amountMinor()).isEqualTo(10_000L);
              assertThat(p.currency()).isEqualTo("RUB");
            });
    assertThat(verify(anypay.request(PHP_SHA256_BODY), md5).authentic()).isFalse();
    assertThat(verify(anypay.request(PHP_MD5_BODY), sha256).authentic()).isFalse();
  }

  @Test
  void eachSchemeCoversItsFieldsInItsOrder() {
    Map<String, String> full = anypay.notification("4950031", "1443432", "250.00", "RUB", "paid");
    for (String field : AnypayPlugin.SHA256_FIELDS) {
      Map<String, String> changed = new LinkedHashMap<>(full);
      changed.put(field, changed.get(field) + "1");
      assertThat(verifyFields(changed).authentic()).as("%s changed", field).isFalse();
      Map<String, String> missing = new LinkedHashMap<>(full);
      missing.remove(field);
      assertThat(verifyFields(missing).reason()).as("%s missing", field).contains(field);
    }

    AnypaySimulator md5Anypay = new AnypaySimulator(PROJECT, SECRET, "md5");
    Credentials md5 = md5Credentials(SECRET, AnypaySimulator.ANYPAY_ADDRESS);
    Map<String, String> md5Full =
        md5Anypay.notification("4950032", "1443433", "250.00", "RUB", "paid");
    for (String field : AnypayPlugin.MD5_FIELDS) {
      Map<String, String> changed = new LinkedHashMap<>(md5Full);
      changed.put(field, changed.get(field) + "1");
      assertThat(verify(anypay.request(AnypaySimulator.form(changed)), md5).authentic())
          .as("md5: %s changed", field)
          .isFalse();
    }
    Map<String, String> otherCurrency = new LinkedHashMap<>(md5Full);
    otherCurrency.put("currency", "USD");
    WebhookRequest usd = anypay.request(AnypaySimulator.form(otherCurrency));
    assertThat(verify(usd, md5).authentic())
        .as("md5 does not sign the currency: the signature cannot tell")
        .isTrue();
    assertThat(plugin.parse(usd, md5).events())
        .as("so only the account's currency is booked")
        .isEmpty();
  }

  @Test
  void theSignatureIsTheLowerCaseHexAnypaySends() {
    Map<String, String> fields = new LinkedHashMap<>(anypay.signedOnly("1", "1.00", "RUB", "paid"));
    String sign = fields.get("sign");
    assertThat(sign).matches("[0-9a-f]{64}");
    for (String bad : List.of(sign.toUpperCase(Locale.ROOT), sign.substring(2), sign + "00", "")) {
      fields.put("sign", bad);
      Verdict verdict = verifyFields(fields);
      assertThat(verdict.authentic()).as("sign %s", bad).isFalse();
      assertThat(verdict.reason()).doesNotContain(SECRET);
    }
    fields.remove("sign");
    assertThat(verifyFields(fields).reason()).contains("'sign'");
  }

  @Test
  void theProjectMustBeTheAccounts() {
    Verdict verdict =
        verifyFields(new AnypaySimulator("1400", SECRET).signedOnly("1", "1.00", "RUB", "paid"));
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).contains("merchant_id");
  }

  @Test
  void unsignedParametersVerifyButChangeNothingThatIsBooked() {
    Map<String, String> full = anypay.notification("4950033", "1443434", "99.90", "RUB", "paid");
    WebhookRequest request = anypay.request(AnypaySimulator.form(full));
    assertThat(verify(request, credentials()).authentic()).isTrue();
    PaymentEvent real = plugin.parse(request, credentials()).events().get(0);

    Map<String, String> forged = new LinkedHashMap<>(full);
    forged.put("transaction_id", "1");
    forged.put("profit", "1000000");
    forged.put("completed_date", "01.01.2000 00:00:00");
    forged.put("email", "x@example.com");
    forged.put("my_param", "extra");
    WebhookRequest forgedRequest = request.withBody(Buffer.buffer(AnypaySimulator.form(forged)));
    assertThat(verify(forgedRequest, credentials()).authentic()).isTrue();
    ParsedWebhook replayed = plugin.parse(forgedRequest, credentials());
    PaymentEvent copy = replayed.events().get(0);

    assertThat(replayed.eventId()).as("the dedupe key is signed").isEqualTo("1443434:paid");
    assertThat(copy.entryKey()).as("so is the entry key").isEqualTo(real.entryKey());
    assertThat(copy.kind()).isEqualTo(real.kind());
    assertThat(copy.amountMinor()).isEqualTo(real.amountMinor());
    assertThat(copy.currency()).isEqualTo(real.currency());
    assertThat(copy.customerRef()).isEqualTo(real.customerRef());
  }

  @Test
  void parametersMayArriveInTheQueryString() {
    Map<String, String> full = anypay.notification("4950034", "1443435", "10.00", "RUB", "paid");
    WebhookRequest request = anypay.queryRequest(full);
    assertThat(verify(request, credentials()).authentic()).isTrue();
    assertThat(plugin.parse(request, credentials()).eventId()).isEqualTo("1443435:paid");

    WebhookRequest doubled = anypay.queryRequest(full);
    doubled.query().add("status", "refund");
    assertThat(verify(doubled, credentials()).reason()).contains("twice");
  }

  /**
   * The kit flips one bit per byte; this flips every bit. Anypay signs decoded values, so a change
   * must be refused unless it spells the same values differently ({@code %2F} for {@code %2f}).
   */
  @Test
  void everyBitFlipOfASignedOnlyNotificationIsRefusedOrChangesNothing() {
    Map<String, String> fields = anypay.signedOnly("1443436", "1 000.50", "RUB", "paid");
    WebhookRequest request = anypay.request(AnypaySimulator.form(fields));
    byte[] body = request.body().getBytes();
    Map<String, String> original = decoded(body);
    for (int i = 0; i < body.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] tampered = body.clone();
        tampered[i] ^= (byte) (1 << bit);
        if (verify(request.withBody(Buffer.buffer(tampered)), credentials()).authentic()) {
          assertThat(decoded(tampered)).as("byte %d bit %d", i, bit).isEqualTo(original);
        }
      }
    }
  }

  @Test
  void anAccountWithoutASecretVerifiesNothing() {
    Verdict verdict = verify(valid, Credentials.of("projectId", PROJECT));
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).contains("secretKey");
  }

  // ---- sender addresses

  @Test
  void allowedIpsAcceptsListedAddressesAndRangesOnly() {
    record Case(String allowed, String remote, boolean accepted) {}
    for (Case c :
        List.of(
            new Case("185.162.128.38,185.162.128.39,185.162.128.88", "185.162.128.88", true),
            new Case("185.162.128.38,185.162.128.39,185.162.128.88", "185.162.128.87", false),
            new Case("185.162.128.0/24", "185.162.128.200", true),
            new Case("185.162.128.0/24", "185.162.129.1", false),
            new Case("185.162.128.38", "::ffff:185.162.128.38", true),
            new Case("2001:db8:1::38", "2001:0db8:0001:0000:0000:0000:0000:0038", true),
            new Case("2001:db8:1::38", "2001:db8:1::39", false),
            new Case("2001:db8::/48", "2001:db8:0:ffff::1", true),
            new Case("2001:db8::/48", "2001:db8:1::1", false),
            new Case("185.162.128.38", "", false))) {
      WebhookRequest from =
          new WebhookRequest(
              valid.method(),
              valid.path(),
              valid.headers(),
              valid.query(),
              valid.body(),
              c.remote(),
              valid.receivedAt());
      Verdict verdict = verify(from, credentials(PROJECT, SECRET, null, c.allowed()));
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
  void everyAuthenticOutcomeIsAnsweredOk() {
    ParsedWebhook parsed = plugin.parse(valid, credentials());
    for (Outcome outcome : Outcome.values()) {
      WebhookAnswer answer = plugin.acknowledge(valid, parsed, outcome);
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo("OK");
      assertThat(answer.contentType()).startsWith("text/plain");
    }
    assertThat(plugin.reject(valid).status())
        .as("anything but OK makes Anypay retry")
        .isEqualTo(401);
    assertThat(plugin.reject(valid).body()).isNotEqualTo("OK");
  }

  private static Map<String, String> decoded(byte[] body) {
    FormBody form = FormBody.parse(body);
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : form.names()) {
      out.put(name, new String(form.raw(name), StandardCharsets.ISO_8859_1));
    }
    return out;
  }
}
