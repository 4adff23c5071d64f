package io.paybridge.bench;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the database server and the kernel did, second by second, for the whole run: commits, WAL
 * records, full-page images and bytes, WAL writes and flushes (with their time when {@code
 * track_wal_io_timing} is on), buffers written by the checkpointer, the background writer and the
 * backends, the machine's dirty and under-writeback page cache, and what the server's client
 * backends were waiting on when {@code bench.pgWaits} asks (sampled 50 times a second from {@code
 * pg_stat_activity}; {@code CPU} is a backend running, each figure the share of samples that found
 * a backend in that state). Written to {@code database.tsv} in the run folder, by wall-clock time,
 * so it lines up with the phases' timelines and PostgreSQL's log: a slow second in a phase can be
 * read against what the server was doing.
 */
final class DatabaseTimeline implements AutoCloseable {

  private static final String SAMPLE =
      """
      SELECT d.xact_commit, w.wal_records, w.wal_fpi, w.wal_bytes::bigint, w.wal_write, w.wal_sync,
             w.wal_write_time, w.wal_sync_time, c.buffers_written, b.buffers_clean,
             (SELECT coalesce(sum(writes), 0)::bigint FROM pg_stat_io
               WHERE backend_type NOT IN ('checkpointer', 'background writer')) AS backend_writes,
             (SELECT coalesce(sum(writebacks), 0)::bigint FROM pg_stat_io) AS writebacks
        FROM pg_stat_database d, pg_stat_wal w, pg_stat_checkpointer c, pg_stat_bgwriter b
       WHERE d.datname = current_database()
      """;

  /** What the server's client backends are doing right now, sampled many times a second. */
  private static final String WAITS =
      """
      SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') FROM pg_stat_activity
       WHERE backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid()
      """;

  private static final int WAIT_SAMPLES_PER_SECOND = 50;

  private static final String HEADER =
      "utc\tcommits\twal_records\twal_fpi\twal_kb\twal_writes\twal_flushes\twal_write_ms"
          + "\twal_flush_ms\tflush_ms_avg\tckpt_buffers\tbgwriter_buffers\tbackend_buffers"
          + "\twritebacks\tdirty_mb\twriteback_mb\tactive_backends\twaits\n";

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
  private static final Path MEMINFO = Path.of("/proc/meminfo");

  private final Vertx vertx;
  private final Pool pool;
  private final BufferedWriter out;
  private final long timer;
  private final long waitTimer;
  private final Map<String, Integer> waits = new HashMap<>();
  private int waitSamples;
  private boolean waitBusy;
  private long[] previous;
  private double[] previousTimes;
  private boolean busy;
  private boolean closed;

  private DatabaseTimeline(Vertx vertx, Pool pool, Path file, boolean waits) throws IOException {
    this.vertx = vertx;
    this.pool = pool;
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    out.write(HEADER);
    this.timer = vertx.setPeriodic(0, 1000, id -> sample());
    this.waitTimer =
        waits ? vertx.setPeriodic(1000 / WAIT_SAMPLES_PER_SECOND, id -> sampleWaits()) : -1;
  }

  private void sampleWaits() {
    if (waitBusy) {
      return;
    }
    waitBusy = true;
    pool.query(WAITS)
        .execute()
        .onComplete(
            ar -> {
              waitBusy = false;
              if (ar.succeeded()) {
                waitSamples++;
                for (Row r : ar.result()) {
                  waits.merge(r.getString(0), 1, Integer::sum);
                }
              }
            });
  }

  /** The second's wait events, most seen first, and the mean number of active backends. */
  private String[] drainWaits() {
    if (waitSamples == 0) {
      return new String[] {"", ""};
    }
    int samples = waitSamples;
    int total = waits.values().stream().mapToInt(Integer::intValue).sum();
    String top =
        waits.entrySet().stream()
            .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
            .limit(6)
            .map(e -> e.getKey() + "=" + Math.round(100.0 * e.getValue() / samples) + "%")
            .collect(Collectors.joining(" "));
    waits.clear();
    waitSamples = 0;
    return new String[] {String.format(Locale.ROOT, "%.2f", (double) total / samples), top};
  }

  /**
   * Starts sampling once a second into {@code database.tsv} in the run folder, and the backends'
   * wait events too when {@code waits} asks for them.
   */
  static DatabaseTimeline start(Vertx vertx, Pool pool, Path runFolder, boolean waits)
      throws IOException {
    return new DatabaseTimeline(vertx, pool, runFolder.resolve("database.tsv"), waits);
  }

  private void sample() {
    if (busy) {
      return; // the server is slow to answer: skip a second rather than pile queries up
    }
    busy = true;
    pool.query(SAMPLE)
        .execute()
        .onComplete(
            ar -> {
              busy = false;
              if (ar.succeeded()) {
                write(ar.result().iterator().next());
              }
            });
  }

  private void write(Row r) {
    long[] now = BenchDatabase.longs(r, 0, 1, 2, 3, 4, 5, 8, 9, 10, 11);
    double[] times = {r.getDouble(6), r.getDouble(7)};
    long[] before = previous;
    double[] timesBefore = previousTimes;
    previous = now;
    previousTimes = times;
    if (before == null) {
      return;
    }
    long flushes = now[5] - before[5];
    double flushMs = times[1] - timesBefore[1];
    double[] cache = pageCache();
    String[] waitsOfSecond = drainWaits();
    String line =
        String.format(
            Locale.ROOT,
            "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%.1f\t%.1f\t%.3f\t%d\t%d\t%d\t%d\t%.0f\t%.0f\t%s\t%s%n",
            LocalTime.now(ZoneOffset.UTC).format(TIME),
            now[0] - before[0],
            now[1] - before[1],
            now[2] - before[2],
            (now[3] - before[3]) / 1024,
            now[4] - before[4],
            flushes,
            times[0] - timesBefore[0],
            flushMs,
            flushes == 0 ? 0.0 : flushMs / flushes,
            now[6] - before[6],
            now[7] - before[7],
            now[8] - before[8],
            now[9] - before[9],
            cache[0],
            cache[1],
            waitsOfSecond[0],
            waitsOfSecond[1]);
    synchronized (this) {
      if (closed) {
        return;
      }
      try {
        out.write(line);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Dirty and under-writeback page cache in MB, from {@code /proc/meminfo} (NaN elsewhere). */
  private static double[] pageCache() {
    double dirty = Double.NaN;
    double writeback = Double.NaN;
    try {
      List<String> lines = Files.readAllLines(MEMINFO, StandardCharsets.US_ASCII);
      for (String line : lines) {
        if (line.startsWith("Dirty:")) {
          dirty = kilobytes(line) / 1024;
        } else if (line.startsWith("Writeback:")) {
          writeback = kilobytes(line) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or not readable: the columns stay empty
    }
    return new double[] {dirty, writeback};
  }

  private static double kilobytes(String line) {
    return Double.parseDouble(line.replaceAll("[^0-9]", ""));
  }

  @Override
  public synchronized void close() throws IOException {
    vertx.cancelTimer(timer);
    if (waitTimer >= 0) {
      vertx.cancelTimer(waitTimer);
    }
    closed = true;
    out.close();
  }
}
