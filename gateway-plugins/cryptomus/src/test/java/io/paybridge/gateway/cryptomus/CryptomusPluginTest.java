package io.paybridge.gateway.cryptomus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.paybridge.spi.CredentialField;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.InvalidCredentialsException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.GatewayPluginTestKit;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * The plugin contract (through the kit) and the details of Cryptomus's signature, which is defined
 * over PHP's re-encoding of the body. The signature travels in the body, so there are no signature
 * headers: the kit's byte flips cover the {@code sign} member too.
 */
class CryptomusPluginTest extends GatewayPluginTestKit {

  static final String MERCHANT = "c26b80a8-9549-4a66-bb53-774f12809249";
  static final String KEY = "uQ4LFWCBE3dT84uQnt7ycL7p9WcSwjkSPQaZbik3ChoWO0egw51f4EAaZQKmefhPP";

  /** The key the PHP-made vectors below were signed with. */
  static final String PHP_VECTOR_KEY = "pbTestPaymentKey-9c1e0f5a7d3b4e6f8a2c";

  /**
   * Made with PHP 8.2 by the scheme as Cryptomus documents it: {@code sign = md5(base64_encode(
   * json_encode($data, JSON_UNESCAPED_UNICODE)) . $key)}, then the whole array printed by PHP's
   * default {@code json_encode} ({@code \}{@code uXXXX} escapes and {@code \/}). PHP's own
   * decode-unset-encode check accepts it.
   */
  static final String PHP_ESCAPED_BODY =
      "{\"type\":\"payment\",\"uuid\":\"5c1a2f7e-8b3d-4c9a-a1e2-0f3b4c5d6e7f\","
          + "\"order_id\":\"order\\/2024-0042\",\"amount\":\"15.50000000\","
          + "\"payment_amount\":\"15.51000000\",\"payment_amount_usd\":\"15.51\","
          + "\"merchant_amount\":\"15.19980000\",\"commission\":\"0.31020000\",\"is_final\":true,"
          + "\"status\":\"paid\",\"from\":null,\"wallet_address_uuid\":null,\"network\":\"tron\","
          + "\"currency\":\"EUR\",\"payer_currency\":\"USDT\",\"payer_amount\":\"15.51000000\","
          + "\"payer_amount_exchange_rate\":\"1.08010000\",\"additional_data\":\"Caf\\u00e9"
          + " \\u00ab\\u0401\\u043b\\u043a\\u0430\\u00bb \\u2014"
          + " \\u0437\\u0430\\u043a\\u0430\\u0437 \\u21167\",\"convert\":{\"to_currency\":"
          + "\"USDT\",\"commission\":null,\"rate\":\"1.00000000\",\"amount\":\"15.19980000\"},"
          + "\"txid\":\"https:\\/\\/tronscan.org\\/#\\/transaction\\/abc\","
          + "\"sign\":\"8e537e5e77c657364f4988a53f5bbe29\"}";

  /**
   * Made with PHP 8.2 likewise, printed with {@code JSON_UNESCAPED_UNICODE}: an integer, a float,
   * control characters and U+2028 (which PHP escapes even then).
   */
  static final String PHP_NUMBERS_BODY =
      "{\"type\":\"wallet\",\"uuid\":\"0d9e8f7a-6b5c-4d3e-9f2a-1b0c9d8e7f6a\","
          + "\"order_id\":\"wallet-user-77\",\"amount\":\"25.00000000\","
          + "\"payment_amount\":\"25.00000000\",\"payment_amount_usd\":\"24.98\",\"is_final\":true,"
          + "\"status\":\"paid\",\"network\":\"tron\",\"currency\":\"USDT\","
          + "\"payer_currency\":\"USDT\",\"confirmations\":19,\"rate\":0.9992,"
          + "\"additional_data\":\"line1\\nline2\\t\\u2028ok\","
          + "\"sign\":\"8aaf772bb26ce7c2be35bc3084a1cf1e\"}";

  private final CryptomusPlugin plugin = new CryptomusPlugin();
  private final CryptomusSimulator cryptomus = new CryptomusSimulator(MERCHANT, KEY);
  private final WebhookRequest valid =
      cryptomus.request(
          cryptomus.paid("8b03432e-385b-4670-8d06-064591096795", "order-1001", "16", "USD"));

  @Override
  protected GatewayPlugin plugin() {
    return plugin;
  }

  @Override
  protected Credentials credentials() {
    return credentials(MERCHANT, KEY);
  }

  @Override
  protected Credentials otherTenantCredentials() {
    return credentials(
        "0f0e0d0c-0b0a-4909-8807-060504030201", "anotherTenantsPaymentKey5Fj8Rm2Xq7Cz4");
  }

