-- Purchases an app's backend hands over: App Store transactions, Google Play purchase tokens.

-- Each purchase is remembered with the customer it was first handed over for, so that the store's
-- own notifications about it (a pending purchase completed, a refund) are booked for that customer,
-- and a second hand-over for another customer is refused. What acknowledging the purchase to the
-- store takes (Google Play's purchase token) is sealed by the credential vault and forgotten once
-- the store has it.
CREATE TABLE app_purchases (
  tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  gateway         text NOT NULL,
  purchase_ref    text NOT NULL,
  customer_ref    text NOT NULL,
  sealed_ack      bytea,
  key_id          text,
  acknowledged_at timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, gateway, purchase_ref),
  CHECK ((sealed_ack IS NULL) = (key_id IS NULL))
);

-- The store purchase an entry is about (its transaction, its purchase token's digest), whichever
-- way it was booked: handed over by the app or notified by the store.
ALTER TABLE ledger_entries ADD COLUMN purchase_ref text;
CREATE INDEX ledger_entries_purchase ON ledger_entries (tenant_id, gateway, purchase_ref)
  WHERE purchase_ref IS NOT NULL;
