-- Refunds a tenant asks for through the API, and the indexes the API's list filters need.

-- One row per refund request: each is its own money movement at the gateway, under its own gateway
-- idempotency key (paybridge-refund-<id>), so two partial refunds of one payment never fold into
-- one. The entry key is the ledger key the gateway's webhook books the refund under, known once
-- the gateway named its refund; with it, what is left of a payment counts a refund once, whether
-- its entry came from the gateway's answer or from the webhook.
CREATE TABLE refunds (
  id                 uuid PRIMARY KEY,
  tenant_id          uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  payment_id         bigint NOT NULL REFERENCES ledger_entries (id),
  gateway            text NOT NULL,
  amount_minor       bigint NOT NULL CHECK (amount_minor > 0),
  currency           text NOT NULL,
  reason             text,
  status             text NOT NULL DEFAULT 'requested'
                     CHECK (status IN ('requested', 'pending', 'succeeded', 'failed')),
  idempotency_key    text NOT NULL,
  -- the partner's Idempotency-Key and what the request said, so a request repeated after a lost
  -- answer finds this refund instead of making another
  request_key        text NOT NULL,
  fingerprint        text NOT NULL,
  gateway_refund_id  text,
  entry_key          text,
  failure_code       text,
  failure_message    text,
  last_error         text,
  attempts           integer NOT NULL DEFAULT 0,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, request_key),
  UNIQUE (idempotency_key)
);
-- A payment's refunds, newest first; and the tenant's, for a refund's own page.
CREATE INDEX refunds_payment ON refunds (payment_id, created_at DESC, id DESC);
CREATE INDEX refunds_tenant ON refunds (tenant_id, id);

-- A ledger entry booked by a refund's answer rather than by a webhook.
ALTER TABLE ledger_entries ADD COLUMN refund_id uuid REFERENCES refunds (id);

-- Deliveries listed by target: the tenant's deliveries to one target, newest first. The unique
-- (target_id, entry_id) index orders by entry, not by delivery id, so a page would sort them all.
CREATE INDEX deliveries_tenant_target ON deliveries (tenant_id, target_id, id DESC);

-- Subscriptions listed by status, in the listing's order.
CREATE INDEX subscriptions_tenant_status
  ON subscriptions (tenant_id, status, gateway, external_subscription_id);
