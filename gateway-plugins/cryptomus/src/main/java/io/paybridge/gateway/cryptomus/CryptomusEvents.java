package io.paybridge.gateway.cryptomus;

import static io.paybridge.gateway.cryptomus.CryptomusPlugin.STATUS_PAID;
import static io.paybridge.gateway.cryptomus.CryptomusPlugin.STATUS_PAID_OVER;
import static io.paybridge.gateway.cryptomus.CryptomusPlugin.STATUS_REFUND_PAID;
import static io.paybridge.gateway.cryptomus.CryptomusPlugin.STATUS_WRONG_AMOUNT;

import io.paybridge.gateway.cryptomus.PhpJson.ObjectNode;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.EventRule;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Cryptomus's webhooks mean for the ledger: the events table of the statuses Cryptomus
 * documents, and the mapping of one webhook to a payment, a refund, or the reason it books nothing.
 * {@link CryptomusPlugin} explains the amounts and keys.
 */
final class CryptomusEvents {

  /** Appended to the dedupe key of a {@code paid_over} webhook sent before the invoice is final. */
  static final String NOT_FINAL = ":not_final";

  private static final String USD = "USD";

  /** Why each status Cryptomus documents books nothing, in the tenant's words. */
  private static final Map<String, String> IGNORED_STATUSES = ignoredStatuses();

  /** The events table: the statuses Cryptomus documents, in the order the docs show them. */
  static final List<EventRule> TABLE = eventRules();

  private CryptomusEvents() {}

  private static Map<String, String> ignoredStatuses() {
    Map<String, String> reasons = new LinkedHashMap<>();
    reasons.put(
        "process", "the invoice is waiting for the payer; the paid webhook books it once paid");
    reasons.put(
        "check",
        "Cryptomus is waiting for the payer's transaction to appear on the blockchain; the paid"
            + " webhook books it once it is confirmed");
    reasons.put(
        "confirm_check",
        "the payer's transaction is on the blockchain and waits for its confirmations; the paid"
            + " webhook books it once confirmed");
    reasons.put(
        "wrong_amount_waiting",
        "the payer sent less than invoiced and may still pay the rest; a later paid or paid_over"
            + " webhook books the invoice");
    reasons.put(
        STATUS_WRONG_AMOUNT,
        "the payer sent less than invoiced and the invoice is closed; an underpaid invoice is not"
            + " booked as a payment of the order: settle it with the payer in the Cryptomus"
            + " dashboard (refund what arrived, or collect the rest)");
    reasons.put("fail", "the payment failed; no money arrived");
    reasons.put("cancel", "the invoice expired or was cancelled without payment; no money arrived");
    reasons.put(
        "system_fail",
        "a Cryptomus system error ended the payment and no money was credited; ask Cryptomus"
            + " support about the invoice if the payer says they paid");
    reasons.put(
        "refund_process",
        "a refund is on its way to the payer; the refund_paid webhook books it once the money has"
            + " gone back");
    reasons.put(
        "refund_fail",
        "the refund failed, so the money stays with the merchant; refunds book only on"
            + " refund_paid, so there is nothing to undo");
    reasons.put(
        "locked",
        "Cryptomus froze the funds under its anti-money-laundering checks; nothing is booked"
            + " unless Cryptomus releases them and sends paid");
    return Map.copyOf(reasons);
  }

  private static List<EventRule> eventRules() {
    List<EventRule> rules = new ArrayList<>();
    rules.add(
        EventRule.books(
            STATUS_PAID,
            "PAYMENT of the invoiced amount (crypto invoices and static wallets: its US dollar"
                + " value), ledger key payment:<uuid>"));
    rules.add(
        EventRule.books(
            STATUS_PAID_OVER,
            "once is_final is true: PAYMENT of the invoiced amount (the surplus stays in the"
                + " Cryptomus balance), ledger key payment:<uuid>, the same entry as paid; before"
                + " that it is acknowledged and waits for the final webhook"));
    rules.add(
        EventRule.books(
            STATUS_REFUND_PAID,
            "REFUND (negative) of the invoiced amount (crypto: its US dollar value), ledger key"
                + " refund:<uuid>"));
    rules.addAll(
        EventRule.each(
            EventRule.Action.IGNORES,
            List.of(
                "process",
                "check",
                "confirm_check",
                "wrong_amount_waiting",
                STATUS_WRONG_AMOUNT,
                "fail",
                "cancel",
                "system_fail",
                "refund_process",
                "refund_fail",
                "locked"),
            IGNORED_STATUSES));
    return List.copyOf(rules);
  }

