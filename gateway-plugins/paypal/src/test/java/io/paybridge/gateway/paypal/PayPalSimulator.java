package io.paybridge.gateway.paypal;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.WebhookRequest;
import io.paybridge.testkit.Answer;
import io.paybridge.testkit.ApiCall;
import io.paybridge.testkit.Fault;
import io.paybridge.testkit.GatewaySimulator;
import io.paybridge.testkit.RandomIds;
import io.paybridge.testkit.RequestMatch;
import io.paybridge.testkit.Webhook;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32;

/**
 * Plays PayPal's part in tests, as a real Vert.x HTTP server on 127.0.0.1 (random port):
 *
 * <ul>
 *   <li>a small PKI (root CA, intermediate CA, and a signing leaf named {@code
 *       messageverificationcerts[.sandbox].paypal.com} for its environment), the bundle (leaf and
 *       intermediate, as PayPal serves it) at {@link #certPath()}, and the root as the {@link
 *       #trustAnchor()} the plugin under test is given;
 *   <li>webhook deliveries signed exactly as PayPal signs them: SHA256withRSA over {@code
 *       <transmission id>|<transmission time>|<webhook id>|<CRC32 of the body, unsigned decimal>},
 *       base64, with {@code PAYPAL-CERT-URL} naming a paypal.com URL whose path the plugin fetches
 *       here through its {@code paypal.cert.fetch.base} setting ({@link #pluginSettings()});
 *   <li>event bodies shaped like PayPal's (compact JSON; v2 captures, refunds and reversals, v1
 *       sales, refunds and reversals, disputes, billing subscriptions);
 *   <li>a fake of the REST API the plugin calls: {@code POST /v1/oauth2/token} (HTTP Basic with the
 *       simulator's client id and secret); the lookups {@code GET /v2/payments/captures/{id}},
 *       {@code GET /v2/payments/refunds/{id}}, {@code GET /v1/payments/sale/{id}}, {@code GET
 *       /v1/payments/refund/{id}}, {@code GET /v1/customer/disputes/{id}} and {@code GET
 *       /v1/billing/subscriptions/{id}}; {@code POST /v1/billing/subscriptions/{id}/cancel}, {@code
 *       POST /v1/payments/sale/{id}/refund} and {@code POST /v2/payments/captures/{id}/refund},
 *       with PayPal's error answers, idempotent refunds by {@code PayPal-Request-Id}, partial
 *       refunds of the captures it knows ({@link PayPalCaptureRefunds}), scripted failures and
 *       stalls, and a record of every call; and the Orders v2 calls of checkouts ({@link
 *       PayPalOrderBook}).
 * </ul>
 *
 * Like PayPal, the simulator knows every resource it sends an event about: each event builder also
 * stores its resource where the matching lookup finds it, so the plugin's confirmation with the API
 * sees what PayPal would return. Tests change that state with {@link #apiResource} and {@link
 * #putApiResource} (an amount PayPal reports differently, a capture still pending, a resource
 * PayPal does not know).
 *
 * <p>Other modules' end-to-end tests use it through this module's test-jar.
 */
public final class PayPalSimulator extends GatewaySimulator<PayPalSimulator> {

  public static final String SANDBOX = "sandbox";
  public static final String LIVE = "live";

  /** Where the API serves v2 captures: {@code CAPTURES + id}. */
  public static final String CAPTURES = "/v2/payments/captures/";

  /** Where the API serves v2 refunds and reversals of captures. */
  public static final String CAPTURE_REFUNDS = "/v2/payments/refunds/";

  /** Where the API serves v1 sales. */
  public static final String SALES = "/v1/payments/sale/";

  /** Where the API serves v1 refunds and reversals of sales. */
  public static final String SALE_REFUNDS = "/v1/payments/refund/";

  /** Where the API serves disputes. */
  public static final String DISPUTES = "/v1/customer/disputes/";

  /** Where the API serves billing subscriptions. */
  public static final String SUBSCRIPTIONS = "/v1/billing/subscriptions/";

  private static final List<String> LOOKUPS =
      List.of(CAPTURES, CAPTURE_REFUNDS, SALES, SALE_REFUNDS, DISPUTES);

  private static final String PATH = "/hooks/test/paypal";
  private static final String USER_AGENT = "PayPal/AUHD-214.0-58725862";
  private static final String PAYPAL_ADDRESS = "173.0.81.140";
  private static final String ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

  /** One refund the fake API made. */
  public record Refund(String id, String paymentId, boolean capture, String requestId) {}

  private final String environment;
  private final String webhookId = randomId(17);
  private final String clientId = "A" + randomId(79);
  private final String clientSecret = "E" + randomId(79);
  private final PayPalTestPki.Issued root;
  private final PayPalTestPki.Issued intermediate;
  private final PayPalTestPki.Issued leaf;
  private final String certPath;

  private final Map<String, String> certificates = new ConcurrentHashMap<>();
  private final Set<String> tokens = ConcurrentHashMap.newKeySet();
  private final Map<String, JsonObject> subscriptions = new ConcurrentHashMap<>();
  private final Map<String, JsonObject> resources = new ConcurrentHashMap<>();
  private final Map<String, Refund> refundsByRequestId = new ConcurrentHashMap<>();
  private final Map<String, Refund> refundsByPayment = new ConcurrentHashMap<>();
  private final List<Refund> refunds = new CopyOnWriteArrayList<>();
  private final PayPalCaptureRefunds captureRefunds =
      new PayPalCaptureRefunds(resources, this::apiHost);
  private volatile long tokenLifetimeSeconds = 32_400;
  private final PayPalOrderBook orders;

