package io.paybridge.gateway.appstore;

import io.paybridge.spi.EventRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The App Store events table: every App Store Server Notifications V2 {@code notificationType},
 * what Paybridge does with it, and, subtype by subtype, why what books nothing books nothing. Apple
 * sends every type to the one URL set in App Store Connect; there is nothing to subscribe to.
 */
final class AppStoreEvents {

  private AppStoreEvents() {}

  /** What the booking types book. */
  private static final Map<String, String> BOOKS = books();

  /** Why the other types book nothing. */
  private static final Map<String, String> IGNORES = ignores();

  /** Why a subtype of a type books nothing, by {@code TYPE/SUBTYPE} ({@code TYPE/} for none). */
  private static final Map<String, String> SUBTYPES = subtypes();

  private static Map<String, String> books() {
    Map<String, String> rows = new LinkedHashMap<>();
    rows.put(
        "SUBSCRIBED",
        "INITIAL_BUY and RESUBSCRIBE: PAYMENT of the transaction's price that starts the"
            + " subscription, ledger key txn:<transactionId>");
    rows.put(
        "DID_RENEW",
        "RECURRING_CHARGED of the renewal transaction's price (also with subtype"
            + " BILLING_RECOVERY), ledger key txn:<transactionId>");
    rows.put(
        "ONE_TIME_CHARGE",
        "PAYMENT of a consumable, non-consumable or non-renewing subscription, ledger key"
            + " txn:<transactionId>");
    rows.put(
        "OFFER_REDEEMED",
        "INITIAL_BUY and RESUBSCRIBE: PAYMENT, UPGRADE: RECURRING_CHARGED, of the transaction's"
            + " (discounted) price, ledger key txn:<transactionId>; DOWNGRADE and no subtype"
            + " take effect at the next renewal, which DID_RENEW books");
    rows.put(
        "DID_CHANGE_RENEWAL_PREF",
        "UPGRADE: RECURRING_CHARGED of the new transaction's price, charged at once, ledger key"
            + " txn:<transactionId>; DOWNGRADE and no subtype change only the next renewal, which"
            + " DID_RENEW books");
    rows.put(
        "REFUND",
        "REFUND (negative) of the transaction's price, or of its revocationPercentage for a"
            + " prorated refund, ledger key refund:<transactionId>");
    rows.put(
        "REFUND_REVERSED",
        "the refund (negative, ledger key refund:<transactionId>, booked once whichever of"
            + " REFUND and REFUND_REVERSED arrives first) and its reversal REFUND_REVERSED"
            + " (positive, ledger key refund_reversal:<transactionId>), so the ledger nets to"
            + " zero in either order");
    rows.put(
        "EXPIRED",
        "RECURRING_CANCELLED of the subscription (subtypes VOLUNTARY, BILLING_RETRY,"
            + " PRICE_INCREASE, PRODUCT_NOT_FOR_SALE alike), ledger key ended:<transactionId>");
    rows.put(
        "GRACE_PERIOD_EXPIRED",
        "RECURRING_CANCELLED: the billing grace period ended without a renewal, ledger key"
            + " ended:<transactionId>");
    rows.put(
        "REVOKE",
        "RECURRING_CANCELLED of a Family Sharing member's subscription, ledger key"
            + " ended:<transactionId>; no money moves (the purchaser's own transaction carries"
            + " it)");
    return Map.copyOf(rows);
  }

