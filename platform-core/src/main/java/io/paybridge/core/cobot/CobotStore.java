package io.paybridge.core.cobot;

import io.paybridge.core.db.Rows;
import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobQueue;
import io.paybridge.core.security.Tokens;
import io.paybridge.core.vault.CredentialVault;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * The SQL of Cobot connections, their one-time OAuth states, members' sessions and invoices. The
 * client secret and tokens are sealed by the vault; states and session tokens are kept as hashes
 * only. Every write an invoice's job makes is fenced by the job's claim.
 */
public final class CobotStore {

  /** The job that takes a {@code created_invoice} webhook from fetch to payment record. */
  public static final String JOB_KIND = "cobot_invoice";

  /**
   * The wake condition of an invoice's job parked because its integration was not connected: the
   * integration's row is locked whatever its state and its state read after the lock, so a
   * reconnect being committed at that moment is waited for and seen. Its wake-up of parked jobs may
   * have run before this job was parked (it found the job still pending), and nothing else would
   * wake it.
   */
  public static final String CONNECTED_AGAIN =
      "coalesce((SELECT i.status = '"
          + CobotIntegration.CONNECTED
          + "' FROM cobot_integrations i WHERE i.tenant_id = jobs.tenant_id FOR SHARE), false)";

  private static final String VAULT_PURPOSE = "cobot";
  private static final String INTEGRATION_COLUMNS =
      "tenant_id, subdomain, gateway, client_id, sealed, key_id, status, token_expires_at,"
          + " hook_key, page_key, navigation_link_url, subscription_url, connected_at, created_at,"
          + " updated_at";
  private static final String INVOICE_COLUMNS =
      "id, url, invoice_id, invoice_number, membership_id, amount_minor, currency, outcome,"
          + " reason_code, reason, charge_id, runs, payment_record_id, created_at, updated_at";

  /** What a one-time state was issued for. */
  public record State(UUID tenantId, String purpose) {}

  /** A member signed in on the members' page. */
  public record MemberSession(
      UUID tenantId, String membershipId, String memberName, String setupId) {}

  /** A webhook as recorded: the row, and whether this delivery created it. */
  public record Received(CobotInvoice invoice, boolean fresh) {}

  /** An invoice's row with the tenant it belongs to, for its job. */
  public record Work(UUID tenantId, CobotInvoice invoice, boolean activityPosted) {}

  /** What a fenced write found. */
  public enum Write {
    DONE,
    DUPLICATE,
    CLAIM_LOST
  }

  private final Pool pool;
  private final CredentialVault vault;

  public CobotStore(Pool pool, CredentialVault vault) {
    this.pool = pool;
    this.vault = vault;
  }

  // ---- the connection

  public Future<CobotIntegration> find(UUID tenantId) {
    return one("WHERE tenant_id = $1", Tuple.of(tenantId));
  }

  public Future<CobotIntegration> findByHookKey(String hookKey) {
    return one("WHERE hook_key = $1", Tuple.of(hookKey));
  }

  public Future<CobotIntegration> findByPageKey(String pageKey) {
    return one("WHERE page_key = $1", Tuple.of(pageKey));
  }

  private Future<CobotIntegration> one(String where, Tuple args) {
    return pool.preparedQuery("SELECT " + INTEGRATION_COLUMNS + " FROM cobot_integrations " + where)
        .execute(args)
        .map(rows -> rows.size() == 0 ? null : integration(rows.iterator().next()));
  }