  /**
   * A simulator for one REST app and webhook in {@code environment} ({@value #SANDBOX} or {@value
   * #LIVE}); generates its keys and certificates (which takes a moment). Call {@link #start} before
   * anything reaches its server.
   */
  public PayPalSimulator(String environment) {
    if (!SANDBOX.equals(environment) && !LIVE.equals(environment)) {
      throw new IllegalArgumentException("environment must be sandbox or live");
    }
    this.environment = environment;
    Instant now = Instant.now();
    this.root =
        PayPalTestPki.rootCa(
            "Paybridge Test Root CA",
            now.minus(Duration.ofDays(365)),
            now.plus(Duration.ofDays(3650)));
    this.intermediate =
        PayPalTestPki.intermediateCa(
            root,
            "Paybridge Test Signing CA",
            now.minus(Duration.ofDays(365)),
            now.plus(Duration.ofDays(1825)));
    this.leaf =
        PayPalTestPki.leaf(
            intermediate,
            signingCertificateName(environment),
            now.minus(Duration.ofDays(30)),
            now.plus(Duration.ofDays(365)));
    this.certPath = "/v1/notifications/certs/CERT-360caa42-fca2a594-" + RandomIds.hex(8);
    this.orders =
        new PayPalOrderBook(
            apiHost(),
            SANDBOX.equals(environment)
                ? "https://www.sandbox.paypal.com"
                : "https://www.paypal.com",
            resources::put);
    certificates.put(certPath, PayPalTestPki.pem(leaf.certificate(), intermediate.certificate()));
  }

  /** The common name PayPal's signing certificate carries in {@code environment}. */
  public static String signingCertificateName(String environment) {
    return SANDBOX.equals(environment)
        ? "messageverificationcerts.sandbox.paypal.com"
        : "messageverificationcerts.paypal.com";
  }

  /** Starts the fake on 127.0.0.1 and a random port. */
  // ---- identity of the simulated REST app and webhook

  public String environment() {
    return environment;
  }

  public String webhookId() {
    return webhookId;
  }

  public String clientId() {
    return clientId;
  }

  public String clientSecret() {
    return clientSecret;
  }

  /** The credentials a tenant would save for this app and webhook, as submitted JSON. */
  public JsonObject credentialsJson() {
    return new JsonObject()
        .put(PayPalPlugin.CLIENT_ID, clientId)
        .put(PayPalPlugin.CLIENT_SECRET, clientSecret)
        .put(PayPalPlugin.WEBHOOK_ID, webhookId)
        .put(PayPalPlugin.ENVIRONMENT, environment);
  }

  /** The same credentials, normalized by the plugin's schema. */
  public Credentials credentials() {
    return new PayPalPlugin().credentialSchema().validate(credentialsJson());
  }

  /** The base URL of the running fake, e.g. {@code http://127.0.0.1:41234}. */
  /** Settings that point the plugin's API calls and certificate fetches at this fake. */
  @Override
  public Map<String, String> pluginSettings() {
    return Map.of(
        PayPalPlugin.API_BASE_SETTING, baseUrl(),
        PayPalPlugin.CERT_FETCH_BASE_SETTING, baseUrl());
  }

  // ---- certificates

  /** The root CA: the one trust anchor the plugin under test needs. */
  public X509Certificate trustAnchor() {
    return root.certificate();
  }

  public PayPalTestPki.Issued root() {
    return root;
  }

  public PayPalTestPki.Issued intermediate() {
    return intermediate;
  }

  /** The signing leaf and its key. */
  public PayPalTestPki.Issued signer() {
    return leaf;
  }

  /** Where the fake serves the signing bundle; {@link #certUrl()} names it on paypal.com. */
  public String certPath() {
    return certPath;
  }

  /** The {@code PAYPAL-CERT-URL} of the simulator's deliveries. */
  public String certUrl() {
    return certUrlFor(certPath);
  }

  /** A paypal.com certificate URL for the path, on the API host of the simulator's environment. */
  public String certUrlFor(String path) {
    return (SANDBOX.equals(environment)
            ? "https://api.sandbox.paypal.com"
            : "https://api.paypal.com")
        + path;
  }

  /** Serves another PEM bundle at {@code path} (certificate variants in tests). */
  public void serveCertificates(String path, String pem) {
    certificates.put(path, pem);
  }

  // ---- signing and delivering

