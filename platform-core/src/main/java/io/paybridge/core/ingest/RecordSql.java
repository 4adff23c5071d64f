package io.paybridge.core.ingest;

import io.paybridge.core.checkout.CheckoutMoves;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The one statement that records a group of webhooks. A single statement is a single implicit
 * transaction and a single round trip: receipts (deduplicated by the unique key), the ledger
 * entries of the receipts that are new (deduplicated by entry key), their sync jobs, the jobs of
 * their follow-ups, the state of the checkouts they pay and the subscription state all commit
 * together or not at all. It returns the batch positions of the receipts that were new; every other
 * position was a duplicate.
 *
 * <p>Inputs are parallel arrays, so the prepared statement is the same whatever the batch size.
 */
final class RecordSql {

  private RecordSql() {}

  /**
   * New receipts: the unique key makes a delivery seen before a duplicate. A receipt names the
   * checkout it concerns, and notes a payment that names no customer and matches none of the
   * checkouts its tenant opens at the gateway.
   */
  private static final String INSERT_RECEIPTS =
      """
        INSERT INTO webhook_receipts (tenant_id, gateway, event_id, event_type, raw_body, verdict,
                                      reason, hold, headers, remote, query, checkout_id)
        SELECT tenant_id, gateway, event_id, event_type, raw_body, verdict,
               COALESCE(reason, (SELECT note FROM unmatched u WHERE u.idx = r.idx)), hold,
               headers::jsonb, remote, query, (SELECT checkout_id FROM ck WHERE ck.idx = r.idx)
        FROM r ORDER BY idx
        ON CONFLICT (tenant_id, gateway, event_id) DO NOTHING
        RETURNING id, tenant_id, gateway, event_id""";

  /**
   * One existing receipt processed again ({@code $32}), fenced by a job's claim when {@code $33}
   * (job id) and {@code $34} (claim token) are given. A recorded receipt stays recorded.
   */
  private static final String UPDATE_RECEIPT =
      """
        UPDATE webhook_receipts w
           SET verdict = CASE WHEN w.verdict = 'recorded' THEN 'recorded' ELSE r.verdict END,
               reason = CASE WHEN w.verdict = 'recorded' THEN w.reason
                        ELSE COALESCE(r.reason, (SELECT note FROM unmatched u WHERE u.idx = r.idx))
                        END,
               hold = CASE WHEN w.verdict = 'recorded' THEN NULL ELSE r.hold END,
               checkout_id = COALESCE(w.checkout_id, (SELECT checkout_id FROM ck WHERE ck.idx = r.idx)),
               event_id = r.event_id, event_type = r.event_type, processed_at = now()
          FROM r
         WHERE w.id = $32 AND w.tenant_id = r.tenant_id AND w.gateway = r.gateway
           AND ($33::bigint IS NULL OR EXISTS (
                 SELECT 1 FROM jobs j WHERE j.id = $33 AND j.claim_token = $34::uuid
                   AND j.status = 'running'))
        RETURNING w.id, w.tenant_id, w.gateway, w.event_id""";

