package io.paybridge.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The chaos suite's verdict: one row per fault, the pass conditions checked on each, and the
 * summary table printed and written as Markdown.
 */
final class ChaosReport {

  /**
   * What one fault did to the money.
   *
   * @param fault what was done, in a few words
   * @param sent distinct webhooks the gateway sent during the phase
   * @param acknowledged webhooks answered 2xx (on some try)
   * @param receipts receipts recorded for the acknowledged webhooks
   * @param entries ledger entries booked from them
   * @param delivered of those entries, how many the sink accepted (by message id)
   * @param deliveredRows of those entries' deliveries, how many the platform marks delivered
   * @param deliveryRows all deliveries of those entries
   * @param redeliveries sink acceptances beyond the first for those entries (at least once)
   * @param notDeliveredButReceived deliveries the sink accepted that the platform does not mark
   *     delivered
   * @param errors the gateway's non-2xx answers and failures, over all tries
   * @param recoverSeconds from the end of the fault until every acknowledged webhook was booked and
   *     delivered; NaN if that did not happen in time
   * @param note what the platform did that the row alone does not tell
   */
  record Row(
      String fault,
      long sent,
      long acknowledged,
      long receipts,
      long entries,
      long delivered,
      long deliveredRows,
      long deliveryRows,
      long redeliveries,
      long notDeliveredButReceived,
      Map<String, Integer> errors,
      double recoverSeconds,
      String note) {

    /** Acknowledged webhooks without a receipt or ledger entry. */
    long lost() {
      return Math.max(0, acknowledged - Math.min(receipts, entries));
    }

    List<String> problems() {
      List<String> p = new ArrayList<>();
      if (lost() > 0) {
        p.add(lost() + " acknowledged webhooks lost");
      }
      if (entries > acknowledged) {
        p.add((entries - acknowledged) + " entries beyond the acknowledged webhooks");
      }
      if (delivered < entries) {
        p.add((entries - delivered) + " entries never reached the sink");
      }
      if (deliveredRows < deliveryRows) {
        p.add((deliveryRows - deliveredRows) + " deliveries not marked delivered");
      }
      if (notDeliveredButReceived > 0) {
        p.add(notDeliveredButReceived + " deliveries the sink had but not marked delivered");
      }
      if (Double.isNaN(recoverSeconds)) {
        p.add("did not recover in time");
      }
      return p;
    }
  }

  private final List<Row> rows = new ArrayList<>();
  private final List<String> overall = new ArrayList<>();

  void add(Row row) {
    rows.add(row);
    System.out.println(line(row));
  }

  /** A failed condition that belongs to the run rather than to one fault. */
  void problem(String problem) {
    overall.add(problem);
  }

  boolean passed() {
    return overall.isEmpty() && rows.stream().allMatch(r -> r.problems().isEmpty());
  }

  /** The summary table, with the settings line {@code header} above it. */
  String markdown(String header) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Chaos run, ")
        .append(OffsetDateTime.now(ZoneOffset.UTC).withNano(0))
        .append("\n\n")
        .append(header)
        .append("\n\n")
        .append(
            "| fault | sent | acked | receipts | ledger entries | lost | at sink | delivered rows"
                + " | sink redeliveries | sink had, not delivered | recovered in | gateway saw |"
                + " verdict |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %d | %d | %d | %d | %d | %d of %d | %d | %d | %s | %s | %s |%n",
              r.fault(),
              r.sent(),
              r.acknowledged(),
              r.receipts(),
              r.entries(),
              r.lost(),
              r.delivered(),
              r.deliveredRows(),
              r.deliveryRows(),
              r.redeliveries(),
              r.notDeliveredButReceived(),
              Double.isNaN(r.recoverSeconds())
                  ? "no"
                  : String.format(Locale.ROOT, "%.1f s", r.recoverSeconds()),
              r.errors().isEmpty() ? "all 2xx" : r.errors().toString().replace("|", "/"),
              r.problems().isEmpty() ? "PASS" : "FAIL: " + String.join("; ", r.problems())));
    }
    sb.append('\n');
    for (Row r : rows) {
      if (!r.note().isEmpty()) {
        sb.append("- ").append(r.fault()).append(": ").append(r.note()).append('\n');
      }
    }
    for (String p : overall) {
      sb.append("- FAIL: ").append(p).append('\n');
    }
    sb.append('\n').append(passed() ? "**PASS**" : "**FAIL**").append('\n');
    return sb.toString();
  }

  /** Prints the summary and writes it to {@code file}. */
  void write(Path file, String header) throws IOException {
    String text = markdown(header);
    System.out.println();
    System.out.println(text);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    System.out.println("summary written to " + file);
  }

  private static String line(Row r) {
    return String.format(
        Locale.ROOT,
        "   %s: sent %d, acked %d, receipts %d, entries %d, at sink %d, delivered %d/%d,"
            + " redeliveries %d, recovered %s, errors %s -> %s",
        r.fault(),
        r.sent(),
        r.acknowledged(),
        r.receipts(),
        r.entries(),
        r.delivered(),
        r.deliveredRows(),
        r.deliveryRows(),
        r.redeliveries(),
        Double.isNaN(r.recoverSeconds())
            ? "no"
            : String.format(Locale.ROOT, "in %.1f s", r.recoverSeconds()),
        r.errors(),
        r.problems().isEmpty() ? "PASS" : "FAIL " + r.problems());
  }
}
