-- Stored payment methods and the merchant-initiated charges made with them.

-- A customer's payment method at a gateway, one per customer reference. The gateway's customer and
-- method ids are sealed by the credential vault; brand and last four digits are what the gateway
-- says a customer may be shown.
CREATE TABLE payment_methods (
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  customer_ref  text NOT NULL,
  gateway       text NOT NULL,
  sealed        bytea NOT NULL,
  key_id        text NOT NULL,
  brand         text,
  last4         text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, customer_ref)
);

-- One charge per idempotency key of the tenant's request. The method it charges is copied (sealed)
-- into the charge, so every try sends the gateway the same parameters under the same key even if
-- the customer's stored method changes meanwhile.
CREATE TABLE charges (
  id                 uuid PRIMARY KEY,
  tenant_id          uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  idempotency_key    text NOT NULL,
  fingerprint        text NOT NULL,
  customer_ref       text NOT NULL,
  gateway            text NOT NULL,
  sealed_method      bytea NOT NULL,
  key_id             text NOT NULL,
  amount_minor       bigint NOT NULL CHECK (amount_minor > 0),
  currency           text NOT NULL,
  description        text,
  status             text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'succeeded', 'failed')),
  gateway_payment_id text,
  failure_code       text,
  failure_message    text,
  last_error         text,
  attempts           integer NOT NULL DEFAULT 0,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, idempotency_key)
);
CREATE INDEX charges_tenant_created ON charges (tenant_id, created_at DESC, id);

-- A ledger entry booked by a charge's answer rather than by a webhook.
ALTER TABLE ledger_entries ADD COLUMN charge_id uuid REFERENCES charges (id);
