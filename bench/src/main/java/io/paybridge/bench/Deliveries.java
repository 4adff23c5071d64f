package io.paybridge.bench;

import io.paybridge.bench.TenantSetup.Tenant;
import io.paybridge.testkit.RandomIds;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * The webhooks of a phase, built before it starts so that building them costs the timed phase
 * nothing: {@code payment_intent.succeeded} events byte for byte as Stripe sends them to an
 * endpoint on API version 2024-06-20 (about 2.1 KB each), spread at random over the tenants, with
 * event ids and payment intent ids unique across the whole run, random amounts, currencies and
 * customers, and fresh object ids of Stripe's shape.
 *
 * <p>Bodies are not signed here: Stripe's signature carries a timestamp that must lie within 300 s
 * of arrival, so the load generator signs each one as it sends it, as Stripe does; an HMAC-SHA256
 * over 2 KB costs microseconds.
 */
final class Deliveries {

  /** One webhook to deliver: the tenant whose URL and secret it uses, and its body. */
  record Delivery(Tenant tenant, String body) {}

  private static final String[] CURRENCIES = {"usd", "usd", "usd", "eur", "gbp"};

  /**
   * A {@code payment_intent.succeeded} event for a one-time card payment captured in full, as
   * Stripe prints it; {@link #body} fills in what differs from one webhook to the next.
   */
  private static final JsonObject EVENT =
      new JsonObject(
          """
          {
            "id" : "evt_1",
            "object" : "event",
            "api_version" : "2024-06-20",
            "created" : 1796625263,
            "data" : {
              "object" : {
                "id" : "pi_1",
                "object" : "payment_intent",
                "amount" : 4200,
                "amount_details" : {
                  "tip" : { }
                },
                "application" : null,
                "application_fee_amount" : null,
                "automatic_payment_methods" : {
                  "allow_redirects" : "always",
                  "enabled" : true
                },
                "canceled_at" : null,
                "cancellation_reason" : null,
                "client_secret" : "pi_1_secret_b8nZyBtxHnf3YrsOuzdcKxI8t",
                "confirmation_method" : "automatic",
                "created" : 1796625261,
                "currency" : "usd",
                "customer" : "cus_aLdBvGEBXraIoDptoK3PPg7V",
                "description" : null,
                "last_payment_error" : null,
                "livemode" : false,
                "metadata" : {
                  "customer_ref" : "cust-1"
                },
                "next_action" : null,
                "on_behalf_of" : null,
                "payment_method" : "pm_qVTwTZYiHzLpMTseyevAiLYu",
                "payment_method_configuration_details" : null,
                "payment_method_options" : {
                  "card" : {
                    "installments" : null,
                    "mandate_options" : null,
                    "network" : null,
                    "request_three_d_secure" : "automatic"
                  }
                },
                "payment_method_types" : [ "card" ],
                "processing" : null,
                "receipt_email" : "jenny.rosen@example.com",
                "review" : null,
                "setup_future_usage" : null,
                "shipping" : null,
                "source" : null,
                "statement_descriptor" : null,
                "statement_descriptor_suffix" : null,
                "transfer_data" : null,
                "transfer_group" : null,
                "amount_capturable" : 0,
                "amount_received" : 4200,
                "capture_method" : "automatic_async",
                "latest_charge" : "ch_iumUGu98UXnIO1en3ZgRFNiV",
                "status" : "succeeded",
                "invoice" : null
              }
            },
            "livemode" : false,
            "pending_webhooks" : 1,
            "request" : {
              "id" : "req_dLFyW7xikbU1rmyepW2AGvmr",
              "idempotency_key" : "2fc42b48-f82c-447e-a37f-ddf0d34cf692"
            },
            "type" : "payment_intent.succeeded"
          }
          """);

  private final List<Tenant> tenants;
  private final String run;
  private final AtomicLong sequence = new AtomicLong();

  Deliveries(List<Tenant> tenants, String run) {
    this.tenants = List.copyOf(tenants);
    this.run = run;
  }

  /** Builds {@code count} fresh deliveries, on all cores. */
  List<Delivery> next(int count) {
    long first = sequence.getAndAdd(count);
    return IntStream.range(0, count).parallel().mapToObj(i -> build(first + i)).toList();
  }

  /**
   * A sample body, for the pgbench script's raw_body column (the same size and compressibility).
   */
  static String sampleBody() {
    return body("evt_" + "0".repeat(22), "pi_" + "0".repeat(22), 4200, "usd", "cust-1");
  }

  private Delivery build(long n) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    Tenant tenant = tenants.get(random.nextInt(tenants.size()));
    String id = run + String.format("%016d", n);
    String body =
        body(
            "evt_" + id,
            "pi_" + id,
            random.nextLong(100, 100_000),
            CURRENCIES[random.nextInt(CURRENCIES.length)],
            "cust-" + random.nextInt(1, 1_000));
    return new Delivery(tenant, body);
  }

  /** The event of one payment, with fresh ids for the objects Stripe creates along with it. */
  private static String body(
      String eventId,
      String paymentIntentId,
      long amountMinor,
      String currency,
      String customerRef) {
    long now = Instant.now().getEpochSecond();
    JsonObject event = EVENT.copy().put("id", eventId).put("created", now);
    event
        .getJsonObject("request")
        .put("id", stripeId("req_"))
        .put("idempotency_key", UUID.randomUUID().toString());
    JsonObject intent =
        event
            .getJsonObject("data")
            .getJsonObject("object")
            .put("id", paymentIntentId)
            .put("amount", amountMinor)
            .put("amount_received", amountMinor)
            .put("client_secret", paymentIntentId + "_secret_" + RandomIds.alphanumeric(25))
            .put("created", now - 2)
            .put("currency", currency)
            .put("customer", stripeId("cus_"))
            .put("payment_method", stripeId("pm_"))
            .put("latest_charge", stripeId("ch_"));
    intent.getJsonObject("metadata").put("customer_ref", customerRef);
    return event.encodePrettily();
  }

  /** An object id in Stripe's style: a type prefix and 24 random letters and digits. */
  private static String stripeId(String prefix) {
    return prefix + RandomIds.alphanumeric(24);
  }
}
