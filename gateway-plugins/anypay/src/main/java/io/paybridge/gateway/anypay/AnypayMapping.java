package io.paybridge.gateway.anypay;

import static io.paybridge.gateway.anypay.AnypayPlugin.ACCOUNT_CURRENCY;
import static io.paybridge.gateway.anypay.AnypayPlugin.ALLOWED_IPS;
import static io.paybridge.gateway.anypay.AnypayPlugin.MD5;
import static io.paybridge.gateway.anypay.AnypayPlugin.SHA256;
import static io.paybridge.gateway.anypay.AnypayPlugin.SIGN_SCHEME;
import static io.paybridge.gateway.anypay.AnypayPlugin.STATUS_CANCELED;
import static io.paybridge.gateway.anypay.AnypayPlugin.STATUS_ERROR;
import static io.paybridge.gateway.anypay.AnypayPlugin.STATUS_EXPIRED;
import static io.paybridge.gateway.anypay.AnypayPlugin.STATUS_PAID;
import static io.paybridge.gateway.anypay.AnypayPlugin.STATUS_PARTIALLY_PAID;
import static io.paybridge.gateway.anypay.AnypayPlugin.STATUS_REFUND;
import static io.paybridge.gateway.anypay.AnypayPlugin.STATUS_WAITING;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.FormBody;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What an authentic Anypay notification means for the ledger, by its status and the account's
 * signing scheme: {@code paid} books a payment, {@code refund} a refund where the scheme and the
 * account make it safe, and every other status, and every test notification, books nothing with the
 * reason. {@link AnypayPlugin} says which fields each scheme signs and why that decides what is
 * booked.
 */
final class AnypayMapping {

  /** A refund's transaction id: Anypay's are numbers; letters, {@code _} and {@code -} allowed. */
  private static final Pattern TRANSACTION_ID = Pattern.compile("[0-9A-Za-z_-]{1,64}");

  private AnypayMapping() {}

  /**
   * What a notification's parameters book, or why they book nothing.
   *
   * @param receivedAt when Paybridge received it: the time of an event Anypay does not date
   * @throws MalformedWebhookException when a field the status needs is missing or malformed
   */
  static ParsedWebhook parse(FormBody params, Credentials credentials, Instant receivedAt) {
    String payId = params.requireText("pay_id");
    String status = params.requireText("status");
    boolean md5 = MD5.equals(credentials.getOrDefault(SIGN_SCHEME, SHA256));
    if ("1".equals(information(params, "test"))) {
      return ParsedWebhook.ignored(
          payId + ":" + status + ":test",
          status,
          "Anypay test notification (test=1) for order "
              + payId
              + ": test payments are not booked; Anypay does not sign test, so this receipt is"
              + " kept apart from the order's real "
              + status
              + " notification");
    }
    try {
      return switch (status) {
        case STATUS_PAID -> paid(params, payId, md5, credentials, receivedAt);
        case STATUS_REFUND -> refund(params, payId, md5, credentials, receivedAt);
        default -> ParsedWebhook.ignored(payId + ":" + status, status, reason(status, payId));
      };
    } catch (MalformedWebhookException e) {
      throw new MalformedWebhookException(
          "Anypay " + status + " of order " + payId + ": " + e.getMessage(), e);
    }
  }

  private static ParsedWebhook paid(
      FormBody params, String payId, boolean md5, Credentials credentials, Instant receivedAt) {
    String currency = Money.currency(params.requireText("currency"));
    if (md5) {
      String accountCurrency = credentials.get(ACCOUNT_CURRENCY);
      if (credentials.get(ALLOWED_IPS) == null || accountCurrency == null) {
        return ParsedWebhook.held(
            payId + ":" + STATUS_PAID,
            STATUS_PAID,
            ParsedWebhook.NEEDS_ACCOUNT_SETTING,
            "payment of order "
                + payId
                + " held: md5 notifications are booked only for accounts with allowedIps"
                + " and accountCurrency; add them and it is booked");
      }
      if (!currency.equals(accountCurrency)) {
        return ParsedWebhook.ignored(
            payId + ":" + STATUS_PAID + ":" + currency,
            STATUS_PAID,
            "payment of order "
                + payId
                + " in "
                + currency
                + " not booked: the md5 scheme does not sign the currency, and this account"
                + " books md5 payments only in its accountCurrency "
                + accountCurrency);
      }
    }
    PaymentEvent event =
        event(EventKind.PAYMENT, "payment:" + payId, params, payId, currency, receivedAt);
    return new ParsedWebhook(payId + ":" + STATUS_PAID, STATUS_PAID, List.of(event));
  }

