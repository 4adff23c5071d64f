package io.paybridge.gateway.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Hostile and odd bodies read both ways, the object's mapped fields only (as the plugin parses) and
 * the whole tree: the same verdict, the same reason, the same booked amounts, wherever in the body
 * the oddity sits, in a field the mapping reads or in one it skips.
 */
class StripeSelectedReadingTest {

  private final StripePlugin plugin = new StripePlugin();
  private final String secret = StripeSimulator.newWebhookSecret();
  private final StripeSimulator stripe = new StripeSimulator(secret);
  private final Credentials credentials =
      plugin.credentialSchema().validate(new JsonObject().put("webhookSecret", secret));

  /** A payment intent event as Stripe sends it, on the API version before 2025-03-31. */
  private String payment() {
    String version = StripeSimulator.API_VERSION_2024;
    JsonObject intent = stripe.paymentIntent(version, "pi_Sel1", 2500, "eur", "ref-9", null);
    intent
        .put("payment_method_options", new JsonObject().put("card", new JsonObject()))
        .put("statement_descriptor", "SHOP");
    // Compact, so that the cases below can find and change a field's text.
    return new JsonObject(stripe.event("evt_Sel1", "payment_intent.succeeded", intent, version))
        .encode();
  }

  private ParsedWebhook both(byte[] body) {
    return BothReadings.parse(plugin, request(Buffer.buffer(body)), credentials);
  }

  private ParsedWebhook both(String body) {
    return both(body.getBytes(StandardCharsets.UTF_8));
  }

  private String refusal(byte[] body) {
    Throwable thrown = null;
    try {
      both(body);
    } catch (MalformedWebhookException e) {
      thrown = e;
    }
    assertThat(thrown).as("refused").isNotNull();
    return thrown.getMessage();
  }

  private String refusal(String body) {
    return refusal(body.getBytes(StandardCharsets.UTF_8));
  }

  private static WebhookRequest request(Buffer body) {
    return StripeSimulator.request("x", Instant.now(), "t=1,v1=00").withBody(body);
  }

  @Test
  void aPaymentBooksTheSameAmountBothWays() {
    ParsedWebhook parsed = both(payment());
    assertThat(parsed.events()).hasSize(1);
    assertThat(parsed.events().get(0).amountMinor()).isEqualTo(2500L);
    assertThat(parsed.events().get(0).customerRef()).isEqualTo("ref-9");
  }

  @Test
  void bodiesThatAreNotJsonObjectsAreRefusedWithTheSameReason() {
    String body = payment();
    assertThat(refusal(body.substring(0, body.length() / 2))).contains("not valid JSON");
    assertThat(refusal(body + " {}")).contains("not valid JSON");
    assertThat(refusal(body + "x")).contains("not valid JSON");
    assertThat(refusal("[" + body + "]")).contains("not a JSON object");
    assertThat(refusal("\"evt\"")).contains("not a JSON object");
    assertThat(refusal("")).isNotBlank();
    assertThat(refusal("{\"id\":\"evt_1\",}")).contains("not valid JSON");
    // Broken JSON inside a field the mapping never reads is still broken JSON.
    assertThat(refusal(body.replace("\"SHOP\"", "SHOP"))).contains("not valid JSON");
  }

  @Test
  void hugeNumbersReadTheSameInReadAndSkippedFields() {
    String body = payment();
    String hugeSkipped = body.replace("\"SHOP\"", "1" + "0".repeat(200));
    assertThat(both(hugeSkipped).events().get(0).amountMinor()).isEqualTo(2500L);
    String hugeRead =
        body.replace("\"amount_received\":2500", "\"amount_received\":1" + "0".repeat(30));
    assertThat(hugeRead).isNotEqualTo(body);
    assertThat(refusal(hugeRead)).contains("amount_received");
    String fraction = body.replace("\"amount_received\":2500", "\"amount_received\":2500.5");
    assertThat(refusal(fraction)).contains("whole number");
    String exponent = body.replace("\"amount_received\":2500", "\"amount_received\":2.5e3");
    assertThat(both(exponent).events().get(0).amountMinor()).isEqualTo(2500L);
    // Past the parser's length for numbers: refused as JSON both ways, wherever it is.
    assertThat(refusal(body.replace("\"SHOP\"", "9".repeat(5000)))).contains("not valid JSON");
  }

