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

  /**
   * The page of a query that read {@code request}'s page in its direction, fetching up to {@code
   * limit + 1} rows: forwards as {@link #of}; backwards (towards the listing's start, so fetched in
   * the reverse of the listing's order) turned round into the listing's order, the row past the
   * limit saying that more precede it.
   */
  public static <T, K> Page<T, K> of(List<T> fetched, PageRequest<K> request, Function<T, K> key) {
    if (!request.backwards()) {
      return of(fetched, request.limit(), key);
    }
    int limit = request.limit();
    List<T> shown = new java.util.ArrayList<>(fetched.subList(0, Math.min(limit, fetched.size())));
    java.util.Collections.reverse(shown);
    return new Page<>(shown, fetched.size() > limit ? key.apply(shown.get(0)) : null);
  }

  /** Whether more items follow this page (precede it, for a page read backwards). */
  public boolean hasMore() {
    return next != null;
  }
}
