package io.paybridge.devdb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The PostgreSQL programs run on one data folder as the server account ({@code initdb}, {@code
 * postgres --single}, {@code pg_ctl start} and {@code stop}), each run's output logged to the
 * folder's set-up log with password literals masked.
 *
 * @param bin the folder of the unpacked programs
 * @param workDir a folder the server account can traverse: the programs' working folder, and where
 *     the password file for {@code initdb} is written
 */
record PostgresPrograms(ServerAccount account, Path bin, Path workDir, DataDirectory data) {

  private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration PG_CTL_TIMEOUT = Duration.ofSeconds(90);
  private static final int PG_CTL_WAIT_SECONDS = 60;
  private static final int LOG_TAIL_LINES = 40;
  private static final Pattern PASSWORD_LITERAL = Pattern.compile("PASSWORD '(?:[^']|'')*'");
  private static final Set<String> BUILT_IN_DATABASES =
      Set.of("postgres", "template0", "template1");

  /**
   * Creates the cluster: SCRAM authentication for every connection, the superuser's password from a
   * file only the server account can read (deleted at once), UTF-8 with the C locale; {@code
   * --no-sync} for a throwaway cluster.
   */
  void initdb(String user, String password, boolean throwaway) throws IOException {
    Path passwordFile = Files.createTempFile(workDir, "pwfile-", "");
    try {
      Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
      account.handOver(passwordFile);
      List<String> command =
          new ArrayList<>(
              List.of(
                  program("initdb"),
                  "-D",
                  data.path().toString(),
                  "-U",
                  user,
                  "--auth=scram-sha-256",
                  "--pwfile=" + passwordFile,
                  "-E",
                  "UTF8",
                  "--no-locale"));
      if (throwaway) {
        command.add("--no-sync");
      }
      ServerAccount.Outcome outcome = run("initdb", command, null, INITDB_TIMEOUT);
      if (!outcome.succeeded()) {
        throw failure("initdb", outcome);
      }
    } finally {
      Files.deleteIfExists(passwordFile);
    }
  }

  /**
   * Makes the cluster match the spec before the server listens, through PostgreSQL's single-user
   * mode (the bundled binaries include no client): the role exists with the configured password,
   * and the database exists. A fresh cluster already has the role.
   */
  void applyRoleAndDatabase(ClusterSpec spec, boolean fresh) throws IOException {
    List<String> statements = roleAndDatabaseStatements(spec, fresh);
    if (statements.isEmpty()) {
      return;
    }
    Path script = Files.createTempFile("paybridge-pg-", ".sql");
    ServerAccount.Outcome outcome;
    try {
      Files.write(script, statements, StandardCharsets.UTF_8);
      List<String> command =
          new ArrayList<>(
              List.of(
                  program("postgres"),
                  "--single",
                  "-D",
                  data.path().toString(),
                  "-c",
                  "lc_messages=C"));
      if (spec.throwaway()) {
        command.add("-F");
      }
      command.add("postgres");
      outcome = run("postgres --single", command, script, INITDB_TIMEOUT);
    } finally {
      Files.deleteIfExists(script);
    }
    String alreadyExists = "database \"" + spec.database() + "\" already exists";
    boolean failed =
        !outcome.succeeded()
            || outcome
                .output()
                .lines()
                .anyMatch(
                    line ->
                        (line.contains("ERROR:") || line.contains("FATAL:"))
                            && !line.contains(alreadyExists));
    if (failed) {
      throw failure("role and database set-up (postgres --single)", outcome);
    }
  }

