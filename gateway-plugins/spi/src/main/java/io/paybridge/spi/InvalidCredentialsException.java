package io.paybridge.spi;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Submitted credentials do not fit the gateway's schema or its rules: every field at fault with
 * what is wrong, in sentences that call the field by its label. Answered with 400 naming the
 * fields.
 */
public class InvalidCredentialsException extends RuntimeException {

  /**
   * One field at fault.
   *
   * @param field the field's name, or {@code null} when the whole object is wrong
   * @param message what is wrong, calling the field by its label
   */
  public record Problem(String field, String message) {
    public Problem {
      Objects.requireNonNull(message, "message");
    }
  }

  private final List<Problem> problems;

  public InvalidCredentialsException(String field, String message) {
    this(List.of(new Problem(field, message)));
  }

  /**
   * @param problems at least one
   */
  public InvalidCredentialsException(List<Problem> problems) {
    super(
        problems.stream().map(Problem::message).collect(Collectors.joining(" ")),
        null,
        false,
        false);
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  /** Every field at fault, in form order. */
  public List<Problem> problems() {
    return problems;
  }

  /** The first offending field, or {@code null} when the whole object is wrong. */
  public String field() {
    return problems.get(0).field();
  }
}
