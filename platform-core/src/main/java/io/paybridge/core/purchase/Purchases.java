package io.paybridge.core.purchase;

import io.paybridge.core.gateway.GatewayAccountStore;
import io.paybridge.core.gateway.PluginRegistry;
import io.paybridge.core.ledger.LedgerStore;
import io.paybridge.core.ledger.Payment;
import io.paybridge.core.usecase.Checks;
import io.paybridge.core.usecase.InvalidInput;
import io.paybridge.core.usecase.Refused;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.PurchaseVerification;
import io.paybridge.spi.PurchaseVerification.PurchaseOutcome;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.UUID;

/**
 * What a tenant's app backend does when its app sold something through a store: hand the purchase
 * over, to be verified with the store and booked for the customer the backend names, once however
 * often it is handed over and whether or not the store's own notification booked it first.
 *
 * <p>The gateway's plugin ({@link PurchaseVerification}) verifies the purchase and says what it
 * books, keyed as the store's notification keys it; the entry, its sync job and the job that
 * acknowledges the purchase to the store commit together. A purchase not paid yet is remembered
 * with its customer and held: the store's notification books it for that customer once it is paid.
 * A purchase handed over for one customer is never booked for another.
 */
public final class Purchases {

  /** Longest customer reference, as everywhere in the platform. */
  public static final int MAX_REF = 255;

  /** Longest member of a purchase: a signed transaction is a few kilobytes. */
  static final int MAX_FIELD = 64 * 1024;

  /** How a hand-over ended. */
  public enum Status {
    /** This hand-over booked the entry. */
    BOOKED,
    /** The entry was booked before, for the same customer: nothing changed. */
    ALREADY_BOOKED,
    /** Not paid yet: remembered for the customer, nothing booked. */
    HELD
  }

  /**
   * A hand-over's answer.
   *
   * @param status booked, already booked or held
   * @param entry the entry, when booked
   * @param code for held, the store's state (e.g. {@code pending_payment})
   * @param reason for held, why nothing is booked yet
   */
  public record HandOver(Status status, Payment entry, String code, String reason) {}

  private final PurchaseStore store;
  private final LedgerStore ledger;
  private final GatewayAccountStore accounts;
  private final PluginRegistry plugins;
  private final Runnable entriesBooked;
  private final Runnable jobsQueued;

  /**
   * @param entriesBooked told when a hand-over booked an entry, so sync fans it out now
   * @param jobsQueued told when a hand-over queued an acknowledgement, so a worker runs it now
   */
  public Purchases(
      PurchaseStore store,
      LedgerStore ledger,
      GatewayAccountStore accounts,
      PluginRegistry plugins,
      Runnable entriesBooked,
      Runnable jobsQueued) {
    this.store = store;
    this.ledger = ledger;
    this.accounts = accounts;
    this.plugins = plugins;
    this.entriesBooked = entriesBooked;
    this.jobsQueued = jobsQueued;
  }

  /**
   * Verifies and books a purchase for the customer {@code body.customerRef} names; the other
   * members of {@code body} are the purchase. Fails with {@link InvalidInput} naming every member
   * missing, {@link PurchaseRefused} when the store says it is not to be booked, {@link Refused}
   * when the gateway takes no hand-overs (404), the tenant has no account there (422) or the
   * purchase is another customer's (409), and a {@link io.paybridge.spi.GatewayApiException} when
   * the store could not be asked.
   */
  public Future<HandOver> handOver(UUID tenantId, String gateway, JsonObject body) {
    GatewayPlugin plugin = plugins.get(gateway);
    if (!(plugin instanceof PurchaseVerification verification)) {
      return Future.failedFuture(
          Refused.notFound(
              "unsupported_gateway", "'" + gateway + "' takes no purchases handed over"));
    }
    String customerRef = body.getValue("customerRef") instanceof String s ? s : null;
    Checks checks =
        new Checks()
            .require(
                Checks.lengthWithin(customerRef, 1, MAX_REF),
                "customerRef",
                "'customerRef' must be 1 to " + MAX_REF + " characters");
    JsonObject purchase = new JsonObject();
    for (String field : verification.purchaseFields()) {
      Object value = body.getValue(field);
      boolean ok = value instanceof String s && !s.isBlank() && s.length() <= MAX_FIELD;
      checks.require(ok, field, "'" + field + "' must be a non-empty string");
      purchase.put(field, value);
    }
    return checks
        .verdict()
        .compose(v -> accounts.find(tenantId, gateway))
        .compose(
            account -> {
              if (account == null) {
                return Future.failedFuture(
                    Refused.unprocessable(
                        "gateway_not_connected",
                        "connect "
                            + plugin.displayName()
                            + " first: a purchase is verified with the account's credentials"));
              }
              return verification
                  .verifyPurchase(purchase, account.credentials())
                  .compose(outcome -> settle(tenantId, gateway, customerRef, outcome));
            });
  }

  private Future<HandOver> settle(
      UUID tenantId, String gateway, String customerRef, PurchaseOutcome outcome) {
    return switch (outcome.status()) {
      case REFUSED ->
          Future.failedFuture(
              new PurchaseRefused(outcome.code(), outcome.reason(), outcome.field()));
      case PENDING ->
          store
              .hold(
                  tenantId, gateway, outcome.purchaseRef(), customerRef, outcome.acknowledgement())
              .compose(
                  owner ->
                      Objects.equals(owner, customerRef)
                          ? Future.succeededFuture(
                              new HandOver(Status.HELD, null, outcome.code(), outcome.reason()))
                          : Future.failedFuture(
                              conflict(PurchaseStore.Conflict.HANDED_OVER_FOR_ANOTHER)));
      case BOOK ->
          store
              .book(
                  tenantId,
                  gateway,
                  outcome.booking().withCustomerRef(customerRef),
                  outcome.acknowledgement())
              .compose(booking -> answer(tenantId, booking, outcome));
    };
  }

  private Future<HandOver> answer(
      UUID tenantId, PurchaseStore.Booking booking, PurchaseOutcome outcome) {
    if (booking.conflict() != PurchaseStore.Conflict.NONE) {
      return Future.failedFuture(conflict(booking.conflict()));
    }
    if (booking.fresh()) {
      entriesBooked.run();
    }
    if (outcome.acknowledgement() != null) {
      jobsQueued.run();
    }
    return ledger
        .find(tenantId, booking.entryId())
        .map(
            entry ->
                new HandOver(
                    booking.fresh() ? Status.BOOKED : Status.ALREADY_BOOKED, entry, null, null));
  }

  private static Refused conflict(PurchaseStore.Conflict conflict) {
    return switch (conflict) {
      case HANDED_OVER_FOR_ANOTHER ->
          Refused.conflict(
              "purchase_of_another_customer",
              "this purchase was handed over for another customer before; a purchase is booked"
                  + " for one customer only");
      case BOOKED_FOR_ANOTHER ->
          Refused.conflict(
              "purchase_of_another_customer",
              "the store's notification booked this purchase for another customer (the one the"
                  + " app named at purchase time); a purchase is booked for one customer only");
      case BOOKED_WITHOUT_CUSTOMER ->
          Refused.conflict(
              "purchase_booked_without_customer",
              "the store's notification booked this purchase already, without a customer: have"
                  + " the app name the customer at purchase time (App Store: appAccountToken;"
                  + " Google Play: obfuscatedAccountId) so the notification books it for them");
      case NONE -> throw new IllegalArgumentException("no conflict");
    };
  }
}
