package io.paybridge.gateway.code;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.Webhook;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * Plays the Code sequencer for tests: holds its own Ed25519 key pair and signs webhooks exactly as
 * Code does (a compact JWT, header {@code {"alg":"EdDSA","typ":"JWT"}}, Ed25519 over {@code
 * base64url(header).base64url(payload)} without padding), so a tenant configured with {@link
 * #publicKeyBase58()} accepts them and nobody else does.
 *
 * <p>Each simulator also plays one merchant: the payments it signs go to its {@link
 * #depositAddress()}, which its {@link #credentials()} name. Code signs every merchant's webhooks
 * with one key; {@link #forAnotherMerchant()} plays that: same key, another deposit address.
 *
 * <p>Published in this module's test-jar for other modules' end-to-end tests.
 */
public final class CodeWalletSimulator {

  /** Path of the webhook requests {@link #request(String)} builds. */
  public static final String PATH = "/hooks/test/code";

  /** The JOSE header Code sends, byte for byte. */
  public static final String HEADER = "{\"alg\":\"EdDSA\",\"typ\":\"JWT\"}";

  /** Simulated exchange rate: fiat units per Kin. */
  private static final BigDecimal FIAT_PER_KIN = new BigDecimal("0.00001");

  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final KeyPair keyPair;
  private final String publicKeyBase58;
  private final String depositAddress;

  /** A simulator with a fresh Ed25519 key pair, for a merchant with a fresh deposit address. */
  public CodeWalletSimulator() {
    this(newKeyPair(), newIntentId());
  }

  private CodeWalletSimulator(KeyPair keyPair, String depositAddress) {
    this.keyPair = keyPair;
    byte[] x509 = keyPair.getPublic().getEncoded();
    this.publicKeyBase58 = Base58.encode(Arrays.copyOfRange(x509, x509.length - 32, x509.length));
    this.depositAddress = depositAddress;
  }

  private static KeyPair newKeyPair() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no Ed25519", e);
    }
  }

  /**
   * The same sequencer (same signing key) paying another merchant, with a fresh deposit address:
   * its tokens verify under this simulator's key but are not payments to this merchant.
   */
  public CodeWalletSimulator forAnotherMerchant() {
    return new CodeWalletSimulator(keyPair, newIntentId());
  }

  /** The raw 32-byte public key in Base58: what a tenant configures as {@code publicKey}. */
  public String publicKeyBase58() {
    return publicKeyBase58;
  }

  /** The merchant's deposit address in Base58: the {@code destination} of its payments. */
  public String depositAddress() {
    return depositAddress;
  }

  /** Credentials of a tenant that trusts this simulator and owns its deposit address. */
  public Credentials credentials() {
    return Credentials.of(
        CodePlugin.PUBLIC_KEY_FIELD,
        publicKeyBase58,
        CodePlugin.DEPOSIT_ADDRESS_FIELD,
        depositAddress);
  }

  /** The same credentials as a tenant submits them. */
  public JsonObject credentialsJson() {
    return new JsonObject()
        .put(CodePlugin.PUBLIC_KEY_FIELD, publicKeyBase58)
        .put(CodePlugin.DEPOSIT_ADDRESS_FIELD, depositAddress);
  }

  /** A fresh intent id: 32 random bytes in Base58, like Code's. */
  public static String newIntentId() {
    byte[] id = new byte[32];
    RANDOM.nextBytes(id);
    return Base58.encode(id);
  }

  /**
   * The signed webhook of a paid intent to this merchant's deposit address, shaped like Code's:
   * {@code amount} as a JSON number in {@code currency} (sent upper case), {@code quarks} at a
   * fixed simulated exchange rate, {@code fees}, {@code exchangeRate}, {@code destination}, {@code
   * intent} and {@code state}. With currency {@code KIN} the amount is in Kin and {@code quarks} is
   * exactly amount × 10^5.
   */
  public String intentSubmitted(String intentId, String amountDecimal, String currency) {
    return intentSubmitted(intentId, amountDecimal, currency, depositAddress);
  }

  /** The signed webhook of a paid intent to the given deposit address. */
  public String intentSubmitted(
      String intentId, String amountDecimal, String currency, String destination) {
    BigDecimal amount = new BigDecimal(amountDecimal);
    String code = currency.toUpperCase(Locale.ROOT);
    boolean kin = CodePlugin.KIN.equals(code);
    BigDecimal rate = kin ? BigDecimal.ONE : FIAT_PER_KIN;
    long quarks =
        amount
            .divide(rate)
            .movePointRight(CodePlugin.KIN_EXPONENT)
            .setScale(0, RoundingMode.DOWN)
            .longValueExact();
    JsonObject payload =
        new JsonObject()
            .put("amount", amount)
            .put("currency", code)
            .put("destination", destination)
            .put("exchangeRate", rate)
            .put("fees", quarks / 100)
            .put("intent", intentId)
            .put("quarks", quarks)
            .put("state", CodePlugin.STATE_SUBMITTED);
    return sign(payload);
  }

  /** A compact JWT of the payload under Code's header, signed with this simulator's key. */
  public String sign(JsonObject payload) {
    return sign(HEADER, payload.encode());
  }

  /**
   * A compact JWT of the given header and payload texts, signed with this simulator's key whatever
   * the header says: for tests of headers Code never sends.
   */
  public String sign(String headerJson, String payloadJson) {
    String signingInput = encode(headerJson) + "." + encode(payloadJson);
    return signingInput + "." + BASE64URL.encodeToString(signature(signingInput));
  }

  /** The raw 64-byte Ed25519 signature (R || S) of the ASCII text given. */
  public byte[] signature(String signingInput) {
    try {
      Signature signer = Signature.getInstance("Ed25519");
      signer.initSign(keyPair.getPrivate());
      signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signer.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  /** The JWT as Code posts it: the body of a webhook of type {@code application/jwt}. */
  public static Webhook webhook(String jwt) {
    return Webhook.of(jwt, Map.of("Content-Type", "application/jwt"));
  }

  /** The delivery as the platform's ingest would hand it to the plugin, received now. */
  public WebhookRequest request(String jwt) {
    return webhook(jwt).received(PATH, "127.0.0.1", Instant.now());
  }

  /** Posts the JWT to a webhook URL as Code does, failing after 10 seconds without an answer. */
  public Future<HttpResponse<Buffer>> post(WebClient client, String url, String jwt) {
    return webhook(jwt).post(client, url);
  }

  private static String encode(String json) {
    return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
