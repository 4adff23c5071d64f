package io.paybridge.testkit;

import static io.paybridge.testkit.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventRule;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The contract every gateway plugin keeps, as tests. A plugin's test class extends this kit and
 * supplies deliveries its simulator signed exactly as the gateway does; the kit then proves that
 * authentic deliveries pass, that any tampering fails, and that bad input is refused cleanly.
 *
 * <p>Deduplication and size limits are the platform's job and are proven by its ingest tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class GatewayPluginTestKit {

  /** Bodies longer than this are tampered with at evenly spread positions, not at every byte. */
  private static final int MAX_FLIPS = 2048;

  protected Vertx vertx;

  /** The plugin under test. */
  protected abstract GatewayPlugin plugin();

  /** Credentials of the tenant the simulator signs for. */
  protected abstract Credentials credentials();

  /**
   * Another tenant's credentials for the same gateway: must not verify the first one's deliveries.
   */
  protected abstract Credentials otherTenantCredentials();

  /** A delivery of an event the plugin maps to at least one payment event. */
  protected abstract WebhookRequest validDelivery();

  /** An authentic delivery of an event type the platform does not act on. */
  protected abstract WebhookRequest unknownEventDelivery();

  /** An authentic (correctly signed) delivery whose body is not what the gateway sends. */
  protected abstract WebhookRequest malformedDelivery();

  /** Headers that carry the signature; each character of each is tampered with. */
  protected abstract List<String> signatureHeaders();

  /**
   * For schemes with a signed timestamp: how far the signing time may be from the receiving time.
   * The kit takes {@link #validDelivery()}'s {@code receivedAt} as the signing time.
   */
  protected Optional<Duration> timestampTolerance() {
    return Optional.empty();
  }

  /** Settings handed to the plugin at start-up (simulator base URLs). */
  protected Map<String, String> pluginSettings() {
    return Map.of();
  }

  @BeforeAll
  void startPlugin() {
    vertx = Vertx.vertx();
    await(plugin().init(new PluginContext(vertx, Clock.systemUTC(), pluginSettings())));
  }

  @AfterAll
  void stopVertx() {
    if (vertx != null) {
      await(vertx.close());
    }
  }

  protected Verdict verify(WebhookRequest request, Credentials creds) {
    return await(plugin().verify(request, creds));
  }

  @Test
  void validDeliveryIsAuthenticAndMapsToEvents() {
    WebhookRequest request = validDelivery();
    Verdict verdict = verify(request, credentials());
    assertThat(verdict.authentic()).as("verdict: %s", verdict.reason()).isTrue();

    ParsedWebhook parsed = plugin().parse(request, credentials());
    assertThat(parsed.eventId()).isNotBlank();
    assertThat(parsed.events()).isNotEmpty();
    assertThat(plugin().parse(request, credentials()))
        .as("parsing is deterministic, so the dedupe key is stable")
        .isEqualTo(parsed);
  }

  @Test
  void everyFlippedBodyByteIsRejected() {
    WebhookRequest request = validDelivery();
    byte[] body = request.body().getBytes();
    int step = Math.max(1, body.length / MAX_FLIPS);
    for (int i = 0; i < body.length; i += step) {
      byte[] tampered = body.clone();
      tampered[i] ^= 0x01;
      Verdict verdict = verify(request.withBody(Buffer.buffer(tampered)), credentials());
      assertThat(verdict.authentic()).as("body byte %d flipped", i).isFalse();
    }
  }

  @Test
  void everyChangedSignatureCharacterIsRejected() {
    WebhookRequest request = validDelivery();
    for (String header : signatureHeaders()) {
      String value = request.header(header);
      assertThat(value).as("signature header %s", header).isNotNull();
      for (int i = 0; i < value.length(); i++) {
        char[] chars = value.toCharArray();
        chars[i] = chars[i] == 'a' ? 'b' : (char) (chars[i] ^ 0x01);
        Verdict verdict = verify(request.withHeader(header, new String(chars)), credentials());
        assertThat(verdict.authentic()).as("%s character %d changed", header, i).isFalse();
      }
      Verdict missing = verify(withoutHeader(request, header), credentials());
      assertThat(missing.authentic()).as("%s missing", header).isFalse();
    }
  }

  @Test
  void anotherTenantsCredentialsDoNotVerify() {
    Verdict verdict = verify(validDelivery(), otherTenantCredentials());
    assertThat(verdict.authentic()).isFalse();
  }

  @Test
  void staleAndFutureDeliveriesAreRejected() {
    Optional<Duration> tolerance = timestampTolerance();
    if (tolerance.isEmpty()) {
      return;
    }
    WebhookRequest request = validDelivery();
    Duration beyond = tolerance.get().plusSeconds(5);
    assertThat(
            verify(request.receivedAt(request.receivedAt().plus(beyond)), credentials())
                .authentic())
        .as("received too long after signing")
        .isFalse();
    assertThat(
            verify(request.receivedAt(request.receivedAt().minus(beyond)), credentials())
                .authentic())
        .as("signed in the future")
        .isFalse();
    assertThat(
            verify(request.receivedAt(request.receivedAt().plusSeconds(1)), credentials())
                .authentic())
        .as("within tolerance")
        .isTrue();
  }

  @Test
  void unknownEventTypeIsAuthenticButIgnored() {
    WebhookRequest request = unknownEventDelivery();
    assertThat(verify(request, credentials()).authentic()).isTrue();
    ParsedWebhook parsed = plugin().parse(request, credentials());
    assertThat(parsed.isIgnored()).isTrue();
    assertThat(parsed.eventId()).isNotBlank();
    assertThat(parsed.reason()).as("the receipt log says why").isNotBlank();
  }

  @Test
  void theEventsTableNamesEachTypeOnceWithWhatHappensToIt() {
    List<EventRule> table = plugin().eventTable();
    assertThat(table).isNotEmpty();
    assertThat(table.stream().map(EventRule::eventType))
        .as("each type once")
        .doesNotHaveDuplicates();
    assertThat(table).allSatisfy(rule -> assertThat(rule.what()).isNotBlank());
    assertThat(plugin().subscribedEvents())
        .as("tenants subscribe to exactly the types that book or follow up")
        .containsExactlyElementsOf(
            table.stream()
                .filter(
                    rule ->
                        rule.action() == EventRule.Action.BOOKS
                            || rule.action() == EventRule.Action.FOLLOWS_UP)
                .map(EventRule::eventType)
                .toList());
  }

  @Test
  void malformedBodyIsRefusedWithAClearError() {
    WebhookRequest request = malformedDelivery();
    Verdict verdict = verify(request, credentials());
    if (verdict.authentic()) {
      assertThatThrownBy(() -> plugin().parse(request, credentials()))
          .isInstanceOf(MalformedWebhookException.class)
          .hasMessageNotContaining("null");
    }
  }

  @Test
  void garbageNeverThrows() {
    WebhookRequest request = validDelivery();
    for (String body :
        List.of("", "{}", "[]", "null", "{\"id\":", "\u0000\u0001", "x".repeat(10_000))) {
      Verdict verdict = verify(request.withBody(Buffer.buffer(body)), credentials());
      assertThat(verdict.authentic())
          .as("body %s", body.length() > 20 ? body.substring(0, 20) : body)
          .isFalse();
    }
    for (String header : signatureHeaders()) {
      for (String value : List.of("", " ", ",,,", "t=,v1=", "%%%", "a".repeat(5000))) {
        assertThat(verify(request.withHeader(header, value), credentials()).authentic()).isFalse();
      }
    }
  }

  private static WebhookRequest withoutHeader(WebhookRequest request, String header) {
    MultiMap copy = MultiMap.caseInsensitiveMultiMap().addAll(request.headers()).remove(header);
    return new WebhookRequest(
        request.method(),
        request.path(),
        copy,
        request.query(),
        request.body(),
        request.remoteAddress(),
        request.receivedAt());
  }
}
