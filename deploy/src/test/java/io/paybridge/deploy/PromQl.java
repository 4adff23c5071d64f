package io.paybridge.deploy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reader of the PromQL our dashboard and alert rules use: it refuses what is not PromQL-shaped
 * (unbalanced brackets, unclosed strings, unknown functions, malformed label matchers or ranges, a
 * dangling operator) and lists the series selectors, so a test can hold every metric and label
 * value they name against what the nodes really export. Not a full parser: enough to catch a typo.
 */
final class PromQl {

  /** One label matcher of a selector: {@code label op "value"}. */
  record LabelMatcher(String label, String op, String value) {}

  /** A series selector: a metric name and its label matchers. */
  record Selector(String metric, List<LabelMatcher> matchers) {}

  private static final Set<String> FUNCTIONS =
      Set.of(
          "rate",
          "irate",
          "increase",
          "delta",
          "idelta",
          "deriv",
          "sum",
          "max",
          "min",
          "avg",
          "count",
          "topk",
          "bottomk",
          "quantile",
          "histogram_quantile",
          "abs",
          "clamp_min",
          "clamp_max",
          "time",
          "vector",
          "scalar",
          "max_over_time",
          "min_over_time",
          "avg_over_time",
          "absent",
          "label_replace",
          "round",
          "sort_desc",
          "predict_linear");
  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset");
  private static final Set<String> LABEL_LISTS =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
  private static final Set<String> MATCH_OPS = Set.of("=", "!=", "=~", "!~");
  private static final Set<String> BINARY =
      Set.of("+", "-", "*", "/", "%", "^", "==", "!=", ">", "<", ">=", "<=");
  private static final Pattern TOKEN =
      Pattern.compile(
          "\\s*(?:(?<str>\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*')"
              + "|(?<range>\\[[^\\]]*\\])"
              + "|(?<num>\\d+(?:\\.\\d+)?(?:e[+-]?\\d+)?)"
              + "|(?<id>[a-zA-Z_:][a-zA-Z0-9_:]*)"
              + "|(?<op>=~|!~|==|!=|>=|<=|[-+*/%^=<>(){},]))");
  private static final Pattern RANGE =
      Pattern.compile(
          "\\[(?:\\d+[smhdwy]|\\$__rate_interval|\\$__interval|\\$__range)(?::\\d+[smhdwy])?\\]");
  static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  private PromQl() {}

  /**
   * The selectors of an expression.
   *
   * @throws IllegalArgumentException naming what is not PromQL-shaped
   */
  static List<Selector> selectors(String expr) {
    List<String> tokens = tokens(expr);
    List<Selector> selectors = new ArrayList<>();
    Deque<String> open = new ArrayDeque<>();
    String previous = null;
    for (int i = 0; i < tokens.size(); i++) {
      String t = tokens.get(i);
      String next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
      if (t.equals("(")) {
        open.push("(");
      } else if (t.equals(")")) {
        if (open.isEmpty()) {
          throw new IllegalArgumentException("unbalanced ')' in " + expr);
        }
        open.pop();
      } else if (t.startsWith("[")) {
        if (!RANGE.matcher(t).matches()) {
          throw new IllegalArgumentException("not a range or subquery: " + t + " in " + expr);
        }
      } else if (t.equals("{") || t.equals("}")) {
        throw new IllegalArgumentException("label matchers without a metric name in " + expr);
      } else if (METRIC_NAME.matcher(t).matches() && !Character.isDigit(t.charAt(0))) {
        if (LABEL_LISTS.contains(t)) {
          i = labelList(tokens, i, expr);
        } else if (KEYWORDS.contains(t)) {
          // a set operator or modifier
        } else if ("(".equals(next) || LABEL_LISTS.contains(next)) {
          if (!FUNCTIONS.contains(t)) {
            throw new IllegalArgumentException("unknown function " + t + " in " + expr);
          }
        } else {
          List<LabelMatcher> matchers = new ArrayList<>();
          if ("{".equals(next)) {
            i = matchers(tokens, i + 1, matchers, expr);
          }
          selectors.add(new Selector(t, matchers));
        }
      } else if (BINARY.contains(t) && (previous == null || BINARY.contains(previous))) {
        if (!t.equals("-")) {
          throw new IllegalArgumentException("operator " + t + " without a left side in " + expr);
        }
      }
      previous = t;
    }
    if (!open.isEmpty()) {
      throw new IllegalArgumentException("unbalanced '(' in " + expr);
    }
    if (previous == null || BINARY.contains(previous)) {
      throw new IllegalArgumentException("expression ends without a right side: " + expr);
    }
    if (selectors.isEmpty()) {
      throw new IllegalArgumentException("no series named in " + expr);
    }
    return selectors;
  }

  private static int labelList(List<String> tokens, int at, String expr) {
    int i = at + 1;
    if (i >= tokens.size() || !tokens.get(i).equals("(")) {
      // group_left without labels, say
      return at;
    }
    i++;
    while (i < tokens.size() && !tokens.get(i).equals(")")) {
      String t = tokens.get(i);
      if (!t.equals(",") && !METRIC_NAME.matcher(t).matches()) {
        throw new IllegalArgumentException("not a label in " + tokens.get(at) + "(…): " + expr);
      }
      i++;
    }
    if (i >= tokens.size()) {
      throw new IllegalArgumentException("unclosed label list in " + expr);
    }
    return i;
  }

  private static int matchers(List<String> tokens, int brace, List<LabelMatcher> out, String expr) {
    int i = brace + 1;
    while (i < tokens.size() && !tokens.get(i).equals("}")) {
      if (i + 2 >= tokens.size()) {
        throw new IllegalArgumentException("unclosed label matchers in " + expr);
      }
      String label = tokens.get(i);
      String op = tokens.get(i + 1);
      String value = tokens.get(i + 2);
      if (!METRIC_NAME.matcher(label).matches()
          || !MATCH_OPS.contains(op)
          || !(value.startsWith("\"") || value.startsWith("'"))) {
        throw new IllegalArgumentException(
            "not a label matcher: " + label + " " + op + " " + value + " in " + expr);
      }
      out.add(new LabelMatcher(label, op, value.substring(1, value.length() - 1)));
      i += 3;
      if (i < tokens.size() && tokens.get(i).equals(",")) {
        i++;
      }
    }
    if (i >= tokens.size()) {
      throw new IllegalArgumentException("unclosed label matchers in " + expr);
    }
    return i;
  }

  private static List<String> tokens(String expr) {
    List<String> tokens = new ArrayList<>();
    Matcher m = TOKEN.matcher(expr);
    int at = 0;
    while (at < expr.length()) {
      if (expr.substring(at).isBlank()) {
        break;
      }
      if (!m.find(at) || m.start() != at) {
        throw new IllegalArgumentException(
            "cannot read '" + expr.substring(at).strip() + "' in " + expr);
      }
      String token = m.group().strip();
      tokens.add(token);
      at = m.end();
    }
    return tokens;
  }

  /** Metric names of every expression, with the label values their matchers require. */
  static Map<String, List<LabelMatcher>> metrics(Iterable<String> exprs) {
    Map<String, List<LabelMatcher>> out = new LinkedHashMap<>();
    for (String expr : exprs) {
      for (Selector s : selectors(expr)) {
        out.computeIfAbsent(s.metric(), k -> new ArrayList<>()).addAll(s.matchers());
      }
    }
    return out;
  }
}
