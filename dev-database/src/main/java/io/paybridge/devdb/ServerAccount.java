package io.paybridge.devdb;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The operating-system account that runs the PostgreSQL processes, and the one place that launches
 * them.
 *
 * <p>PostgreSQL refuses to run as root, yet servers and CI run the platform as root. When this JVM
 * runs as root, every PostgreSQL program is started through {@code setpriv --reuid --regid
 * --clear-groups} as an unprivileged account (the one named by {@code PAYBRIDGE_PG_OS_USER}, else
 * {@code nobody}), and the files that the server writes are handed over to that account. When the
 * JVM runs as anyone else, the programs run directly as the current user.
 *
 * <p>An unprivileged account can only reach a file if it may traverse ({@code o+x}) every folder
 * above it; {@link #canTraverse(Path)} tells whether a path qualifies, so that callers can move the
 * cluster elsewhere rather than fail inside {@code initdb}.
 */
final class ServerAccount {

  /** Environment variable naming the account that runs PostgreSQL when the JVM runs as root. */
  static final String OS_USER_ENV = "PAYBRIDGE_PG_OS_USER";

  private static final String DEFAULT_OS_USER = "nobody";
  private static final Duration SHORT_COMMAND_TIMEOUT = Duration.ofSeconds(20);
  private static final LinkOption[] NO_FOLLOW = {LinkOption.NOFOLLOW_LINKS};

  private final long currentUid;
  private final String name;
  private final String group;
  private final List<String> launcher;

  private ServerAccount(long currentUid, String name, String group, List<String> launcher) {
    this.currentUid = currentUid;
    this.name = name;
    this.group = group;
    this.launcher = launcher;
  }

  /**
   * Decides who runs PostgreSQL: the current user, or, when this JVM is root, the configured
   * unprivileged account.
   *
   * @param configured the account to use when running as root; {@code null} means the {@value
   *     #OS_USER_ENV} environment variable, else {@code nobody}
   */
  static ServerAccount resolve(String configured) {
    long current = currentUid();
    if (current != 0) {
      return new ServerAccount(current, System.getProperty("user.name"), null, List.of());
    }
    String account = configured;
    if (account == null || account.isBlank()) {
      account = System.getenv(OS_USER_ENV);
    }
    if (account == null || account.isBlank()) {
      account = DEFAULT_OS_USER;
    }
    int uid;
    int gid;
    String group;
    try {
      uid = Integer.parseInt(capture("id", "-u", account).strip());
      gid = Integer.parseInt(capture("id", "-g", account).strip());
      group = capture("id", "-gn", account).strip();
    } catch (RuntimeException e) {
      throw new EmbeddedPostgresException(
          "PostgreSQL refuses to run as root, and the account '"
              + account
              + "' meant to run it"
              + " instead cannot be resolved; create it or name another one with "
              + OS_USER_ENV,
          e);
    }
    if (uid == 0) {
      throw new EmbeddedPostgresException(
          "The account '"
              + account
              + "' is root; "
              + OS_USER_ENV
              + " must name an unprivileged account");
    }
    String setpriv = findExecutable("setpriv");
    List<String> launcher =
        List.of(setpriv, "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--");
    return new ServerAccount(current, account, group, launcher);
  }

  /** The numeric user id of this JVM. */
  static long currentUid() {
    try {
      return new com.sun.security.auth.module.UnixSystem().getUid();
    } catch (LinkageError e) {
      // A trimmed runtime without the jdk.security.auth module: ask the operating system.
      return Long.parseLong(capture("id", "-u").strip());
    }
  }

  /** Whether PostgreSQL runs under another account than this JVM (that is, the JVM is root). */
  boolean dropsPrivileges() {
    return !launcher.isEmpty();
  }

  /** The account name, for messages. */
  String name() {
    return name;
  }

  /** The numeric user id of this JVM. */
  long jvmUid() {
    return currentUid;
  }

  /**
   * Whether the server account can reach {@code path}: every existing folder above it (after
   * resolving symbolic links) grants {@code o+x}. Folders that do not exist yet count as
   * traversable because {@link #createDirectories(Path)} creates them so. Always true when no
   * privileges are dropped.
   */
  boolean canTraverse(Path path) {
    if (!dropsPrivileges()) {
      return true;
    }
    Path absolute = path.toAbsolutePath().normalize();
    Path existing = absolute;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return true;
    }
    try {
      Path real = existing.toRealPath();
      for (Path folder = Files.isDirectory(real) ? real : real.getParent();
          folder != null;
          folder = folder.getParent()) {
        if (folder.getParent() != null && !traversableByOthers(folder)) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private boolean traversableByOthers(Path folder) throws IOException {
    PosixFileAttributes attributes = Files.readAttributes(folder, PosixFileAttributes.class);
    if (attributes.permissions().contains(PosixFilePermission.OTHERS_EXECUTE)) {
      return true;
    }
    return attributes.owner().getName().equals(name)
        && attributes.permissions().contains(PosixFilePermission.OWNER_EXECUTE);
  }

  /**
   * Creates {@code folder} and any missing parent. Every folder created here gets {@code rwxr-xr-x}
   * whatever the umask, so that the server account can traverse it.
   */
  static void createDirectories(Path folder) throws IOException {
    Path absolute = folder.toAbsolutePath().normalize();
    List<Path> missing = new ArrayList<>();
    for (Path p = absolute; p != null && !Files.exists(p); p = p.getParent()) {
      missing.add(0, p);
    }
    for (Path p : missing) {
      try {
        Files.createDirectory(p);
        Files.setPosixFilePermissions(p, PostgresBinaries.DIRECTORY_PERMISSIONS);
      } catch (FileAlreadyExistsException raced) {
        // Another process created it meanwhile; keep its permissions.
      }
    }
  }

  /**
   * Hands {@code path} and everything below it (symbolic links themselves, not their targets) to
   * the server account. Does nothing when no privileges are dropped.
   */
  void handOver(Path path) throws IOException {
    if (!dropsPrivileges() || !Files.exists(path, NO_FOLLOW)) {
      return;
    }
    UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
    UserPrincipal owner = lookup.lookupPrincipalByName(name);
    GroupPrincipal group = lookup.lookupPrincipalByGroupName(this.group);
    Files.walkFileTree(
        path,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            chown(dir, owner, group);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            chown(file, owner, group);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void chown(Path path, UserPrincipal owner, GroupPrincipal group)
      throws IOException {
    PosixFileAttributeView view =
        Files.getFileAttributeView(path, PosixFileAttributeView.class, NO_FOLLOW);
    PosixFileAttributes current = view.readAttributes();
    if (!current.owner().equals(owner)) {
      view.setOwner(owner);
    }
    if (!current.group().equals(group)) {
      view.setGroup(group);
    }
  }

  /** The outcome of a PostgreSQL program: its exit code and everything it printed. */
  record Outcome(int exitCode, String output) {
    boolean succeeded() {
      return exitCode == 0;
    }
  }

  /**
   * Runs a PostgreSQL program as the server account and waits for it.
   *
   * <p>Standard output and error go to a private temporary file (opened by this JVM, so the server
   * account needs no access to it) and are returned; {@code PG*} variables of this JVM are not
   * passed on, so a developer's {@code PGPORT} cannot redirect the embedded server. A program that
   * outlives {@code timeout} is killed.
   *
   * @param workDir the working folder, one that the server account can traverse
   * @param stdin a file fed to the program's standard input, or {@code null} for none
   */
  Outcome run(List<String> command, Path workDir, Path stdin, Duration timeout) throws IOException {
    List<String> full = new ArrayList<>(launcher);
    full.addAll(command);
    Path output = Files.createTempFile("paybridge-pg-", ".out");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(full)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
              .redirectInput(
                  stdin == null
                      ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                      : ProcessBuilder.Redirect.from(stdin.toFile()));
      Map<String, String> env = builder.environment();
      env.keySet().removeIf(key -> key.startsWith("PG"));
      env.put("LC_ALL", "C");
      Process process = builder.start();
      boolean exited;
      try {
        exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("Interrupted while waiting for " + command.get(0), e);
      }
      if (!exited) {
        process.destroyForcibly();
        return new Outcome(
            -1,
            Files.readString(output, StandardCharsets.UTF_8)
                + "\n(killed after "
                + timeout.toSeconds()
                + " s)");
      }
      return new Outcome(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(output);
    }
  }

  /** Runs a short helper command as this JVM's user and returns what it printed. */
  static String capture(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output;
      try (InputStream in = process.getInputStream()) {
        output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!process.waitFor(SHORT_COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " timed out");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " failed (" + process.exitValue() + "): " + output.strip());
      }
      return output;
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", command) + " could not run", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(String.join(" ", command) + " interrupted", e);
    }
  }

  private static String findExecutable(String program) {
    List<Path> candidates = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String entry : path.split(":")) {
        if (!entry.isEmpty()) {
          candidates.add(Path.of(entry, program));
        }
      }
    }
    candidates.add(Path.of("/usr/bin", program));
    candidates.add(Path.of("/bin", program));
    candidates.add(Path.of("/usr/sbin", program));
    for (Path candidate : candidates) {
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new EmbeddedPostgresException(
        "PostgreSQL refuses to run as root, and '"
            + program
            + "' (util-linux), which the embedded"
            + " server uses to drop to an unprivileged account, is not installed. Install"
            + " util-linux, run as a non-root user, or set "
            + EmbeddedPostgres.DB_URL_ENV
            + " to use an external database.");
  }
}
