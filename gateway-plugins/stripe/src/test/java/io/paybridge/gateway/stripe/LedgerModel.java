package io.paybridge.gateway.stripe;

import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ledger's rule in miniature, for tests that feed deliveries in different orders: entries are
 * unique by entry key and the first one booked under a key stays ({@code ON CONFLICT DO NOTHING}),
 * whichever delivery carried it.
 */
final class LedgerModel {

  private final Map<String, PaymentEvent> entries = new LinkedHashMap<>();

  /** Books what a delivery carries; returns the entries that were new. */
  List<PaymentEvent> book(ParsedWebhook delivery) {
    List<PaymentEvent> booked = new ArrayList<>();
    for (PaymentEvent e : delivery.events()) {
      if (entries.putIfAbsent(e.entryKey(), e) == null) {
        booked.add(e);
      }
    }
    return booked;
  }

  List<PaymentEvent> entries() {
    return List.copyOf(entries.values());
  }

  /** The sum of the entries that count toward a balance, by currency. */
  Map<String, Long> balances() {
    Map<String, Long> sums = new TreeMap<>();
    for (PaymentEvent e : entries.values()) {
      if (e.kind().countsTowardBalance()) {
        sums.merge(e.currency(), e.amountMinor(), Long::sum);
      }
    }
    return sums;
  }
}