  @Override
  protected WebhookRequest validDelivery() {
    return valid;
  }

  @Override
  protected WebhookRequest unknownEventDelivery() {
    return cryptomus.request(
        cryptomus.webhook(
            cryptomus.invoice(CryptomusSimulator.newUuid(), "order-1002", "16", "USD", "cancel")));
  }

  @Override
  protected WebhookRequest malformedDelivery() {
    JsonObject fields =
        cryptomus.invoice(CryptomusSimulator.newUuid(), "order-1003", "16", "USD", "paid");
    fields.put("amount", "sixteen dollars");
    return cryptomus.request(cryptomus.webhook(fields));
  }

  /** The signature is a body member. */
  @Override
  protected List<String> signatureHeaders() {
    return List.of();
  }

  private Credentials credentials(String merchantId, String apiKey) {
    return plugin.validateCredentials(
        new JsonObject().put("merchantId", merchantId).put("paymentApiKey", apiKey));
  }

  private Verdict verifyBody(String body) {
    return verify(cryptomus.request(body), credentials());
  }

  @Test
  void pluginIsFoundByServiceLoaderUnderItsId() {
    assertThat(ServiceLoader.load(GatewayPlugin.class))
        .anySatisfy(
            p -> {
              assertThat(p).isInstanceOf(CryptomusPlugin.class);
              assertThat(p.id()).isEqualTo("cryptomus");
              assertThat(p.displayName()).isEqualTo("Cryptomus");
            });
  }

  @Test
  void credentialSchemaHasMerchantKeyAndOptionalFields() {
    assertThat(plugin.credentialSchema().fields())
        .extracting(CredentialField::name, CredentialField::secret, CredentialField::required)
        .containsExactly(
            tuple("merchantId", false, true),
            tuple("paymentApiKey", true, true),
            tuple("customerRefKey", false, false),
            tuple("allowedIps", false, false));
    assertThat(credentials().get("customerRefKey")).isEqualTo("order_id");
    assertThat(credentials().get("allowedIps")).isNull();
    assertThatThrownBy(
            () ->
                plugin.validateCredentials(
                    new JsonObject()
                        .put("merchantId", MERCHANT)
                        .put("paymentApiKey", KEY)
                        .put("customerRefKey", "email")))
        .isInstanceOfSatisfying(
            InvalidCredentialsException.class,
            e -> assertThat(e.field()).isEqualTo("customerRefKey"))
        .hasMessage("Customer reference field must be one of: order_id, additional_data.");
    assertThatThrownBy(
            () ->
                plugin.validateCredentials(
                    new JsonObject()
                        .put("merchantId", MERCHANT)
                        .put("paymentApiKey", KEY)
                        .put("allowedIps", "91.227.144.54, cryptomus.com")))
        .isInstanceOf(InvalidCredentialsException.class)
        .hasMessageContaining("cryptomus.com")
        .extracting(e -> ((InvalidCredentialsException) e).field())
        .isEqualTo("allowedIps");
  }

  @Test
  void subscribedEventsAreTheBookedStatuses() {
    assertThat(plugin.subscribedEvents()).containsExactly("paid", "paid_over", "refund_paid");
  }

  // ---- the signature scheme against PHP-made vectors

  @Test
  void aBodyPrintedByPhpWithEscapesVerifies() {
    Credentials phpKey = credentials(MERCHANT, PHP_VECTOR_KEY);
    WebhookRequest request = cryptomus.request(PHP_ESCAPED_BODY);
    assertThat(verify(request, phpKey).authentic()).isTrue();

    ParsedWebhook parsed = plugin.parse(request, phpKey);
    assertThat(parsed.eventId()).isEqualTo("5c1a2f7e-8b3d-4c9a-a1e2-0f3b4c5d6e7f:paid");
    assertThat(parsed.events().get(0).amountMinor()).isEqualTo(1550L);
    assertThat(parsed.events().get(0).currency()).isEqualTo("EUR");
    assertThat(parsed.events().get(0).customerRef()).isEqualTo("order/2024-0042");
  }

  @Test
  void aBodyPrintedByPhpWithNumbersAndLineSeparatorsVerifies() {
    Credentials phpKey = credentials(MERCHANT, PHP_VECTOR_KEY);
    assertThat(verify(cryptomus.request(PHP_NUMBERS_BODY), phpKey).authentic()).isTrue();
  }

