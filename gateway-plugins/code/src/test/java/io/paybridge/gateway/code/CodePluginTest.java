package io.paybridge.gateway.code;

import static io.paybridge.testkit.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.InvalidCredentialsException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.Signatures;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookAnswer;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.GatewayPluginTestKit;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The plugin under the common gateway contract, plus the Code-specific rules of its compact JWT:
 * only EdDSA, canonical base64url, exactly three parts, a usable 32-byte key.
 */
class CodePluginTest extends GatewayPluginTestKit {

  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  /** The deposit address of the payment in the Code SDK's webhook reference. */
  static final String SAMPLE_DESTINATION = "E8otxw1CVX9bfyddKu3ZB3BVLa4VVF9J7CTPdnUwT9jR";

  private final CodePlugin plugin = new CodePlugin();
  private final CodeWalletSimulator wallet = new CodeWalletSimulator();
  private final CodeWalletSimulator otherWallet = new CodeWalletSimulator();

  @Override
  protected GatewayPlugin plugin() {
    return plugin;
  }

  @Override
  protected Credentials credentials() {
    return wallet.credentials();
  }

  @Override
  protected Credentials otherTenantCredentials() {
    return otherWallet.credentials();
  }

  @Override
  protected WebhookRequest validDelivery() {
    return wallet.request(
        wallet.intentSubmitted("9joz92rMXnS8NuK9Y3PnukdVi1W7S9cs388CTQxxg6r6", "0.25", "usd"));
  }

  @Override
  protected WebhookRequest unknownEventDelivery() {
    return wallet.request(
        wallet.sign(
            new JsonObject()
                .put("intent", CodeWalletSimulator.newIntentId())
                .put("state", "CONFIRMED")));
  }

  @Override
  protected WebhookRequest malformedDelivery() {
    return wallet.request(
        wallet.sign(
            new JsonObject()
                .put("state", "SUBMITTED")
                .put("amount", 1)
                .put("currency", "USD")
                .put("destination", wallet.depositAddress())));
  }

  /** The signature is the third part of the body, which the kit's byte-flip test covers. */
  @Override
  protected List<String> signatureHeaders() {
    return List.of();
  }

  @Test
  void describesItself() {
    assertThat(plugin.id()).isEqualTo("code");
    assertThat(plugin.displayName()).isEqualTo("Code wallet");
    assertThat(plugin.subscribedEvents()).containsExactly("SUBMITTED");
    assertThat(plugin.credentialSchema().field("publicKey"))
        .hasValueSatisfying(
            field -> {
              assertThat(field.secret()).isFalse();
              assertThat(field.required()).isFalse();
              assertThat(field.defaultValue()).isEqualTo(CodePlugin.PUBLISHED_PUBLIC_KEY);
            });
    assertThat(plugin.credentialSchema().field("depositAddress"))
        .hasValueSatisfying(
            field -> {
              assertThat(field.secret()).isFalse();
              assertThat(field.required()).isTrue();
              assertThat(field.defaultValue()).isNull();
            });
    assertThat(plugin.credentialSchema().fields()).hasSize(2);
  }

  @Test
  void isFoundByTheServiceLoader() {
    assertThat(ServiceLoader.load(GatewayPlugin.class).stream().map(ServiceLoader.Provider::type))
        .contains(CodePlugin.class);
  }

