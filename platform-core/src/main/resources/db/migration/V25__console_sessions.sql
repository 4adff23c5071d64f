-- Console sessions, shared by every node through the database rather than the cluster's memory,
-- whose traffic is not encrypted. A row is found by the SHA-256 digest of its session id, never by
-- the id itself, so whoever reads this table cannot present a session, and a row written under an
-- id of one's choosing is never found. tenant_id is the signed-in tenant (null before sign-in), the
-- only place the console takes the tenant from; data holds the rest of the session as vertx-web
-- serializes it. A row ends at expires_at: the idle timeout after its last use, never later than
-- the absolute lifetime after it was created (at sign-in, which gives the session a new id).
CREATE TABLE console_sessions (
  id_digest     bytea PRIMARY KEY CHECK (octet_length(id_digest) = 32),
  tenant_id     uuid REFERENCES tenants (id) ON DELETE CASCADE,
  data          bytea NOT NULL,
  version       integer NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_accessed timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL
);

CREATE INDEX console_sessions_expires_at ON console_sessions (expires_at);
CREATE INDEX console_sessions_tenant ON console_sessions (tenant_id);