  /**
   * Saves the space and OAuth client a tenant connects, awaiting a space admin's authorization; a
   * connection saved before keeps its callback and page keys (so what is registered at Cobot keeps
   * working) and, until the new authorization arrives, its tokens.
   */
  public Future<CobotIntegration> saveClient(
      UUID tenantId,
      String subdomain,
      String gateway,
      String clientId,
      CobotIntegration.Secrets secrets) {
    CredentialVault.Sealed sealed = seal(tenantId, secrets);
    return pool.preparedQuery(
            "INSERT INTO cobot_integrations (tenant_id, subdomain, gateway, client_id, sealed,"
                + " key_id, status, hook_key, page_key) VALUES ($1, $2, $3, $4, $5, $6,"
                + " 'authorization_required', $7, $8) ON CONFLICT (tenant_id) DO UPDATE SET"
                + " subdomain = EXCLUDED.subdomain, gateway = EXCLUDED.gateway,"
                + " client_id = EXCLUDED.client_id, sealed = EXCLUDED.sealed,"
                + " key_id = EXCLUDED.key_id, status = 'authorization_required',"
                + " updated_at = now() RETURNING "
                + INTEGRATION_COLUMNS)
        .execute(
            Tuple.of(
                tenantId,
                subdomain,
                gateway,
                clientId,
                Buffer.buffer(sealed.ciphertext()),
                sealed.keyId(),
                Tokens.random("ch_", 32),
                Tokens.random("cp_", 32)))
        .map(rows -> integration(rows.iterator().next()));
  }

  /** Replaces the sealed secrets with new tokens; answers the connection as it stands after. */
  public Future<CobotIntegration> saveTokens(
      UUID tenantId, CobotIntegration.Secrets secrets, OffsetDateTime expiresAt) {
    CredentialVault.Sealed sealed = seal(tenantId, secrets);
    return pool.preparedQuery(
            "UPDATE cobot_integrations SET sealed = $2, key_id = $3, token_expires_at = $4,"
                + " updated_at = now() WHERE tenant_id = $1")
        .execute(Tuple.of(tenantId, Buffer.buffer(sealed.ciphertext()), sealed.keyId(), expiresAt))
        .compose(rows -> find(tenantId));
  }

