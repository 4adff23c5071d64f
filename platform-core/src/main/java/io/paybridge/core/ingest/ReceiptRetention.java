package io.paybridge.core.ingest;

import io.paybridge.core.job.Periodic;
import io.paybridge.core.ledger.LedgerStore;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Enforces retention now and then: receipts ({@link ReceiptStore#purge}) and payers' contact
 * details on ledger entries ({@link LedgerStore#forgetPayerContact}, in batches). Every node runs
 * it: both are idempotent, so nodes that run them at once only share the work.
 */
public final class ReceiptRetention extends Periodic {

  private static final Logger LOG = Logger.getLogger(ReceiptRetention.class.getName());

  /** Entries cleared per statement, and statements per run at most. */
  static final int CONTACT_BATCH = 5_000;

  static final int CONTACT_ROUNDS = 20;

  private final ReceiptStore store;
  private final LedgerStore ledger;
  private final Duration retention;
  private final Duration payerContactRetention;

  /**
   * @param retention how long bodies, headers and refused receipts are kept
   * @param payerContactRetention how long payers' e-mail addresses and contact details are kept
   * @param interval how often the purge runs
   */
  public ReceiptRetention(
      ReceiptStore store,
      LedgerStore ledger,
      Duration retention,
      Duration payerContactRetention,
      Duration interval) {
    super(interval);
    this.store = store;
    this.ledger = ledger;
    this.retention = retention;
    this.payerContactRetention = payerContactRetention;
  }

  @Override
  protected void runOnce() {
    store
        .purge(retention)
        .onFailure(err -> LOG.log(Level.WARNING, "receipt retention not enforced: {0}", err));
    forgetContacts(CONTACT_ROUNDS)
        .onFailure(err -> LOG.log(Level.WARNING, "payer contact retention not enforced: {0}", err));
  }

  /** Clears old contact details a batch at a time, until a batch finds fewer than it could. */
  Future<Integer> forgetContacts(int rounds) {
    return ledger
        .forgetPayerContact(payerContactRetention, CONTACT_BATCH)
        .compose(
            n ->
                n < CONTACT_BATCH || rounds <= 1
                    ? Future.succeededFuture(n)
                    : forgetContacts(rounds - 1).map(more -> n + more));
  }
}
