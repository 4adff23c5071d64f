package io.paybridge.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What one fuzzing property saw: how many tries, and how the target answered them (rejected,
 * recorded, malformed, 400, 413…). Written when the property ends to {@code
 * target/fuzz/<target>--<property>.tsv} of the module, one line, which the summary of {@code mvn -P
 * fuzz verify} gathers into one table.
 */
public final class FuzzStats {

  /** How many tries every property runs in this build ({@code fuzz.tries}). */
  public static int tries() {
    return Integer.getInteger("paybridge.fuzz.tries", 1000);
  }

  private final String target;
  private final String property;
  private final Map<String, Long> outcomes = new TreeMap<>();
  private final long started = System.nanoTime();
  private long count;

  public FuzzStats(String target, String property) {
    this.target = target;
    this.property = property;
  }

  /** One try, and what came of it. */
  public synchronized void count(String outcome) {
    count++;
    outcomes.merge(outcome, 1L, Long::sum);
  }

  /** Writes the line; called once the property has run all its tries. */
  public synchronized void write() {
    String line =
        String.join(
                "\t",
                target,
                property,
                String.valueOf(count),
                outcomes.entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue())
                    .collect(Collectors.joining(", ")),
                String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9))
            + "\n";
    try {
      Path dir = Files.createDirectories(Path.of("target", "fuzz"));
      Files.writeString(
          dir.resolve(target.replaceAll("[^A-Za-z0-9_.-]", "_") + "--" + property + ".tsv"),
          line,
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