  /**
   * Marks the connection complete, with what was registered at Cobot, and makes the invoices' jobs
   * that waited for it due.
   */
  public Future<CobotIntegration> markConnected(
      UUID tenantId, String navigationLinkUrl, String subscriptionUrl) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(
                    "UPDATE cobot_integrations SET status = 'connected', navigation_link_url = $2,"
                        + " subscription_url = $3, connected_at = now(), updated_at = now()"
                        + " WHERE tenant_id = $1 RETURNING "
                        + INTEGRATION_COLUMNS)
                .execute(Tuple.of(tenantId, navigationLinkUrl, subscriptionUrl))
                .compose(
                    rows ->
                        JobQueue.unpark(conn, tenantId, JOB_KIND)
                            .map(
                                woken ->
                                    rows.size() == 0
                                        ? null
                                        : integration(rows.iterator().next()))));
  }

  /** Notes that Cobot no longer accepts the tokens: a space admin must authorize again. */
  public Future<Void> markAuthorizationRequired(UUID tenantId) {
    return pool.preparedQuery(
            "UPDATE cobot_integrations SET status = 'authorization_required', updated_at = now()"
                + " WHERE tenant_id = $1")
        .execute(Tuple.of(tenantId))
        .mapEmpty();
  }

  /** Forgets the connection (its invoices' history stays). */
  public Future<Boolean> delete(UUID tenantId) {
    return pool.preparedQuery("DELETE FROM cobot_integrations WHERE tenant_id = $1")
        .execute(Tuple.of(tenantId))
        .map(rows -> rows.rowCount() == 1);
  }

  // ---- one-time states and members' sessions

  /** Issues a one-time state for an authorization; returns the state to send. */
  public Future<String> issueState(UUID tenantId, String purpose, Duration ttl) {
    String state = Tokens.random("", 32);
    return pool.preparedQuery(
            "WITH gone AS (DELETE FROM cobot_states WHERE expires_at < now())"
                + " INSERT INTO cobot_states (state_hash, tenant_id, purpose, expires_at)"
                + " VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond')")
        .execute(Tuple.of(hash(state), tenantId, purpose, ttl.toMillis()))
        .map(state);
  }

  /** Takes a state: what it was issued for, once, before it expires; null otherwise. */
  public Future<State> takeState(String state) {
    return pool.preparedQuery(
            "DELETE FROM cobot_states WHERE state_hash = $1 RETURNING tenant_id, purpose,"
                + " expires_at > now() AS live")
        .execute(Tuple.of(hash(state)))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row row = rows.iterator().next();
              return row.getBoolean("live")
                  ? new State(row.getUUID("tenant_id"), row.getString("purpose"))
                  : null;
            });
  }

  /** Opens a member's session; returns its token. */
  public Future<String> openMemberSession(
      UUID tenantId, String membershipId, String memberName, Duration ttl) {
    String token = Tokens.random("", 32);
    return pool.preparedQuery(
            "WITH gone AS (DELETE FROM cobot_member_sessions WHERE expires_at < now())"
                + " INSERT INTO cobot_member_sessions (token_hash, tenant_id, membership_id,"
                + " member_name, expires_at) VALUES ($1, $2, $3, $4,"
                + " now() + $5 * interval '1 millisecond')")
        .execute(Tuple.of(hash(token), tenantId, membershipId, memberName, ttl.toMillis()))
        .map(token);
  }

  /** The live session of a token, or null. */
  public Future<MemberSession> memberSession(String token) {
    return pool.preparedQuery(
            "SELECT tenant_id, membership_id, member_name, setup_id FROM cobot_member_sessions"
                + " WHERE token_hash = $1 AND expires_at > now()")
        .execute(Tuple.of(hash(token)))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row row = rows.iterator().next();
              return new MemberSession(
                  row.getUUID("tenant_id"),
                  row.getString("membership_id"),
                  row.getString("member_name"),
                  row.getString("setup_id"));
            });
  }

  /** Remembers the card setup a session started, the only one its return may complete. */
  public Future<Void> rememberSetup(String token, String setupId) {
    return pool.preparedQuery(
            "UPDATE cobot_member_sessions SET setup_id = $2 WHERE token_hash = $1")
        .execute(Tuple.of(hash(token), setupId))
        .mapEmpty();
  }

  // ---- invoices

  /**
   * Records a webhook: a row, and for an accepted URL the job that works on it, in one transaction;
   * the same URL again is the row already there, with no second job.
   *
   * @param rejection why the URL is never fetched, or null to accept it
   */
  public Future<Received> receive(UUID tenantId, String url, String rejection) {
    UUID id = UUID.randomUUID();
    String outcome = rejection == null ? CobotInvoice.PENDING : CobotInvoice.REJECTED;
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(
                    "INSERT INTO cobot_invoices (id, tenant_id, url, outcome, reason_code, reason)"
                        + " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, url) DO NOTHING"
                        + " RETURNING "
                        + INVOICE_COLUMNS)
                .execute(
                    Tuple.of(
                        id,
                        tenantId,
                        url,
                        outcome,
                        rejection == null ? null : CobotInvoices.FOREIGN_URL,
                        rejection))
                .compose(
                    rows -> {
                      if (rows.size() == 0) {
                        return conn.preparedQuery(
                                "SELECT "
                                    + INVOICE_COLUMNS
                                    + " FROM cobot_invoices WHERE tenant_id = $1 AND url = $2")
                            .execute(Tuple.of(tenantId, url))
                            .map(r -> new Received(invoice(r.iterator().next()), false));
                      }
                      CobotInvoice created = invoice(rows.iterator().next());
                      if (rejection != null) {
                        return Future.succeededFuture(new Received(created, true));
                      }
                      return JobQueue.enqueue(
                              conn, JOB_KIND, tenantId, null, payload(id), Duration.ZERO)
                          .map(job -> new Received(created, true));
                    }));
  }

  /** The tenant's invoices, newest first, after the one named by {@code before}. */
  public Future<List<CobotInvoice>> list(UUID tenantId, int limit, UUID before) {
    return list(tenantId, limit, before, false);
  }

  /**
   * The tenant's invoices, newest first after the one {@code from} names; with {@code backwards},
   * those before it, oldest first.
   */
  public Future<List<CobotInvoice>> list(UUID tenantId, int limit, UUID from, boolean backwards) {
    String after =
        from == null
            ? ""
            : " AND (created_at, id) "
                + (backwards ? ">" : "<")
                + " (SELECT created_at, id FROM cobot_invoices WHERE tenant_id = $1 AND id = $3)";
    String order = backwards ? "ASC" : "DESC";
    return pool.preparedQuery(
            "SELECT "
                + INVOICE_COLUMNS
                + " FROM cobot_invoices WHERE tenant_id = $1"
                + after
                + " ORDER BY created_at "
                + order
                + ", id "
                + order
                + " LIMIT $2")
        .execute(from == null ? Tuple.of(tenantId, limit) : Tuple.of(tenantId, limit, from))
        .map(
            rows -> {
              List<CobotInvoice> out = new ArrayList<>();
              rows.forEach(r -> out.add(invoice(r)));
              return out;
            });
  }

  /** The tenant's invoice row, or null. */
  public Future<CobotInvoice> invoice(UUID tenantId, UUID id) {
    return pool.preparedQuery(
            "SELECT " + INVOICE_COLUMNS + " FROM cobot_invoices WHERE tenant_id = $1 AND id = $2")
        .execute(Tuple.of(tenantId, id))
        .map(rows -> rows.size() == 0 ? null : invoice(rows.iterator().next()));
  }

  /** An invoice's row for its job, or null when it is gone. */
  public Future<Work> work(UUID id) {
    return pool.preparedQuery(
            "SELECT "
                + INVOICE_COLUMNS
                + ", tenant_id, activity_posted FROM cobot_invoices"
                + " WHERE id = $1")
        .execute(Tuple.of(id))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row row = rows.iterator().next();
              return new Work(
                  row.getUUID("tenant_id"), invoice(row), row.getBoolean("activity_posted"));
            });
  }

  /**
   * Writes what the fetched invoice says, fenced by the job's claim; {@link Write#DUPLICATE} when
   * another webhook's row already holds this invoice.
   */
  public Future<Write> fetched(
      Job job,
      UUID id,
      String invoiceId,
      String invoiceNumber,
      String membershipId,
      Long amountMinor,
      String currency) {
    return fenced(
            job,
            "invoice_id = $4, invoice_number = $5, membership_id = $6, amount_minor = $7,"
                + " currency = $8",
            id,
            Tuple.tuple()
                .addString(invoiceId)
                .addString(invoiceNumber)
                .addString(membershipId)
                .addLong(amountMinor)
                .addString(currency))
        .recover(
            err ->
                err instanceof PgException pg && "23505".equals(pg.getSqlState())
                    ? Future.succeededFuture(Write.DUPLICATE)
                    : Future.failedFuture(err));
  }

  /** Sets the outcome and its reason, fenced by the job's claim. */
  public Future<Write> outcome(Job job, UUID id, String outcome, String reasonCode, String reason) {
    return fenced(
        job,
        "outcome = $4, reason_code = $5, reason = $6",
        id,
        Tuple.tuple().addString(outcome).addString(reasonCode).addString(Rows.clip(reason, 1000)));
  }

  /** Notes the charge this run made, fenced by the job's claim. */
  public Future<Write> charging(Job job, UUID id, UUID chargeId) {
    return fenced(job, "charge_id = $4", id, Tuple.tuple().addUUID(chargeId));
  }

  /** Notes that the member's timeline was told, fenced by the job's claim. */
  public Future<Write> activityPosted(Job job, UUID id) {
    return fenced(job, "activity_posted = true", id, Tuple.tuple());
  }

  /** The invoice is paid at Cobot: its payment record, fenced by the job's claim. */
  public Future<Write> recorded(Job job, UUID id, String paymentRecordId, String note) {
    return fenced(
        job,
        "outcome = 'charged', reason_code = NULL, reason = $5, payment_record_id = $4",
        id,
        Tuple.tuple().addString(paymentRecordId).addString(Rows.clip(note, 1000)));
  }

  private Future<Write> fenced(Job job, String set, UUID id, Tuple values) {
    Tuple args = Tuple.tuple().addLong(job.id()).addUUID(job.claimToken()).addUUID(id);
    for (int i = 0; i < values.size(); i++) {
      args.addValue(values.getValue(i));
    }
    return pool.preparedQuery(
            JobQueue.WITH_CLAIM
                + "UPDATE cobot_invoices SET "
                + set
                + ", updated_at = now() WHERE id = $3 AND EXISTS (SELECT 1 FROM claim)")
        .execute(args)
        .map(rows -> rows.rowCount() == 1 ? Write.DONE : Write.CLAIM_LOST);
  }

  /**
   * Starts a new run of a declined (or method-less) invoice's charge, with a job, unless a charge
   * of this invoice succeeded or may still succeed; null when it may not run again.
   */
  public Future<CobotInvoice> rerun(UUID tenantId, UUID id) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(
                    "UPDATE cobot_invoices i SET runs = runs + 1, outcome = 'pending',"
                        + " reason_code = NULL, reason = NULL, charge_id = NULL,"
                        + " activity_posted = false, updated_at = now()"
                        + " WHERE i.tenant_id = $1 AND i.id = $2 AND i.invoice_id IS NOT NULL"
                        + " AND (i.outcome = 'declined' OR (i.outcome = 'skipped' AND i.reason_code"
                        + " = $3)) AND NOT EXISTS (SELECT 1 FROM charges c WHERE c.tenant_id = $1"
                        + " AND c.status <> 'failed' AND (c.idempotency_key = 'cobot-invoice:' ||"
                        + " i.invoice_id OR starts_with(c.idempotency_key, 'cobot-invoice:' ||"
                        + " i.invoice_id || ':run-'))) RETURNING "
                        + INVOICE_COLUMNS)
                .execute(Tuple.of(tenantId, id, CobotInvoices.NO_PAYMENT_METHOD))
                .compose(
                    rows -> {
                      if (rows.size() == 0) {
                        return Future.succeededFuture(null);
                      }
                      CobotInvoice row = invoice(rows.iterator().next());
                      return JobQueue.enqueue(
                              conn, JOB_KIND, tenantId, null, payload(id), Duration.ZERO)
                          .map(job -> row);
                    }));
  }

  static JsonObject payload(UUID id) {
    return new JsonObject().put("invoice", id.toString());
  }

  // ---- rows

  private CredentialVault.Sealed seal(UUID tenantId, CobotIntegration.Secrets s) {
    return vault.seal(
        tenantId,
        VAULT_PURPOSE,
        new JsonObject()
            .put("clientSecret", s.clientSecret())
            .put("accessToken", s.accessToken())
            .put("refreshToken", s.refreshToken()));
  }

  private CobotIntegration integration(Row row) {
    UUID tenantId = row.getUUID("tenant_id");
    JsonObject secrets =
        vault.open(
            tenantId, VAULT_PURPOSE, row.getBuffer("sealed").getBytes(), row.getString("key_id"));
    return new CobotIntegration(
        tenantId,
        row.getString("subdomain"),
        row.getString("gateway"),
        row.getString("client_id"),
        row.getString("status"),
        new CobotIntegration.Secrets(
            secrets.getString("clientSecret"),
            secrets.getString("accessToken"),
            secrets.getString("refreshToken")),
        row.getOffsetDateTime("token_expires_at"),
        row.getString("hook_key"),
        row.getString("page_key"),
        row.getString("navigation_link_url"),
        row.getString("subscription_url"),
        row.getOffsetDateTime("connected_at"),
        row.getOffsetDateTime("created_at"),
        row.getOffsetDateTime("updated_at"));
  }

  private static CobotInvoice invoice(Row row) {
    return new CobotInvoice(
        row.getUUID("id"),
        row.getString("url"),
        row.getString("invoice_id"),
        row.getString("invoice_number"),
        row.getString("membership_id"),
        row.getLong("amount_minor"),
        row.getString("currency"),
        row.getString("outcome"),
        row.getString("reason_code"),
        row.getString("reason"),
        row.getUUID("charge_id"),
        row.getInteger("runs"),
        row.getString("payment_record_id"),
        row.getOffsetDateTime("created_at"),
        row.getOffsetDateTime("updated_at"));
  }

  private static String hash(String secret) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
