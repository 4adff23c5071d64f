package io.paybridge.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The deployment files under {@code deploy/} (Dockerfile, compose, Kubernetes, Prometheus and
 * Grafana), read for their tests: as YAML or text, with compose's {@code ${VAR:-default}} taken at
 * its default, as a fresh clone would run them.
 */
final class DeployFiles {

  /** The module's folder: Maven runs the tests there. */
  static final Path DEPLOY = Path.of("").toAbsolutePath();

  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{([A-Z0-9_]+)(?::?-([^}]*))?(?::?\\?[^}]*)?\\}");

  private DeployFiles() {}

  static Path path(String relative) {
    return DEPLOY.resolve(relative);
  }

  static String text(String relative) {
    try {
      return Files.readString(path(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every document of a YAML file. */
  static List<Map<String, Object>> yamlDocuments(String relative) {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : yaml().loadAll(text(relative))) {
      if (doc != null) {
        docs.add(map(doc, relative));
      }
    }
    return docs;
  }

  static Map<String, Object> yaml(String relative) {
    List<Map<String, Object>> docs = yamlDocuments(relative);
    if (docs.size() != 1) {
      throw new AssertionError(relative + " holds " + docs.size() + " YAML documents, not one");
    }
    return docs.get(0);
  }

  /** A compose file's YAML with each variable at its default, as compose itself would read it. */
  static Map<String, Object> composeYaml(String relative) {
    Matcher m = VARIABLE.matcher(text(relative));
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(2) == null ? "" : m.group(2)));
    }
    m.appendTail(out);
    return map(yaml().load(out.toString()), relative);
  }

  private static Yaml yaml() {
    return new Yaml(new SafeConstructor(new LoaderOptions()));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value, String where) {
    if (!(value instanceof Map<?, ?> m)) {
      throw new AssertionError(where + " is not a mapping: " + value);
    }
    return (Map<String, Object>) m;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object value, String where) {
    if (!(value instanceof List<?> l)) {
      throw new AssertionError(where + " is not a list: " + value);
    }
    return (List<Object>) l;
  }

  /** A mapping's entries as strings, as a process's environment would see them. */
  static Map<String, String> env(Object value, String where) {
    Map<String, String> env = new LinkedHashMap<>();
    map(value, where).forEach((k, v) -> env.put(k, v == null ? "" : String.valueOf(v)));
    return env;
  }
}
