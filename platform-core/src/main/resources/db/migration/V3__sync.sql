-- Where a tenant's recorded payments go, and the state of each delivery to each target.

CREATE TABLE sync_targets (
  id              uuid PRIMARY KEY,
  tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  type            text NOT NULL CHECK (type IN ('webhook', 'customer-transaction')),
  url             text NOT NULL,
  -- sealed by the credential vault: the webhook signing secret, or the call's headers
  config          bytea NOT NULL,
  key_id          text NOT NULL,
  enabled         boolean NOT NULL DEFAULT true,
  disabled_reason text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  deleted_at      timestamptz
);
CREATE INDEX sync_targets_tenant ON sync_targets (tenant_id) WHERE deleted_at IS NULL;

-- One row per (target, ledger entry): delivered state is tracked per target, so a failed delivery
-- is resent until it succeeds or is dead, whatever happened to the others.
CREATE TABLE deliveries (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id       uuid NOT NULL,
  target_id       uuid NOT NULL REFERENCES sync_targets (id),
  entry_id        bigint NOT NULL REFERENCES ledger_entries (id),
  status          text NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'delivered', 'failed', 'dead')),
  attempts        integer NOT NULL DEFAULT 0,
  last_status     integer,
  last_error      text,
  last_latency_ms integer,
  -- attempts stop after this; a replay opens a new window
  retry_until     timestamptz NOT NULL DEFAULT now() + interval '3 days',
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  delivered_at    timestamptz,
  UNIQUE (target_id, entry_id)
);
CREATE INDEX deliveries_tenant_status ON deliveries (tenant_id, status, id DESC);
CREATE INDEX deliveries_entry ON deliveries (entry_id);

CREATE TABLE delivery_attempts (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id  bigint NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
  attempted_at timestamptz NOT NULL DEFAULT now(),
  status_code  integer,
  latency_ms   integer NOT NULL,
  error        text
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, id DESC);
