package io.paybridge.core.ledger;

import io.paybridge.core.usecase.Checks;
import io.paybridge.core.usecase.InvalidInput;
import io.paybridge.core.usecase.Page;
import io.paybridge.core.usecase.PageRequest;
import io.paybridge.spi.EventKind;
import io.vertx.core.Future;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * What a tenant reads of its ledger, through the API or the console: entries filtered by gateway,
 * kind and customer, newest first, and a customer's balance. One set of rules for the filters.
 */
public final class Payments {

  /** Most entries on one page. */
  public static final int MAX_LIMIT = 200;

  private final LedgerStore store;

  public Payments(LedgerStore store) {
    this.store = store;
  }

  /**
   * The filters of a listing, checked: {@code kind} one of {@link EventKind}, texts at most 255
   * characters; blank means no filter. Fails with {@link InvalidInput}.
   */
  public static LedgerStore.Filter filter(String gateway, String kind, String customerRef) {
    return filter(gateway, kind, customerRef, null, null, null, null);
  }

  /** The filters of a listing as {@link #filter(String, String, String)}, and a payment's id. */
  public static LedgerStore.Filter filter(
      String gateway, String kind, String customerRef, String paymentId) {
    return filter(gateway, kind, customerRef, null, null, null, paymentId);
  }

  /**
   * The filters of a listing, checked as {@link #filter(String, String, String)} does, and {@code
   * currency} an ISO 4217 code, the created range (recorded at or after {@code createdFrom}, before
   * {@code createdTo}) not empty. Fails with {@link InvalidInput}.
   */
  public static LedgerStore.Filter filter(
      String gateway,
      String kind,
      String customerRef,
      String currency,
      java.time.Instant createdFrom,
      java.time.Instant createdTo) {
    return filter(gateway, kind, customerRef, currency, createdFrom, createdTo, null);
  }

  /**
   * Every filter of a listing, checked as {@link #filter(String, String, String, String,
   * java.time.Instant, java.time.Instant)} does, and a payment's id at most 255 characters.
   */
  public static LedgerStore.Filter filter(
      String gateway,
      String kind,
      String customerRef,
      String currency,
      java.time.Instant createdFrom,
      java.time.Instant createdTo,
      String paymentId) {
    String p = blankToNull(paymentId);
    String g = blankToNull(gateway);
    String k = blankToNull(kind);
    String c = blankToNull(customerRef);
    String cur = blankToNull(currency);
    new Checks()
        .require(
            g == null || g.length() <= 255, "gateway", "'gateway' must be at most 255 characters")
        .require(
            k == null || Arrays.stream(EventKind.values()).anyMatch(e -> e.name().equals(k)),
            "kind",
            "'kind' must be one of " + Arrays.toString(EventKind.values()))
        .require(
            c == null || c.length() <= 255,
            "customerRef",
            "'customerRef' must be at most 255 characters")
        .require(
            cur == null || isCurrency(cur),
            "currency",
            "'currency' must be an ISO 4217 code such as EUR")
        .require(
            createdFrom == null || createdTo == null || createdFrom.isBefore(createdTo),
            "createdTo",
            "'createdTo' must be later than 'createdFrom'")
        .require(
            p == null || p.length() <= 255, "payment", "'payment' must be at most 255 characters")
        .throwIfAny();
    return new LedgerStore.Filter(
        g,
        k,
        c,
        cur == null ? null : cur.toUpperCase(java.util.Locale.ROOT),
        createdFrom,
        createdTo,
        p);
  }

  private static boolean isCurrency(String code) {
    try {
      return code.length() == 3 && io.paybridge.spi.Money.currency(code).equalsIgnoreCase(code);
    } catch (io.paybridge.spi.MalformedWebhookException e) {
      return false;
    }
  }

  /** Entries below {@code before} (all when {@code null}), newest first. */
  public Future<Page<Payment, Long>> list(
      UUID tenantId, LedgerStore.Filter filter, Long before, int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      return Future.failedFuture(
          InvalidInput.of("limit", "'limit' must be a whole number from 1 to " + MAX_LIMIT));
    }
    return list(tenantId, filter, new PageRequest<>(before, null, limit));
  }

  /** A page of entries, newest first, after or before the entry the request names. */
  public Future<Page<Payment, Long>> list(
      UUID tenantId, LedgerStore.Filter filter, PageRequest<Long> request) {
    if (request.limit() > MAX_LIMIT) {
      return Future.failedFuture(
          InvalidInput.of("limit", "'limit' must be a whole number from 1 to " + MAX_LIMIT));
    }
    return store.list(tenantId, request, filter);
  }

  /** A customer's balance per currency. */
  public Future<List<Balance>> balance(UUID tenantId, String customerRef) {
    return new Checks()
        .require(
            customerRef != null && !customerRef.isEmpty() && customerRef.length() <= 255,
            "customerRef",
            customerRef == null || customerRef.isEmpty()
                ? "'customerRef' is required"
                : "'customerRef' must be at most 255 characters")
        .verdict()
        .compose(v -> store.balance(tenantId, customerRef));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
