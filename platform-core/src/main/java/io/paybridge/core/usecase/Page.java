package io.paybridge.core.usecase;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a keyset-paged listing: its items, and the key of the last one when more follow
 * ({@code null} on the last page). Keyset pages stay stable while new rows arrive.
 *
 * @param <T> what is listed
 * @param <K> the key a listing continues after
 */
public record Page<T, K>(List<T> items, K next) {

  public Page {
    items = List.copyOf(items);
  }

  /**
   * The page of a query that fetched up to {@code limit + 1} rows: the row past the limit is not
   * shown, it only says that more follow.
   */
  public static <T, K> Page<T, K> of(List<T> fetched, int limit, Function<T, K> key) {
    if (fetched.size() <= limit) {
      return new Page<>(fetched, null);
    }
    List<T> shown = fetched.subList(0, limit);
    return new Page<>(shown, key.apply(shown.get(limit - 1)));
  }

  /** Whether more items follow this page. */
  public boolean hasMore() {
    return next != null;
  }
}
