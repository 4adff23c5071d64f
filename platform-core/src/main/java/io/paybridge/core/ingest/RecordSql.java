package io.paybridge.core.ingest;

/**
 * The one statement that records a group of webhooks. A single statement is a single implicit
 * transaction and a single round trip: receipts (deduplicated by the unique key), the ledger
 * entries of the receipts that are new (deduplicated by entry key), their sync jobs and the
 * subscription state all commit together or not at all. It returns the batch positions of the
 * receipts that were new; every other position was a duplicate.
 *
 * <p>Inputs are parallel arrays, so the prepared statement is the same whatever the batch size.
 */
final class RecordSql {

  private RecordSql() {}

  static final String STATEMENT =
      """
      WITH r AS (
        SELECT * FROM unnest($1::int[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::bytea[])
          AS t(idx, tenant_id, gateway, event_id, event_type, raw_body)
      ), rec AS (
        INSERT INTO webhook_receipts (tenant_id, gateway, event_id, event_type, raw_body)
        SELECT tenant_id, gateway, event_id, event_type, raw_body FROM r ORDER BY idx
        ON CONFLICT (tenant_id, gateway, event_id) DO NOTHING
        RETURNING id, tenant_id, gateway, event_id
      ), fresh AS (
        SELECT r.idx, rec.id AS receipt_id, rec.tenant_id, rec.gateway
        FROM rec JOIN r USING (tenant_id, gateway, event_id)
      ), e AS (
        SELECT * FROM unnest($7::int[], $8::text[], $9::text[], $10::bigint[], $11::text[], $12::text[],
                             $13::text[], $14::text[], $15::text[], $16::text[], $17::bigint[],
                             $18::timestamptz[], $19::timestamptz[])
          AS u(idx, kind, entry_key, amount_minor, currency, external_payment_id, external_subscription_id,
               customer_ref, email, contact, fee_minor, occurred_at, period_end)
      ), ev AS (
        SELECT f.receipt_id, f.tenant_id, f.gateway, e.*,
               COALESCE(e.customer_ref,
                 (SELECT l.customer_ref FROM ledger_entries l
                   WHERE l.tenant_id = f.tenant_id AND l.gateway = f.gateway
                     AND l.external_payment_id = e.external_payment_id AND l.customer_ref IS NOT NULL
                   LIMIT 1),
                 (SELECT s.customer_ref FROM subscriptions s
                   WHERE s.tenant_id = f.tenant_id AND s.gateway = f.gateway
                     AND s.external_subscription_id = e.external_subscription_id)) AS resolved_ref
        FROM e JOIN fresh f ON f.idx = e.idx
      ), led AS (
        INSERT INTO ledger_entries (tenant_id, gateway, receipt_id, entry_key, kind, amount_minor, currency,
                                    external_payment_id, external_subscription_id, customer_ref, email, contact,
                                    fee_minor, occurred_at, period_end)
        SELECT tenant_id, gateway, receipt_id, entry_key, kind, amount_minor, currency, external_payment_id,
               external_subscription_id, resolved_ref, email, contact, fee_minor, occurred_at, period_end
        FROM ev ORDER BY idx
        ON CONFLICT (tenant_id, gateway, entry_key) DO NOTHING
        RETURNING id, tenant_id
      ), job AS (
        INSERT INTO jobs (kind, tenant_id, ref_id)
        SELECT 'sync', tenant_id, id FROM led
      ), unknown AS (
        -- A recurring charge for a subscription not recorded before this statement, on an account
        -- that cancels such subscriptions: queue the cancellation and refund.
        INSERT INTO jobs (kind, tenant_id, payload, dedupe_key)
        SELECT 'cancel_refund', ev.tenant_id,
               jsonb_build_object('gateway', ev.gateway, 'subscription', ev.external_subscription_id,
                                  'payment', ev.external_payment_id, 'amountMinor', ev.amount_minor,
                                  'currency', ev.currency, 'entryKey', ev.entry_key,
                                  'customerRef', ev.resolved_ref, 'occurredAt', ev.occurred_at),
               ev.tenant_id || ':' || ev.gateway || ':' || ev.entry_key
        FROM ev JOIN unnest($20::bool[]) WITH ORDINALITY AS c(cancel_unknown, pos) ON c.pos = ev.idx + 1
        WHERE c.cancel_unknown AND ev.kind = 'RECURRING_CHARGED'
          AND ev.external_subscription_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM subscriptions s
                           WHERE s.tenant_id = ev.tenant_id AND s.gateway = ev.gateway
                             AND s.external_subscription_id = ev.external_subscription_id)
        ON CONFLICT DO NOTHING
      ), sub AS (
        INSERT INTO subscriptions (tenant_id, gateway, external_subscription_id, customer_ref, status,
                                   current_period_end, last_event_at)
        SELECT DISTINCT ON (tenant_id, gateway, external_subscription_id)
               tenant_id, gateway, external_subscription_id, resolved_ref,
               CASE WHEN kind = 'RECURRING_CANCELLED' THEN 'cancelled' ELSE 'active' END,
               period_end, occurred_at
        FROM ev
        WHERE external_subscription_id IS NOT NULL
          AND kind IN ('PAYMENT', 'RECURRING_CHARGED', 'RECURRING_CANCELLED')
        ORDER BY tenant_id, gateway, external_subscription_id, occurred_at DESC
        ON CONFLICT (tenant_id, gateway, external_subscription_id) DO UPDATE SET
          customer_ref = COALESCE(subscriptions.customer_ref, EXCLUDED.customer_ref),
          status = CASE WHEN EXCLUDED.last_event_at >= subscriptions.last_event_at
                        THEN EXCLUDED.status ELSE subscriptions.status END,
          current_period_end = CASE WHEN EXCLUDED.last_event_at >= subscriptions.last_event_at
                        THEN COALESCE(EXCLUDED.current_period_end, subscriptions.current_period_end)
                        ELSE subscriptions.current_period_end END,
          last_event_at = GREATEST(subscriptions.last_event_at, EXCLUDED.last_event_at),
          updated_at = now()
      )
      SELECT idx FROM fresh
      """;
}