  @Test
  void repeatedNamesKeepTheLastValueBothWays() {
    String body = payment();
    String twice =
        body.replace("\"amount_received\":2500", "\"amount_received\":1,\"amount_received\":700");
    assertThat(twice).isNotEqualTo(body);
    assertThat(both(twice).events().get(0).amountMinor()).isEqualTo(700L);
    String typeTwice =
        body.replace("{\"id\":\"evt_Sel1\"", "{\"type\":\"refund.created\",\"id\":\"evt_Sel1\"");
    assertThat(both(typeTwice).eventType()).isEqualTo("payment_intent.succeeded");
    // A second "data" that is not an object replaces the first: no object, both ways.
    String dataTwice = body.substring(0, body.length() - 1) + ",\"data\":[1]}";
    assertThat(refusal(dataTwice)).contains("data.object");
    String skippedTwice =
        body.replace(
            "\"statement_descriptor\":\"SHOP\"",
            "\"statement_descriptor\":1,\"statement_descriptor\":{}");
    assertThat(both(skippedTwice).events()).hasSize(1);
  }

  @Test
  void deepNestingIsReadOrRefusedTheSameWay() {
    String body = payment();
    String deepSkipped = body.replace("\"SHOP\"", "[".repeat(400) + "]".repeat(400));
    assertThat(both(deepSkipped).events()).hasSize(1);
    String deepRead =
        body.replace(
            "\"metadata\":{", "\"metadata\":{\"deep\":" + "[".repeat(400) + "]".repeat(400) + ",");
    assertThat(deepRead).isNotEqualTo(body);
    assertThat(both(deepRead).events().get(0).customerRef()).isEqualTo("ref-9");
    String tooDeep = body.replace("\"SHOP\"", "[".repeat(5000) + "]".repeat(5000));
    assertThat(refusal(tooDeep)).contains("not valid JSON");
  }

  @Test
  void bytesThatAreNotUtf8AreJudgedTheSameWay() {
    byte[] body = payment().getBytes(StandardCharsets.UTF_8);
    for (byte[] bad :
        new byte[][] {{(byte) 0xC3}, {(byte) 0xFF}, {(byte) 0xE2, (byte) 0x28}, {(byte) 0x80}}) {
      outcomeAgrees(splice(body, "SHOP", bad));
      outcomeAgrees(splice(body, "ref-9", bad));
    }
    outcomeAgrees(payment().getBytes(StandardCharsets.UTF_16BE));
    outcomeAgrees(payment().getBytes(StandardCharsets.UTF_16LE));
    outcomeAgrees(payment().replace("SHOP", "SH\u00d6P").getBytes(StandardCharsets.ISO_8859_1));
  }

  @Property(tries = 300)
  void anyDamageToABodyIsJudgedTheSameWay(
      @ForAll @IntRange(min = 0, max = 4000) int at,
      @ForAll byte value,
      @ForAll @IntRange(min = 0, max = 2) int how) {
    byte[] body = payment().getBytes(StandardCharsets.UTF_8);
    int i = at % body.length;
    byte[] damaged =
        switch (how) {
          case 0 -> {
            byte[] copy = body.clone();
            copy[i] = value;
            yield copy;
          }
          case 1 -> java.util.Arrays.copyOf(body, i);
          default -> {
            byte[] copy = new byte[body.length - 1];
            System.arraycopy(body, 0, copy, 0, i);
            System.arraycopy(body, i + 1, copy, i, body.length - i - 1);
            yield copy;
          }
        };
    outcomeAgrees(damaged);
  }

  /** Runs both readings; {@link BothReadings} fails the test if they differ in any way. */
  private void outcomeAgrees(byte[] body) {
    try {
      both(body);
    } catch (MalformedWebhookException refusedBothWays) {
      assertThat(refusedBothWays.getMessage()).isNotBlank();
    }
  }

  private static byte[] splice(byte[] body, String marker, byte[] bytes) {
    String text = new String(body, StandardCharsets.UTF_8);
    int at = text.indexOf(marker);
    assertThat(at).as(marker).isNotNegative();
    byte[] out = new byte[body.length + bytes.length];
    System.arraycopy(body, 0, out, 0, at);
    System.arraycopy(bytes, 0, out, at, bytes.length);
    System.arraycopy(body, at, out, at + bytes.length, body.length - at);
    return out;
  }

  @Test
  void aNonObjectDataIsRefusedBothWays() {
    assertThatThrownBy(
            () ->
                both(
                    "{\"id\":\"evt_1\",\"type\":\"payment_intent.succeeded\",\"created\":1,"
                        + "\"data\":\"x\"}"))
        .isInstanceOf(MalformedWebhookException.class)
        .hasMessageContaining("data.object");
  }
}
