package io.paybridge.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the node's CPU went, from a Java Flight Recorder recording of the node ({@code bench.jfr}):
 * the node starts with a recording of the {@code profile} settings (a stack sample of every running
 * Java thread every 10 ms); at the end of the run it is dumped into the run folder with {@code
 * jcmd}, and its execution samples taken after a given instant (the end of the JIT warm-up) are
 * counted by the method on top of the stack (where the time itself was spent) and by every method
 * anywhere on the stack (what that time was spent for). Samples of threads waiting in native code
 * (epoll, socket reads) are not execution samples, so the shares are of the Java CPU time of the
 * node.
 */
final class JfrProfile {

  /** The recording's name in the node, for {@code jcmd JFR.dump}. */
  static final String RECORDING = "bench";

  private JfrProfile() {}

  /** The JVM option that starts the recording at the node's start. */
  static String startOption() {
    return "-XX:StartFlightRecording=name=" + RECORDING + ",settings=profile,maxsize=1g";
  }

  /** Dumps the running recording of the node {@code pid} into {@code file}; false if it failed. */
  static boolean dump(long pid, Path file) throws IOException, InterruptedException {
    Process jcmd =
        new ProcessBuilder(
                "jcmd",
                Long.toString(pid),
                "JFR.dump",
                "name=" + RECORDING,
                "filename=" + file.toAbsolutePath())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!jcmd.waitFor(120, TimeUnit.SECONDS)) {
      jcmd.destroyForcibly();
      return false;
    }
    return jcmd.exitValue() == 0;
  }

  /**
   * Prints the top frames of the execution samples in {@code file} taken at or after {@code from}.
   */
  static void print(Path file, Instant from, int top) throws IOException {
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> anywhere = new HashMap<>();
    Map<String, Integer> threads = new HashMap<>();
    int samples = 0;
    try (RecordingFile recording = new RecordingFile(file)) {
      while (recording.hasMoreEvents()) {
        RecordedEvent e = recording.readEvent();
        if (!e.getEventType().getName().equals("jdk.ExecutionSample")
            || e.getStartTime().isBefore(from)
            || e.getStackTrace() == null) {
          continue;
        }
        samples++;
        String thread =
            e.getThread("sampledThread") == null
                ? "?"
                : e.getThread("sampledThread").getJavaName().replaceAll("[0-9]+", "N");
        threads.merge(thread, 1, Integer::sum);
        List<RecordedFrame> frames = e.getStackTrace().getFrames();
        if (frames.isEmpty()) {
          continue;
        }
        self.merge(name(frames.get(0)), 1, Integer::sum);
        Set<String> seen = new HashSet<>();
        for (RecordedFrame f : frames) {
          String n = name(f);
          if (seen.add(n)) {
            anywhere.merge(n, 1, Integer::sum);
          }
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%n== node profile (JFR, %s): %d execution samples since %s%n",
        file.getFileName(),
        samples,
        from);
    if (samples == 0) {
      return;
    }
    table("by thread", threads, samples, top, n -> true);
    table("methods on top of the stack (self)", self, samples, top, n -> true);
    int all = samples;
    table(
        "methods anywhere on the stack (total), under 90 % of the samples",
        anywhere, samples, top, n -> anywhere.get(n) < 0.9 * all);
    table(
        "Paybridge's own methods anywhere on the stack (total)",
        anywhere,
        samples,
        top,
        n -> n.startsWith("io.paybridge."));
  }

  private static void table(
      String title, Map<String, Integer> counts, int samples, int top, Predicate<String> keep) {
    System.out.println("   " + title + ":");
    counts.entrySet().stream()
        .filter(en -> keep.test(en.getKey()))
        .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
        .limit(top)
        .forEach(
            en ->
                System.out.printf(
                    Locale.ROOT,
                    "     %5.1f %%  %s%n",
                    100.0 * en.getValue() / samples,
                    en.getKey()));
  }

  private static String name(RecordedFrame f) {
    RecordedMethod m = f.getMethod();
    if (m == null) {
      return "?";
    }
    return m.getType().getName() + "." + m.getName();
  }
}