  private static List<String> roleAndDatabaseStatements(ClusterSpec spec, boolean fresh) {
    String user = spec.user();
    List<String> statements = new ArrayList<>();
    if (!fresh) {
      statements.add(
          "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '"
              + user
              + "') THEN CREATE ROLE \""
              + user
              + "\" SUPERUSER LOGIN; END IF; END$$;");
      statements.add(
          "ALTER ROLE \""
              + user
              + "\" WITH SUPERUSER LOGIN PASSWORD '"
              + spec.password().replace("'", "''")
              + "';");
    }
    if (!BUILT_IN_DATABASES.contains(spec.database())) {
      statements.add("CREATE DATABASE \"" + spec.database() + "\" OWNER \"" + user + "\";");
    }
    String runtime = spec.runtimeUser();
    if (runtime != null) {
      // Nothing but a login: the platform grants it what it needs on its own tables.
      statements.add(
          "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '"
              + runtime
              + "') THEN CREATE ROLE \""
              + runtime
              + "\"; END IF; END$$;");
      statements.add(
          "ALTER ROLE \""
              + runtime
              + "\" WITH NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION LOGIN PASSWORD '"
              + spec.runtimePassword().replace("'", "''")
              + "';");
    }
    return statements;
  }

  /** Starts the server and waits until it accepts connections. */
  ServerAccount.Outcome start() throws IOException {
    return run(
        "pg_ctl start",
        List.of(
            program("pg_ctl"),
            "-D",
            data.path().toString(),
            "-l",
            data.serverLog().toString(),
            "-w",
            "-t",
            String.valueOf(PG_CTL_WAIT_SECONDS),
            "start"),
        null,
        PG_CTL_TIMEOUT);
  }

  /** Stops the server in {@code mode} ({@code fast} or {@code immediate}) and waits for it. */
  ServerAccount.Outcome stop(String mode) throws IOException {
    return stop("pg_ctl stop -m " + mode, mode, PG_CTL_WAIT_SECONDS);
  }

  /**
   * Stops a server that no open instance runs (left behind by a killed JVM), in {@code mode},
   * waiting up to 30 s; {@code step} names it in the set-up log.
   */
  ServerAccount.Outcome stopLeftover(String step, String mode) throws IOException {
    return stop(step, mode, 30);
  }

  private ServerAccount.Outcome stop(String step, String mode, int waitSeconds) throws IOException {
    return run(
        step,
        List.of(
            program("pg_ctl"),
            "-D",
            data.path().toString(),
            "stop",
            "-m",
            mode,
            "-w",
            "-t",
            String.valueOf(waitSeconds)),
        null,
        PG_CTL_TIMEOUT);
  }

  /**
   * Runs a PostgreSQL program as the server account, from a folder it can reach, and appends its
   * output to the set-up log. A password literal that the server echoes with a failed statement is
   * masked, in the log and in the returned output.
   */
  private ServerAccount.Outcome run(String step, List<String> command, Path stdin, Duration timeout)
      throws IOException {
    ServerAccount.Outcome outcome = account.run(command, workDir, stdin, timeout);
    String output = PASSWORD_LITERAL.matcher(outcome.output()).replaceAll("PASSWORD '********'");
    data.appendSetupLog(step, outcome.exitCode(), output);
    return new ServerAccount.Outcome(outcome.exitCode(), output);
  }

  /** Whether the server's last failed start found its port taken. */
  boolean portWasTaken() {
    return data.serverLogTail(LOG_TAIL_LINES).contains("Address already in use");
  }

  /** The failure of {@code step}, with the tail of its output and of the server log. */
  EmbeddedPostgresException failure(String step, ServerAccount.Outcome outcome) {
    return new EmbeddedPostgresException(
        "PostgreSQL "
            + step
            + " failed (exit "
            + outcome.exitCode()
            + ") for data folder "
            + data.path()
            + " run as "
            + account.name()
            + "\n--- output ---\n"
            + DataDirectory.lastLines(outcome.output(), LOG_TAIL_LINES)
            + "\n--- "
            + data.serverLog()
            + " (last "
            + LOG_TAIL_LINES
            + " lines) ---\n"
            + data.serverLogTail(LOG_TAIL_LINES));
  }

  private String program(String name) {
    return bin.resolve(name).toString();
  }
}
