package io.paybridge.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * One scrape of the node's Prometheus endpoint, reduced to what the benchmark reads: series by
 * name, selected by label fragments such as {@code area="heap"}.
 */
final class NodeMetrics {

  private record Series(String name, String labels, double value) {}

  private final List<Series> series;
  private final String text;

  private NodeMetrics(List<Series> series, String text) {
    this.series = series;
    this.text = text;
  }

  /** The scrape as the node wrote it. */
  String text() {
    return text;
  }

  /** Parses the text exposition format; comments and malformed lines are skipped. */
  static NodeMetrics parse(String text) {
    List<Series> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.charAt(0) == '#') {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      if (space <= 0) {
        continue;
      }
      String name;
      String labels;
      if (brace > 0 && brace < space) {
        name = line.substring(0, brace);
        labels = line.substring(brace + 1, line.lastIndexOf('}', space));
      } else {
        name = line.substring(0, line.indexOf(' '));
        labels = "";
      }
      try {
        out.add(new Series(name, labels, Double.parseDouble(line.substring(space + 1).strip())));
      } catch (NumberFormatException e) {
        // Not a sample line.
      }
    }
    return new NodeMetrics(out, text);
  }

  /** The sum of every series called {@code name} whose labels contain all {@code fragments}. */
  double sum(String name, String... fragments) {
    double total = 0;
    for (Series s : series) {
      if (s.name.equals(name) && matches(s.labels, fragments)) {
        total += s.value;
      }
    }
    return total;
  }

  /** The largest value among the selected series, or NaN when there is none. */
  double max(String name, String... fragments) {
    double max = Double.NaN;
    for (Series s : series) {
      if (s.name.equals(name) && matches(s.labels, fragments) && !(s.value <= max)) {
        max = s.value;
      }
    }
    return max;
  }

  /** Heap in use, all pools together. */
  double heapUsedBytes() {
    return sum("jvm_memory_used_bytes", "area=\"heap\"");
  }

  private static boolean matches(String labels, String[] fragments) {
    for (String f : fragments) {
      if (!labels.contains(f)) {
        return false;
      }
    }
    return true;
  }
}
