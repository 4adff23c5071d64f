package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;

import io.paybridge.gateway.paypal.PayPalSimulator;
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
import java.util.HashMap;
import java.util.Locale;
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
    Map<String, String> env = new HashMap<>();
    paypal
        .pluginSettings()
        .forEach(
            (k, v) ->
                env.put("PAYBRIDGE_GATEWAY_" + k.toUpperCase(Locale.ROOT).replace('.', '_'), v));
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

  private Delivery signed(String body) {
    MultiMap headers = paypal.headers(body, Instant.now());
    Map<String, String> out = new HashMap<>();
    headers.forEach(h -> out.put(h.getKey(), h.getValue()));
    out.put("Content-Type", "application/json");
    return Delivery.of(out, body);
  }

  @Override
  protected Delivery validDelivery() {
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
  protected Delivery unknownEventDelivery() {
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
  protected Delivery malformedDelivery() {
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
}