  /** Records a group of deliveries; returns the batch positions of the receipts that were new. */
  static final String STATEMENT =
      """
      WITH r AS (
        SELECT * FROM unnest($1::int[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::bytea[],
                             $21::text[], $22::text[], $23::text[], $24::text[], $25::text[],
                             $26::text[])
          AS t(idx, tenant_id, gateway, event_id, event_type, raw_body, verdict, reason, hold, headers,
               remote, query)
      ), e AS (
        SELECT * FROM unnest($7::int[], $8::text[], $9::text[], $10::bigint[], $11::text[], $12::text[],
                             $13::text[], $14::text[], $15::text[], $16::text[], $17::bigint[],
                             $18::timestamptz[], $19::timestamptz[], $27::text[])
          AS u(idx, kind, entry_key, amount_minor, currency, external_payment_id, external_subscription_id,
               customer_ref, email, contact, fee_minor, occurred_at, period_end, purchase_ref)
      ), fu AS (
        SELECT * FROM unnest($28::int[], $29::text[], $30::text[], $31::text[])
          AS v(idx, action, reference, reason)
      ), ck AS (
        -- The checkout each delivery concerns: the first its payments or its follow-ups name.
        SELECT DISTINCT ON (r.idx) r.idx, c.id AS checkout_id
        FROM r
        JOIN (SELECT idx, external_payment_id AS reference FROM e WHERE external_payment_id IS NOT NULL
              UNION ALL SELECT idx, reference FROM fu) x ON x.idx = r.idx
        JOIN checkouts c ON c.tenant_id = r.tenant_id AND c.gateway = r.gateway
                        AND c.reference = x.reference
        ORDER BY r.idx
      ), unmatched AS (
        -- A payment without a customer that matches none of the checkouts the tenant opens here.
        SELECT DISTINCT ON (e.idx) e.idx,
               'payment ' || e.external_payment_id
                 || ' matched no checkout: booked without a customer' AS note
        FROM e JOIN r ON r.idx = e.idx
        WHERE e.kind = 'PAYMENT' AND e.customer_ref IS NULL AND e.external_payment_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM checkouts c WHERE c.tenant_id = r.tenant_id AND c.gateway = r.gateway)
          AND NOT EXISTS (SELECT 1 FROM checkouts c
                           WHERE c.tenant_id = r.tenant_id AND c.gateway = r.gateway
                             AND c.reference = e.external_payment_id)
        ORDER BY e.idx
      ), rec AS ({RECEIPTS}
      ), fresh AS (
        SELECT r.idx, rec.id AS receipt_id, rec.tenant_id, rec.gateway
        FROM rec JOIN r USING (tenant_id, gateway, event_id)
      ), ev AS (
        -- An entry about a purchase an app handed over is the customer's it was handed over for; an
        -- entry about a checkout's payment is the checkout's customer's (Payeer and Anypay sign no
        -- customer, only the order the checkout opened).
        SELECT f.receipt_id, f.tenant_id, f.gateway, e.*, c.id AS checkout_id,
               COALESCE(
                 (SELECT a.customer_ref FROM app_purchases a
                   WHERE a.tenant_id = f.tenant_id AND a.gateway = f.gateway
                     AND a.purchase_ref = e.purchase_ref),
                 c.customer_ref, e.customer_ref,
                 (SELECT l.customer_ref FROM ledger_entries l
                   WHERE l.tenant_id = f.tenant_id AND l.gateway = f.gateway
                     AND l.external_payment_id = e.external_payment_id AND l.customer_ref IS NOT NULL
                   LIMIT 1),
                 (SELECT s.customer_ref FROM subscriptions s
                   WHERE s.tenant_id = f.tenant_id AND s.gateway = f.gateway
                     AND s.external_subscription_id = e.external_subscription_id)) AS resolved_ref
        FROM e JOIN fresh f ON f.idx = e.idx
        LEFT JOIN checkouts c ON c.tenant_id = f.tenant_id AND c.gateway = f.gateway
                             AND c.reference = e.external_payment_id
      ), led AS (
        INSERT INTO ledger_entries (tenant_id, gateway, receipt_id, entry_key, kind, amount_minor, currency,
                                    external_payment_id, external_subscription_id, customer_ref, email, contact,
                                    fee_minor, occurred_at, period_end, checkout_id, purchase_ref)
        SELECT tenant_id, gateway, receipt_id, entry_key, kind, amount_minor, currency, external_payment_id,
               external_subscription_id, resolved_ref, email, contact, fee_minor, occurred_at, period_end,
               checkout_id, purchase_ref
        FROM ev ORDER BY idx
        ON CONFLICT (tenant_id, gateway, entry_key) DO NOTHING
        RETURNING id, tenant_id, gateway, checkout_id, kind, amount_minor, purchase_ref
      ), job AS (
        INSERT INTO jobs (kind, tenant_id, ref_id)
        SELECT 'sync', tenant_id, id FROM led
      ), ack AS (
        -- A purchase an app handed over before it was paid, now paid: acknowledge it to the store.
        INSERT INTO jobs (kind, tenant_id, payload, dedupe_key)
        SELECT 'purchase_acknowledge', a.tenant_id,
               jsonb_build_object('gateway', a.gateway, 'purchaseRef', a.purchase_ref),
               a.tenant_id || ':' || a.gateway || ':' || a.purchase_ref
        FROM led JOIN app_purchases a
          ON a.tenant_id = led.tenant_id AND a.gateway = led.gateway AND a.purchase_ref = led.purchase_ref
        WHERE led.kind = 'PAYMENT' AND a.sealed_ack IS NOT NULL AND a.acknowledged_at IS NULL
        ON CONFLICT DO NOTHING
      ), follow AS (
        -- What the deliveries ask of the gateway for the tenant's checkouts: at most one outstanding
        -- capture and one cancellation per checkout.
        INSERT INTO jobs (kind, tenant_id, payload, dedupe_key)
        SELECT CASE fu.action WHEN 'CAPTURE' THEN 'checkout_capture' ELSE 'checkout_cancel' END,
               f.tenant_id, jsonb_build_object('checkout', c.id, 'reason', fu.reason), c.id::text
        FROM fu JOIN fresh f ON f.idx = fu.idx
        JOIN checkouts c ON c.tenant_id = f.tenant_id AND c.gateway = f.gateway
                        AND c.reference = fu.reference
        ON CONFLICT DO NOTHING
      ), moved AS (
        -- The money the new entries moved for their checkouts, and the status that follows.
        {MOVE_CHECKOUTS}
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
      {RESULT}
      """
          .replace("{RECEIPTS}", INSERT_RECEIPTS)
          .replace("{MOVE_CHECKOUTS}", CheckoutMoves.FROM_LED)
          .replace("{RESULT}", "SELECT idx FROM fresh");