  @Test
  void theSameWebhookPrintedWithRawOrEscapedUnicodeVerifies() {
    JsonObject fields =
        cryptomus
            .invoice(CryptomusSimulator.newUuid(), "заказ/№7", "990", "RUB", "paid")
            .put("additional_data", "Café ☕ 😀 \u2028 <b>&amp;</b> \"quoted\" back\\slash");
    String raw = cryptomus.webhook(fields);
    String escaped = cryptomus.asciiEscaped(fields);
    assertThat(raw).contains("Café ☕ 😀").contains("\\/");
    assertThat(escaped).doesNotContain("Café").contains("\\ud83d\\ude00");
    assertThat(verifyBody(raw).authentic()).isTrue();
    assertThat(verifyBody(escaped).authentic()).isTrue();
    WebhookRequest rawRequest = cryptomus.request(raw);
    assertThat(plugin.parse(rawRequest.withBody(Buffer.buffer(escaped)), credentials()))
        .isEqualTo(plugin.parse(rawRequest, credentials()));
  }

  @Test
  void numbersAreSignedAsTheirTextNotAsTheirValue() {
    String unsigned =
        "{\"uuid\":\"a0b1c2d3-0000-4000-8000-000000000001\",\"status\":\"paid\","
            + "\"amount\":\"10.00\",\"currency\":\"USD\",\"rate\":1.50,\"count\":1e2}";
    String signedAsSent = CryptomusSimulator.signOf(unsigned, KEY);
    String signedAsDouble =
        CryptomusSimulator.signOf(unsigned.replace("1.50", "1.5").replace("1e2", "100.0"), KEY);

    assertThat(verifyBody(withSign(unsigned, signedAsSent)).authentic()).isTrue();
    assertThat(verifyBody(withSign(unsigned, signedAsDouble)).authentic()).isFalse();
  }

  @Test
  void whitespaceBetweenTokensIsNotSigned() {
    String compact =
        "{\"uuid\":\"a0b1c2d3-0000-4000-8000-000000000002\",\"status\":\"paid\","
            + "\"amount\":\"10.00\",\"currency\":\"USD\"}";
    String sign = CryptomusSimulator.signOf(compact, KEY);
    String pretty =
        "{\n  \"uuid\" : \"a0b1c2d3-0000-4000-8000-000000000002\",\r\n\t\"status\":\"paid\","
            + " \"amount\": \"10.00\", \"currency\":\"USD\", \"sign\": \""
            + sign
            + "\"\n}\n";
    assertThat(verifyBody(pretty).authentic()).isTrue();
  }

  @Test
  void memberOrderIsSigned() {
    String body = valid.bodyAsString();
    JsonObject reordered = new JsonObject();
    JsonObject original = new JsonObject(body);
    reordered.put("status", original.getValue("status"));
    original.forEach(e -> reordered.put(e.getKey(), e.getValue()));
    String moved = CryptomusSimulator.phpJson(reordered, false);
    assertThat(moved).isNotEqualTo(body);
    assertThat(verifyBody(moved).authentic()).isFalse();
  }

  @Test
  void signatureMustBeTheLowerCaseHexCryptomusSends() {
    JsonObject fields = new JsonObject(valid.bodyAsString());
    String sign = fields.getString("sign");
    assertThat(sign).matches("[0-9a-f]{32}");
    for (Object bad :
        List.of(sign.toUpperCase(Locale.ROOT), sign + "0", sign.substring(1), " " + sign, 42)) {
      fields.put("sign", bad);
      Verdict verdict = verifyBody(CryptomusSimulator.phpJson(fields, false));
      assertThat(verdict.authentic()).as("sign %s", bad).isFalse();
      assertThat(verdict.reason()).doesNotContain(KEY);
    }
    fields.remove("sign");
    assertThat(verifyBody(CryptomusSimulator.phpJson(fields, false)).reason()).contains("'sign'");
  }

  @Test
  void aMemberNamedTwiceIsRefused() {
    String body = valid.bodyAsString();
    String doubled =
        body.replace("{\"type\":\"payment\",", "{\"status\":\"cancel\",\"type\":\"payment\",");
    assertThat(verifyBody(doubled).authentic()).isFalse();
    assertThat(verifyBody(doubled).reason()).contains("twice");
  }

  @Test
  void invalidUtf8IsRefused() {
    byte[] body = valid.body().getBytes();
    byte[] broken = new byte[body.length + 1];
    System.arraycopy(body, 0, broken, 0, body.length - 1);
    broken[body.length - 1] = (byte) 0xC3;
    broken[body.length] = '}';
    assertThat(verify(valid.withBody(Buffer.buffer(broken)), credentials()).reason())
        .contains("UTF-8");
  }

