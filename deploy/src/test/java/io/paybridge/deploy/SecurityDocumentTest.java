package io.paybridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * docs/security.md cannot name a proof that does not exist: every test class it names ({@code
 * ThrottlesTest}, {@code ModesIT}), and every test method ({@code SignInThrottleTest.method},
 * {@code ModeRulesTest#method}, or {@code #method} after a named class), is looked up in the
 * repository's test sources, and each named class carries the {@code security} tag that {@code mvn
 * -Psecurity verify} selects.
 */
@Tag("security")
class SecurityDocumentTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** A test class's name, then its method after {@code .} or {@code #}, if any. */
  private static final Pattern NAMED =
      Pattern.compile("\\b([A-Z][A-Za-z0-9]*(?:Test|IT))(?:[.#]([a-z][A-Za-z0-9]*))?");

  /** A method named alone, after a class named earlier in the same span of code. */
  private static final Pattern ALONE = Pattern.compile("(?<![A-Za-z0-9])#([a-z][A-Za-z0-9]*)");

  private static final Pattern CODE = Pattern.compile("`([^`]+)`");

  @Test
  void everyTestTheDocumentNamesExistsAndIsTaggedSecurity() throws IOException {
    String document = Files.readString(ROOT.resolve("docs/security.md"));
    Map<String, Path> sources = testSources();
    Set<String> named = new LinkedHashSet<>();
    List<String> problems = new ArrayList<>();
    String lastClass = null;
    Matcher code = CODE.matcher(document);
    while (code.find()) {
      String span = code.group(1);
      Matcher m = NAMED.matcher(span);
      boolean any = false;
      while (m.find()) {
        any = true;
        lastClass = m.group(1);
        named.add(lastClass);
        check(lastClass, m.group(2), sources, problems);
      }
      if (!any && lastClass != null) {
        Matcher alone = ALONE.matcher(span);
        while (alone.find()) {
          check(lastClass, alone.group(1), sources, problems);
        }
      }
    }
    assertThat(named).as("test classes named by docs/security.md").hasSizeGreaterThan(40);
    assertThat(problems).as("what docs/security.md names and the tests lack").isEmpty();
  }

  private static void check(
      String className, String method, Map<String, Path> sources, List<String> problems) {
    Path source = sources.get(className);
    if (source == null) {
      problems.add(className + ": no such test class");
      return;
    }
    String text = read(source);
    if (!text.contains("@Tag(\"security\")")) {
      problems.add(className + ": not tagged security");
    }
    if (method != null && !Pattern.compile("void\\s+" + method + "\\s*\\(").matcher(text).find()) {
      problems.add(className + "#" + method + ": no such test method");
    }
  }

  /** Every test source of the repository by its class's simple name. */
  private static Map<String, Path> testSources() throws IOException {
    Map<String, Path> sources = new TreeMap<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      files
          .filter(p -> p.toString().contains("/src/test/java/") && p.toString().endsWith(".java"))
          .filter(p -> !p.toString().contains("/target/"))
          .forEach(p -> sources.put(p.getFileName().toString().replace(".java", ""), p));
    }
    return sources;
  }

  private static String read(Path source) {
    try {
      return Files.readString(source);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
