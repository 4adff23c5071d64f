package io.paybridge.devdb;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server of one cluster: brings it up (creating the cluster if missing, stopping a server that
 * a killed JVM left behind, moving off a port taken meanwhile), down and up again, and tells
 * whether this JVM runs it.
 */
final class PostgresServer {

  private static final System.Logger LOG = System.getLogger(EmbeddedPostgres.class.getName());

  private static final int PORT_ATTEMPTS = 3;

  /** Data folders whose server an open instance of this JVM runs. */
  private static final Set<Path> RUNNING = ConcurrentHashMap.newKeySet();

  /** Serialises starts on durable data folders within this JVM (a file lock spans JVMs). */
  private static final Object START_LOCK = new Object();

  private final ClusterSpec spec;
  private final DataDirectory data;
  private final PostgresPrograms programs;
  private int port;
  private boolean running;

  /**
   * Whether the data folder is this instance's to clean up after a failed start: from the start for
   * a fresh throwaway folder, else once {@link #boot()} has found no one else running it.
   */
  private boolean claimed;

  PostgresServer(ClusterSpec spec, PostgresPrograms programs) {
    this.spec = spec;
    this.programs = programs;
    this.data = programs.data();
    this.claimed = spec.dataDirectory() == null;
  }

  /** The TCP port the server listens on (the one chosen when the spec asked for 0). */
  synchronized int port() {
    return port;
  }

  synchronized boolean isRunning() {
    return running;
  }

  /** As {@link #boot()}, holding the lock on {@code lockFile} so that JVMs start one at a time. */
  void bootExclusively(Path lockFile) throws IOException {
    synchronized (START_LOCK) {
      try (FileChannel channel =
              FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = channel.lock()) {
        boot();
      }
    }
  }

  /**
   * Prepares the data folder, stops a leftover server, creates the cluster if missing, applies the
   * spec's settings, role and database, and starts the server; a free port taken meanwhile by
   * someone else is replaced by another, a few times.
   */
  synchronized void boot() throws IOException {
    data.prepare();
    if (data.hasPidFile()) {
      stopLeftoverServer();
    }
    claimed = true;
    boolean fresh = !data.isInitialised();
    if (fresh) {
      programs.initdb(spec.user(), spec.password(), spec.throwaway());
      data.includeSettings();
    }
    port = spec.port() != 0 ? spec.port() : freePort();
    writeSettings();
    programs.applyRoleAndDatabase(spec, fresh);
    for (int attempt = 1; ; attempt++) {
      ServerAccount.Outcome started = programs.start();
      if (started.succeeded()) {
        break;
      }
      if (spec.port() != 0 || !programs.portWasTaken() || attempt >= PORT_ATTEMPTS) {
        throw programs.failure("pg_ctl start", started);
      }
      LOG.log(
          System.Logger.Level.INFO,
          "Port {0} was taken meanwhile; trying another",
          String.valueOf(port));
      port = freePort();
      writeSettings();
    }
    markRunning();
  }

  /** Starts the server again after {@link #stop(List)}, on the same port. */
  synchronized void restart() throws IOException {
    if (running) {
      return;
    }
    writeSettings();
    ServerAccount.Outcome started = programs.start();
    if (!started.succeeded()) {
      throw programs.failure("pg_ctl start", started);
    }
    markRunning();
  }

  /**
   * Stops the server and keeps the cluster, trying each {@code pg_ctl stop} mode in turn while the
   * server is still there; fails with the last attempt's output if it outlives them all.
   */
  synchronized void stop(List<String> modes) throws IOException {
    if (!running) {
      return;
    }
    ServerAccount.Outcome stopped = null;
    for (String mode : modes) {
      stopped = programs.stop(mode);
      if (stopped.succeeded() || !data.hasPidFile()) {
        markStopped();
        return;
      }
    }
    throw programs.failure("pg_ctl stop", stopped);
  }

  /**
   * After a failed start: stops whatever this instance started and deletes {@code removeOnClose}
   * (if any), but leaves alone a folder that turned out to be another instance's or process's.
   */
  void discardAfterFailedStart(Path removeOnClose) {
    if (!claimed) {
      return;
    }
    try {
      if (data.hasPidFile()) {
        programs.stop("immediate");
      }
      if (removeOnClose != null) {
        FileTrees.deleteRecursively(removeOnClose);
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "Could not clean up " + data.path(), e);
    }
  }

  /**
   * A {@code postmaster.pid} is present: a server runs here, or ran and died without cleaning up.
   * If another live JVM started it, refuse; if this JVM has an open instance on it, refuse;
   * otherwise it was left behind by a JVM that is gone (or by an instance of this JVM that was
   * never closed), so stop it. A pid file naming a dead process makes {@code pg_ctl stop} fail,
   * which is fine: the server then removes such a file itself at start.
   */
  private void stopLeftoverServer() throws IOException {
    if (RUNNING.contains(data.path())) {
      throw new EmbeddedPostgresException(
          "PostgreSQL in "
              + data.path()
              + " is already run by an open EmbeddedPostgres of this"
              + " JVM; close that one first");
    }
    Optional<DataDirectory.Owner> owner = data.owner();
    long self = ProcessHandle.current().pid();
    if (owner.isPresent() && owner.get().pid() != self && owner.get().isAlive()) {
      throw new EmbeddedPostgresException(
          "PostgreSQL in "
              + data.path()
              + " is in use by the running process "
              + owner.get().pid()
              + "; stop it or use another data folder");
    }
    LOG.log(
        System.Logger.Level.WARNING,
        "Found a PostgreSQL server left behind in {0} (by process {1}); stopping it",
        data.path(),
        owner.map(o -> String.valueOf(o.pid())).orElse("unknown"));
    programs.stopLeftover("pg_ctl stop (leftover)", "fast");
  }

  private void writeSettings() throws IOException {
    data.writeSettings(port, spec.throwaway(), spec.settings());
  }

  private void markRunning() throws IOException {
    data.recordOwner();
    RUNNING.add(data.path());
    running = true;
  }

  private void markStopped() throws IOException {
    running = false;
    RUNNING.remove(data.path());
    data.forgetOwner();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket =
        new ServerSocket(0, 1, InetAddress.getByName(EmbeddedPostgres.HOST))) {
      return socket.getLocalPort();
    }
  }
}
