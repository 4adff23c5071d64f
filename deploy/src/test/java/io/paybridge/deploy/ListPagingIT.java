package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The list convention on a whole node with 2,500 payments booked from Stripe's webhooks: paging
 * forwards with {@code starting_after} and backwards with {@code ending_before}, filtered by
 * gateway, currency, customer and created range, returns each matching payment exactly once, in a
 * stable order, while new payments keep arriving; and the receipts of those deliveries page the
 * same way.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListPagingIT {

  private static final int PAYMENTS = 2_500;
  private static final List<String> CURRENCIES = List.of("usd", "eur", "jpy");

  private TestNode node;
  private Tenant tenant;
  private StripeSimulator stripe;
  private String url;

  /** What was sent: payment intent → currency and customer. */
  private final Map<String, String[]> sent = new HashMap<>();

  @BeforeAll
  void start() {
    node = TestNode.start("lists");
    tenant = Tenant.signUp(node);
    String secret = StripeSimulator.newWebhookSecret();
    url =
        node.baseUrl()
            + Tenant.hookPath(
                tenant.connect("stripe", new JsonObject().put("webhookSecret", secret)));
    stripe = new StripeSimulator(secret);
    deliver(0, PAYMENTS, true);
    assertThat(node.count("SELECT count(*) FROM ledger_entries")).isEqualTo(PAYMENTS);
  }

  @AfterAll
  void stop() {
    node.close();
  }

  /** Books payments {@code from} to {@code to} through the webhook route, 32 at a time. */
  private void deliver(int from, int to, boolean remember) {
    for (int batch = from; batch < to; batch += 32) {
      List<Future<HttpResponse<Buffer>>> sending = new ArrayList<>();
      for (int i = batch; i < Math.min(to, batch + 32); i++) {
        String intent = "pi_list" + i;
        String currency = CURRENCIES.get(i % CURRENCIES.size());
        String customer = "c" + (i % 7);
        if (remember) {
          sent.put(intent, new String[] {currency.toUpperCase(), customer});
        }
        sending.add(
            stripe.post(
                node.http,
                url,
                stripe.paymentIntentSucceeded(
                    "evt_list" + i, intent, 100 + i, currency, customer)));
      }
      await(Future.all(sending))
          .list()
          .forEach(r -> assertThat(((HttpResponse<?>) r).statusCode()).isEqualTo(200));
    }
  }

  private JsonObject page(String query) {
    HttpResponse<Buffer> r = await(tenant.get("/api/v1/payments" + query).send());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  /**
   * Every payment the filter selects, paging forwards; new payments arrive after the first page.
   */
  private List<JsonObject> forwards(String filter, int limit, boolean arriving) {
    List<JsonObject> seen = new ArrayList<>();
    String after = null;
    boolean more;
    int pages = 0;
    do {
      JsonObject page =
          page("?limit=" + limit + filter + (after == null ? "" : "&starting_after=" + after));
      JsonArray data = page.getJsonArray("data");
      data.forEach(o -> seen.add((JsonObject) o));
      more = page.getBoolean("has_more");
      if (more) {
        assertThat(data).hasSize(limit);
        after = data.getJsonObject(data.size() - 1).getString("id");
      }
      if (arriving && pages++ == 0) {
        deliver(PAYMENTS, PAYMENTS + 40, false);
      }
    } while (more);
    return seen;
  }

  /** Every payment the filter selects, paging backwards from the oldest. */
  private List<JsonObject> backwards(String filter, int limit, String beforeOldest) {
    List<JsonObject> seen = new ArrayList<>();
    String before = beforeOldest;
    boolean more;
    do {
      JsonObject page = page("?limit=" + limit + filter + "&ending_before=" + before);
      JsonArray data = page.getJsonArray("data");
      List<JsonObject> items = new ArrayList<>();
      data.forEach(o -> items.add((JsonObject) o));
      Collections.reverse(items);
      seen.addAll(items);
      more = page.getBoolean("has_more");
      if (!items.isEmpty()) {
        before = items.get(items.size() - 1).getString("id");
      }
    } while (more);
    Collections.reverse(seen);
    return seen;
  }

  private static List<String> ids(List<JsonObject> payments) {
    return payments.stream().map(p -> p.getString("id")).toList();
  }

  private long expected(java.util.function.Predicate<String[]> filter) {
    return sent.values().stream().filter(filter).count();
  }

  private static void assertNewestFirstOnce(List<JsonObject> payments) {
    List<Long> ids = payments.stream().map(p -> Long.parseLong(p.getString("id"))).toList();
    assertThat(new HashSet<>(ids)).hasSameSizeAs(ids);
    List<Long> sorted = new ArrayList<>(ids);
    sorted.sort(Collections.reverseOrder());
    assertThat(ids).isEqualTo(sorted);
  }

  @Test
  void everyPaymentIsPagedExactlyOnceWhileNewOnesArrive() {
    // WHEN the payments are paged forwards, 40 new ones arriving after the first page
    List<JsonObject> all = forwards("&gateway=stripe", 100, true);

    // THEN each of the 2,500 came exactly once, newest first, and none of the arrivals
    assertNewestFirstOnce(all);
    Set<String> intents = new HashSet<>();
    all.forEach(p -> intents.add(p.getString("externalPaymentId")));
    assertThat(intents).isEqualTo(sent.keySet());
    assertThat(all).hasSize(PAYMENTS);

    // AND the arrivals are the newest, before everything that was paged
    List<JsonObject> now = forwards("", 77, false);
    assertThat(now).hasSize(PAYMENTS + 40);
    assertThat(ids(now.subList(40, now.size()))).isEqualTo(ids(all));

    // AND paging backwards from the oldest returns the same payments in the same order
    String oldest = now.get(now.size() - 1).getString("id");
    List<JsonObject> back = backwards("", 77, oldest);
    assertThat(ids(back)).isEqualTo(ids(now.subList(0, now.size() - 1)));
  }

  @Test
  void filtersNarrowEveryPageAndCombine() {
    List<JsonObject> euros = forwards("&currency=EUR", 100, false);
    List<JsonObject> customer = forwards("&currency=usd&customerRef=c3", 33, false);

    assertNewestFirstOnce(euros);
    assertThat(euros).allMatch(p -> "EUR".equals(p.getString("currency")));
    assertThat((long) euros.size())
        .isEqualTo(expected(s -> s[0].equals("EUR")) + arrivalsIn("eur", null));
    assertNewestFirstOnce(customer);
    assertThat(customer)
        .allMatch(
            p -> "USD".equals(p.getString("currency")) && "c3".equals(p.getString("customerRef")));
    assertThat((long) customer.size())
        .isEqualTo(
            expected(s -> s[0].equals("USD") && s[1].equals("c3")) + arrivalsIn("usd", "c3"));

    // the created range splits the list in two that together hold each payment once
    List<JsonObject> all = forwards("", 100, false);
    String middle = all.get(all.size() / 2).getString("recordedAt");
    List<JsonObject> before = forwards("&createdTo=" + middle, 100, false);
    List<JsonObject> after = forwards("&createdFrom=" + middle, 100, false);
    Set<String> union = new HashSet<>(ids(before));
    union.addAll(ids(after));
    assertThat(before.size() + after.size()).isEqualTo(all.size());
    assertThat(union).containsExactlyInAnyOrderElementsOf(ids(all));
    Instant split = Instant.parse(middle);
    assertThat(before).allMatch(p -> Instant.parse(p.getString("recordedAt")).isBefore(split));
    assertThat(after).noneMatch(p -> Instant.parse(p.getString("recordedAt")).isBefore(split));

    // and paging backwards through a filter gives the same payments as forwards
    String oldestEuro = euros.get(euros.size() - 1).getString("id");
    List<JsonObject> eurosBack = backwards("&currency=EUR", 64, oldestEuro);
    assertThat(ids(eurosBack)).isEqualTo(ids(euros.subList(0, euros.size() - 1)));
  }

  /** Payments of the 40 sent while paging (none when that test has not run yet). */
  private long arrivalsIn(String currency, String customer) {
    long count = 0;
    if (node.count("SELECT count(*) FROM ledger_entries") > PAYMENTS) {
      for (int i = PAYMENTS; i < PAYMENTS + 40; i++) {
        if (CURRENCIES.get(i % CURRENCIES.size()).equals(currency)
            && (customer == null || customer.equals("c" + (i % 7)))) {
          count++;
        }
      }
    }
    return count;
  }

  @Test
  void receiptsPageTheSameWay() {
    List<String> seen = new ArrayList<>();
    String after = null;
    boolean more;
    do {
      HttpResponse<Buffer> r =
          await(
              tenant
                  .get(
                      "/api/v1/receipts?limit=100&verdict=recorded"
                          + (after == null ? "" : "&starting_after=" + after))
                  .send());
      JsonObject page = r.bodyAsJsonObject();
      JsonArray data = page.getJsonArray("data");
      data.forEach(o -> seen.add(((JsonObject) o).getString("eventId")));
      more = page.getBoolean("has_more");
      after = data.isEmpty() ? after : data.getJsonObject(data.size() - 1).getString("id");
    } while (more);

    assertThat(new HashSet<>(seen)).hasSameSizeAs(seen);
    assertThat(seen).hasSize((int) node.count("SELECT count(*) FROM webhook_receipts"));
  }
}
