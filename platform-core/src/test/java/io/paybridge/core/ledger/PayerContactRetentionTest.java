package io.paybridge.core.ledger;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.core.TestDatabase;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Payers' e-mail addresses and contact details leave the ledger once older than the retention; the
 * entries, their amounts and customer references stay; newer entries keep theirs.
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PayerContactRetentionTest {

  private TestDatabase db;
  private LedgerStore ledger;

  @BeforeAll
  void start() {
    db = TestDatabase.open("payer_contact_retention");
    ledger = new LedgerStore(db.pool());
  }

  @AfterAll
  void stop() {
    db.close();
  }

  @Test
  void oldContactDetailsAreForgottenInBatchesAndTheMoneyStays() {
    UUID tenant = db.tenant();
    record(tenant, 7, Duration.ofDays(400));
    record(tenant, 2, Duration.ofDays(10));

    assertThat(await(ledger.forgetPayerContact(Duration.ofDays(365), 5))).isEqualTo(5);
    assertThat(await(ledger.forgetPayerContact(Duration.ofDays(365), 5))).isEqualTo(2);
    assertThat(await(ledger.forgetPayerContact(Duration.ofDays(365), 5))).isZero();

    assertThat(
            db.count(
                "SELECT count(*) FROM ledger_entries WHERE tenant_id = $1 AND email IS NULL"
                    + " AND contact IS NULL AND amount_minor = 100 AND customer_ref = 'c1'",
                tenant))
        .isEqualTo(7);
    assertThat(
            db.count(
                "SELECT count(*) FROM ledger_entries WHERE tenant_id = $1"
                    + " AND email = 'payer@example.com' AND contact = '+15550100'",
                tenant))
        .isEqualTo(2);
  }

  private void record(UUID tenant, int n, Duration age) {
    await(
        db.pool()
            .preparedQuery(
                "WITH rec AS (INSERT INTO webhook_receipts (tenant_id, gateway, event_id,"
                    + " event_type, raw_body) SELECT $1, 'stripe', 'evt_' || gen_random_uuid(),"
                    + " 'test', '\\\\x7b7d' FROM generate_series(1, $2) g RETURNING id)"
                    + " INSERT INTO ledger_entries (tenant_id, gateway, receipt_id, entry_key, kind,"
                    + " amount_minor, currency, customer_ref, email, contact, occurred_at,"
                    + " recorded_at) SELECT $1, 'stripe', id, 'k' || id, 'PAYMENT', 100, 'USD',"
                    + " 'c1', 'payer@example.com', '+15550100', now(),"
                    + " now() - $3 * interval '1 second' FROM rec")
            .execute(Tuple.of(tenant, n, age.toSeconds())));
  }
}
