package io.paybridge.bench;

import io.paybridge.bench.TenantSetup.Tenant;
import io.paybridge.gateway.stripe.StripeSimulator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * The webhooks of a phase, built before it starts so that building them costs the timed phase
 * nothing: {@code payment_intent.succeeded} events from the Stripe simulator, byte for byte what
 * Stripe sends (about 2.5 KB each), spread at random over the tenants, with event ids and payment
 * intent ids unique across the whole run and random amounts, currencies and customers.
 *
 * <p>Bodies are not signed here: Stripe's signature carries a timestamp that must lie within 300 s
 * of arrival, so the load generator signs each one as it sends it, as Stripe does; an HMAC-SHA256
 * over 2.5 KB costs microseconds.
 */
final class Deliveries {

  /** One webhook to deliver: the tenant whose URL and secret it uses, and its body. */
  record Delivery(Tenant tenant, String body) {}

  private static final String[] CURRENCIES = {"usd", "usd", "usd", "eur", "gbp"};

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
    return new StripeSimulator(StripeSimulator.newWebhookSecret())
        .paymentIntentSucceeded(
            "evt_" + "0".repeat(22), "pi_" + "0".repeat(22), 4200, "usd", "cust-1");
  }

  private Delivery build(long n) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    Tenant tenant = tenants.get(random.nextInt(tenants.size()));
    String id = run + String.format("%016d", n);
    String body =
        tenant
            .stripe()
            .paymentIntentSucceeded(
                "evt_" + id,
                "pi_" + id,
                random.nextLong(100, 100_000),
                CURRENCIES[random.nextInt(CURRENCIES.length)],
                "cust-" + random.nextInt(1, 1_000));
    return new Delivery(tenant, body);
  }
}
