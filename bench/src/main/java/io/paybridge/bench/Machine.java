package io.paybridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The machine a benchmark ran on, as its report names it. */
final class Machine {

  private Machine() {}

  /**
   * Prints a report's first lines: "== Paybridge {@code benchmark} benchmark", the time and {@code
   * suffix}, then the machine with its JVM and operating system.
   */
  static void printHeader(String benchmark, String suffix) {
    System.out.println(
        "== Paybridge "
            + benchmark
            + " benchmark, "
            + OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
            + suffix);
    System.out.println(
        "machine: "
            + line()
            + "; "
            + System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.runtime.version")
            + ", "
            + System.getProperty("os.name")
            + " "
            + System.getProperty("os.version"));
  }

  /** Cores, CPU model and memory of this machine, in one line. */
  static String line() {
    String model = "unknown CPU";
    double memGiB = Double.NaN;
    try {
      model =
          Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
              .filter(l -> l.startsWith("model name"))
              .findFirst()
              .map(l -> l.substring(l.indexOf(':') + 1).strip())
              .orElse(model);
      memGiB =
          Files.readAllLines(Path.of("/proc/meminfo")).stream()
              .filter(l -> l.startsWith("MemTotal:"))
              .findFirst()
              .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1048576.0)
              .orElse(Double.NaN);
    } catch (IOException | RuntimeException e) {
      // Reported as unknown.
    }
    return String.format(
        Locale.ROOT,
        "%d cores (%s), %.1f GiB",
        Runtime.getRuntime().availableProcessors(),
        model,
        memGiB);
  }
}
