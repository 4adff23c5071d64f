-- Idempotency keys of the partner API: a write sent again with the same Idempotency-Key answers
-- what the first answered, for 24 hours, on every node and across restarts. The answer is sealed
-- by the credential vault (it may show a secret once, such as a new sync target's signing secret).
CREATE TABLE api_idempotency (
  tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  idempotency_key  text NOT NULL,
  fingerprint      text NOT NULL,
  status           text NOT NULL CHECK (status IN ('running', 'done')),
  answer           bytea,
  key_id           text,
  locked_until     timestamptz NOT NULL,
  expires_at       timestamptz NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, idempotency_key)
);
CREATE INDEX api_idempotency_expiry ON api_idempotency (tenant_id, expires_at);
