package io.paybridge.core.usecase;

import java.util.ArrayList;
import java.util.List;

/** Collects what is wrong with a request, so every invalid field is reported at once. */
public final class Checks {

  private final List<InvalidInput.Problem> problems = new ArrayList<>();

  /** Records a problem with {@code field} unless {@code ok}. */
  public Checks require(boolean ok, String field, String message) {
    if (!ok) {
      problems.add(new InvalidInput.Problem(field, message));
    }
    return this;
  }

  /**
   * A succeeded future when nothing was recorded, else one failed with {@link InvalidInput}: use
   * cases answer bad input the way they answer everything else, as a future.
   */
  public io.vertx.core.Future<Void> verdict() {
    return problems.isEmpty()
        ? io.vertx.core.Future.succeededFuture()
        : io.vertx.core.Future.failedFuture(new InvalidInput(problems));
  }

  /** Throws {@link InvalidInput} when anything was recorded. */
  public void throwIfAny() {
    if (!problems.isEmpty()) {
      throw new InvalidInput(problems);
    }
  }

  public static boolean lengthWithin(String s, int min, int max) {
    return s != null && s.strip().length() >= min && s.length() <= max;
  }
}