  @Test
  void theDocumentedSampleVerifiesWithThePublishedKey() {
    // GIVEN the header, payload and signature printed in the Code SDK's webhook reference
    String header = "{\"alg\":\"EdDSA\",\"typ\":\"JWT\"}";
    String payload =
        "{\"amount\":0.01,\"currency\":\"USD\","
            + "\"destination\":\"E8otxw1CVX9bfyddKu3ZB3BVLa4VVF9J7CTPdnUwT9jR\","
            + "\"exchangeRate\":0.00000893,"
            + "\"intent\":\"9joz92rMXnS8NuK9Y3PnukdVi1W7S9cs388CTQxxg6r6\","
            + "\"quarks\":112000000,\"state\":\"SUBMITTED\"}";
    byte[] signature =
        HexFormat.of()
            .parseHex(
                "0d3e5361e13a727ca7cb0aaed9bb30652266d24701aae7ce26c3acc6f1886274"
                    + "310f69af3ca545f3057fc628ec9c45e74b606da7d44539f05637a6c8c56cde01");
    String jwt = b64(header) + "." + b64(payload) + "." + BASE64URL.encodeToString(signature);
    WebhookRequest request = wallet.request(jwt);

    // WHEN a tenant with the default key and that sample's deposit address receives it
    Credentials defaults =
        plugin.validateCredentials(new JsonObject().put("depositAddress", SAMPLE_DESTINATION));
    Verdict verdict = verify(request, defaults);

    // THEN it is authentic and is a one-cent payment for that intent
    assertThat(verdict.authentic()).as(verdict.reason()).isTrue();
    ParsedWebhook parsed = plugin.parse(request, defaults);
    assertThat(parsed.eventId()).isEqualTo("9joz92rMXnS8NuK9Y3PnukdVi1W7S9cs388CTQxxg6r6");
    PaymentEvent event = parsed.events().get(0);
    assertThat(event.amountMinor()).isEqualTo(1L);
    assertThat(event.currency()).isEqualTo("USD");
    // AND a tenant with its own key does not accept it
    assertThat(verify(request, credentials()).authentic()).isFalse();
    // AND neither does a tenant on the default key whose wallet has another deposit address: Code
    // signs every merchant's webhooks with this one key
    Credentials victim =
        plugin.validateCredentials(new JsonObject().put("depositAddress", wallet.depositAddress()));
    Verdict misdirected = verify(request, victim);
    assertThat(misdirected.authentic()).isFalse();
    assertThat(misdirected.reason())
        .isEqualTo(
            "payment to deposit address "
                + SAMPLE_DESTINATION
                + ", not this account's "
                + wallet.depositAddress());
    assertThat(plugin.reject(request, misdirected))
        .as("answered 200 so that Code stops retrying")
        .isEqualTo(WebhookAnswer.empty(200));
    // AND neither does anyone after a single byte changes
    byte[] tampered = jwt.getBytes(StandardCharsets.US_ASCII);
    tampered[jwt.indexOf('.') + 5] ^= 0x01;
    assertThat(verify(request.withBody(Buffer.buffer(tampered)), defaults).authentic()).isFalse();
  }

