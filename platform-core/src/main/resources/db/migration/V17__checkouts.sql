-- Checkouts: payments a tenant's app backend starts at a gateway through Paybridge, which its
-- customer then completes in the app or the browser. The gateway's webhooks (and the answers of
-- captures Paybridge makes) book them for the checkout's customer reference.

-- One checkout per idempotency key of the tenant's request. The gateway's reference (a Stripe
-- PaymentIntent id, a PayPal order id, a wallet intent id) names it in webhooks and later calls:
-- unique per tenant and gateway. What the customer's client needs (Stripe's client secret) is
-- sealed by the credential vault as a whole, bound to the checkout: the platform cannot tell a
-- plugin's secret client fields from its public ones. A request starting the checkout holds
-- start_token until start_until, so a repeated request neither starts it twice at once nor waits
-- forever on a node that died. paid_minor and refunded_minor sum the checkout's ledger entries
-- (money received; money returned by refunds and disputes, net of their reversals) and give its
-- status once money moved.
CREATE TABLE checkouts (
  id               uuid PRIMARY KEY,
  tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  gateway          text NOT NULL,
  idempotency_key  text NOT NULL,
  fingerprint      text NOT NULL,
  customer_ref     text NOT NULL,
  amount_minor     bigint NOT NULL CHECK (amount_minor > 0),
  currency         text NOT NULL,
  description      text,
  return_url       text,
  status           text NOT NULL DEFAULT 'starting'
                   CHECK (status IN ('starting', 'failed_to_start', 'open', 'paid',
                                     'partially_refunded', 'refunded', 'cancelled', 'failed')),
  reference        text,
  client_sealed    bytea,
  key_id           text,
  start_token      uuid,
  start_until      timestamptz,
  paid_minor       bigint NOT NULL DEFAULT 0,
  refunded_minor   bigint NOT NULL DEFAULT 0,
  failure_code     text,
  failure_message  text,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, idempotency_key)
);
CREATE UNIQUE INDEX checkouts_reference ON checkouts (tenant_id, gateway, reference)
  WHERE reference IS NOT NULL;
CREATE INDEX checkouts_tenant_created ON checkouts (tenant_id, created_at DESC, id);

-- The checkout a ledger entry belongs to, and the checkout a webhook receipt concerns, set when the
-- entry's payment (or the delivery's follow-up) names the checkout's reference.
ALTER TABLE ledger_entries ADD COLUMN checkout_id uuid REFERENCES checkouts (id);
CREATE INDEX ledger_entries_checkout ON ledger_entries (checkout_id) WHERE checkout_id IS NOT NULL;
ALTER TABLE webhook_receipts ADD COLUMN checkout_id uuid;
CREATE INDEX webhook_receipts_checkout ON webhook_receipts (checkout_id)
  WHERE checkout_id IS NOT NULL;
