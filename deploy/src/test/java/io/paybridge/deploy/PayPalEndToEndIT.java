package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;

import io.paybridge.gateway.paypal.PayPalSimulator;
import io.paybridge.testkit.Webhook;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * PayPal through the real route: deliveries signed with a certificate the node fetches from the
 * simulator (standing in for PayPal's certificate URL) and chains to the configured trust anchor.
 */
class PayPalEndToEndIT extends GatewayEndToEndKit {

  private final Vertx simulatorVertx = Vertx.vertx();
  private final PayPalSimulator paypal =
      await(new PayPalSimulator(PayPalSimulator.SANDBOX).start(simulatorVertx));

  @AfterAll
  void stopSimulator() {
    await(paypal.close());
    await(simulatorVertx.close());
  }

  @Override
  protected String gateway() {
    return "paypal";
  }

  @Override
  protected Map<String, String> nodeEnvironment() {
    Map<String, String> env = environmentOf(paypal.pluginSettings());
    try {
      Path anchors = Files.createTempFile("paypal-anchors", ".pem");
      String pem =
          "-----BEGIN CERTIFICATE-----\n"
              + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                  .encodeToString(paypal.trustAnchor().getEncoded())
              + "\n-----END CERTIFICATE-----\n";
      Files.writeString(anchors, pem);
      env.put("PAYBRIDGE_GATEWAY_PAYPAL_CERT_TRUST_ANCHORS", anchors.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
    return env;
  }

  @Override
  protected JsonObject credentials() {
    return paypal.credentialsJson();
  }

  @Override
  protected JsonObject otherCredentials() {
    return paypal.credentialsJson().put("webhookId", "9OTHERTENANTHOOK1");
  }

  private Webhook signed(String body) {
    return paypal.webhook(body);
  }

  @Override
  protected Webhook validDelivery() {
    return signed(
        paypal.captureCompleted(
            PayPalSimulator.newEventId(),
            PayPalSimulator.newResourceId(),
            "19.90",
            "EUR",
            "0.90",
            "buyer-1"));
  }

  @Override
  protected Webhook unknownEventDelivery() {
    return signed(
        paypal.event(
            PayPalSimulator.newEventId(),
            "BILLING.PLAN.CREATED",
            "plan",
            "2.0",
            "A billing plan was created",
            new JsonObject().put("id", "P-" + PayPalSimulator.newResourceId())));
  }

  @Override
  protected Webhook malformedDelivery() {
    return signed(
        paypal.event(
            PayPalSimulator.newEventId(),
            "PAYMENT.CAPTURE.COMPLETED",
            "capture",
            "2.0",
            "Payment completed",
            new JsonObject()
                .put("id", PayPalSimulator.newResourceId())
                .put("status", "COMPLETED")));
  }

  @org.junit.jupiter.api.Test
  void aBodyRewrittenWithItsCrc32RestoredAndAStaleDeliveryBookNothingAndLeaveRejectedReceipts() {
    // GIVEN a genuine delivery of a 10.00 USD capture for alice, booked
    String capture = PayPalSimulator.newResourceId();
    String genuineBody =
        paypal.captureCompleted(
            PayPalSimulator.newEventId(), capture, "10.00", "USD", "0.59", "alice");
    MultiMap signed = paypal.headers(genuineBody, Instant.now());
    io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> first =
        send(signed, io.vertx.core.buffer.Buffer.buffer(genuineBody));
    org.assertj.core.api.Assertions.assertThat(first.statusCode()).isEqualTo(200);
    long before = entries(tenant);

    // WHEN an attacker keeps the signed headers, rewrites the body (a new event, 9999.00 USD for
    // mallory) and restores its CRC32
    JsonObject rewritten = new JsonObject(genuineBody);
    rewritten.put("id", PayPalSimulator.newEventId());
    rewritten
        .getJsonObject("resource")
        .put("amount", new JsonObject().put("currency_code", "USD").put("value", "9999.00"))
        .put("custom_id", "mallory");
    byte[] forged =
        io.paybridge.gateway.paypal.Crc32Forgery.insideJson(
            rewritten, crc32(genuineBody.getBytes(StandardCharsets.UTF_8)));
    io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> replay =
        send(signed, io.vertx.core.buffer.Buffer.buffer(forged));

    // THEN it is refused: the transmission id came before with another body
    org.assertj.core.api.Assertions.assertThat(replay.statusCode()).isEqualTo(401);
    org.assertj.core.api.Assertions.assertThat(entries(tenant)).isEqualTo(before);
    JsonObject refused = newestReceipt(tenant);
    org.assertj.core.api.Assertions.assertThat(refused.getString("verdict")).isEqualTo("rejected");
    org.assertj.core.api.Assertions.assertThat(refused.getString("reason"))
        .contains(signed.get("PAYPAL-TRANSMISSION-ID"))
        .contains("another body");

    // AND a genuine delivery signed five days ago is refused as stale
    String staleBody =
        paypal.captureCompleted(
            PayPalSimulator.newEventId(),
            PayPalSimulator.newResourceId(),
            "5.00",
            "USD",
            null,
            "bob");
    io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> stale =
        send(
            paypal.headers(staleBody, Instant.now().minus(java.time.Duration.ofDays(5))),
            io.vertx.core.buffer.Buffer.buffer(staleBody));
    org.assertj.core.api.Assertions.assertThat(stale.statusCode()).isEqualTo(401);
    org.assertj.core.api.Assertions.assertThat(entries(tenant)).isEqualTo(before);
    org.assertj.core.api.Assertions.assertThat(newestReceipt(tenant).getString("verdict"))
        .isEqualTo("rejected");
  }

  @org.junit.jupiter.api.Test
  void aRewrittenBodyArrivingFirstBooksOnlyWhatPayPalConfirms() {
    // GIVEN a genuine delivery of a 10.00 USD capture for alice that an attacker got hold of
    String capture = PayPalSimulator.newResourceId();
    String genuineBody =
        paypal.captureCompleted(
            PayPalSimulator.newEventId(), capture, "10.00", "USD", null, "alice-first");
    MultiMap signed = paypal.headers(genuineBody, Instant.now());
    JsonObject rewritten = new JsonObject(genuineBody);
    rewritten
        .getJsonObject("resource")
        .put("amount", new JsonObject().put("currency_code", "USD").put("value", "9999.00"))
        .put("custom_id", "alice-first");

    // WHEN the rewritten body reaches Paybridge before the genuine one
    io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> forged =
        send(
            signed,
            io.vertx.core.buffer.Buffer.buffer(
                io.paybridge.gateway.paypal.Crc32Forgery.insideJson(
                    rewritten, crc32(genuineBody.getBytes(StandardCharsets.UTF_8)))));

    // THEN what is booked is PayPal's amount for that capture, not the body's
    org.assertj.core.api.Assertions.assertThat(forged.statusCode()).isEqualTo(200);
    org.assertj.core.api.Assertions.assertThat(
            tenant.balance("alice-first").getJsonArray("balances"))
        .containsExactly(new JsonObject().put("currency", "USD").put("amountMinor", 1000));
  }

  private io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> send(
      MultiMap headers, io.vertx.core.buffer.Buffer body) {
    return post(
        Tenant.hookPath(account), new Webhook(headers, MultiMap.caseInsensitiveMultiMap(), body));
  }

  private static long crc32(byte[] bytes) {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(bytes);
    return crc.getValue();
  }
}
