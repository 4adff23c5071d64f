package io.paybridge.core.usecase;

import java.util.List;
import java.util.Objects;

/**
 * Input a use case refuses, with every field at fault and what is wrong with it, in words a person
 * reads. The API answers it as a 422 naming the fields; the console shows each message beside its
 * field.
 */
public final class InvalidInput extends RuntimeException {

  /** One field at fault. */
  public record Problem(String field, String message) {
    public Problem {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(message, "message");
    }
  }

  private final List<Problem> problems;

  public InvalidInput(List<Problem> problems) {
    super(problems.isEmpty() ? "invalid input" : problems.get(0).message(), null, false, false);
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  public static InvalidInput of(String field, String message) {
    return new InvalidInput(List.of(new Problem(field, message)));
  }

  public List<Problem> problems() {
    return problems;
  }

  /** The first field at fault. */
  public String field() {
    return problems.get(0).field();
  }
}