  /**
   * What a webhook books, or why it books nothing.
   *
   * @param customerRefKey the body member that carries the customer reference
   * @param receivedAt when Paybridge received it, the events' time: Cryptomus sends none
   * @throws MalformedWebhookException when a member the status needs is missing or malformed
   */
  static ParsedWebhook parse(ObjectNode root, String customerRefKey, Instant receivedAt) {
    String uuid = root.requireText("uuid");
    String status = root.requireText("status");
    String eventId = uuid + ":" + status;
    try {
      return switch (status) {
        case STATUS_PAID ->
            new ParsedWebhook(
                eventId,
                status,
                List.of(event(EventKind.PAYMENT, "payment:", root, receivedAt, customerRefKey)));
        case STATUS_PAID_OVER ->
            isFinal(root)
                ? new ParsedWebhook(
                    eventId,
                    status,
                    List.of(event(EventKind.PAYMENT, "payment:", root, receivedAt, customerRefKey)))
                // Its own dedupe key: the final paid_over of the invoice must not be taken for a
                // duplicate of this one.
                : ParsedWebhook.ignored(
                    eventId + NOT_FINAL,
                    status,
                    status
                        + ": "
                        + subject(root, uuid)
                        + " was overpaid but is not final yet (is_final false); the final"
                        + " paid_over webhook books it");
        case STATUS_REFUND_PAID ->
            new ParsedWebhook(
                eventId,
                status,
                List.of(event(EventKind.REFUND, "refund:", root, receivedAt, customerRefKey)));
        default -> ParsedWebhook.ignored(eventId, status, ignoredReason(status, root, uuid));
      };
    } catch (MalformedWebhookException e) {
      throw new MalformedWebhookException(
          "Cryptomus " + status + " " + uuid + ": " + e.getMessage(), e);
    }
  }

  /** Why a status books nothing, naming the invoice (and for underpayments, what arrived). */
  private static String ignoredReason(String status, ObjectNode root, String uuid) {
    String why = IGNORED_STATUSES.get(status);
    if (why == null) {
      return status
          + ": not a status Cryptomus documents for payment webhooks, so "
          + subject(root, uuid)
          + " is not booked; check it in the Cryptomus dashboard";
    }
    String paid = "";
    if (status.equals(STATUS_WRONG_AMOUNT) || status.equals("wrong_amount_waiting")) {
      String amount = root.text("payment_amount");
      String coin = root.text("payer_currency");
      String usd = root.text("payment_amount_usd");
      String invoiced = root.text("amount");
      String currency = root.text("currency");
      if (amount != null && coin != null && invoiced != null && currency != null) {
        paid =
            ", paid "
                + amount
                + " "
                + coin
                + (usd == null ? "" : " (about " + usd + " USD)")
                + " of "
                + invoiced
                + " "
                + currency
                + " invoiced";
      }
    }
    return status + ": " + subject(root, uuid) + paid + ": " + why;
  }

  /** "invoice <uuid> (order <order_id>)", or "static wallet payment …" for wallet webhooks. */
  private static String subject(ObjectNode root, String uuid) {
    String orderId = root.text("order_id");
    String what = "wallet".equals(root.text("type")) ? "static wallet payment " : "invoice ";
    return what + uuid + (orderId == null ? "" : " (order " + orderId + ")");
  }

  private static PaymentEvent event(
      EventKind kind,
      String keyPrefix,
      ObjectNode root,
      Instant receivedAt,
      String customerRefKey) {
    String uuid = root.requireText("uuid");
    Amount amount = amount(root);
    long signed = kind == EventKind.REFUND ? -amount.minor() : amount.minor();
    return PaymentEvent.builder(kind, keyPrefix + uuid, receivedAt)
        .amount(signed, amount.currency())
        .externalPaymentId(uuid)
        .customerRef(customerRef(root, customerRefKey))
        .build();
  }

  /**
   * The customer of a Paybridge checkout's invoice, which its signed {@code additional_data} names
   * ({@link CheckoutData}); for any other invoice, the member the account names.
   */
  private static String customerRef(ObjectNode root, String customerRefKey) {
    String checkoutCustomer =
        CheckoutData.customerRef(root.text("additional_data"), root.text("order_id"));
    return checkoutCustomer != null ? checkoutCustomer : root.text(customerRefKey);
  }

  /** An amount in minor units of a currency Paybridge books. */
  private record Amount(long minor, String currency) {}

  /**
   * The invoiced amount in the invoice currency when that currency is ISO-4217, else the payment's
   * US dollar value.
   */
  private static Amount amount(ObjectNode root) {
    String invoiceCurrency = root.requireText("currency");
    Amount amount;
    if (isBookable(invoiceCurrency)) {
      String currency = Money.currency(invoiceCurrency);
      amount = new Amount(Money.toMinor(root.requireText("amount"), currency), currency);
    } else {
      String usd = root.text("payment_amount_usd");
      if (usd == null) {
        throw new MalformedWebhookException(
            "invoice currency '"
                + invoiceCurrency
                + "' is not an ISO-4217 currency and 'payment_amount_usd' is missing");
      }
      amount = new Amount(Money.toMinor(usd, USD), USD);
    }
    if (amount.minor() <= 0) {
      throw new MalformedWebhookException("the amount is not positive");
    }
    return amount;
  }

  private static boolean isBookable(String currency) {
    try {
      Money.currency(currency);
      return true;
    } catch (MalformedWebhookException e) {
      return false;
    }
  }

  /** {@code is_final} as Cryptomus sends it (a boolean), tolerating {@code 1} and {@code "1"}. */
  private static boolean isFinal(ObjectNode root) {
    String value = root.scalar("is_final");
    if (value == null) {
      return false;
    }
    return switch (value) {
      case "true", "1" -> true;
      case "false", "0", "" -> false;
      default -> throw new MalformedWebhookException("'is_final' should be true or false");
    };
  }
}
