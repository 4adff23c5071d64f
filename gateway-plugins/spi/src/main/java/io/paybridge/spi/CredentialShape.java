package io.paybridge.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a credential looks like at its gateway, so that a tenant who saves a placeholder copied from
 * a guide ({@code whsec_…}, {@code xxx}, {@code <secret>}) or pastes a key into the wrong field is
 * told so when saving, with what the field expects, instead of every delivery being refused later.
 *
 * @param pattern the whole value must match it
 * @param expected what the field holds, in the tenant's words, read after "expected": e.g. {@code
 *     the endpoint's signing secret, which starts with whsec_}
 * @param mistakes values of other credentials a tenant may paste here, known by their prefix
 */
public record CredentialShape(Pattern pattern, String expected, List<Mistake> mistakes) {

  /**
   * Another credential recognised by its prefix.
   *
   * @param what what it is, e.g. {@code a secret API key}
   */
  public record Mistake(String prefix, String what) {}

  /** Stands for the value in guides and examples: {@code …}, {@code <secret>}, {@code {key}}. */
  private static final Pattern MARKERS =
      Pattern.compile(".*(…|\\.\\.\\.|<[A-Za-z _-]{1,40}>|\\{[A-Za-z _-]{1,40}}).*");

  /**
   * A leading prefix such as {@code whsec_} or {@code sk_test_}, left out when judging the rest.
   */
  private static final Pattern PREFIX = Pattern.compile("^([A-Za-z]{1,8}_){1,2}");

  /** Characters guides fill a value's place with: {@code xxx}, {@code ****}. */
  private static final Pattern FILLER = Pattern.compile("[xX*#._-]*");

  /** Words that stand for a value in guides. */
  private static final Pattern WORDS =
      Pattern.compile("(?i).*(your[_-]|[_-]here$|placeholder|changeme|replace[_-]?me).*");

  public CredentialShape {
    Objects.requireNonNull(pattern, "pattern");
    Objects.requireNonNull(expected, "expected");
    mistakes = List.copyOf(mistakes);
  }

  /** Values matching {@code regex} as a whole; {@code expected} says what they are. */
  public static CredentialShape of(String regex, String expected) {
    return new CredentialShape(Pattern.compile(regex), expected, List.of());
  }

  /** This shape, telling a value that starts with {@code prefix} is {@code what} instead. */
  public CredentialShape unless(String prefix, String what) {
    List<Mistake> more = new ArrayList<>(mistakes);
    more.add(new Mistake(prefix, what));
    return new CredentialShape(pattern, expected, more);
  }

  /**
   * Why {@code value} is not such a credential, as a sentence that starts with {@code label} and
   * never quotes the value; {@code null} when it is one.
   */
  public String problem(String label, String value) {
    if (looksLikePlaceholder(value)) {
      return placeholder(label, expected);
    }
    for (Mistake m : mistakes) {
      if (value.startsWith(m.prefix())) {
        return label + " holds " + m.what() + " (" + m.prefix() + "…), not " + expected + ".";
      }
    }
    if (!pattern.matcher(value).matches()) {
      return label + " does not look right: expected " + expected + ".";
    }
    return null;
  }

  /** The sentence for a placeholder saved as {@code label}; {@code expected} may be null. */
  static String placeholder(String label, String expected) {
    return label
        + " looks like a placeholder, not a real value"
        + (expected == null ? "" : ": expected " + expected)
        + ". Copy it from your gateway's dashboard.";
  }

  /**
   * Whether a value stands for one instead of being one: it holds {@code …}, {@code ...} or an
   * angle- or brace-bracketed name, words such as {@code your_} or {@code placeholder}, or after
   * its prefix only filler ({@code xxx}, {@code ****}) or, from eight characters on, fewer than
   * four different characters.
   */
  public static boolean looksLikePlaceholder(String value) {
    if (MARKERS.matcher(value).matches()
        || (value.length() <= 64 && WORDS.matcher(value).matches())) {
      return true;
    }
    String rest = PREFIX.matcher(value).replaceFirst("");
    return FILLER.matcher(rest).matches()
        || (rest.length() >= 8 && rest.chars().distinct().count() < 4);
  }
}