  private static Map<String, String> ignores() {
    Map<String, String> rows = new LinkedHashMap<>();
    rows.put(
        "DID_CHANGE_RENEWAL_STATUS",
        "the customer (or Apple, after a refund request) turned auto-renew off"
            + " (AUTO_RENEW_DISABLED) or on (AUTO_RENEW_ENABLED): no money moved; the subscription"
            + " runs to its period end, and EXPIRED books its end");
    rows.put(
        "DID_FAIL_TO_RENEW",
        "the renewal charge failed for a billing issue and Apple keeps retrying (with subtype"
            + " GRACE_PERIOD the customer keeps access meanwhile): no money moved; DID_RENEW with"
            + " BILLING_RECOVERY books the charge if Apple collects it, EXPIRED or"
            + " GRACE_PERIOD_EXPIRED ends the subscription");
    rows.put(
        "PRICE_INCREASE",
        "Apple told the customer of a price increase (PENDING: waiting for consent, ACCEPTED:"
            + " consented or notified): no money moves now; DID_RENEW books the new price when"
            + " it is charged");
    rows.put(
        "REFUND_DECLINED",
        "Apple declined the customer's refund request: no money moved, the purchase stands");
    rows.put(
        "CONSUMPTION_REQUEST",
        "the customer asked Apple for a refund and Apple asks for consumption data within 12"
            + " hours (send it with the App Store Server API's Send Consumption Information);"
            + " no money moved yet: REFUND or REFUND_DECLINED follows");
    rows.put(
        "RENEWAL_EXTENDED",
        "Apple extended the subscription's renewal date at the developer's request: free time,"
            + " no money moved");
    rows.put(
        "RENEWAL_EXTENSION",
        "the outcome of a mass renewal-date extension (SUMMARY: the extension finished,"
            + " FAILURE: it failed for this subscription): free time, no money moved");
    rows.put(
        "EXTERNAL_PURCHASE_TOKEN",
        "Apple created or reminds of an external purchase token (UNREPORTED, CREATED,"
            + " ACTIVE_TOKEN_REMINDER): the purchase happened outside the App Store, so no money"
            + " moved through Apple; report it with the External Purchase Server API");
    rows.put(
        "TEST",
        "App Store Connect's test notification (Request a Test Notification): it shows the URL"
            + " receives notifications; nothing to book");
    rows.put(
        "RESCIND_CONSENT",
        "a parent or guardian withdrew consent for the app (Declared Age Range): no money moved;"
            + " the app must stop serving the child's account");
    rows.put(
        "METADATA_UPDATE",
        "an Advanced Commerce API subscription's metadata (its descriptions) changed: no money"
            + " moved");
    rows.put(
        "MIGRATION",
        "a subscription was migrated to the Advanced Commerce API: no money moved; its renewals"
            + " book as DID_RENEW");
    rows.put(
        "PRICE_CHANGE",
        "an Advanced Commerce API subscription's price change was scheduled or applied: no money"
            + " moves now; DID_RENEW books what Apple charges");
    return Map.copyOf(rows);
  }

  private static Map<String, String> subtypes() {
    Map<String, String> rows = new LinkedHashMap<>();
    String downgrade =
        "the change takes effect at the next renewal date, so no money moves now; DID_RENEW books"
            + " the new price when it is charged";
    rows.put(
        "OFFER_REDEEMED/DOWNGRADE", "the customer redeemed an offer to downgrade: " + downgrade);
    rows.put(
        "OFFER_REDEEMED/",
        "the customer redeemed an offer for their active subscription, which applies from its next"
            + " renewal: no money moves now; DID_RENEW books the discounted price");
    rows.put("DID_CHANGE_RENEWAL_PREF/DOWNGRADE", "the customer downgraded: " + downgrade);
    rows.put(
        "DID_CHANGE_RENEWAL_PREF/",
        "the customer went back to their current plan, cancelling a pending downgrade: no money"
            + " moved");
    return Map.copyOf(rows);
  }

  /** The table, booking rows first, then the rest, in Apple's order. */
  static List<EventRule> table() {
    List<EventRule> rules = new ArrayList<>();
    rules.addAll(
        EventRule.each(
            EventRule.Action.BOOKS,
            List.of(
                "SUBSCRIBED",
                "DID_RENEW",
                "ONE_TIME_CHARGE",
                "OFFER_REDEEMED",
                "DID_CHANGE_RENEWAL_PREF",
                "REFUND",
                "REFUND_REVERSED",
                "EXPIRED",
                "GRACE_PERIOD_EXPIRED",
                "REVOKE"),
            BOOKS));
    rules.addAll(
        EventRule.each(
            EventRule.Action.IGNORES,
            List.of(
                "DID_CHANGE_RENEWAL_STATUS",
                "DID_FAIL_TO_RENEW",
                "PRICE_INCREASE",
                "REFUND_DECLINED",
                "CONSUMPTION_REQUEST",
                "RENEWAL_EXTENDED",
                "RENEWAL_EXTENSION",
                "EXTERNAL_PURCHASE_TOKEN",
                "TEST",
                "RESCIND_CONSENT",
                "METADATA_UPDATE",
                "MIGRATION",
                "PRICE_CHANGE"),
            IGNORES));
    return List.copyOf(rules);
  }

  /**
   * Why a notification of a type (and subtype, or {@code null}) that books nothing books nothing,
   * starting with the type, e.g. {@code "REFUND_DECLINED: Apple declined …"} or {@code
   * "DID_FAIL_TO_RENEW: subtype GRACE_PERIOD: the renewal …"}.
   */
  static String ignoredReason(String type, String subtype) {
    String sub = subtype == null ? "" : subtype;
    String why = SUBTYPES.get(type + "/" + sub);
    if (why == null) {
      why = IGNORES.get(type);
    }
    if (why == null) {
      return type
          + ": not a notification type Apple documented when this plugin was written; nothing"
          + " booked. Paybridge needs an update to act on it";
    }
    return type + ": " + (sub.isEmpty() ? "" : "subtype " + sub + ": ") + why;
  }
}
