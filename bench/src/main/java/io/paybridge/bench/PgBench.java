package io.paybridge.bench;

import io.vertx.pgclient.PgConnectOptions;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL's own limit for the ingest write on this machine: {@code pgbench} against the same
 * durable server and schema, each transaction ONE statement that inserts one webhook receipt, its
 * ledger entry and its sync job, shaped like the platform's statement (a data-modifying CTE with
 * {@code ON CONFLICT DO NOTHING ... RETURNING}) but for a single webhook. The receipt's raw body is
 * a real Stripe event body, so rows have the size and compressibility of the platform's.
 *
 * <p>Run as {@code pgbench -n -M prepared -c <clients> -j <threads> -T <seconds>} over TCP to
 * 127.0.0.1, with the password in {@code PGPASSWORD}.
 */
final class PgBench {

  /**
   * What pgbench reported.
   *
   * @param tps transactions per second, without connection time
   * @param latencyMillis mean transaction latency as pgbench saw it
   */
  record Result(double tps, long transactions, long failed, double latencyMillis, Path log) {}

  private static final Pattern TPS =
      Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");
  private static final Pattern TRANSACTIONS =
      Pattern.compile("number of transactions actually processed: (\\d+)");
  private static final Pattern FAILED = Pattern.compile("number of failed transactions: (\\d+)");
  private static final Pattern LATENCY = Pattern.compile("latency average = ([0-9.]+) ms");

  private PgBench() {}

  /** The pgbench program: an absolute path as given, or the first match on the PATH. */
  static Optional<Path> find(String program) {
    Path given = Path.of(program);
    if (given.isAbsolute()) {
      return Files.isExecutable(given) ? Optional.of(given) : Optional.empty();
    }
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * The transaction pgbench runs, one statement, for one of {@code tenants} tenants picked at
   * random.
   */
  static String script(String sampleBody, int tenants) {
    String hex = HexFormat.of().formatHex(sampleBody.getBytes(StandardCharsets.UTF_8));
    return """
        -- One webhook per transaction: receipt, ledger entry and sync job in ONE statement,
        -- shaped like the group-commit statement of platform-core (RecordSql). pgbench reads a
        -- colon followed by a name as a variable, even inside a string: hence 'payment:' || 'pi_'.
        \\set t random(1, %d)
        \\set amount random(100, 99999)
        WITH k AS (
          SELECT CAST(md5('pgbench-tenant-' || :t) AS uuid) AS tenant_id,
                 replace(CAST(gen_random_uuid() AS text), '-', '') AS u
        ), rec AS (
          INSERT INTO webhook_receipts (tenant_id, gateway, event_id, event_type, raw_body)
          SELECT tenant_id, 'stripe', 'evt_' || u, 'payment_intent.succeeded', CAST('\\x%s' AS bytea) FROM k
          ON CONFLICT (tenant_id, gateway, event_id) DO NOTHING
          RETURNING id, tenant_id
        ), led AS (
          INSERT INTO ledger_entries (tenant_id, gateway, receipt_id, entry_key, kind, amount_minor, currency,
                                      external_payment_id, customer_ref, email, occurred_at)
          SELECT rec.tenant_id, 'stripe', rec.id, 'payment:' || 'pi_' || k.u, 'PAYMENT', CAST(:amount AS bigint), 'USD', 'pi_' || k.u,
                 'cust-' || :t, 'jenny.rosen@example.com', now()
          FROM rec CROSS JOIN k
          ON CONFLICT (tenant_id, gateway, entry_key) DO NOTHING
          RETURNING id, tenant_id
        )
        INSERT INTO jobs (kind, tenant_id, ref_id) SELECT 'sync', tenant_id, id FROM led;
        """
        .formatted(tenants, hex);
  }

  /** A pgbench run under way, for {@code seconds}, writing to {@code log}. */
  record Running(Process process, Path log, int seconds) {

    long pid() {
      return process.pid();
    }

    /** Waits for pgbench to end and reads its figures; blocking. */
    Result await() throws IOException, InterruptedException {
      if (!process.waitFor(seconds + 120L, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IOException("pgbench did not finish; see " + log);
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IOException("pgbench exited with " + process.exitValue() + ":\n" + output);
      }
      return new Result(
          number(TPS, output),
          (long) number(TRANSACTIONS, output),
          (long) orZero(FAILED, output),
          number(LATENCY, output),
          log);
    }

    /** Stops pgbench if it still runs (the run failed or was interrupted). */
    void stop() {
      process.destroyForcibly();
    }
  }

  /** Starts pgbench; {@link Running#await()} waits for its figures. */
  static Running start(
      Path program,
      Path runFolder,
      PgConnectOptions db,
      String sampleBody,
      int tenants,
      int clients,
      int threads,
      int seconds)
      throws IOException {
    Path scriptFile = runFolder.resolve("pgbench-ingest.sql");
    Files.writeString(scriptFile, script(sampleBody, tenants), StandardCharsets.UTF_8);
    Path log = runFolder.resolve("pgbench.log");
    List<String> command =
        new ArrayList<>(
            List.of(
                program.toString(),
                "-h",
                db.getHost(),
                "-p",
                Integer.toString(db.getPort()),
                "-U",
                db.getUser(),
                "-n",
                "-M",
                "prepared",
                "-c",
                Integer.toString(clients),
                "-j",
                Integer.toString(threads),
                "-T",
                Integer.toString(seconds),
                "-P",
                "5",
                "-f",
                scriptFile.toString(),
                db.getDatabase()));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("PG"));
    env.put("PGPASSWORD", db.getPassword());
    env.put("PGSSLMODE", "disable");
    env.put("PGAPPNAME", "paybridge-bench-pgbench");
    Process process = builder.start();
    process.getOutputStream().close();
    return new Running(process, log, seconds);
  }

  private static double number(Pattern p, String output) throws IOException {
    Matcher m = p.matcher(output);
    if (!m.find()) {
      throw new IOException("pgbench printed no '" + p.pattern() + "':\n" + output);
    }
    return Double.parseDouble(m.group(1));
  }

  private static double orZero(Pattern p, String output) {
    Matcher m = p.matcher(output);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
