package io.paybridge.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One row of a plugin's events table: an event type that the gateway's setup (Paybridge's docs or
 * the gateway's own) tells a merchant to subscribe to, and what Paybridge does with it. The console
 * and the docs show the table; a tenant subscribes to exactly the types that book.
 *
 * @param eventType the gateway's event type as it arrives (for gateways without types, the status
 *     or notification name the plugin reports as {@link ParsedWebhook#eventType()})
 * @param action what Paybridge does with it
 * @param what for {@code BOOKS}: which kind and under which ledger key; for {@code FOLLOWS_UP}:
 *     what Paybridge asks the gateway; for {@code HOLDS} and {@code IGNORES}: why
 */
public record EventRule(String eventType, Action action, String what) {

  /** What a delivery of the type leads to. */
  public enum Action {
    /** Books one or more ledger entries (or holds when it needs what the tenant has not given). */
    BOOKS,
    /** Cannot be booked without something the tenant must add; kept and booked once they do. */
    HOLDS,
    /** Acknowledged and kept as a receipt with this reason; books nothing. */
    IGNORES,
    /**
     * Books nothing itself, but asks the gateway for a follow-up on one of the tenant's checkouts
     * (a capture once a payment is authorized, a cancellation once a fraud review rejects it); the
     * money it leads to books from the gateway's own events. Subscribed to, like {@code BOOKS}.
     */
    FOLLOWS_UP
  }

  public EventRule {
    Objects.requireNonNull(eventType, "eventType");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(what, "what");
  }

  public static EventRule books(String eventType, String what) {
    return new EventRule(eventType, Action.BOOKS, what);
  }

  public static EventRule ignores(String eventType, String why) {
    return new EventRule(eventType, Action.IGNORES, why);
  }

  public static EventRule followsUp(String eventType, String what) {
    return new EventRule(eventType, Action.FOLLOWS_UP, what);
  }

  public static EventRule holds(String eventType, String why) {
    return new EventRule(eventType, Action.HOLDS, why);
  }

  /**
   * Rows of one action, one per event type in the given order, each saying what {@code what} holds
   * for its type.
   *
   * @throws NullPointerException when {@code what} says nothing for one of the types
   */
  public static List<EventRule> each(
      Action action, List<String> eventTypes, Map<String, String> what) {
    List<EventRule> rules = new ArrayList<>(eventTypes.size());
    for (String eventType : eventTypes) {
      rules.add(new EventRule(eventType, action, what.get(eventType)));
    }
    return List.copyOf(rules);
  }
}