  @Test
  void absentPublicKeyMeansThePublishedKey() {
    Credentials defaults =
        plugin.credentialSchema().validate(wallet.credentialsJson().put("publicKey", null));
    assertThat(defaults.get("publicKey")).isEqualTo(CodePlugin.PUBLISHED_PUBLIC_KEY);
    assertThat(Base58.decode(defaults.get("publicKey"))).hasSize(32);

    // A simulator-signed delivery reaches the signature check under the published key and fails
    // there.
    Verdict verdict =
        verify(validDelivery(), Credentials.of("depositAddress", wallet.depositAddress()));
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason())
        .isEqualTo("Ed25519 signature does not match the configured public key");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "codeHy87wGD5oMRLG75qKqsSi1vWE3oxNyYmXo5F9Y", // 42 characters: 31 bytes
        "1codeHy87wGD5oMRLG75qKqsSi1vWE3oxNyYmXo5F9YR", // leading zero byte: 33 bytes
        "2g",
        "0000000000000000000000000000000000000000000",
      })
  void aKeyThatIsNot32Base58BytesIsRejectedWithAClearReason(String key) {
    Verdict verdict = verify(validDelivery(), Credentials.of("publicKey", key));

    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).startsWith("credential 'publicKey' is unusable: public key ");
  }

  @Test
  void keyValidationIsOfferedForTheConsole() {
    assertThat(plugin.validateCredentials(wallet.credentialsJson()))
        .isEqualTo(wallet.credentials());
    assertThatThrownBy(
            () -> plugin.validateCredentials(wallet.credentialsJson().put("publicKey", "2g")))
        .isInstanceOf(InvalidCredentialsException.class)
        .hasMessageContaining("must be 32 bytes")
        .satisfies(
            e -> assertThat(((InvalidCredentialsException) e).field()).isEqualTo("publicKey"));
  }

  @Test
  void keyBytesOffTheCurveNeverThrow() {
    // Small y coordinates: about half of them are not points of Ed25519 at all.
    for (int y = 0; y < 32; y++) {
      byte[] raw = new byte[32];
      raw[0] = (byte) y;
      Verdict verdict = verify(validDelivery(), Credentials.of("publicKey", Base58.encode(raw)));
      assertThat(verdict.authentic()).isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"alg\":\"none\",\"typ\":\"JWT\"}",
        "{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
        "{\"alg\":\"ES256\",\"typ\":\"JWT\"}",
        "{\"alg\":\"Ed25519\",\"typ\":\"JWT\"}",
        "{\"alg\":\"eddsa\",\"typ\":\"JWT\"}",
        "{\"typ\":\"JWT\"}",
        "{\"alg\":[\"EdDSA\"]}",
      })
  void onlyEdDsaIsAcceptedEvenWithAValidSignature(String header) {
    // GIVEN a token signed with the tenant's own key, but under another algorithm's header
    String jwt = wallet.sign(header, payload());

    Verdict verdict = verify(wallet.request(jwt), credentials());

    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).startsWith("JWT header alg ");
  }

  @Test
  void hs256KeyedWithThePublicKeyIsRejected() {
    // GIVEN the classic confusion attack: HMAC-SHA256 keyed with the (public) key bytes
    String signingInput = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + b64(payload());
    byte[] mac =
        Signatures.hmacSha256(
            Base58.decode(wallet.publicKeyBase58()), Signatures.utf8(signingInput));
    String jwt = signingInput + "." + BASE64URL.encodeToString(mac);

    assertThat(verify(wallet.request(jwt), credentials()).authentic()).isFalse();
  }

  @Test
  void unsignedTokenIsRejected() {
    String unsecured = b64("{\"alg\":\"none\"}") + "." + b64(payload()) + ".";

    Verdict verdict = verify(wallet.request(unsecured), credentials());

    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).isEqualTo("JWT signature is empty");
  }

  @Test
  void typMayBeAbsentButNotSomethingElse() {
    assertThat(
            verify(wallet.request(wallet.sign("{\"alg\":\"EdDSA\"}", payload())), credentials())
                .authentic())
        .isTrue();
    assertThat(
            verify(
                    wallet.request(wallet.sign("{\"alg\":\"EdDSA\",\"typ\":\"jwt\"}", payload())),
                    credentials())
                .authentic())
        .isTrue();
    Verdict other =
        verify(
            wallet.request(wallet.sign("{\"alg\":\"EdDSA\",\"typ\":\"JOSE+JSON\"}", payload())),
            credentials());
    assertThat(other.authentic()).isFalse();
    assertThat(other.reason()).startsWith("JWT header typ ");
  }

  @Test
  void criticalHeaderExtensionsAreRejected() {
    String jwt = wallet.sign("{\"alg\":\"EdDSA\",\"crit\":[\"b64\"],\"b64\":false}", payload());

    assertThat(verify(wallet.request(jwt), credentials()).reason()).contains("critical extensions");
  }

  @Test
  void headerMustBeAJsonObject() {
    assertThat(
            verify(wallet.request(wallet.sign("[\"EdDSA\"]", payload())), credentials()).reason())
        .isEqualTo("JWT header is not a JSON object");
    assertThat(verify(wallet.request(wallet.sign("{alg:EdDSA", payload())), credentials()).reason())
        .isEqualTo("JWT header is not JSON");
  }

  @Test
  void paddingIsRejected() {
    // GIVEN an authentic token whose signature part (64 bytes: 86 characters) is given its padding
    String jwt = wallet.intentSubmitted(CodeWalletSimulator.newIntentId(), "1.00", "USD");

    Verdict verdict = verify(wallet.request(jwt + "=="), credentials());

    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).startsWith("JWT parts must not be padded");
    // AND padding inside the token is rejected the same way
    String paddedHeader = b64("{\"alg\":\"EdDSA\"}") + "=" + jwt.substring(jwt.indexOf('.'));
    assertThat(verify(wallet.request(paddedHeader), credentials()).reason())
        .startsWith("JWT parts must not be padded");
  }

  @Test
  void nonCanonicalTrailingBitsAreRejected() {
    // GIVEN an authentic token
    String jwt = wallet.intentSubmitted(CodeWalletSimulator.newIntentId(), "1.00", "USD");
    assertThat(verify(wallet.request(jwt), credentials()).authentic()).isTrue();

    // WHEN the last character changes only the 4 unused bits of the 86-character signature part
    char last = jwt.charAt(jwt.length() - 1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char sameBytes = alphabet.charAt(alphabet.indexOf(last) ^ 0x01);
    String altered = jwt.substring(0, jwt.length() - 1) + sameBytes;
    assertThat(Base64.getUrlDecoder().decode(altered.substring(altered.lastIndexOf('.') + 1)))
        .as("the lenient JDK decoder sees the same signature")
        .isEqualTo(Base64.getUrlDecoder().decode(jwt.substring(jwt.lastIndexOf('.') + 1)));

    // THEN it is rejected all the same
    Verdict verdict = verify(wallet.request(altered), credentials());
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason())
        .isEqualTo("JWT signature is not canonical base64url (unused trailing bits are set)");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "two-parts",
        "four-parts",
        "empty-payload",
        "standard-base64",
        "whitespace",
        "newline"
      })
  void malformedTokensAreRejected(String variant) {
    String jwt = wallet.intentSubmitted(CodeWalletSimulator.newIntentId(), "1.00", "USD");
    int firstDot = jwt.indexOf('.');
    int lastDot = jwt.lastIndexOf('.');
    String body =
        switch (variant) {
          case "two-parts" -> jwt.substring(0, lastDot);
          case "four-parts" -> jwt + "." + jwt.substring(lastDot + 1);
          case "empty-payload" -> jwt.substring(0, firstDot + 1) + jwt.substring(lastDot);
          case "standard-base64" -> jwt.replace('-', '+').replace('_', '/') + "+/";
          case "whitespace" -> jwt.substring(0, lastDot) + " " + jwt.substring(lastDot);
          case "newline" -> jwt + "\n";
          default -> throw new IllegalArgumentException(variant);
        };

    Verdict verdict = verify(wallet.request(body), credentials());

    assertThat(verdict.authentic()).as("%s: %s", variant, verdict.reason()).isFalse();
  }

  @Test
  void partCountIsNamedInTheReason() {
    String jwt = wallet.intentSubmitted(CodeWalletSimulator.newIntentId(), "1.00", "USD");

    assertThat(
            verify(wallet.request(jwt.substring(0, jwt.lastIndexOf('.'))), credentials()).reason())
        .isEqualTo("a compact JWT has exactly 3 dot-separated parts, this body has 2");
    assertThat(verify(wallet.request(jwt + ".e30"), credentials()).reason())
        .isEqualTo("a compact JWT has exactly 3 dot-separated parts, this body has 4");
  }

  @Test
  void aSignatureOfTheWrongLengthIsRejected() {
    String jwt = wallet.intentSubmitted(CodeWalletSimulator.newIntentId(), "1.00", "USD");
    String signature = jwt.substring(jwt.lastIndexOf('.') + 1);
    byte[] shorter = Arrays.copyOf(Base64.getUrlDecoder().decode(signature), 63);
    String truncated =
        jwt.substring(0, jwt.lastIndexOf('.') + 1) + BASE64URL.encodeToString(shorter);

    assertThat(verify(wallet.request(truncated), credentials()).reason())
        .isEqualTo("Ed25519 signature must be 64 bytes, got 63");
  }

  @Test
  void theContentTypeHeaderIsNotRequired() {
    WebhookRequest request = validDelivery();
    WebhookRequest withoutContentType =
        new WebhookRequest(
            request.method(),
            request.path(),
            MultiMap.caseInsensitiveMultiMap(),
            request.query(),
            request.body(),
            request.remoteAddress(),
            request.receivedAt());

    assertThat(verify(withoutContentType, credentials()).authentic()).isTrue();
  }

  @Test
  void oversizedBodiesAreRejectedBeforeDecoding() {
    String huge = "e30." + "A".repeat(CodePlugin.MAX_TOKEN_LENGTH) + ".e30";

    assertThat(verify(wallet.request(huge), credentials()).reason())
        .contains("more than a JWT webhook carries");
  }

  @Test
  void parsedKeysAreCachedAndTheCacheIsBounded() {
    Ed25519Keys keys = new Ed25519Keys(2);
    CodePlugin small = new CodePlugin(keys);
    WebhookRequest request = validDelivery();
    for (int i = 0; i < 5; i++) {
      assertThat(await(small.verify(request, credentials())).authentic()).isTrue();
    }
    assertThat(keys.size()).isEqualTo(1);
    assertThat(keys.get(wallet.publicKeyBase58())).isSameAs(keys.get(wallet.publicKeyBase58()));

    for (int i = 0; i < 10; i++) {
      await(small.verify(request, new CodeWalletSimulator().credentials()));
      assertThat(keys.size()).isLessThanOrEqualTo(2);
    }
    assertThat(await(small.verify(request, credentials())).authentic()).isTrue();
  }

  private String payload() {
    return new JsonObject()
        .put("intent", "9joz92rMXnS8NuK9Y3PnukdVi1W7S9cs388CTQxxg6r6")
        .put("state", "SUBMITTED")
        .put("amount", 1)
        .put("currency", "USD")
        .put("destination", wallet.depositAddress())
        .encode();
  }

  private static String b64(String json) {
    return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