  /**
   * Processes one stored receipt again with the same keys: books what was not booked. Returns one
   * row when the receipt was updated (with the number of new ledger entries), none when it is gone
   * or the job's claim was lost.
   */
  static final String REPROCESS =
      STATEMENT
          .replace(INSERT_RECEIPTS, UPDATE_RECEIPT)
          .replace("SELECT idx FROM fresh", "SELECT idx, (SELECT count(*) FROM led) FROM fresh");

  /** The statement's parameters $1 to $31 for a group of receipts. */
  static Tuple tuple(List<GroupCommitRecorder.Receipt> receipts) {
    return Tuple.wrap(parameters(receipts));
  }

  static List<Object> parameters(List<GroupCommitRecorder.Receipt> unique) {
    int n = unique.size();
    Integer[] idx = new Integer[n];
    UUID[] tenants = new UUID[n];
    String[] gateways = new String[n];
    String[] eventIds = new String[n];
    String[] eventTypes = new String[n];
    Buffer[] bodies = new Buffer[n];
    Boolean[] cancelUnknown = new Boolean[n];
    String[] verdicts = new String[n];
    String[] reasons = new String[n];
    String[] holds = new String[n];
    String[] headers = new String[n];
    String[] remotes = new String[n];
    String[] queries = new String[n];
    List<Integer> eIdx = new ArrayList<>();
    List<PaymentEvent> events = new ArrayList<>();
    List<Integer> fIdx = new ArrayList<>();
    List<ParsedWebhook.FollowUp> followUps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      GroupCommitRecorder.Receipt r = unique.get(i);
      idx[i] = i;
      tenants[i] = r.tenantId();
      gateways[i] = r.gateway();
      eventIds[i] = r.parsed().eventId();
      eventTypes[i] = r.parsed().eventType();
      bodies[i] = r.rawBody();
      cancelUnknown[i] = r.cancelUnknown();
      verdicts[i] = r.fresh().name().toLowerCase(java.util.Locale.ROOT);
      reasons[i] = r.parsed().reason();
      holds[i] = r.parsed().hold();
      headers[i] = r.headers();
      remotes[i] = r.remote();
      queries[i] = r.query();
      for (PaymentEvent e : r.parsed().events()) {
        eIdx.add(i);
        events.add(e);
      }
      for (ParsedWebhook.FollowUp f : r.parsed().followUps()) {
        fIdx.add(i);
        followUps.add(f);
      }
    }
    int m = events.size();
    String[] kinds = new String[m];
    String[] entryKeys = new String[m];
    Long[] amounts = new Long[m];
    String[] currencies = new String[m];
    String[] payments = new String[m];
    String[] subs = new String[m];
    String[] refs = new String[m];
    String[] emails = new String[m];
    String[] contacts = new String[m];
    Long[] fees = new Long[m];
    OffsetDateTime[] occurred = new OffsetDateTime[m];
    OffsetDateTime[] periodEnds = new OffsetDateTime[m];
    String[] purchaseRefs = new String[m];
    for (int j = 0; j < m; j++) {
      PaymentEvent e = events.get(j);
      kinds[j] = e.kind().name();
      entryKeys[j] = e.entryKey();
      amounts[j] = e.amountMinor();
      currencies[j] = e.currency();
      payments[j] = e.externalPaymentId();
      subs[j] = e.externalSubscriptionId();
      refs[j] = e.customerRef();
      emails[j] = e.email();
      contacts[j] = e.contact();
      fees[j] = e.feeMinor();
      occurred[j] = e.occurredAt().atOffset(ZoneOffset.UTC);
      periodEnds[j] = e.periodEnd() == null ? null : e.periodEnd().atOffset(ZoneOffset.UTC);
      purchaseRefs[j] = e.purchaseRef();
    }
    return new ArrayList<>(
        List.of(
            idx,
            tenants,
            gateways,
            eventIds,
            eventTypes,
            bodies,
            eIdx.toArray(Integer[]::new),
            kinds,
            entryKeys,
            amounts,
            currencies,
            payments,
            subs,
            refs,
            emails,
            contacts,
            fees,
            occurred,
            periodEnds,
            cancelUnknown,
            verdicts,
            reasons,
            holds,
            headers,
            remotes,
            queries,
            purchaseRefs,
            fIdx.toArray(Integer[]::new),
            followUps.stream().map(f -> f.action().name()).toArray(String[]::new),
            followUps.stream().map(ParsedWebhook.FollowUp::reference).toArray(String[]::new),
            followUps.stream().map(ParsedWebhook.FollowUp::reason).toArray(String[]::new)));
  }
}
