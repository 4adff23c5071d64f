package io.paybridge.gateway.googleplay;

import io.paybridge.spi.EventRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Google Play events table: what each notification Google Play publishes leads to, and why the
 * ones that book nothing book nothing. Rows are named as {@link PlayNotification#typeName()} names
 * the delivery's event type.
 */
final class PlayEvents {

  private PlayEvents() {}

  static final String VOIDED_PURCHASE = "VOIDED_PURCHASE";
  static final String TEST_NOTIFICATION = "TEST_NOTIFICATION";

  /** What the booking types book. */
  private static final Map<String, String> BOOKS = books();

  /** Why the other types book nothing, in the tenant's words. */
  private static final Map<String, String> IGNORES = ignores();

  private static Map<String, String> books() {
    Map<String, String> rows = new LinkedHashMap<>();
    rows.put(
        "SUBSCRIPTION_RECOVERED",
        "RECURRING_CHARGED of the order Google collected after a failed renewal, account hold or"
            + " pause, ledger key order:<latest successful order id>; the amount is the order's"
            + " total from the Play Developer API");
    rows.put(
        "SUBSCRIPTION_RENEWED",
        "RECURRING_CHARGED of the renewal order, ledger key order:<latest successful order id>;"
            + " the amount is the order's total from the Play Developer API");
    rows.put(
        "SUBSCRIPTION_CANCELED",
        "RECURRING_CANCELLED once the Play Developer API shows the subscription cancelled or"
            + " expired, ledger key cancel:<token digest>:3:<event time>");
    rows.put(
        "SUBSCRIPTION_PURCHASED",
        "PAYMENT of the signup order, ledger key order:<signup order id>; the amount is the"
            + " order's total from the Play Developer API (a $0 trial books nothing)");
    rows.put(
        "SUBSCRIPTION_REVOKED",
        "RECURRING_CANCELLED once the Play Developer API shows the subscription ended, ledger key"
            + " cancel:<token digest>:12:<event time>; the refund that usually comes with it is"
            + " booked by VOIDED_PURCHASE");
    rows.put(
        "SUBSCRIPTION_EXPIRED",
        "RECURRING_CANCELLED once the Play Developer API shows the subscription expired, ledger"
            + " key cancel:<token digest>:13:<event time>");
    rows.put(
        "SUBSCRIPTION_ITEMS_CHANGED",
        "the order of each line item (base plan or add-on) as RECURRING_CHARGED, or PAYMENT for a"
            + " signup order, ledger key order:<order id>: a charge for the change books, an"
            + " order already booked does not book again");
    rows.put(
        "ONE_TIME_PRODUCT_PURCHASED",
        "PAYMENT of the purchase's order once the Play Developer API shows it paid, ledger key"
            + " order:<order id>");
    rows.put(
        VOIDED_PURCHASE,
        "REFUND (negative) of what the order's refund history shows returned: refund:<order id>"
            + " for a full refund (what partial refunds left), refund:<order id>:<created> per"
            + " partial refund");
    return Map.copyOf(rows);
  }

  private static Map<String, String> ignores() {
    Map<String, String> rows = new LinkedHashMap<>();
    rows.put(
        "SUBSCRIPTION_ON_HOLD",
        "the renewal payment failed and the subscription is on account hold: no money moved;"
            + " SUBSCRIPTION_RECOVERED books the charge if the buyer fixes the payment,"
            + " SUBSCRIPTION_EXPIRED or SUBSCRIPTION_CANCELED ends it");
    rows.put(
        "SUBSCRIPTION_IN_GRACE_PERIOD",
        "the renewal payment failed and the subscriber keeps access during the grace period: no"
            + " money moved yet; SUBSCRIPTION_RECOVERED books the charge if Google collects it");
    rows.put(
        "SUBSCRIPTION_RESTARTED",
        "the subscriber restored a cancelled subscription before it expired: no money moves now;"
            + " its next renewal books as SUBSCRIPTION_RENEWED");
    rows.put(
        "SUBSCRIPTION_PRICE_CHANGE_CONFIRMED",
        "the subscriber accepted a price change (a type Google has deprecated): no money moves"
            + " now; renewals book what Google actually charges");
    rows.put(
        "SUBSCRIPTION_DEFERRED",
        "the developer moved the next renewal date (deferred billing): no money moved");
    rows.put(
        "SUBSCRIPTION_PAUSED",
        "the subscription's pause took effect: no money moves while it is paused;"
            + " SUBSCRIPTION_RECOVERED or SUBSCRIPTION_RENEWED books the charge when it resumes");
    rows.put(
        "SUBSCRIPTION_PAUSE_SCHEDULE_CHANGED",
        "the subscriber scheduled, changed or cancelled a pause: no money moved");
    rows.put(
        "SUBSCRIPTION_CANCELLATION_SCHEDULED",
        "a cancellation was scheduled for a later date: no money moves now;"
            + " SUBSCRIPTION_CANCELED or SUBSCRIPTION_EXPIRED books the end when it takes effect");
    rows.put(
        "SUBSCRIPTION_PRICE_CHANGE_UPDATED",
        "the details of a price change were updated: no money moved; renewals book what Google"
            + " actually charges");
    rows.put(
        "SUBSCRIPTION_PENDING_PURCHASE_CANCELED",
        "a pending subscription purchase was cancelled before it was paid: no money was taken");
    rows.put(
        "SUBSCRIPTION_PRICE_STEP_UP_CONSENT_UPDATED",
        "the subscriber's consent to a price step-up was recorded, or its consent period began:"
            + " no money moved; renewals book what Google actually charges");
    rows.put(
        "ONE_TIME_PRODUCT_CANCELED",
        "the purchase was cancelled before payment (abandoned, or its pending payment declined);"
            + " nothing to book");
    rows.put(
        TEST_NOTIFICATION,
        "Play Console's test notification: it shows the Pub/Sub push reaches Paybridge; nothing to"
            + " book");
    return Map.copyOf(rows);
  }

  /** The table: every documented subscription type by number, one-time types, voided, test. */
  static List<EventRule> table() {
    List<String> types = new ArrayList<>();
    PlayNotification.subscriptionTypes().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> types.add(e.getValue()));
    PlayNotification.oneTimeTypes().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> types.add(e.getValue()));
    types.add(VOIDED_PURCHASE);
    types.add(TEST_NOTIFICATION);
    List<EventRule> rules = new ArrayList<>();
    for (String type : types) {
      if (BOOKS.containsKey(type)) {
        rules.add(EventRule.books(type, BOOKS.get(type)));
      } else if (IGNORES.containsKey(type)) {
        rules.add(EventRule.ignores(type, IGNORES.get(type)));
      } else {
        throw new IllegalStateException("the events table has no row for " + type);
      }
    }
    return List.copyOf(rules);
  }

  /** Why a notification that needs no API call books nothing, naming its type. */
  static String ignoredReason(PlayNotification n) {
    String type = n.typeName();
    String why = IGNORES.get(type);
    if (why != null) {
      return type + ": " + why;
    }
    if (n.kind() == PlayNotification.Kind.OTHER) {
      return type
          + ": the notification carries "
          + (n.otherMembers().isEmpty()
              ? "no notification member"
              : "only members this plugin does not know (" + n.otherMembers() + ")")
          + "; nothing booked. Paybridge needs an update to act on it";
    }
    return type
        + ": not a notification type Google documented when this plugin was written; nothing"
        + " booked. Paybridge needs an update to act on it";
  }
}