  /** The base64 signature PayPal sends for this transmission, signed with {@code key}. */
  public static String signature(
      PrivateKey key,
      String transmissionId,
      String transmissionTime,
      String webhookId,
      byte[] body) {
    CRC32 crc = new CRC32();
    crc.update(body);
    String signed =
        transmissionId + "|" + transmissionTime + "|" + webhookId + "|" + crc.getValue();
    try {
      Signature signer = Signature.getInstance("SHA256withRSA");
      signer.initSign(key);
      signer.update(signed.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing failed", e);
    }
  }

  /** PayPal's transmission time format: UTC to the second. */
  public static String transmissionTime(Instant at) {
    return DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.SECONDS));
  }

  /** The headers of a delivery of {@code body} transmitted at {@code at}, as PayPal sends them. */
  public MultiMap headers(String body, Instant at) {
    return headers(body, UUID.randomUUID().toString(), at, certUrl(), leaf.privateKey());
  }

  /** The headers of a delivery with every signing input chosen by the caller. */
  public MultiMap headers(
      String body, String transmissionId, Instant at, String certUrl, PrivateKey key) {
    String time = transmissionTime(at);
    return MultiMap.caseInsensitiveMultiMap()
        .add("Content-Type", "application/json")
        .add("User-Agent", USER_AGENT)
        .add("Correlation-Id", RandomIds.hex(13))
        .add("PAYPAL-AUTH-VERSION", "v2")
        .add(PayPalPlugin.AUTH_ALGO_HEADER, "SHA256withRSA")
        .add(PayPalPlugin.CERT_URL_HEADER, certUrl)
        .add(PayPalPlugin.TRANSMISSION_ID_HEADER, transmissionId)
        .add(PayPalPlugin.TRANSMISSION_TIME_HEADER, time)
        .add(
            PayPalPlugin.TRANSMISSION_SIG_HEADER,
            signature(key, transmissionId, time, webhookId, body.getBytes(StandardCharsets.UTF_8)));
  }

  /** The delivery as the platform would receive it one second after PayPal transmitted it. */
  /** The delivery as the platform would receive it one second after PayPal transmitted it. */
  public WebhookRequest request(String body, Instant at) {
    return request(body, headers(body, at), at.plusSeconds(1));
  }

  /** A delivery with the given headers, received at {@code receivedAt}. */
  public WebhookRequest request(String body, MultiMap headers, Instant receivedAt) {
    return Webhook.of(body, headers).received(PATH, PAYPAL_ADDRESS, receivedAt);
  }

  /** The webhook of {@code body} as PayPal sends it, transmitted now. */
  public Webhook webhook(String body) {
    return Webhook.of(body, headers(body, Instant.now()));
  }

  /** Delivers {@code body}, transmitted now, to {@code url} as PayPal would. */
  public Future<HttpResponse<Buffer>> post(WebClient client, String url, String body) {
    return webhook(body).post(client, url);
  }

  // ---- event bodies

  /**
   * A {@code PAYMENT.CAPTURE.COMPLETED} event: a v2 capture of an order, with PayPal's fee in the
   * seller receivable breakdown when {@code fee} is given; {@code customId} may be {@code null}.
   */
  public String captureCompleted(
      String eventId,
      String captureId,
      String value,
      String currency,
      String fee,
      String customId) {
    String code = currency.toUpperCase(Locale.ROOT);
    String now = secondsNow();
    JsonObject breakdown = new JsonObject().put("gross_amount", money(value, code));
    if (fee != null) {
      breakdown.put("paypal_fee", money(fee, code));
      breakdown.put(
          "net_amount",
          money(new BigDecimal(value).subtract(new BigDecimal(fee)).toPlainString(), code));
    }
    JsonObject capture =
        new JsonObject()
            .put("id", captureId)
            .put("amount", money(value, code))
            .put("final_capture", true)
            .put(
                "seller_protection",
                new JsonObject()
                    .put("status", "ELIGIBLE")
                    .put(
                        "dispute_categories",
                        new JsonArray().add("ITEM_NOT_RECEIVED").add("UNAUTHORIZED_TRANSACTION")))
            .put("seller_receivable_breakdown", breakdown)
            .put("invoice_id", "INV-" + randomId(8))
            .put(
                "supplementary_data",
                new JsonObject().put("related_ids", new JsonObject().put("order_id", randomId(17))))
            .put("status", "COMPLETED")
            .put("create_time", now)
            .put("update_time", now)
            .put(
                "links",
                new JsonArray()
                    .add(link(apiHost() + "/v2/payments/captures/" + captureId, "self", "GET"))
                    .add(
                        link(
                            apiHost() + "/v2/payments/captures/" + captureId + "/refund",
                            "refund",
                            "POST"))
                    .add(link(apiHost() + "/v2/checkout/orders/" + randomId(17), "up", "GET")));
    if (customId != null) {
      capture.put("custom_id", customId);
    }
    resources.put(CAPTURES + captureId, capture.copy());
    return event(
        eventId,
        "PAYMENT.CAPTURE.COMPLETED",
        "capture",
        "2.0",
        "Payment completed for " + value + " " + code,
        capture);
  }

  /** A {@code PAYMENT.CAPTURE.REFUNDED} event: a completed v2 refund of {@code captureId}. */
  public String captureRefunded(
      String eventId,
      String refundId,
      String captureId,
      String value,
      String currency,
      String customId) {
    String code = currency.toUpperCase(Locale.ROOT);
    String now = secondsNow();
    JsonObject refund =
        new JsonObject()
            .put("id", refundId)
            .put("amount", money(value, code))
            .put(
                "seller_payable_breakdown",
                new JsonObject()
                    .put("gross_amount", money(value, code))
                    .put("net_amount", money(value, code))
                    .put("total_refunded_amount", money(value, code)))
            .put("status", "COMPLETED")
            .put("create_time", now)
            .put("update_time", now)
            .put(
                "links",
                new JsonArray()
                    .add(link(apiHost() + "/v2/payments/refunds/" + refundId, "self", "GET"))
                    .add(link(apiHost() + "/v2/payments/captures/" + captureId, "up", "GET")));
    if (customId != null) {
      refund.put("custom_id", customId);
    }
    resources.put(CAPTURE_REFUNDS + refundId, refund.copy());
    return event(
        eventId,
        "PAYMENT.CAPTURE.REFUNDED",
        "refund",
        "2.0",
        "A " + value + " " + code + " capture payment was refunded",
        refund);
  }

  /**
   * A {@code PAYMENT.SALE.COMPLETED} event: a v1 sale; a subscription's recurring payment when
   * {@code billingAgreementId} (the subscription id) is given. {@code custom} is the sale's custom
   * field, which PayPal fills from the subscription's custom_id.
   */
  public String saleCompleted(
      String eventId,
      String saleId,
      String value,
      String currency,
      String fee,
      String billingAgreementId,
      String custom) {
    String code = currency.toUpperCase(Locale.ROOT);
    String now = secondsNow();
    JsonObject sale =
        new JsonObject()
            .put("id", saleId)
            .put("state", "completed")
            .put(
                "amount",
                new JsonObject()
                    .put("total", value)
                    .put("currency", code)
                    .put("details", new JsonObject().put("subtotal", value)))
            .put("payment_mode", "INSTANT_TRANSFER")
            .put("protection_eligibility", "ELIGIBLE")
            .put(
                "protection_eligibility_type",
                "ITEM_NOT_RECEIVED_ELIGIBLE,UNAUTHORIZED_PAYMENT_ELIGIBLE")
            .put("invoice_number", "")
            .put("create_time", now)
            .put("update_time", now)
            .put(
                "links",
                new JsonArray()
                    .add(link(apiHost() + "/v1/payments/sale/" + saleId, "self", "GET"))
                    .add(
                        link(
                            apiHost() + "/v1/payments/sale/" + saleId + "/refund",
                            "refund",
                            "POST")));
    if (fee != null) {
      sale.put("transaction_fee", new JsonObject().put("value", fee).put("currency", code));
    }
    if (billingAgreementId != null) {
      sale.put("billing_agreement_id", billingAgreementId);
    } else {
      sale.put("parent_payment", "PAYID-" + randomId(24));
    }
    if (custom != null) {
      sale.put("custom", custom);
    }
    resources.put(SALES + saleId, sale.copy());
    return event(
        eventId,
        "PAYMENT.SALE.COMPLETED",
        "sale",
        null,
        "Payment completed for " + value + " " + code,
        sale);
  }

  /** A {@code PAYMENT.SALE.REFUNDED} event: a completed v1 refund of {@code saleId}. */
  public String saleRefunded(
      String eventId, String refundId, String saleId, String value, String currency) {
    JsonObject refund = v1Refund(refundId, saleId, value, currency);
    resources.put(SALE_REFUNDS + refundId, refund.copy());
    return event(
        eventId,
        "PAYMENT.SALE.REFUNDED",
        "refund",
        null,
        "A " + value + " " + currency.toUpperCase(Locale.ROOT) + " sale payment was refunded",
        refund);
  }

  /**
   * A {@code PAYMENT.SALE.REVERSED} event: PayPal took a sale's money back (a chargeback or a
   * reversal); its amount is negative, as PayPal writes it.
   */
  public String saleReversed(
      String eventId, String reversalId, String saleId, String value, String currency) {
    JsonObject reversal = v1Refund(reversalId, saleId, "-" + value, currency);
    reversal.remove("sale_id");
    reversal
        .getJsonArray("links")
        .add(link(apiHost() + "/v1/payments/sale/" + saleId, "up", "GET"));
    resources.put(SALE_REFUNDS + reversalId, reversal.copy());
    return event(
        eventId,
        "PAYMENT.SALE.REVERSED",
        "refund",
        null,
        "A " + value + " " + currency.toUpperCase(Locale.ROOT) + " sale payment was reversed",
        reversal);
  }

  /**
   * A {@code BILLING.SUBSCRIPTION.CANCELLED}, {@code .SUSPENDED} or {@code .EXPIRED} event for a
   * billing subscription; {@code nextBillingTime} and {@code customId} may be {@code null}.
   */
  public String subscriptionEnded(
      String eventId,
      String eventType,
      String subscriptionId,
      String customId,
      String payerId,
      Instant nextBillingTime) {
    JsonObject subscription = subscriptionResource(subscriptionId, statusOf(eventType), customId);
    subscription.getJsonObject("subscriber").put("payer_id", payerId);
    if (nextBillingTime != null) {
      subscription
          .getJsonObject("billing_info")
          .put("next_billing_time", transmissionTime(nextBillingTime));
    }
    subscriptions.put(subscriptionId, subscription.copy());
    return event(
        eventId,
        eventType,
        "subscription",
        "2.0",
        "Subscription " + statusOf(eventType).toLowerCase(Locale.ROOT),
        subscription);
  }

  /**
   * A {@code PAYMENT.CAPTURE.REVERSED} event: PayPal took a capture's funds back (a chargeback or a
   * reversal). As PayPal sends it, the resource is a v2 refund (resource type {@code refund}) whose
   * {@code up} link names the capture, with a positive amount and the note "Payment reversed".
   */
  public String captureReversed(
      String eventId, String reversalId, String captureId, String value, String currency) {
    String code = currency.toUpperCase(Locale.ROOT);
    String now = secondsNow();
    JsonObject reversal =
        new JsonObject()
            .put(
                "seller_payable_breakdown",
                new JsonObject()
                    .put("gross_amount", money(value, code))
                    .put("paypal_fee", money(zero(code), code))
                    .put("net_amount", money(value, code))
                    .put("total_refunded_amount", money(value, code)))
            .put("amount", money(value, code))
            .put("update_time", now)
            .put("create_time", now)
            .put(
                "links",
                new JsonArray()
                    .add(link(apiHost() + CAPTURE_REFUNDS + reversalId, "self", "GET"))
                    .add(link(apiHost() + CAPTURES + captureId, "up", "GET")))
            .put("id", reversalId)
            .put("note_to_payer", "Payment reversed")
            .put("status", "COMPLETED");
    resources.put(CAPTURE_REFUNDS + reversalId, reversal.copy());
    return event(
        eventId,
        "PAYMENT.CAPTURE.REVERSED",
        "refund",
        "2.0",
        "A " + value + " " + code + " capture payment was reversed",
        reversal);
  }

  /**
   * A {@code CUSTOMER.DISPUTE.CREATED}, {@code .UPDATED} or {@code .RESOLVED} event about a dispute
   * of one transaction of the merchant's ({@code transactionId}: a capture or sale id), shaped as
   * the Disputes API returns it; {@code outcome} (e.g. {@code RESOLVED_SELLER_FAVOUR}) only for a
   * resolved one, {@code custom} may be {@code null}.
   */
  public String disputeEvent(
      String eventId,
      String eventType,
      String disputeId,
      String transactionId,
      String value,
      String currency,
      String status,
      String outcome,
      String custom) {
    String code = currency.toUpperCase(Locale.ROOT);
    String now = secondsNow();
    JsonObject transaction =
        new JsonObject()
            .put("buyer_transaction_id", randomId(17))
            .put("seller_transaction_id", transactionId)
            .put("create_time", now)
            .put("transaction_status", outcome == null ? "REVERSED" : "COMPLETED")
            .put("gross_amount", money(value, code))
            .put("buyer", new JsonObject().put("name", "Jenny Rosen"))
            .put("seller", new JsonObject().put("merchant_id", "7N6MZ6PXKC4JE"));
    if (custom != null) {
      transaction.put("custom", custom);
    }
    JsonObject dispute =
        new JsonObject()
            .put("dispute_id", disputeId)
            .put("create_time", now)
            .put("update_time", now)
            .put("disputed_transactions", new JsonArray().add(transaction))
            .put("reason", "MERCHANDISE_OR_SERVICE_NOT_RECEIVED")
            .put("status", status)
            .put("dispute_amount", money(value, code))
            .put("dispute_life_cycle_stage", "CHARGEBACK")
            .put("dispute_channel", "EXTERNAL")
            .put(
                "links",
                new JsonArray().add(link(apiHost() + DISPUTES + disputeId, "self", "GET")));
    if (outcome != null) {
      dispute.put(
          "dispute_outcome",
          new JsonObject()
              .put("outcome_code", outcome)
              .put("amount_refunded", money(zero(code), code)));
    }
    resources.put(DISPUTES + disputeId, dispute.copy());
    return event(
        eventId,
        eventType,
        "dispute",
        "1.0",
        switch (eventType) {
          case "CUSTOMER.DISPUTE.CREATED" -> "A new dispute opened with Case # " + disputeId;
          case "CUSTOMER.DISPUTE.RESOLVED" -> "A dispute was resolved with case # " + disputeId;
          default -> "A dispute was updated with case # " + disputeId;
        },
        dispute);
  }

  /** A fresh dispute id in PayPal's shape, {@code PP-D-<5 digits>}. */
  public static String newDisputeId() {
    return "PP-D-" + (10_000 + ThreadLocalRandom.current().nextInt(90_000));
  }

  /** An event of any type around {@code resource}, in PayPal's envelope, as compact JSON. */
  public String event(
      String eventId,
      String eventType,
      String resourceType,
      String resourceVersion,
      String summary,
      JsonObject resource) {
    JsonObject event =
        new JsonObject()
            .put("id", eventId)
            .put("event_version", "1.0")
            .put(
                "create_time",
                DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.MILLIS)))
            .put("resource_type", resourceType);
    if (resourceVersion != null) {
      event.put("resource_version", resourceVersion);
    }
    return event
        .put("event_type", eventType)
        .put("summary", summary)
        .put("resource", resource)
        .put(
            "links",
            new JsonArray()
                .add(
                    link(apiHost() + "/v1/notifications/webhooks-events/" + eventId, "self", "GET"))
                .add(
                    link(
                        apiHost() + "/v1/notifications/webhooks-events/" + eventId + "/resend",
                        "resend",
                        "POST")))
        .encode();
  }

  /** A fresh event id in PayPal's shape, {@code WH-<17>-<17>}. */
  public static String newEventId() {
    return "WH-" + randomId(17) + "-" + randomId(17);
  }

  /** A fresh capture, sale or refund id in PayPal's shape (17 letters and digits). */
  public static String newResourceId() {
    return randomId(17);
  }

  /** A fresh subscription id in PayPal's shape, {@code I-<12>}. */
  public static String newSubscriptionId() {
    return "I-" + randomId(12);
  }

  // ---- the fake API's state and scripting

  /** Creates or replaces a subscription the fake API knows. */
  public void putSubscription(
      String subscriptionId, String status, Instant nextBillingTime, String customId) {
    JsonObject subscription = subscriptionResource(subscriptionId, status, customId);
    if (nextBillingTime != null) {
      subscription
          .getJsonObject("billing_info")
          .put("next_billing_time", transmissionTime(nextBillingTime));
    }
    subscriptions.put(subscriptionId, subscription);
  }

  /**
   * The resource the fake API serves at {@code path} (e.g. {@code CAPTURES + id}), live: changes to
   * it change what the next lookup returns. {@code null} when the API does not know it.
   */
  public JsonObject apiResource(String path) {
    if (path.startsWith(SUBSCRIPTIONS)) {
      return subscriptions.get(path.substring(SUBSCRIPTIONS.length()));
    }
    return resources.get(path);
  }

  /** Makes the fake API serve {@code resource} at {@code path}; {@code null} forgets it (404). */
  public void putApiResource(String path, JsonObject resource) {
    Map<String, JsonObject> map = path.startsWith(SUBSCRIPTIONS) ? subscriptions : resources;
    String key = path.startsWith(SUBSCRIPTIONS) ? path.substring(SUBSCRIPTIONS.length()) : path;
    if (resource == null) {
      map.remove(key);
    } else {
      map.put(key, resource);
    }
  }

  /** A subscription's status at the fake, or {@code null} when unknown. */
  public String subscriptionStatus(String subscriptionId) {
    JsonObject subscription = subscriptions.get(subscriptionId);
    return subscription == null ? null : subscription.getString("status");
  }

  /** The next call matching method and path prefix is answered with this status and JSON body. */
  /** The next call matching method and path prefix is answered with this status and JSON body. */
  public void failNext(HttpMethod method, String pathPrefix, int status, String body) {
    injectNext(RequestMatch.under(method.name(), pathPrefix), Fault.answer(status, body));
  }

  /** The next call matching method and path prefix is never answered. */
  public void stallNext(HttpMethod method, String pathPrefix) {
    injectNext(RequestMatch.under(method.name(), pathPrefix), Fault.noAnswer());
  }

  /**
   * Records that a capture or sale was refunded outside the API (in PayPal's web interface): a
   * refund of it through the API is then refused as PayPal refuses it.
   */
  public void refundedElsewhere(String paymentId, boolean capture) {
    refundsByPayment.put(paymentId, new Refund(randomId(17), paymentId, capture, null));
  }

  /**
   * Makes refunds of a capture the fake API knows stay {@code PENDING} from now on, until {@link
   * #settleRefund} ends them.
   */
  public void keepRefundsPending(String captureId) {
    captureRefunds.keepPending(captureId);
  }

  /** Ends a pending capture refund: {@code COMPLETED}, or {@code FAILED} giving its amount back. */
  public JsonObject settleRefund(String refundId, String status) {
    return captureRefunds.settle(refundId, status);
  }

  /** Forgets every access token issued, as when PayPal expires them early. */
  public void revokeTokens() {
    tokens.clear();
  }

  /** The {@code expires_in} of tokens issued from now on. */
  public void tokenLifetime(Duration lifetime) {
    tokenLifetimeSeconds = lifetime.toSeconds();
  }

  /** The calls with this method whose path starts with {@code pathPrefix}. */
  public List<ApiCall> calls(HttpMethod method, String pathPrefix) {
    return calls().stream().filter(RequestMatch.under(method.name(), pathPrefix)).toList();
  }

  /**
   * Forgets calls, refunds and pending scripted faults; the resources the API serves
   * (subscriptions, captures, sales, refunds, disputes) and tokens stay.
   */
  @Override
  public void reset() {
    super.reset();
    refunds.clear();
    refundsByPayment.clear();
    refundsByRequestId.clear();
    captureRefunds.reset();
  }

  /** The Orders v2 API's orders and captures (checkouts). */
  PayPalOrderBook orders() {
    return orders;
  }

  /** The payer approves the order on PayPal's approve page, as a customer of a checkout does. */
  public void approveOrder(String orderId) {
    orders.approve(orderId);
  }

  /** A copy of the order as PayPal keeps it, or {@code null} when PayPal does not know it. */
  public JsonObject order(String orderId) {
    JsonObject order = orders.order(orderId);
    return order == null ? null : order.copy();
  }

  /** The refunds made, in order; a repeated request id does not make another. */
  public List<Refund> refunds() {
    return List.copyOf(refunds);
  }

  // ---- the server

  @Override
  protected void routes(Router router) {
    router.get().handler(this::certificate);
    router.get("/v1/notifications/certs/*").handler(ctx -> answer(ctx, notFound()));
    router.post("/v1/oauth2/token").handler(ctx -> answer(ctx, token(call(ctx))));
    router.route().handler(this::authorize);
    router
        .get(SUBSCRIPTIONS + ":id")
        .handler(ctx -> answer(ctx, found(subscriptions.get(ctx.pathParam("id")))));
    for (String collection : LOOKUPS) {
      router
          .get(collection + ":id")
          .handler(ctx -> answer(ctx, found(resources.get(call(ctx).path()))));
    }
    router
        .post(SUBSCRIPTIONS + ":id/cancel")
        .handler(ctx -> answer(ctx, cancel(ctx.pathParam("id"), call(ctx).body())));
    router
        .post(SALES + ":id/refund")
        .handler(ctx -> answer(ctx, refund(call(ctx), ctx.pathParam("id"), false)));
    router
        .post(CAPTURES + ":id/refund")
        .handler(ctx -> answer(ctx, refund(call(ctx), ctx.pathParam("id"), true)));
    router.post(PayPalOrderBook.ORDERS).handler(ctx -> answer(ctx, orders.create(call(ctx))));
    router
        .get(PayPalOrderBook.ORDERS + "/:id")
        .handler(ctx -> answer(ctx, orders.show(ctx.pathParam("id"))));
    router
        .post(PayPalOrderBook.ORDERS + "/:id/capture")
        .handler(ctx -> answer(ctx, orders.capture(call(ctx), ctx.pathParam("id"))));
    router.route().handler(ctx -> answer(ctx, notFound()));
  }

  /** PayPal names every answer with a debug id; JSON is its content type unless said otherwise. */
  @Override
  protected Answer withGatewayHeaders(Answer answer) {
    Answer named = answer.withHeader("Paypal-Debug-Id", RandomIds.hex(13));
    return answer.body().length() == 0
        ? named
        : named.withDefaultHeader("Content-Type", "application/json");
  }

  /** Serves a signing-certificate bundle at any path it was put at. */
  private void certificate(RoutingContext ctx) {
    String pem = certificates.get(call(ctx).path());
    if (pem == null) {
      ctx.next();
    } else {
      answer(ctx, Answer.of(200, "application/x-pem-file", pem));
    }
  }

  private void authorize(RoutingContext ctx) {
    String header = call(ctx).header("Authorization");
    if (header != null
        && header.startsWith("Bearer ")
        && tokens.contains(header.substring("Bearer ".length()))) {
      ctx.next();
    } else {
      answer(
          ctx,
          json(
              401,
              new JsonObject()
                  .put("error", "invalid_token")
                  .put("error_description", "Access Token not found in cache")));
    }
  }

  private static Answer found(JsonObject resource) {
    return resource == null ? notFound() : json(200, resource);
  }

  /** The OAuth token endpoint: the app's client credentials, HTTP Basic, buy a bearer token. */
  private Answer token(ApiCall call) {
    String expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
    if (!expected.equals(call.header("Authorization"))) {
      return json(
          401,
          new JsonObject()
              .put("error", "invalid_client")
              .put("error_description", "Client Authentication failed"));
    }
    if (!"grant_type=client_credentials".equals(call.body())) {
      return json(
          400,
          new JsonObject()
              .put("error", "unsupported_grant_type")
              .put("error_description", "Grant Type is NULL"));
    }
    String token = "A21AA" + randomId(90);
    tokens.add(token);
    return json(
        200,
        new JsonObject()
            .put("scope", "https://uri.paypal.com/services/subscriptions")
            .put("access_token", token)
            .put("token_type", "Bearer")
            .put("app_id", "APP-80W284485P519543T")
            .put("expires_in", tokenLifetimeSeconds)
            .put("nonce", Instant.now() + RandomIds.hex(16)));
  }

  private Answer cancel(String subscriptionId, String body) {
    JsonObject subscription = subscriptions.get(subscriptionId);
    if (subscription == null) {
      return notFound();
    }
    JsonObject request;
    try {
      request = new JsonObject(body);
    } catch (RuntimeException e) {
      return malformedRequest();
    }
    if (!(request.getValue("reason") instanceof String reason)
        || reason.isBlank()
        || reason.length() > 128) {
      return malformedRequest();
    }
    String status = subscription.getString("status");
    if (!status.equals("ACTIVE") && !status.equals("SUSPENDED")) {
      return unprocessable(
          "SUBSCRIPTION_STATUS_INVALID",
          "Invalid subscription status for cancel action; subscription status should be"
              + " active or suspended.");
    }
    subscription
        .put("status", "CANCELLED")
        .put("status_change_note", reason)
        .put("status_update_time", secondsNow());
    return Answer.empty(204);
  }

  private synchronized Answer refund(ApiCall call, String paymentId, boolean capture) {
    String requestId = call.header("PayPal-Request-Id");
    if (capture && captureRefunds.knows(paymentId)) {
      return captureRefunds.refund(
          call,
          paymentId,
          refundsByPayment.containsKey(paymentId),
          id -> refunds.add(new Refund(id, paymentId, true, requestId)));
    }
    Refund earlier = requestId == null ? null : refundsByRequestId.get(requestId);
    if (earlier != null) {
      return json(201, refundAnswer(earlier));
    }
    if (refundsByPayment.containsKey(paymentId)) {
      return capture
          ? unprocessable("CAPTURE_FULLY_REFUNDED", "The capture has already been fully refunded")
          : json(
              400,
              new JsonObject()
                  .put("name", "TRANSACTION_ALREADY_REFUNDED")
                  .put(
                      "message",
                      "Refund transaction refused - this transaction has already been refunded.")
                  .put("debug_id", RandomIds.hex(13)));
    }
    Refund refund = new Refund(randomId(17), paymentId, capture, requestId);
    refunds.add(refund);
    refundsByPayment.put(paymentId, refund);
    if (requestId != null) {
      refundsByRequestId.put(requestId, refund);
    }
    resources.put((capture ? CAPTURE_REFUNDS : SALE_REFUNDS) + refund.id(), refundAnswer(refund));
    return json(201, refundAnswer(refund));
  }

  private JsonObject refundAnswer(Refund refund) {
    JsonObject answer = new JsonObject().put("id", refund.id());
    if (refund.capture()) {
      answer
          .put("status", "COMPLETED")
          .put(
              "links",
              new JsonArray()
                  .add(link(apiHost() + "/v2/payments/refunds/" + refund.id(), "self", "GET"))
                  .add(
                      link(
                          apiHost() + "/v2/payments/captures/" + refund.paymentId(), "up", "GET")));
    } else {
      answer
          .put("state", "completed")
          .put("sale_id", refund.paymentId())
          .put("create_time", secondsNow())
          .put(
              "links",
              new JsonArray()
                  .add(link(apiHost() + "/v1/payments/refund/" + refund.id(), "self", "GET"))
                  .add(link(apiHost() + "/v1/payments/sale/" + refund.paymentId(), "sale", "GET")));
    }
    return answer;
  }

  static Answer json(int status, JsonObject body) {
    return Answer.of(status, "application/json", body.encode());
  }

  private static Answer notFound() {
    return json(
        404,
        new JsonObject()
            .put("name", "RESOURCE_NOT_FOUND")
            .put("message", "The specified resource does not exist.")
            .put("debug_id", RandomIds.hex(13))
            .put(
                "details",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("issue", "INVALID_RESOURCE_ID")
                            .put("description", "Requested resource ID was not found."))));
  }

  static Answer malformedRequest() {
    return json(
        400,
        new JsonObject()
            .put("name", "INVALID_REQUEST")
            .put(
                "message",
                "Request is not well-formed, syntactically incorrect, or violates schema.")
            .put("debug_id", RandomIds.hex(13)));
  }

  static Answer unprocessable(String issue, String description) {
    return json(
        422,
        new JsonObject()
            .put("name", "UNPROCESSABLE_ENTITY")
            .put(
                "message",
                "The requested action could not be performed, semantically incorrect, or failed"
                    + " business validation.")
            .put("debug_id", RandomIds.hex(13))
            .put(
                "details",
                new JsonArray()
                    .add(new JsonObject().put("issue", issue).put("description", description))));
  }

  // ---- shapes

  private JsonObject v1Refund(String refundId, String saleId, String value, String currency) {
    String code = currency.toUpperCase(Locale.ROOT);
    String now = secondsNow();
    return new JsonObject()
        .put("id", refundId)
        .put("state", "completed")
        .put("amount", new JsonObject().put("total", value).put("currency", code))
        .put("sale_id", saleId)
        .put("parent_payment", "PAYID-" + randomId(24))
        .put("create_time", now)
        .put("update_time", now)
        .put(
            "links",
            new JsonArray()
                .add(link(apiHost() + "/v1/payments/refund/" + refundId, "self", "GET")));
  }

  private JsonObject subscriptionResource(String subscriptionId, String status, String customId) {
    String now = secondsNow();
    JsonObject subscription =
        new JsonObject()
            .put("id", subscriptionId)
            .put("plan_id", "P-" + randomId(24))
            .put("status", status)
            .put("status_update_time", now)
            .put("start_time", now)
            .put("quantity", "1")
            .put(
                "subscriber",
                new JsonObject()
                    .put(
                        "name", new JsonObject().put("given_name", "Jenny").put("surname", "Rosen"))
                    .put("email_address", "jenny.rosen@example.com")
                    .put("payer_id", randomId(13)))
            .put(
                "billing_info",
                new JsonObject()
                    .put("outstanding_balance", money("0.00", "USD"))
                    .put("failed_payments_count", 0))
            .put("create_time", now)
            .put("update_time", now)
            .put(
                "links",
                new JsonArray()
                    .add(
                        link(
                            apiHost() + "/v1/billing/subscriptions/" + subscriptionId,
                            "self",
                            "GET")));
    if (customId != null) {
      subscription.put("custom_id", customId);
    }
    return subscription;
  }

  private static String statusOf(String eventType) {
    return switch (eventType) {
      case "BILLING.SUBSCRIPTION.SUSPENDED" -> "SUSPENDED";
      case "BILLING.SUBSCRIPTION.EXPIRED" -> "EXPIRED";
      default -> "CANCELLED";
    };
  }

  private String apiHost() {
    return SANDBOX.equals(environment)
        ? "https://api.sandbox.paypal.com"
        : "https://api.paypal.com";
  }

  /** Zero in the currency's notation: {@code 0} for JPY, {@code 0.00} for USD. */
  private static String zero(String currency) {
    int digits = java.util.Currency.getInstance(currency).getDefaultFractionDigits();
    return digits <= 0 ? "0" : "0." + "0".repeat(digits);
  }

  static JsonObject money(String value, String currency) {
    return new JsonObject().put("currency_code", currency).put("value", value);
  }

  static JsonObject link(String href, String rel, String method) {
    return new JsonObject().put("href", href).put("rel", rel).put("method", method);
  }

  static String secondsNow() {
    return transmissionTime(Instant.now());
  }

  private static String randomId(int length) {
    return RandomIds.of(RandomIds.UPPER_ALPHANUMERIC, length);
  }
}
