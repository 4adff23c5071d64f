package io.paybridge.gateway.appstore;

import static io.paybridge.spi.EventKind.PAYMENT;
import static io.paybridge.spi.EventKind.RECURRING_CHARGED;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.InvalidCredentialsException;
import io.paybridge.spi.Json;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PurchaseVerification.PurchaseOutcome;
import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.Instant;

/**
 * A transaction an app hands over as StoreKit gives it ({@code Transaction.jwsRepresentation}: the
 * same signed {@code JWSTransactionDecodedPayload} the App Store puts in a notification's {@code
 * signedTransactionInfo}), verified without a call to Apple: the JWS as {@link AppleSignedData}
 * verifies every App Store signature (ES256, the {@code x5c} chain to the pinned Apple root as of
 * the payload's {@code signedDate}, the leaf's signature), then the payload as the account's: its
 * {@code bundleId} and {@code environment}.
 *
 * <p>It books what the matching notification books ({@link AppStoreMapping}): {@code
 * txn:<transactionId>}, a payment ({@code transactionReason} {@code PURCHASE}) or a subscription's
 * recurring charge ({@code RENEWAL}) of the transaction's {@code price}, milliunits of its {@code
 * currency} converted exactly ({@link AppStoreAmounts}). Its purchase reference is the {@code
 * transactionId}, which the notifications of the same transaction carry too, so a later {@code
 * REFUND} is booked for the customer the transaction was handed over for.
 *
 * <p>Refused, with the reason: a malformed JWS, one whose chain does not lead to the trusted root
 * or whose signature does not verify, another app's or environment's transaction, a revoked
 * (refunded) one, a Family Sharing member's (the purchaser's own transaction carries the money), a
 * free one, and one without a price or with a price finer than its currency.
 */
final class AppStorePurchases {

  /** The one member of a purchase handed over: the signed transaction. */
  static final String SIGNED_TRANSACTION = "signedTransaction";

  private static final String AUTO_RENEWABLE = "Auto-Renewable Subscription";

  private AppStorePurchases() {}

  /** What the handed-over transaction means for the account whose credentials are given. */
  static PurchaseOutcome verify(
      AppleSignedData verifier, JsonObject purchase, Credentials credentials) {
    AppStorePlugin.Account account;
    try {
      account = AppStorePlugin.Account.of(credentials);
    } catch (InvalidCredentialsException e) {
      return PurchaseOutcome.refused(
          "account_incomplete", "the App Store account cannot be used: " + e.getMessage(), null);
    }
    String token = purchase.getValue(SIGNED_TRANSACTION) instanceof String s ? s : "";
    JsonObject txn;
    try {
      txn = verifier.verify(token, SIGNED_TRANSACTION).payload();
    } catch (SignedDataException e) {
      return PurchaseOutcome.refused(code(e.failure()), e.getMessage(), SIGNED_TRANSACTION);
    }
    try {
      return outcome(txn, account);
    } catch (MalformedWebhookException e) {
      return PurchaseOutcome.refused(
          "malformed_transaction",
          SIGNED_TRANSACTION + " is signed by Apple but unusable: " + e.getMessage(),
          SIGNED_TRANSACTION);
    }
  }

  private static PurchaseOutcome outcome(JsonObject txn, AppStorePlugin.Account account) {
    Object bundle = txn.getValue("bundleId");
    if (!account.bundleId().equals(bundle)) {
      return refused(
          "other_bundle",
          "the transaction is for the app "
              + bundle
              + ", and this App Store account is for "
              + account.bundleId());
    }
    Object environment = txn.getValue("environment");
    if (!account.environment().equals(environment)) {
      return refused(
          "wrong_environment",
          "the transaction was made in the "
              + environment
              + " environment, and this App Store account takes "
              + account.environment()
              + " transactions only");
    }
    String id = Json.requireString(txn, "transactionId");
    if (txn.getValue("revocationDate") != null) {
      return refused(
          "revoked",
          "Apple revoked transaction "
              + id
              + " (revocationReason "
              + txn.getValue("revocationReason")
              + "): it was refunded or taken back, so there is nothing to book");
    }
    if ("FAMILY_SHARED".equals(Json.optString(txn, "inAppOwnershipType"))) {
      return refused(
          "family_shared",
          "transaction "
              + id
              + " is a Family Sharing member's: the purchaser's own transaction carries the"
              + " money, so nothing is booked for this one");
    }
    Long price = Json.optLong(txn, "price");
    String currencyCode = Json.optString(txn, "currency");
    if (price == null || currencyCode == null) {
      return refused(
          "price_missing",
          "transaction "
              + id
              + " names no price and currency (StoreKit before iOS 16 leaves them out), so its"
              + " amount is unknown; the App Store's ONE_TIME_CHARGE, SUBSCRIBED or DID_RENEW"
              + " notification books it");
    }
    String currency = Money.currency(currencyCode);
    long amount;
    try {
      amount = AppStoreAmounts.priceToMinor(price, currency);
    } catch (MalformedWebhookException e) {
      return refused("invalid_price", "transaction " + id + ": " + e.getMessage());
    }
    if (amount == 0) {
      return refused(
          "nothing_to_book",
          "transaction " + id + " cost nothing (a free trial or a free offer): no money moved");
    }
    boolean subscription = AUTO_RENEWABLE.equals(Json.optString(txn, "type"));
    EventKind kind =
        subscription && "RENEWAL".equals(Json.optString(txn, "transactionReason"))
            ? RECURRING_CHARGED
            : PAYMENT;
    Instant occurred = millis(txn, "purchaseDate");
    PaymentEvent booking =
        PaymentEvent.builder(
                kind, "txn:" + id, occurred != null ? occurred : millis(txn, "signedDate"))
            .amount(amount, currency)
            .externalPaymentId(id)
            .externalSubscriptionId(
                subscription ? Json.requireString(txn, "originalTransactionId") : null)
            .customerRef(Json.optString(txn, "appAccountToken"))
            .periodEnd(millis(txn, "expiresDate"))
            .purchaseRef(id)
            .build();
    return PurchaseOutcome.book(booking, null);
  }

  private static PurchaseOutcome refused(String code, String reason) {
    return PurchaseOutcome.refused(code, reason, SIGNED_TRANSACTION);
  }

  private static String code(SignedDataException.Failure failure) {
    return switch (failure) {
      case MALFORMED -> "malformed_jws";
      case UNTRUSTED_CHAIN -> "untrusted_chain";
      case BAD_SIGNATURE -> "bad_signature";
      case CONTENT -> "invalid_transaction";
    };
  }

  private static Instant millis(JsonObject txn, String field) {
    Long value = Json.optLong(txn, field);
    if (value == null) {
      return null;
    }
    try {
      return Instant.ofEpochMilli(value);
    } catch (DateTimeException e) {
      throw new MalformedWebhookException("'" + field + "' is not a time in milliseconds");
    }
  }
}