  /**
   * Stronger than the kit's single flip: every bit of every byte. A change must be refused unless
   * it is another spelling of the same JSON ({@code \}{@code u00e9} for {@code \}{@code u00E9}),
   * which carries exactly the same data.
   */
  @Test
  void everyBitFlipIsRefusedOrChangesNothing() {
    JsonObject fields =
        cryptomus
            .invoice(CryptomusSimulator.newUuid(), "ord/1", "12.5", "EUR", "paid")
            .put("additional_data", "é€");
    WebhookRequest request = cryptomus.request(cryptomus.asciiEscaped(fields));
    byte[] body = request.body().getBytes();
    String canonical = canonical(body);
    int accepted = 0;
    for (int i = 0; i < body.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] tampered = body.clone();
        tampered[i] ^= (byte) (1 << bit);
        if (verify(request.withBody(Buffer.buffer(tampered)), credentials()).authentic()) {
          accepted++;
          assertThat(canonical(tampered)).as("byte %d bit %d", i, bit).isEqualTo(canonical);
        }
      }
    }
    assertThat(accepted).as("only hex-digit case changes in \\u escapes").isPositive();
  }

  @Test
  void aMerchantNamedInTheBodyMustBeTheAccounts() {
    JsonObject fields = cryptomus.invoice(CryptomusSimulator.newUuid(), "o-1", "5", "USD", "paid");
    assertThat(
            verifyBody(cryptomus.webhook(fields.copy().put("merchant_id", MERCHANT))).authentic())
        .isTrue();
    assertThat(
            verifyBody(cryptomus.webhook(fields.copy().put("merchant", MERCHANT.toUpperCase())))
                .authentic())
        .isTrue();
    Verdict other =
        verifyBody(
            cryptomus.webhook(
                fields.copy().put("merchant_id", "11111111-2222-4333-8444-555555555555")));
    assertThat(other.authentic()).isFalse();
    assertThat(other.reason()).contains("merchant");
  }

  @Test
  void anAccountWithoutAPaymentKeyVerifiesNothing() {
    Verdict verdict = verify(valid, Credentials.of("merchantId", MERCHANT));
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).contains("paymentApiKey");
  }

  // ---- sender addresses

  @Test
  void allowedIpsAcceptsListedAddressesAndRangesOnly() {
    record Case(String allowed, String remote, boolean accepted) {}
    for (Case c :
        List.of(
            new Case("91.227.144.54", "91.227.144.54", true),
            new Case("91.227.144.54", "91.227.144.55", false),
            new Case("91.227.144.0/24", "91.227.144.200", true),
            new Case("91.227.144.0/24", "91.227.145.1", false),
            new Case("10.0.0.1, 91.227.144.54", "::ffff:91.227.144.54", true),
            new Case("2a01:4f8:c0c:1be5::1", "2a01:4f8:c0c:1be5:0:0:0:1", true),
            new Case("2a01:4f8:c0c:1be5::1", "2a01:4f8:c0c:1be5::2", false),
            new Case("2a01:4f8::/32", "[2a01:4f8:ffff::9]", true),
            new Case("2a01:4f8::/32", "2a01:4f9::1", false),
            new Case("91.227.144.54", null, false),
            new Case("91.227.144.54", "cryptomus.com", false))) {
      Credentials creds =
          plugin.validateCredentials(
              new JsonObject()
                  .put("merchantId", MERCHANT)
                  .put("paymentApiKey", KEY)
                  .put("allowedIps", c.allowed()));
      WebhookRequest from =
          new WebhookRequest(
              valid.method(),
              valid.path(),
              valid.headers(),
              valid.query(),
              valid.body(),
              c.remote(),
              valid.receivedAt());
      Verdict verdict = verify(from, creds);
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
  void authenticWebhooksAreAnswered200WhateverTheOutcomeAndForgeriesAre401() {
    ParsedWebhook parsed = plugin.parse(valid, credentials());
    for (GatewayPlugin.Outcome outcome : GatewayPlugin.Outcome.values()) {
      assertThat(plugin.acknowledge(valid, parsed, outcome).status())
          .as("Cryptomus stops retrying on 200: %s", outcome)
          .isEqualTo(200);
    }
    assertThat(plugin.reject(valid).status()).isEqualTo(401);
  }

  private static String withSign(String unsignedObject, String sign) {
    return unsignedObject.substring(0, unsignedObject.length() - 1) + ",\"sign\":\"" + sign + "\"}";
  }

  private static String canonical(byte[] body) {
    return PhpJson.encode(PhpJson.parseObject(body));
  }
}