  private static ParsedWebhook refund(
      FormBody params, String payId, boolean md5, Credentials credentials, Instant receivedAt) {
    String transactionId = information(params, "transaction_id");
    String eventId =
        payId
            + ":"
            + STATUS_REFUND
            + (transactionId == null || !TRANSACTION_ID.matcher(transactionId).matches()
                ? ""
                : ":" + transactionId);
    if (md5) {
      return ParsedWebhook.ignored(
          eventId,
          STATUS_REFUND,
          "refund of order "
              + payId
              + " not booked: the md5 scheme signs neither status nor currency, so a refund"
              + " cannot be told from a replayed payment notification; md5 accounts book only"
              + " payments (record the refund by hand, or switch the project to sha256)");
    }
    if (credentials.get(ALLOWED_IPS) == null) {
      return ParsedWebhook.held(
          eventId,
          STATUS_REFUND,
          ParsedWebhook.NEEDS_ACCOUNT_SETTING,
          "refund of order "
              + payId
              + " held: a refund is keyed by its transaction_id, which Anypay does not sign, so"
              + " refunds are booked only for accounts that list Anypay's sender addresses in"
              + " allowedIps; add them and it is booked if it came from one of them");
    }
    if (transactionId == null || !TRANSACTION_ID.matcher(transactionId).matches()) {
      throw new MalformedWebhookException(
          "'transaction_id' is missing or not an Anypay transaction number");
    }
    String currency = Money.currency(params.requireText("currency"));
    PaymentEvent event =
        event(EventKind.REFUND, "refund:" + transactionId, params, payId, currency, receivedAt);
    return new ParsedWebhook(eventId, STATUS_REFUND, List.of(event));
  }

  private static PaymentEvent event(
      EventKind kind,
      String entryKey,
      FormBody params,
      String payId,
      String currency,
      Instant receivedAt) {
    long amount = Money.toMinor(params.requireText("amount"), currency);
    if (amount <= 0) {
      throw new MalformedWebhookException("'amount' is not positive");
    }
    return PaymentEvent.builder(kind, entryKey, occurredAt(params, receivedAt))
        .amount(kind == EventKind.REFUND ? -amount : amount, currency)
        .externalPaymentId(payId)
        .customerRef(payId)
        .email(information(params, "email"))
        .build();
  }

  /** Why a status other than paid and refund books nothing. */
  private static String reason(String status, String payId) {
    return switch (status) {
      case STATUS_PARTIALLY_PAID ->
          "order "
              + payId
              + " is partially paid: Anypay has received part of its amount, and the order is"
              + " booked when Anypay reports it paid";
      case STATUS_WAITING -> "order " + payId + " is waiting for payment: no money moved";
      case STATUS_CANCELED -> "order " + payId + " was cancelled: no money moved";
      case STATUS_EXPIRED -> "order " + payId + "'s invoice expired unpaid: no money moved";
      case STATUS_ERROR -> "order " + payId + "'s payment failed with an error: no money moved";
      default ->
          "Anypay status '"
              + (status.length() > 40 ? status.substring(0, 40) + "..." : status)
              + "' of order "
              + payId
              + " is not one Paybridge knows; only paid and refund are booked";
    };
  }

  /** When Anypay completed the payment, else when Paybridge received the notification. */
  private static Instant occurredAt(FormBody params, Instant receivedAt) {
    Instant completed = FormBody.moscowTime(information(params, "completed_date"));
    return completed != null ? completed : receivedAt;
  }

  /**
   * An unsigned parameter carried for information: absent, not UTF-8, longer than 255 characters or
   * holding a NUL, it is left out rather than failing an authentic notification.
   */
  private static String information(FormBody params, String field) {
    String value;
    try {
      value = params.text(field);
    } catch (MalformedWebhookException e) {
      return null;
    }
    if (value == null || value.length() > 255 || value.indexOf('\u0000') >= 0) {
      return null;
    }
    return value;
  }
}
