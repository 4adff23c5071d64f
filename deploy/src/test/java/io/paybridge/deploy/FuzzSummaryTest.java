package io.paybridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The table of {@code mvn -P fuzz verify}: every fuzzing target of the build (each gateway plugin's
 * verify and parse, the API's bodies, the console's forms), its tries and how its inputs were
 * answered, gathered from what each module wrote under {@code target/fuzz/}; printed, and written
 * to {@code target/fuzz-summary.md} at the repository's root. The deploy module is built last, so
 * every other module has run its properties by then. Only with {@code -P fuzz}.
 */
class FuzzSummaryTest {

  /** Every target the build fuzzes. */
  static final List<String> TARGETS =
      List.of(
          "stripe",
          "razorpay",
          "code",
          "cryptomus",
          "payeer",
          "anypay",
          "appstore",
          "googleplay",
          "paypal",
          "tenant-api",
          "web-console");

  @Test
  void everyTargetRanItsTriesAndTheTableIsWritten() throws IOException {
    Assumptions.assumeTrue(
        Boolean.getBoolean("paybridge.fuzz.summary"),
        "the summary is -P fuzz's (mvn -P fuzz verify)");
    int tries = Integer.getInteger("paybridge.fuzz.tries", 1000);
    Path root = DeployFiles.DEPLOY.getParent();
    List<String[]> rows = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root, 5)) {
      for (Path f :
          files
              .filter(
                  p -> p.getParent() != null && p.getParent().endsWith(Path.of("target", "fuzz")))
              .filter(p -> p.toString().endsWith(".tsv"))
              .sorted()
              .toList()) {
        rows.add(Files.readString(f, StandardCharsets.UTF_8).strip().split("\t"));
      }
    }
    StringBuilder table =
        new StringBuilder(
            "| target | property | tries | answers | seconds |\n|---|---|---|---|---|\n");
    rows.forEach(r -> table.append("| ").append(String.join(" | ", r)).append(" |\n"));
    Path out = Files.createDirectories(root.resolve("target")).resolve("fuzz-summary.md");
    Files.writeString(
        out,
        "# Fuzzing summary (" + tries + " tries a property)\n\n" + table,
        StandardCharsets.UTF_8);
    System.out.println(
        "\nFuzzing summary, " + tries + " tries a property (" + out + "):\n" + table);

    assertThat(rows).extracting(r -> r[0]).containsAll(TARGETS);
    assertThat(rows)
        .allSatisfy(r -> assertThat(Long.parseLong(r[2])).as(String.join(" ", r)).isEqualTo(tries));
  }
}
