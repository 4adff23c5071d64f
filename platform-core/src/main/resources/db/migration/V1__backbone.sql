-- Paybridge backbone: tenants, API clients, gateway accounts, receipts, ledger, subscriptions, jobs.
-- Every tenant-owned row carries tenant_id and every query is scoped by it.

CREATE TABLE tenants (
  id            uuid PRIMARY KEY,
  name          text NOT NULL,
  email         text NOT NULL,
  password_hash text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX tenants_email_key ON tenants (lower(email));

CREATE TABLE api_clients (
  id          uuid PRIMARY KEY,
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  client_id   text NOT NULL UNIQUE,
  secret_hash text NOT NULL,
  name        text NOT NULL,
  scopes      text[] NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);
CREATE INDEX api_clients_tenant ON api_clients (tenant_id);

-- Credentials are AES-GCM ciphertext bound to (tenant_id, gateway); the key id allows rotation.
CREATE TABLE gateway_accounts (
  id          uuid PRIMARY KEY,
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  gateway     text NOT NULL,
  hook_key    text NOT NULL UNIQUE,
  credentials bytea NOT NULL,
  key_id      text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, gateway)
);

-- One row per authentic delivery; the unique key is what makes recording exactly-once.
CREATE TABLE webhook_receipts (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id   uuid NOT NULL,
  gateway     text NOT NULL,
  event_id    text NOT NULL,
  event_type  text NOT NULL,
  raw_body    bytea NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, gateway, event_id)
);

-- Signed minor-unit amounts: payments positive, refunds negative; a balance is a sum.
CREATE TABLE ledger_entries (
  id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id                uuid NOT NULL,
  gateway                  text NOT NULL,
  receipt_id               bigint NOT NULL REFERENCES webhook_receipts (id),
  entry_key                text NOT NULL,
  kind                     text NOT NULL,
  amount_minor             bigint,
  currency                 text,
  external_payment_id      text,
  external_subscription_id text,
  customer_ref             text,
  email                    text,
  contact                  text,
  fee_minor                bigint,
  occurred_at              timestamptz NOT NULL,
  period_end               timestamptz,
  recorded_at              timestamptz NOT NULL DEFAULT now(),
  synced_at                timestamptz,
  UNIQUE (tenant_id, gateway, entry_key),
  CHECK ((amount_minor IS NULL) = (currency IS NULL))
);
CREATE INDEX ledger_entries_tenant_id ON ledger_entries (tenant_id, id DESC);
CREATE INDEX ledger_entries_customer ON ledger_entries (tenant_id, customer_ref) WHERE customer_ref IS NOT NULL;
CREATE INDEX ledger_entries_payment ON ledger_entries (tenant_id, gateway, external_payment_id)
  WHERE external_payment_id IS NOT NULL;

CREATE TABLE subscriptions (
  tenant_id                uuid NOT NULL,
  gateway                  text NOT NULL,
  external_subscription_id text NOT NULL,
  customer_ref             text,
  status                   text NOT NULL,
  current_period_end       timestamptz,
  last_event_at            timestamptz NOT NULL,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, gateway, external_subscription_id)
);

-- Durable work. Written in the same statement as the ledger entries it follows from.
CREATE TABLE jobs (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind             text NOT NULL,
  tenant_id        uuid NOT NULL,
  ref_id           bigint,
  payload          jsonb,
  status           text NOT NULL DEFAULT 'pending',
  attempts         integer NOT NULL DEFAULT 0,
  run_at           timestamptz NOT NULL DEFAULT now(),
  lease_owner      text,
  lease_expires_at timestamptz,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_due ON jobs (run_at) WHERE status = 'pending';
